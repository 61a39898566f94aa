"""Where a call's decision stands: the run in force, the withdrawals recorded since, what
was paid, and the reserve list as it is now.

Read from an open workspace or a transaction; the use cases of :mod:`.service` and
:mod:`.reallocation` build on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall.i18n import _, format_day
from slrbcall.money import cents_from_decimal, format_eur, format_plain

from .codes import ReasonCode
from .inputs import Withdrawn

if TYPE_CHECKING:
    from slrbcall.model import ReserveTerms
    from slrbcall.store import StoredAdoption, StoredRun, Transaction, Workspace
    from slrbcall.store.decisions import StoredWithdrawal

__all__ = ["ReservePlace", "Standing", "awards", "reserve_valid", "shown_day", "standing"]


@dataclass(frozen=True, slots=True)
class ReservePlace:
    """A project on the reserve: ``place`` among those still on it (from 1)."""

    place: int
    reference: str
    rank: int  # in the adopted ranking


def awards(run: StoredRun) -> dict[str, int]:
    """reference -> awarded cents, of the projects a run gives money to."""
    return {
        line["reference"]: cents_from_decimal(Decimal(line["amount"]))
        for line in run.result["lines"]
        if line["decision"] in ("funded_full", "funded_partial")
    }


@dataclass(frozen=True, slots=True)
class Standing:
    """The decision in force (``run``, ``None`` before any adoption) and what followed.

    ``reserve`` is the list frozen with the adoption, without the applications withdrawn
    since, renumbered: its order never changes.
    """

    run: StoredRun | None
    adoption: StoredAdoption | None
    withdrawals: dict[str, StoredWithdrawal]
    paid: dict[str, int]
    reserve: tuple[ReservePlace, ...]

    def line(self, reference: str) -> dict[str, Any] | None:
        """The application's line in the decision in force."""
        if self.run is None:
            return None
        return next((x for x in self.run.result["lines"] if x["reference"] == reference), None)

    def award(self, reference: str) -> int:
        """Its award in the decision in force (0 when none)."""
        return awards(self.run).get(reference, 0) if self.run is not None else 0

    def withdrawn(self, reference: str) -> Withdrawn | None:
        """Its withdrawal, with its award in the decision in force and what was paid."""
        found = self.withdrawals.get(reference)
        if found is None:
            return None
        return Withdrawn(
            on=found.on_date,
            reason=found.reason,
            paid_cents=self.paid.get(reference, 0),
            award_cents=self.award(reference),
            run_id=None if self.run is None else self.run.id,
        )

    @property
    def pending(self) -> dict[str, Withdrawn]:
        """The withdrawals the decision in force does not show yet, by reference."""
        out: dict[str, Withdrawn] = {}
        for reference in self.withdrawals:
            line = self.line(reference)
            if line is not None and line["reason"] == ReasonCode.WITHDRAWN.value:
                continue
            withdrawn = self.withdrawn(reference)
            if withdrawn is not None:
                out[reference] = withdrawn
        return out

    def place(self, reference: str) -> ReservePlace | None:
        return next((p for p in self.reserve if p.reference == reference), None)

    def state(self, reference: str, terms: ReserveTerms | None) -> dict[str, Any]:
        """What happened to an application since the decision in force: its withdrawal
        (not shown by the decision yet) and its place on the call's reserve, as JSON
        values, with a ``status`` sentence (``None`` when nothing did)."""
        withdrawal = self.withdrawn(reference)
        line = self.line(reference)
        shown = line is not None and line["reason"] == ReasonCode.WITHDRAWN.value
        place = self.place(reference) if terms is not None else None
        status = None
        if withdrawal is not None and not shown:
            said = {"day": shown_day(withdrawal.on), "reason": withdrawal.reason}
            if withdrawal.award_cents:
                status = _(
                    "Withdrawn on {day} ({reason}): {paid} of its award of {award} was paid, "
                    "so {released} is released for the reserve ('slrbcall reallocate'); it is "
                    "paid nothing more."
                ).format(
                    **said,
                    paid=format_eur(withdrawal.paid_cents),
                    award=format_eur(withdrawal.award_cents),
                    released=format_eur(withdrawal.released_cents),
                )
            else:
                status = _("Withdrawn on {day} ({reason}): it left the ranking and the reserve.")
                status = status.format(**said)
        elif place is not None and terms is not None:
            if terms.valid_until:
                status = _(
                    "On the reserve, rank {place} of {size}, valid until {day}: it is funded "
                    "if a withdrawal releases enough money."
                ).format(
                    place=place.place, size=len(self.reserve), day=shown_day(terms.valid_until)
                )
            else:
                status = _(
                    "On the reserve, rank {place} of {size}: it is funded if a withdrawal "
                    "releases enough money."
                ).format(place=place.place, size=len(self.reserve))
        return {
            "withdrawal": None
            if withdrawal is None
            else {
                "on": withdrawal.on,
                "reason": withdrawal.reason,
                "award": format_plain(withdrawal.award_cents),
                "paid": format_plain(withdrawal.paid_cents),
                "released": format_plain(withdrawal.released_cents),
            },
            "reserve": None
            if place is None or terms is None
            else {
                "rank": place.place,
                "of": len(self.reserve),
                "valid_until": None if terms.valid_until is None else str(terms.valid_until),
            },
            "status": status,
        }


def shown_day(day: dt.date | str) -> str:
    """A day (or an ISO date as stored) as the officer reads it."""
    try:
        return format_day(day if not isinstance(day, str) else dt.date.fromisoformat(day))
    except ValueError:
        return str(day)


def standing(source: Workspace | Transaction, call_id: str) -> Standing:
    """Where the call's decision stands, read in one go."""
    run = source.adopted_run(call_id)
    adoptions = source.adoptions(call_id)
    adoption = adoptions[-1] if adoptions else None
    withdrawals = {w.reference: w for w in source.withdrawals(call_id)}
    paid: dict[str, int] = {}
    for payment in source.payments(call_id):
        paid[payment.reference] = paid.get(payment.reference, 0) + payment.amount_cents
    frozen = source.reserve(adoption.id) if adoption is not None else []
    still = [entry for entry in frozen if entry.reference not in withdrawals]
    reserve = tuple(
        ReservePlace(place, entry.reference, entry.rank)
        for place, entry in enumerate(still, start=1)
    )
    return Standing(run, adoption, withdrawals, paid, reserve)


def reserve_valid(terms: ReserveTerms | None, day: dt.date) -> bool:
    """Whether a call's reserve list still holds on ``day``."""
    return terms is not None and (terms.valid_until is None or day <= terms.valid_until)
