"""The follow-up in the board's workbook: the Payments and Outcomes sheets.

*Payments*: one row per funded project, and for each tranche of the call its amount
and where it stands (paid, due, blocked, cancelled), then what the project was paid,
what is due and what is blocked. The amounts are the follow-up's: as the amendment in
force sets them (and, for a settled project, as its settlement does), each payment as
its last correction leaves it (a reversed payment pays nothing: its tranche is due or
blocked again). Invariant, per project and in total: paid + due + blocked is the award,
when no payment was corrected to another amount than its tranche's.

*Outcomes*: one row per funded project: the figures of its latest monitoring report
(residents involved and trained against those targeted, activities, participants) and,
once it is settled, its settlement: claimed, admitted, paid, the balance (still to pay,
or negative: still to recover) and what came back of a recovery.

The figures come from the follow-up's use cases (:mod:`slrbcall.followup.service`);
nothing is computed here but sums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall.followup import TrancheStatus, status_label
from slrbcall.i18n import _, format_day
from slrbcall.model import Call
from slrbcall.money import to_decimal
from slrbcall.sheets.tables import Column, Extent, Value, write_table

if TYPE_CHECKING:
    from slrbcall.followup import Outcomes
    from slrbcall.followup.service.closing import ProjectClosing
    from slrbcall.followup.service.payments import ProjectPayments

__all__ = ["BoardFollowup", "followup_summary", "write_outcomes", "write_payments"]


@dataclass(frozen=True, slots=True)
class BoardFollowup:
    """What the board reads of the follow-up, as of the report's day: each funded
    project's tranches, its outcomes, and its last mile (justification, settlement)."""

    payments: tuple[ProjectPayments, ...]
    outcomes: Outcomes
    closing: tuple[ProjectClosing, ...]


def _euro(cents: int | None) -> Decimal | None:
    return None if cents is None else to_decimal(cents)


def _sums(project: ProjectPayments) -> tuple[int, int, int]:
    """What ``project`` was paid (as corrected), and what is due and blocked."""
    paid = due = blocked = 0
    for tranche in project.tranches:
        if tranche.status is TrancheStatus.PAID and tranche.payment is not None:
            paid += tranche.payment.amount_cents
        elif tranche.status is TrancheStatus.DUE:
            due += tranche.due.amount_cents
        elif tranche.status is TrancheStatus.BLOCKED:
            blocked += tranche.due.amount_cents
    return paid, due, blocked


def followup_summary(followup: BoardFollowup | None) -> list[tuple[str, object]]:
    """The follow-up's lines of the Summary: the tranches paid, due and blocked, and
    the outcomes once a project reported."""
    if followup is None:
        return []
    paid = due = blocked = 0
    for project in followup.payments:
        p, d, b = _sums(project)
        paid, due, blocked = paid + p, due + d, blocked + b
    rows: list[tuple[str, object]] = [
        (_("Tranches paid (corrections included)"), Value(_euro(paid), "amount")),
        (_("Tranches due (ready to pay)"), Value(_euro(due), "amount")),
        (_("Tranches blocked (waiting)"), Value(_euro(blocked), "amount")),
    ]
    totals = followup.outcomes.totals
    if totals.reporting:
        rows += [
            (_("Projects that reported"), Value(totals.reporting, "count")),
            (_("Residents involved"), Value(totals.residents_involved, "count")),
            (_("Residents trained"), Value(totals.residents_trained, "count")),
            (_("Activities"), Value(totals.activities, "count")),
        ]
    return rows


def _tranche_numbers(call: Call) -> tuple[int, ...]:
    return tuple(t.number for t in call.tranches)


