"""What each funded project owes and is owed: its milestones, its tranches, the rules
for recording a milestone and for paying a tranche.

**Milestone keys.** A project's milestones are ``signature`` (of the convention), the
call's project deadlines (``interim-interview``, ``questionnaire``, ``final-report``,
...; a repeating deadline is numbered: ``yearly_report:1``, ``yearly_report:2``) and
whatever a tranche's condition needs even when the call sets no deadline for it.
Keys are compared in one canonical form (:func:`milestone_key`): lower case, ``_``
for ``-`` and spaces, and ``interim_interview`` is ``interim_report``, because the
Empowerment call pays its second tranche "after the interim interview".

**Tranche conditions.** ``signature`` needs the milestone ``signature``;
``interim_report`` and ``final_report`` the milestone of that name; the *k*-th tranche
whose condition is ``yearly_report`` needs ``yearly_report:k``. A tranche with a
``month`` is also not payable before the start + that many months.

**Payment rules** (:func:`check_payment`). Never, even with ``--force``: a tranche that
does not exist, a tranche paid twice, an amount of zero, a total above the award, a date
after today, or before the project's start; a tranche payable at signature is payable
from the signature, which often precedes the start (a convention signed in December for
a project that starts in January). Allowed only with ``--force`` (and a reason,
which goes to the audit): paying before the condition is met, before the tranche's
month, or more than the tranche's amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from slrbcall.calls.check import did_you_mean
from slrbcall.documents.context import deadlines
from slrbcall.documents.l10n import month_offset, split_tranches
from slrbcall.followup.model import (
    MilestoneRecord,
    Payment,
    Project,
    TrancheStatus,
)
from slrbcall.model import Localized
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.model import Call

__all__ = [
    "FINAL_REPORT",
    "INTERIM_REPORT",
    "SIGNATURE",
    "YEARLY_REPORT",
    "Duty",
    "PaymentCheck",
    "TrancheDue",
    "TrancheState",
    "check_milestone",
    "check_payment",
    "condition_keys",
    "duties",
    "milestone_key",
    "schedule",
    "tranche_blockers",
    "tranche_states",
]

SIGNATURE = "signature"
INTERIM_REPORT = "interim_report"
YEARLY_REPORT = "yearly_report"
FINAL_REPORT = "final_report"

_LABELS = {
    SIGNATURE: Localized(nl="Ondertekening van de overeenkomst", fr="Signature de la convention"),
    INTERIM_REPORT: Localized(nl="Tussentijds verslag", fr="Rapport intermédiaire"),
    YEARLY_REPORT: Localized(nl="Jaarverslag", fr="Rapport annuel"),
    FINAL_REPORT: Localized(nl="Eindverslag", fr="Rapport final"),
}
# The Empowerment call pays its second tranche after the interim interview: the
# interview is the interim report. "signed" saves typing at the counter.
_ALIASES = {"interim_interview": INTERIM_REPORT, "signed": SIGNATURE}


def milestone_key(text: str) -> str:
    """The canonical form of a milestone key: ``'Interim-interview'`` ->
    ``'interim_report'``, ``'yearly-report:2'`` -> ``'yearly_report:2'``.

    Raises ``ValueError`` for an empty key or a number that is not a whole number
    from 1.
    """
    raw = "_".join(text.strip().casefold().replace("-", "_").split())
    base, sep, number = raw.partition(":")
    if not base:
        raise ValueError(f"not a milestone: '{text}'")
    base = _ALIASES.get(base, base)
    if not sep:
        return base
    if not number.isdigit() or int(number) < 1:
        raise ValueError(f"'{text}': the number after ':' counts from 1, e.g. yearly_report:2")
    return f"{base}:{int(number)}"


@dataclass(frozen=True, slots=True)
class Duty:
    """A milestone a project owes, due on ``due``."""

    key: str
    label: Localized
    due: dt.date


def condition_keys(call: Call) -> tuple[str, ...]:
    """The milestone each tranche waits for, in tranche order."""
    yearly = 0
    keys = []
    for tranche in call.tranches:
        if tranche.condition.value == YEARLY_REPORT:
            yearly += 1
            keys.append(f"{YEARLY_REPORT}:{yearly}")
        else:
            keys.append(tranche.condition.value)
    return tuple(keys)


def duties(call: Call, project: Project) -> tuple[Duty, ...]:
    """The project's milestones with their due dates, in date order; none without a start.

    The signature is due on the start. A condition of a tranche that no deadline of the
    call stands for is still a duty: an interim report half-way, the *k*-th yearly
    report *k* years after the start, the final report at the end.
    """

    start, end = project.start, project.end
    if start is None or end is None:
        return ()
    found: dict[str, Duty] = {SIGNATURE: Duty(SIGNATURE, _LABELS[SIGNATURE], start)}
    by_key = {d.key: d for d in call.deadlines}
    counts: dict[str, int] = {}
    for key, due in deadlines(call, start, end):
        deadline = by_key[key]
        base = milestone_key(key)
        if deadline.every_months:
            counts[base] = counts.get(base, 0) + 1
            numbered = f"{base}:{counts[base]}"
            found[numbered] = Duty(numbered, _numbered(deadline.label, counts[base]), due)
        elif base not in found:
            found[base] = Duty(base, deadline.label, due)
    for key in condition_keys(call):
        if key in found:
            continue
        base, _, number = key.partition(":")
        if base == INTERIM_REPORT:
            due = month_offset(start, project.duration_months // 2)
        elif base == YEARLY_REPORT:
            due = month_offset(start, 12 * int(number))
        else:
            due = end
        label = _numbered(_LABELS[base], int(number)) if number else _LABELS[base]
        found[key] = Duty(key, label, due)
    return tuple(sorted(found.values(), key=lambda d: (d.due, d.key)))


def _numbered(label: Localized, number: int) -> Localized:
    return Localized(nl=f"{label.nl} {number}", fr=f"{label.fr} {number}")


@dataclass(frozen=True, slots=True)
class TrancheDue:
    """One tranche of a project: its amount, the milestone it waits for, and when.

    ``payable_from`` is the start + the tranche's ``month`` (``None`` without one);
    ``expected`` is when it should be paid: the later of its condition's due date and
    ``payable_from`` (``None`` without a start date).
    """

    reference: str
    number: int
    percent: Decimal
    amount_cents: int
    condition: str
    label: Localized
    payable_from: dt.date | None
    expected: dt.date | None


def schedule(call: Call, project: Project) -> tuple[TrancheDue, ...]:
    """The project's tranches, in cents by largest remainder.

    Invariant: the amounts add up exactly to the award.
    """

    amounts = split_tranches(project.award_cents, [t.percent for t in call.tranches])
    due_on = {d.key: d.due for d in duties(call, project)}
    plan = []
    for tranche, cents, condition in zip(call.tranches, amounts, condition_keys(call), strict=True):
        payable_from = (
            month_offset(project.start, tranche.month)
            if tranche.month is not None and project.start is not None
            else None
        )
        dates = [d for d in (due_on.get(condition), payable_from) if d is not None]
        plan.append(
            TrancheDue(
                reference=project.reference,
                number=tranche.number,
                percent=tranche.percent,
                amount_cents=cents,
                condition=condition,
                label=tranche.label,
                payable_from=payable_from,
                expected=max(dates) if dates else None,
            )
        )
    return tuple(plan)


def tranche_blockers(
    due: TrancheDue, recorded: Mapping[str, dt.date], *, on: dt.date
) -> tuple[str, ...]:
    """Why ``due`` cannot be paid on ``on`` (empty when it can): its condition's
    milestone is not recorded, or recorded later, or its month has not come."""
    found = []
    reached = recorded.get(due.condition)
    if reached is None:
        found.append(f"the milestone '{due.condition}' is not recorded")
    elif reached > on:
        found.append(f"the milestone '{due.condition}' is dated {reached}, after {on}")
    if due.payable_from is not None and due.payable_from > on:
        found.append(f"tranche {due.number} is payable from {due.payable_from}")
    return tuple(found)


@dataclass(frozen=True, slots=True)
class TrancheState:
    """A tranche as of a day: paid (with its payment), due, or blocked (and why)."""

    due: TrancheDue
    status: TrancheStatus
    payment: Payment | None = None
    waiting_for: tuple[str, ...] = ()


def _recorded(milestones: Iterable[MilestoneRecord], reference: str) -> dict[str, dt.date]:
    return {m.key: m.on for m in milestones if m.reference == reference}


def tranche_states(
    call: Call,
    project: Project,
    *,
    payments: Iterable[Payment],
    milestones: Iterable[MilestoneRecord],
    today: dt.date,
) -> tuple[TrancheState, ...]:
    """Each tranche of the project as of ``today``."""
    paid = {p.tranche: p for p in payments if p.reference == project.reference}
    recorded = _recorded(milestones, project.reference)
    states = []
    for due in schedule(call, project):
        payment = paid.get(due.number)
        if payment is not None:
            states.append(TrancheState(due, TrancheStatus.PAID, payment))
            continue
        waiting = tranche_blockers(due, recorded, on=today)
        status = TrancheStatus.BLOCKED if waiting else TrancheStatus.DUE
        states.append(TrancheState(due, status, None, waiting))
    return tuple(states)


@dataclass(frozen=True, slots=True)
class PaymentCheck:
    """What paying would do: the amount, the refusals, and what only ``--force`` passes.

    The payment may be recorded when ``errors`` is empty and ``blockers`` is empty or
    forced.
    """

    amount_cents: int
    errors: tuple[str, ...]
    blockers: tuple[str, ...]


def check_payment(
    call: Call,
    project: Project,
    *,
    payments: Iterable[Payment],
    milestones: Iterable[MilestoneRecord],
    tranche: int,
    paid_on: dt.date,
    amount_cents: int | None,
    today: dt.date,
) -> PaymentCheck:
    """Check a payment of ``tranche`` (by default of its full amount) against the rules
    of the module docstring. ``payments`` are those already recorded (of any project).
    The messages do not repeat the project's reference: the caller says which it is."""

    ref = project.reference
    plan = schedule(call, project)
    if not 1 <= tranche <= len(plan):
        return PaymentCheck(
            amount_cents or 0, (f"the project has tranches 1 to {len(plan)}, not {tranche}",), ()
        )
    due = plan[tranche - 1]
    amount = due.amount_cents if amount_cents is None else amount_cents
    mine = [p for p in payments if p.reference == ref]
    errors = []
    twice = next((p for p in mine if p.tranche == tranche), None)
    if twice is not None:
        errors.append(
            f"tranche {tranche} is already paid ({format_eur(twice.amount_cents)} "
            f"on {twice.paid_on}): a tranche is paid once"
        )
    if amount <= 0:
        errors.append("the amount of a payment must be above zero")
    total = sum(p.amount_cents for p in mine) + amount
    if total > project.award_cents:
        errors.append(
            f"paying {format_eur(amount)} would bring the project's payments to "
            f"{format_eur(total)}, above its award of {format_eur(project.award_cents)}"
        )
    recorded = _recorded(milestones, ref)
    signed = recorded.get(SIGNATURE) if due.condition == SIGNATURE else None
    from_signature = signed is not None and signed <= paid_on
    if not from_signature and project.start is not None and paid_on < project.start:
        errors.append(f"the payment date {paid_on} is before the project's start ({project.start})")
    if paid_on > today:
        errors.append(f"the payment date {paid_on} is after today ({today})")
    blockers = list(tranche_blockers(due, recorded, on=paid_on))
    if amount > due.amount_cents:
        blockers.append(
            f"{format_eur(amount)} is more than tranche {tranche}'s {format_eur(due.amount_cents)}"
        )
    return PaymentCheck(amount, tuple(errors), tuple(blockers))


def check_milestone(
    call: Call, project: Project, *, key: str, on: dt.date, today: dt.date
) -> tuple[str, tuple[str, ...]]:
    """The canonical key of a milestone to record, and the reasons to refuse it.

    The key must be one of the project's :func:`duties`; the date may not be after
    today, nor before the project's start (except the signature, which often
    precedes it).
    """

    ref = project.reference
    try:
        canonical = milestone_key(key)
    except ValueError as exc:
        return key, (str(exc),)
    known = [d.key for d in duties(call, project)]
    errors = []
    if not known:
        errors.append(f"{ref} has no start date, so its milestones are not known")
    elif canonical not in known:
        errors.append(
            f"'{key}' is not a milestone of {ref}{did_you_mean(canonical, known)} "
            f"(its milestones: {', '.join(known)})"
        )
    if project.start is not None and on < project.start and canonical != SIGNATURE:
        errors.append(f"the date {on} is before the project's start ({project.start})")
    if on > today:
        errors.append(f"the date {on} is after today ({today})")
    return canonical, tuple(errors)
