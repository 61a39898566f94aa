"""What every document says about the call itself, in its language: the title inside a
sentence, who signs for the authority, the decision, the budget imputation, and the
mentions a Brussels administrative decision must carry (the legal basis, the appeal
route, the ombudsman, a contact person).

A decision notified to an applicant must say that the Brussels ombudsman may be
referred to, and how, and which appeal lies against it, before which instance, in
which form and within which time; without these the appeal period does not start
(joint decree and ordinance of 16 May 2019 on the publicity of the administration,
art. 8, § 2, in force since 1 October 2024; for the Council of State, also art. 19 of
the coordinated laws of 12 January 1973). The facts come from the call file (see
docs/call-definition.md); this module only words them, and a fact the file leaves
out is ``None``.

Pure: no file is read here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slrbcall.documents.l10n import format_date, number_in_words

if TYPE_CHECKING:
    from slrbcall.model import Call, Organisation

__all__ = ["MENTIONS", "call_keys"]

#: The mentions every decision letter carries, each with the context keys whose values
#: must all be read in the rendered letter (``templates check``).
MENTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("legal_basis", "the legal basis", ("legal_bases", "decision_body")),
    ("reasons", "the reasons", ("reasons",)),
    ("appeal", "the appeal route", ("appeal_body", "appeal_days_text", "appeal_form")),
    ("ombudsman", "the ombudsman and how to reach it", ("ombudsman_name", "ombudsman_phone")),
    ("contact", "a contact person", ("contact_name", "contact_phone", "contact_email")),
)


def _quoted(title: str, lang: str) -> str:
    """The title quoted after a preposition, when the call gives no ``title_in_context``:
    quotes need no elision (*de « Appel ... »*, *van „Projectoproep ...”*)."""
    return f"van „{title}”" if lang == "nl" else f"de «\u00a0{title}\u00a0»"


def _unbroken(phone: str) -> str:
    """A phone number never broken across lines: its spaces are no-break spaces."""
    return phone.replace(" ", "\u00a0")


def call_keys(call: Call, authority: Organisation, lang: str) -> dict[str, Any]:
    """The call's own keys of a document's context in ``lang`` (every one present)."""
    person = call.authority_representative
    if person is None and authority.representatives:
        person = authority.representatives[0]
    decision, imputation = call.decision, call.imputation
    contact, appeal, ombudsman = call.contact, call.appeal, call.ombudsman
    contact_address = None
    if contact is not None:
        if contact.address is not None:
            contact_address = contact.address[lang]
        elif authority.address is not None:
            contact_address = authority.address.text(lang)
    return {
        "call_title_in_context": call.title_in_context[lang]
        if call.title_in_context
        else _quoted(call.title[lang], lang),
        "signatory": person.name if person else None,
        "signatory_function": person.function[lang] if person else None,
        "decision_body": decision.body[lang] if decision else None,
        "decided_on": decision.date.isoformat() if decision else None,
        "decided_on_text": format_date(decision.date, lang) if decision else None,
        "imputation_allocation": imputation.basic_allocation if imputation else None,
        "imputation_year": imputation.year if imputation else None,
        "contact_name": contact.name if contact else None,
        "contact_function": contact.function[lang] if contact else None,
        "contact_service": contact.service[lang] if contact and contact.service else None,
        "contact_address": contact_address,
        "contact_phone": _unbroken(contact.phone) if contact else None,
        "contact_email": contact.email if contact else None,
        "appeal_body": appeal.body[lang] if appeal else None,
        "appeal_address": appeal.address[lang] if appeal else None,
        "appeal_form": appeal.form[lang] if appeal else None,
        "appeal_days": appeal.days if appeal else None,
        "appeal_days_text": (
            f"{number_in_words(appeal.days, lang)} ({appeal.days})" if appeal else None
        ),
        "ombudsman_name": ombudsman.name[lang] if ombudsman else None,
        "ombudsman_address": ombudsman.address[lang] if ombudsman else None,
        "ombudsman_phone": _unbroken(ombudsman.phone) if ombudsman else None,
        "ombudsman_email": ombudsman.email[lang] if ombudsman else None,
        "ombudsman_website": ombudsman.website if ombudsman else None,
        "subsidy_rules": call.subsidy_rules[lang] if call.subsidy_rules else None,
    }