def write_payments(
    sheet: Any, call: Call, followup: BoardFollowup | None, generated: dt.date
) -> Extent:
    """The Payments sheet (see the module); empty before an allocation is adopted."""
    numbers = _tranche_numbers(call)
    columns = [
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Award"), "amount"),
    ]
    for number in numbers:
        columns += [
            Column(_("Tranche {number}").format(number=number), "amount"),
            Column(_("Tranche {number}: status").format(number=number)),
        ]
    columns += [
        Column(_("Paid"), "amount"),
        Column(_("Due"), "amount"),
        Column(_("Blocked"), "amount"),
        Column(_("Amendment"), "count"),
        Column(_("Corrections"), "count"),
    ]
    rows: list[list[object]] = []
    award = paid = due = blocked = corrections = 0
    by_number: dict[int, int] = dict.fromkeys(numbers, 0)
    for project in followup.payments if followup else ():
        row: list[object] = [
            project.project.reference,
            project.project.title,
            _euro(project.project.award_cents),
        ]
        states = {t.due.number: t for t in project.tranches}
        for number in numbers:
            state = states.get(number)
            if state is None:
                row += [None, None]
                continue
            row += [_euro(state.due.amount_cents), status_label(state.status.value)]
            by_number[number] += state.due.amount_cents
        p, d, b = _sums(project)
        corrected = sum(t.payment.corrections for t in project.tranches if t.payment is not None)
        row += [_euro(p), _euro(d), _euro(b), project.project.amendment or None, corrected or None]
        rows.append(row)
        award += project.project.award_cents
        paid, due, blocked, corrections = paid + p, due + d, blocked + b, corrections + corrected
    totals: list[object] = [_("Total"), None, _euro(award)]
    for number in numbers:
        totals += [_euro(by_number[number]), None]
    totals += [_euro(paid), _euro(due), _euro(blocked), None, corrections or None]
    if followup is None:
        notes = [_("No allocation is adopted yet: there is no tranche to pay.")]
    else:
        notes = [
            _("As of {date}.").format(date=format_day(generated))
            + " "
            + _(
                "Amounts as the amendments in force set them; payments as corrected. "
                "Due: its milestone is recorded, it can be paid. Blocked: it waits for its "
                "milestone or its month."
            )
        ]
    return write_table(sheet, columns, rows, totals=totals, notes=notes)


def _percent(value: Decimal | None) -> Value:
    """A percentage (``12.5`` for 12.5 %) as a cell with a percent format."""
    return Value(None if value is None else value / 100, "percent")


def write_outcomes(sheet: Any, followup: BoardFollowup | None) -> Extent:
    """The Outcomes sheet (see the module); empty before an allocation is adopted."""
    columns = [
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Residents targeted"), "count"),
        Column(_("Residents involved"), "count"),
        Column(_("Residents trained"), "count"),
        Column(_("Activities"), "count"),
        Column(_("Participants"), "count"),
        Column(_("Reach"), "percent"),
        Column(_("Reports"), "count"),
        Column(_("Latest report"), "date"),
        Column(_("Settled on"), "date"),
        Column(_("Claimed"), "amount"),
        Column(_("Admitted"), "amount"),
        Column(_("Paid"), "amount"),
        Column(_("Balance"), "amount"),
        Column(_("Recovered"), "amount"),
    ]
    rows: list[list[object]] = []
    settled: list[ProjectClosing] = []
    closing = {c.reference: c for c in followup.closing} if followup else {}
    for item in followup.outcomes.projects if followup else ():
        report = item.report
        row: list[object] = [
            item.project.reference,
            item.project.title,
            item.project.residents_targeted,
            report.residents_involved if report else None,
            report.residents_trained if report else None,
            report.activities if report else None,
            report.participants if report else None,
            _percent(item.reach_percent),
            item.reports or None,
            report.report_date if report else None,
        ]
        last_mile = closing.get(item.project.reference)
        if last_mile is not None and last_mile.settlement is not None:
            settled.append(last_mile)
            row += [
                last_mile.settlement.on,
                _euro(last_mile.claimed_cents),
                _euro(last_mile.admitted_cents),
                _euro(last_mile.paid_cents),
                _euro(last_mile.balance_cents),
                _euro(last_mile.recovered_cents),
            ]
        else:
            row += [None] * 6
        rows.append(row)
    totals: list[object] | None = None
    if followup is not None:
        sums = followup.outcomes.totals
        totals = [
            _("Total"),
            None,
            sums.residents_targeted,
            sums.residents_involved,
            sums.residents_trained,
            sums.activities,
            sums.participants,
            _percent(sums.reach_percent),
            sum(item.reports for item in followup.outcomes.projects) or None,
            None,
            None,
            *(
                _euro(sum(getattr(c, name) or 0 for c in settled)) if settled else None
                for name in (
                    "claimed_cents",
                    "admitted_cents",
                    "paid_cents",
                    "balance_cents",
                    "recovered_cents",
                )
            ),
        ]
    notes: Sequence[str] = (
        [
            _(
                "Figures of each project's latest monitoring report; reach: residents "
                "involved against those targeted. Once a project is settled: what it "
                "claimed, what was admitted and paid, the balance (still to pay, or "
                "negative: still to recover) and what was recovered."
            )
        ]
        if followup is not None
        else [_("No allocation is adopted yet: there is no project to follow.")]
    )
    return write_table(sheet, columns, rows, totals=totals, notes=notes)
