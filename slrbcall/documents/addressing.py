"""Who a document names: the parties of a convention, each with its role, and the
addressee of a letter with the copy to the partner.

A convention names every party in full: the authority, the housing company that
applies (and a second one where the call has two sign), the partner, and the commune
where the application names one. The facts come from the registry (the authority,
the housing companies, the communes) or from the application (the partner); a fact
neither gives stays ``None``, and :mod:`slrbcall.documents.blanks` names it. The
party the grant is paid to (the call's ``beneficiary``) carries its IBAN.

Pure: no file is read here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slrbcall.documents.l10n import format_iban
from slrbcall.model import SignatoryRole

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Application, Call, Organisation, Representative

__all__ = ["ROLES", "beneficiary_keys", "letter_keys", "party_list"]

#: Each role: how the convention calls the party (label), what it does in the
#: project (text), and the short name the convention uses for it afterwards.
ROLES: dict[str, dict[str, dict[str, str]]] = {
    "authority": {
        "label": {"fr": "l'autorité subsidiante", "nl": "de subsidiërende overheid"},
        "text": {
            "fr": "octroie la subvention et en contrôle l'emploi",
            "nl": "kent de subsidie toe en controleert de besteding ervan",
        },
    },
    "beneficiary": {
        "label": {"fr": "le bénéficiaire", "nl": "de begunstigde"},
        "text": {
            "fr": "porte le projet, reçoit la subvention et en justifie l'emploi",
            "nl": "draagt het project, ontvangt de subsidie en verantwoordt de besteding ervan",
        },
    },
    "housing_company": {
        "label": {
            "fr": "la société immobilière de service public",
            "nl": "de openbare vastgoedmaatschappij",
        },
        "text": {
            "fr": "mène le projet avec le bénéficiaire",
            "nl": "voert het project samen met de begunstigde uit",
        },
    },
    "second_housing_company": {
        "label": {
            "fr": "la deuxième société immobilière de service public",
            "nl": "de tweede openbare vastgoedmaatschappij",
        },
        "text": {
            "fr": "mène le projet avec le bénéficiaire, auprès de ses propres locataires",
            "nl": "voert het project samen met de begunstigde uit, bij haar eigen huurders",
        },
    },
    "partner": {
        "label": {"fr": "le partenaire associatif", "nl": "de partnervereniging"},
        "text": {
            "fr": "réalise les activités du projet avec les habitants",
            "nl": "voert de activiteiten van het project met de bewoners uit",
        },
    },
    "commune": {
        "label": {"fr": "la commune", "nl": "de gemeente"},
        "text": {
            "fr": "soutient le projet sur son territoire",
            "nl": "ondersteunt het project op haar grondgebied",
        },
    },
}


def _representative(person: Representative | None, lang: str) -> str | None:
    return f"{person.name}, {person.function[lang]}" if person else None


def party_list(
    call: Call, registry: Registry, application: Application, lang: str
) -> list[dict[str, Any]]:
    """The parties of ``application``'s convention, in the call's order of signatories.

    Each has every key: ``role`` (authority, housing_company, second_housing_company,
    partner, commune), ``role_label``, ``role_text``, ``beneficiary`` (whether the grant
    is paid to it), ``name``, ``legal_form``, ``enterprise_number``, ``address``,
    ``representative`` ("name, function"), ``iban`` (printed for the beneficiary).
    """
    authority = registry.get(call.authority)
    assert authority is not None  # the call's validation guarantees it
    parties: list[dict[str, Any]] = []

    def org_party(role: str, org: Organisation | None, name: str, beneficiary: bool) -> None:
        person = org.representatives[0] if org and org.representatives else None
        if role == "authority" and call.authority_representative is not None:
            person = call.authority_representative
        add(
            role,
            beneficiary,
            name=name,
            legal_form=org.legal_form[lang] if org and org.legal_form else None,
            enterprise_number=org.enterprise_number if org else None,
            address=org.address.text(lang) if org and org.address else None,
            representative=_representative(person, lang),
            iban=org.iban if org else None,
        )

    def add(role: str, beneficiary: bool, **facts: Any) -> None:
        roles = ROLES["beneficiary" if beneficiary else role]
        iban = facts.pop("iban")
        parties.append(
            {
                "role": role,
                "role_label": roles["label"][lang],
                "role_text": roles["text"][lang],
                "beneficiary": beneficiary,
                **facts,
                "iban": format_iban(iban) if iban and beneficiary else None,
            }
        )

    to_company = call.beneficiary is SignatoryRole.HOUSING_COMPANY
    for signatory in call.signatories:
        role = signatory.role
        if role is SignatoryRole.AUTHORITY:
            org_party("authority", authority, authority.name[lang], False)
        elif role is SignatoryRole.HOUSING_COMPANY:
            org = registry.get(application.applicant) if application.applicant else None
            name = org.name[lang] if org else application.applicant_name
            org_party("housing_company", org, name, to_company)
            second = application.second_housing_company
            other = registry.get(second) if second else None
            if other is not None and signatory.max > 1:
                org_party("second_housing_company", other, other.name[lang], False)
        elif role is SignatoryRole.PARTNER and application.partner:
            add(
                "partner",
                not to_company,
                name=application.partner,
                legal_form=None,
                enterprise_number=application.partner_enterprise_number,
                address=application.partner_address,
                representative=application.partner_representative,
                iban=application.partner_iban,
            )
        elif role is SignatoryRole.COMMUNE and application.commune:
            commune = registry.get(application.commune)
            if commune is not None:
                org_party("commune", commune, commune.name[lang], False)
    return parties


def beneficiary_keys(parties: list[dict[str, Any]]) -> dict[str, Any]:
    """``beneficiary_name``, ``beneficiary_role`` and ``beneficiary_iban`` (printed)."""
    found = next((p for p in parties if p["beneficiary"]), None)
    return {
        "beneficiary_name": found["name"] if found else None,
        "beneficiary_role": found["role"] if found else None,
        "beneficiary_iban": found["iban"] if found else None,
    }


def letter_keys(registry: Registry, application: Application, lang: str) -> dict[str, Any]:
    """The addressee of a letter (the applicant's contact person at the applicant's
    address) and the copy to the partner."""
    org = registry.get(application.applicant) if application.applicant else None
    lines = list(org.address.lines(lang)) if org and org.address else []
    return {
        "recipient_person": application.contact_name,
        "recipient_email": application.contact_email,
        "recipient_name": org.name[lang] if org else application.applicant_name,
        "recipient_address": ", ".join(lines) or None,
        "recipient_address_lines": lines,
        "copy_name": application.partner,
        "copy_address": application.partner_address if application.partner else None,
    }
