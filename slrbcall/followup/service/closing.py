"""The last mile of every funded project, as stored: what it claimed (its expenses and
their reviews in force), what was admitted, what it was paid, its settlement, and what
came back of a recovery. The report, the board's workbook and ``slrbcall recovery list``
read it.

Apart from the settlement's use cases (:mod:`.settlement`), which render letters and so
load the documents' machinery, and from the justification's (:mod:`.justification`),
which read and write workbooks: the report reads the last mile, it renders nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slrbcall.errors import Problem
from slrbcall.followup.justification import Decision, Expense, Review
from slrbcall.followup.service.state import FollowupState, followup_state, open_workspace
from slrbcall.followup.settlement import LineFigures, Settlement
from slrbcall.settings import Settings
from slrbcall.store.settlement import StoredExpense, StoredRecovery, StoredSettlement

if TYPE_CHECKING:
    from slrbcall.store import Transaction, Workspace

__all__ = [
    "ProjectClosing",
    "Stored",
    "closing",
    "closing_in",
    "closing_of",
    "expense_of",
    "settlement_of",
    "settlements_in",
    "stored_justification",
]


@dataclass(frozen=True, slots=True)
class Stored:
    """The expenses in force, their reviews in force, and the settled projects."""

    expenses: tuple[Expense, ...]
    reviews: tuple[Review, ...]
    settled: dict[str, dt.date]


def expense_of(stored: StoredExpense) -> Expense:
    """An expense as the workspace stores it."""
    return Expense(
        reference=stored.reference,
        budget_line=stored.budget_line,
        supplier=stored.supplier,
        invoice_number=stored.invoice_number,
        invoice_date=dt.date.fromisoformat(stored.invoice_date),
        paid_on=dt.date.fromisoformat(stored.paid_on),
        amount_cents=stored.amount_cents,
        claimed_cents=stored.claimed_cents,
        cofinanced_by=stored.cofinanced_by,
        attachment=stored.attachment,
        attachment_sha256=stored.attachment_sha256,
        note=stored.note,
        version=stored.version,
        place=Problem.read_back(stored.source_file, stored.source_place),
    )


def stored_justification(source: Workspace | Transaction, call_id: str) -> Stored:
    """The expenses and reviews in force of call ``call_id``, and its settled projects."""
    expenses = tuple(expense_of(e) for e in source.expenses(call_id))
    owner = {e.identity: e.reference for e in expenses}
    reviews = tuple(
        Review(
            reference=owner[(r.supplier_key, r.invoice_key)],
            identity=(r.supplier_key, r.invoice_key),
            version=r.version,
            decision=Decision(r.decision),
            admitted_cents=r.admitted_cents,
            reason=r.reason_code,
            comment=r.comment,
            number=r.number,
            place=Problem.read_back(r.source_file, r.source_place),
        )
        for r in source.reviews(call_id)
    )
    settled = {s.reference: dt.date.fromisoformat(s.on_date) for s in source.settlements(call_id)}
    return Stored(expenses, reviews, settled)


def settlement_of(stored: StoredSettlement) -> Settlement:
    """A settlement as the workspace stores it."""
    figures = stored.figures
    lines = figures.get("lines", [])
    planned = figures.get("planned", [])
    last = figures.get("last_tranche")
    assert isinstance(lines, list)
    assert isinstance(planned, list)
    return Settlement(
        reference=stored.reference,
        on=dt.date.fromisoformat(stored.on_date),
        award_cents=stored.award_cents,
        claimed_cents=stored.claimed_cents,
        paid_cents=stored.paid_cents,
        lines=tuple(
            LineFigures(
                key=str(x["key"]),
                claimed_cents=int(x["claimed_cents"]),
                reviewed_cents=int(x["reviewed_cents"]),
                admitted_cents=int(x["admitted_cents"]),
                rule=None if x["rule"] is None else str(x["rule"]),
            )
            for x in lines
        ),
        admitted_cents=stored.admitted_cents,
        balance_cents=stored.balance_cents,
        tranche_cents=stored.tranche_cents,
        planned_cents=tuple(int(c) for c in planned),
        last_tranche=None if last is None else int(str(last)),
        recovery_due=dt.date.fromisoformat(stored.recovery_due_date)
        if stored.recovery_due_date
        else None,
    )


def settlements_in(source: Workspace | Transaction, call_id: str) -> dict[str, Settlement]:
    """The settlements of call ``call_id``, by reference."""
    return {s.reference: settlement_of(s) for s in source.settlements(call_id)}


@dataclass(frozen=True, slots=True)
class ProjectClosing:
    """One funded project's last mile: what it claimed, what was admitted (its
    settlement's figure once settled, else what the reviews admit so far), what it was
    paid, its balance and what came back of a recovery."""

    reference: str
    claimed_cents: int
    admitted_cents: int
    paid_cents: int
    settlement: Settlement | None
    recovered_cents: int
    recovered_on: dt.date | None

    @property
    def balance_cents(self) -> int | None:
        """What is still to pay (positive) or to recover (negative), once settled
        (``None`` before): admitted less what was paid, plus what came back."""
        if self.settlement is None:
            return None
        return self.admitted_cents - self.paid_cents + self.recovered_cents


def closing(settings: Settings) -> tuple[ProjectClosing, ...]:
    """The last mile of every funded project, in reference order."""
    state = followup_state(settings)
    with open_workspace(settings) as ws:
        return closing_in(ws, state)


def closing_in(source: Workspace | Transaction, state: FollowupState) -> tuple[ProjectClosing, ...]:
    """The last mile of every funded project of ``state``, from an open workspace."""
    call_id = state.loaded.call.id
    return closing_of(
        state,
        stored_justification(source, call_id),
        settlements_in(source, call_id),
        source.recoveries(call_id),
    )


def closing_of(
    state: FollowupState,
    stored: Stored,
    settlements: Mapping[str, Settlement],
    recoveries: Iterable[StoredRecovery],
) -> tuple[ProjectClosing, ...]:
    reviewed = {r.identity: r.admitted_cents for r in stored.reviews}
    back: dict[str, list[StoredRecovery]] = {}
    for recovery in recoveries:
        back.setdefault(recovery.reference, []).append(recovery)
    found = []
    for project in state.projects:
        mine = [e for e in stored.expenses if e.reference == project.reference]
        settlement = settlements.get(project.reference)
        came = back.get(project.reference, [])
        found.append(
            ProjectClosing(
                reference=project.reference,
                claimed_cents=sum(e.claimed_cents for e in mine),
                admitted_cents=settlement.admitted_cents
                if settlement
                else sum(reviewed.get(e.identity, 0) for e in mine),
                paid_cents=sum(
                    p.amount_cents for p in state.payments if p.reference == project.reference
                ),
                settlement=settlement,
                recovered_cents=sum(r.amount_cents for r in came),
                recovered_on=dt.date.fromisoformat(came[-1].on_date) if came else None,
            )
        )
    return tuple(found)
