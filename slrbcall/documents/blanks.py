"""The blanks a document would be rendered with: what its context leaves ``None``.

A document with a blank cannot be signed or sent as it comes out: the officer must
fill it in by hand. ``render-conventions`` and ``render-letters`` name each blank, one
line per blank and per document, and ``--strict`` refuses to render while one is
left. Nothing is ever filled in by guess.

Pure: a context in, sentences out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slrbcall.i18n import N_, _

__all__ = ["blanks"]

_ROLE_NAMES = {
    "authority": N_("authority"),
    "housing_company": N_("housing company"),
    "second_housing_company": N_("second housing company"),
    "partner": N_("partner"),
    "commune": N_("commune"),
}
#: What a party lacks, with ``{who}``: its name and its role.
_PARTY_FACTS = (
    ("enterprise_number", N_("no enterprise number (BCE/KBO) for {who}")),
    ("address", N_("no address for {who}")),
    ("representative", N_("no representative for {who}")),
)
#: Keys of the call every document prints, and what their absence is called.
_SIGNED = (
    ("signatory", N_("no signatory for the authority (authority_representative in the call)")),
    ("decided_on", N_("no decision (decision in the call)")),
)
_CONVENTION = (
    ("start_date", N_("no start date (the application's start date)")),
    ("imputation_allocation", N_("no budget imputation (imputation in the call)")),
)
_LETTER = (
    ("recipient_person", N_("no contact person (the application's contact person)")),
    ("recipient_address", N_("no address of the applicant (the registry)")),
    ("contact_name", N_("no contact person of the authority (contact in the call)")),
    ("appeal_body", N_("no appeal route (appeal in the call)")),
    ("ombudsman_name", N_("no ombudsman (ombudsman in the call)")),
)


def blanks(context: Mapping[str, Any]) -> list[str]:
    """What the document of ``context`` would print as a blank, in reading order."""
    kind = str(context["kind"])
    found = [_(message) for key, message in _SIGNED if context.get(key) is None]
    if kind in ("convention", "amendment"):
        for party in context.get("parties") or []:
            role = party["role"]
            who = f"{party['name']} ({_(_ROLE_NAMES[role]) if role in _ROLE_NAMES else role})"
            for key, message in _PARTY_FACTS:
                if party.get(key) is None:
                    found.append(_(message).format(who=who))
            if party.get("beneficiary") and party.get("iban") is None:
                found.append(_("no IBAN for {who}, who receives the grant").format(who=who))
        found.extend(_(message) for key, message in _CONVENTION if context.get(key) is None)
    else:
        found.extend(_(message) for key, message in _LETTER if context.get(key) is None)
        if context.get("copy_name") and context.get("copy_address") is None:
            found.append(
                _("no address for {name} (partner, in copy)").format(name=context["copy_name"])
            )
    return found
