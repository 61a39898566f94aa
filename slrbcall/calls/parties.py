"""The parties of a call's conventions, and what the registry still lacks to name them.

A convention names each party in full: its name, its enterprise number (BCE/KBO), its
address, who signs for it, and for the party the grant is paid to, its account (IBAN).
Who signs for the authority is named by each call (``authority_representative``),
else by the registry. The documents also print facts about the call itself (the
decision, the budget imputation, the contact person, the appeal route, the
ombudsman): :func:`call_blanks` lists those a call file leaves out.
The registry (``organisations.yaml``) holds these facts, and it may not invent any: what
is unknown stays blank until an officer fills it in from the source. :func:`blanks`
lists, for the calls at hand, every blank a convention would still have.

Pure: no file is read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from slrbcall.calls.registry import Registry
from slrbcall.model import Call, Organisation, OrgKind, SignatoryRole

__all__ = ["CALL_FACTS", "Blank", "Missing", "blanks", "call_blanks", "parties_of"]


class Missing(StrEnum):
    """A fact a convention prints about a party, which the registry does not hold."""

    ENTERPRISE_NUMBER = "enterprise_number"
    ADDRESS = "address"
    REPRESENTATIVE = "representative"
    IBAN = "iban"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Missing.ENTERPRISE_NUMBER: "enterprise number (BCE/KBO)",
    Missing.ADDRESS: "address",
    Missing.REPRESENTATIVE: "representative",
    Missing.IBAN: "IBAN",
}

#: The registry's kinds that sign a convention in each role. A partner is named in
#: the application, not in the registry, so it has no kind here.
_KINDS = {
    SignatoryRole.HOUSING_COMPANY: OrgKind.HOUSING_COMPANY,
    SignatoryRole.COMMUNE: OrgKind.COMMUNE,
}


@dataclass(frozen=True, slots=True)
class Blank:
    """An organisation that a convention would name with facts missing.

    ``calls`` are the ids of the calls whose conventions name it.
    """

    organisation: Organisation
    missing: tuple[Missing, ...]
    calls: tuple[str, ...]

    def sentence(self) -> str:
        """``foyer-du-sud (Foyer du Sud): no address, no IBAN (conventions of x)``."""
        missing = ", ".join(f"no {item.label}" for item in self.missing)
        return (
            f"{self.organisation.key} ({self.organisation.name.fr}): {missing} "
            f"(needed by the conventions of {', '.join(self.calls)})"
        )


def parties_of(call: Call, registry: Registry) -> list[tuple[Organisation, bool]]:
    """The registry's organisations that a convention of ``call`` may name.

    Each with whether it may receive the grant: the housing company that applies is
    the beneficiary. The authority first, then the others in registry order.
    """
    found: dict[str, tuple[Organisation, bool]] = {}
    authority = registry.get(call.authority)
    if authority is not None:
        found[authority.key] = (authority, False)
    roles = {signatory.role for signatory in call.signatories}
    for role, kind in _KINDS.items():
        if role in roles:
            for org in registry.of_kind(kind):
                found.setdefault(org.key, (org, role is SignatoryRole.HOUSING_COMPANY))
    return list(found.values())


def _missing(
    org: Organisation, *, beneficiary: bool, represented: bool = False
) -> tuple[Missing, ...]:
    """What ``org``'s entry lacks; ``represented`` when the calls name who signs for it."""
    absent = []
    if org.enterprise_number is None:
        absent.append(Missing.ENTERPRISE_NUMBER)
    if org.address is None:
        absent.append(Missing.ADDRESS)
    if not org.representatives and not represented:
        absent.append(Missing.REPRESENTATIVE)
    if beneficiary and org.iban is None:
        absent.append(Missing.IBAN)
    return tuple(absent)


def blanks(calls: Iterable[Call], registry: Registry) -> list[Blank]:
    """Every organisation the conventions of ``calls`` would name with a blank.

    In registry order; an organisation named by several calls appears once, with all
    of them. Empty when every convention can name its parties in full.
    """
    needs: dict[str, tuple[bool, list[str]]] = {}
    # The authority signs through the representative each call names, when it names one.
    unrepresented: set[str] = set()
    for call in calls:
        if call.authority_representative is None:
            unrepresented.add(call.authority)
        for org, beneficiary in parties_of(call, registry):
            was, ids = needs.get(org.key, (False, []))
            needs[org.key] = (was or beneficiary, [*ids, call.id])
    found = []
    for org in registry.organisations:
        if org.key not in needs:
            continue
        beneficiary, ids = needs[org.key]
        represented = org.kind is OrgKind.AUTHORITY and org.key not in unrepresented
        missing = _missing(org, beneficiary=beneficiary, represented=represented)
        if missing:
            found.append(Blank(org, missing, tuple(dict.fromkeys(ids))))
    return found


#: What the documents print about a call itself: its key, and what it is, for messages.
CALL_FACTS = (
    ("authority_representative", "who signs for the authority"),
    ("decision", "the body and the date of the decision"),
    ("imputation", "the budget imputation"),
    ("contact", "the contact person of the letters"),
    ("appeal", "the appeal route"),
    ("ombudsman", "the ombudsman"),
)


def call_blanks(call: Call) -> list[str]:
    """The keys of :data:`CALL_FACTS` that ``call``'s file leaves out, in that order."""
    return [key for key, _ in CALL_FACTS if getattr(call, key) is None]
