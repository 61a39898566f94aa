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

__all__ = ["blanks"]

_ROLE_NAMES = {
    "authority": "authority",
    "housing_company": "housing company",
    "second_housing_company": "second housing company",
    "partner": "partner",
    "commune": "commune",
}
_PARTY_FACTS = (
    ("enterprise_number", "no enterprise number (BCE/KBO)"),
    ("address", "no address"),
    ("representative", "no representative"),
)
#: Keys of the call every document prints, and what their absence is called.
_SIGNED = (
    ("signatory", "no signatory for the authority (authority_representative in the call)"),
    ("decided_on", "no decision (decision in the call)"),
)
_CONVENTION = (
    ("start_date", "no start date (the application's start date)"),
    ("imputation_allocation", "no budget imputation (imputation in the call)"),
)
_LETTER = (
    ("recipient_person", "no contact person (the application's contact person)"),
    ("recipient_address", "no address of the applicant (the registry)"),
    ("contact_name", "no contact person of the authority (contact in the call)"),
    ("appeal_body", "no appeal route (appeal in the call)"),
    ("ombudsman_name", "no ombudsman (ombudsman in the call)"),
)


def blanks(context: Mapping[str, Any]) -> list[str]:
    """What the document of ``context`` would print as a blank, in reading order."""
    kind = str(context["kind"])
    found = [message for key, message in _SIGNED if context.get(key) is None]
    if kind in ("convention", "amendment"):
        for party in context.get("parties") or []:
            who = f"{party['name']} ({_ROLE_NAMES.get(party['role'], party['role'])})"
            for key, message in _PARTY_FACTS:
                if party.get(key) is None:
                    found.append(f"{message} for {who}")
            if party.get("beneficiary") and party.get("iban") is None:
                found.append(f"no IBAN for {who}, who receives the grant")
        found.extend(message for key, message in _CONVENTION if context.get(key) is None)
    else:
        found.extend(message for key, message in _LETTER if context.get(key) is None)
        if context.get("copy_name") and context.get("copy_address") is None:
            found.append(f"no address for {context['copy_name']} (partner, in copy)")
    return found
