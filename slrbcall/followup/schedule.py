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

**Corrections** (:func:`check_correction`, :func:`check_milestone_correction`). A
payment or a milestone, once recorded, changes only by a correction with a reason: a
new entry, the old one kept. A correction of a payment is held to the award and to the
payment dates' rules, not to the tranche's condition (it records what was paid); one
to zero reverses the payment. A milestone's correction is held to the rules of
recording it. A correction that changes nothing is refused.
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
from slrbcall.i18n import _, format_day
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
    "check_correction",
    "check_milestone",
    "check_milestone_again",
    "check_milestone_correction",
    "check_payment",
    "condition_keys",
    "condition_label",
    "duties",
    "english_label",
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
#: The same in English, for an officer who reads English (``--lang en``).
_ENGLISH = {
    SIGNATURE: "Signature of the convention",
    INTERIM_REPORT: "Interim report",
    YEARLY_REPORT: "Yearly report",
    FINAL_REPORT: "Final report",
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
        raise ValueError(_("not a milestone: '{text}'").format(text=text))
    base = _ALIASES.get(base, base)
    if not sep:
        return base
    if not number.isdigit() or int(number) < 1:
        raise ValueError(
            _("'{text}': the number after ':' counts from 1, e.g. yearly_report:2").format(
                text=text
            )
        )
    return f"{base}:{int(number)}"


def condition_label(key: str, lang: str) -> str:
    """What a tranche waits for, as an officer reading ``lang`` reads it: the tool's
    label of the milestone in Dutch or French (``Rapport intermédiaire``, ``Jaarverslag
    2``), its key in English (``interim_report``, as typed in ``--milestone``)."""
    base, _sep, number = key.partition(":")
    if lang not in ("nl", "fr") or base not in _LABELS:
        return key
    label = _LABELS[base][lang]
    return f"{label} {number}" if number else label


def english_label(key: str) -> str:
    """The English label of a milestone or a step known by its ``key`` (the call's
    labels are in Dutch and French only): the tool's own name for a tranche's
    condition, else the key in words (``inter-project-meeting`` -> ``Inter-project
    meeting``, ``yearly_report:2`` -> ``Yearly report 2``)."""
    base, _sep, number = key.partition(":")
    words = _ENGLISH.get(base) or base.replace("_", " ").replace("-", " ").strip().capitalize()
    return f"{words} {number}" if number else words


@dataclass(frozen=True, slots=True)
class Duty:
    """A milestone a project owes, due on ``due``."""

    key: str
    label: Localized
    due: dt.date
    english: str = ""


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
    found: dict[str, Duty] = {
        SIGNATURE: Duty(SIGNATURE, _LABELS[SIGNATURE], start, english_label(SIGNATURE))
    }
    by_key = {d.key: d for d in call.deadlines}
    counts: dict[str, int] = {}
    for key, due in deadlines(call, start, end):
        deadline = by_key[key]
        base = milestone_key(key)
        if deadline.every_months:
            counts[base] = counts.get(base, 0) + 1
            numbered = f"{base}:{counts[base]}"
            found[numbered] = Duty(
                numbered,
                _numbered(deadline.label, counts[base]),
                due,
                english_label(f"{key}:{counts[base]}"),
            )
        elif base not in found:
            found[base] = Duty(base, deadline.label, due, english_label(key))
    for key in condition_keys(call):
        if key in found:
            continue
        base, _sep, number = key.partition(":")
        if base == INTERIM_REPORT:
            due = month_offset(start, project.duration_months // 2)
        elif base == YEARLY_REPORT:
            due = month_offset(start, 12 * int(number))
        else:
            due = end
        label = _numbered(_LABELS[base], int(number)) if number else _LABELS[base]
        found[key] = Duty(key, label, due, english_label(key))
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
    """The project's tranches, in cents by largest remainder, or as its amendment in
    force set them (``project.tranche_cents``).

    Invariant: the amounts add up exactly to the award.
    """

    amounts = list(project.tranche_cents) or split_tranches(
        project.award_cents, [t.percent for t in call.tranches]
    )
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
        found.append(_("the milestone '{key}' is not recorded").format(key=due.condition))
    elif reached > on:
        found.append(
            _(
                "tranche {number} is payable from {reached}, the date of its milestone '{key}'"
            ).format(number=due.number, key=due.condition, reached=format_day(reached))
        )
    if due.payable_from is not None and due.payable_from > on:
        found.append(
            _("tranche {number} is payable from {day}").format(
                number=due.number, day=format_day(due.payable_from)
            )
        )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class TrancheState:
    """A tranche as of a day: paid (with its payment), due, blocked (and why), or
    cancelled (an amendment left nothing to pay on it). A reversed payment is kept in
    ``payment`` but does not make the tranche paid."""

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
        if payment is not None and not payment.reversed:
            states.append(TrancheState(due, TrancheStatus.PAID, payment))
            continue
        if due.amount_cents == 0:
            states.append(TrancheState(due, TrancheStatus.CANCELLED, payment))
            continue
        waiting = tranche_blockers(due, recorded, on=today)
        status = TrancheStatus.BLOCKED if waiting else TrancheStatus.DUE
        states.append(TrancheState(due, status, payment, waiting))
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
        return PaymentCheck(amount_cents or 0, (_no_tranche(len(plan), tranche),), ())
    due = plan[tranche - 1]
    amount = due.amount_cents if amount_cents is None else amount_cents
    mine = [p for p in payments if p.reference == ref]
    errors = []
    twice = next((p for p in mine if p.tranche == tranche), None)
    if twice is not None and twice.reversed:
        errors.append(
            _(
                "tranche {tranche} was paid and the payment reversed: record its payment as a "
                "correction ('slrbcall payments correct {ref} --tranche {tranche} --amount A "
                "--date D --reason TEXT')"
            ).format(tranche=tranche, ref=ref)
        )
    elif twice is not None:
        errors.append(
            _(
                "tranche {tranche} is already paid ({amount} on {day}): a tranche is paid once "
                "(to correct it: 'slrbcall payments correct {ref} --tranche {tranche} "
                "--amount A --reason TEXT')"
            ).format(
                tranche=tranche,
                amount=format_eur(twice.amount_cents),
                day=format_day(twice.paid_on),
                ref=ref,
            )
        )
    elif due.amount_cents == 0:
        errors.append(
            _(
                "tranche {tranche} is cancelled by amendment {amendment}: "
                "nothing is left to pay on it"
            ).format(tranche=tranche, amendment=project.amendment)
        )
    if amount <= 0 and due.amount_cents > 0:
        errors.append(_("the amount of a payment must be above zero"))
    total = sum(p.amount_cents for p in mine) + amount
    if total > project.award_cents:
        what = _("paying {amount}").format(amount=format_eur(amount))
        errors.append(_above_award(project, what, total))
    recorded = _recorded(milestones, ref)
    errors += _date_errors(project, due, recorded, paid_on=paid_on, today=today)
    blockers = list(tranche_blockers(due, recorded, on=paid_on))
    if amount > due.amount_cents:
        blockers.append(
            _("{amount} is more than tranche {tranche}'s {planned}").format(
                amount=format_eur(amount), tranche=tranche, planned=format_eur(due.amount_cents)
            )
        )
    return PaymentCheck(amount, tuple(errors), tuple(blockers))


def _no_tranche(count: int, tranche: int) -> str:
    return _("the project has tranches 1 to {count}, not {tranche}").format(
        count=count, tranche=tranche
    )


def _above_award(project: Project, what: str, total: int) -> str:
    if project.amendment:
        text = _(
            "{what} would bring the project's payments to {total}, above its amended award "
            "of {award}"
        )
    else:
        text = _("{what} would bring the project's payments to {total}, above its award of {award}")
    return text.format(what=what, total=format_eur(total), award=format_eur(project.award_cents))


def _date_errors(
    project: Project,
    due: TrancheDue,
    recorded: Mapping[str, dt.date],
    *,
    paid_on: dt.date,
    today: dt.date,
) -> list[str]:
    """A payment date after today, or before the start (a tranche payable at
    signature is payable from the signature)."""
    errors = []
    signed = recorded.get(SIGNATURE) if due.condition == SIGNATURE else None
    from_signature = signed is not None and signed <= paid_on
    if not from_signature and project.start is not None and paid_on < project.start:
        errors.append(
            _("the payment date {day} is before the project's start ({start})").format(
                day=format_day(paid_on), start=format_day(project.start)
            )
        )
    if paid_on > today:
        errors.append(
            _("the payment date {day} is after today ({today})").format(
                day=format_day(paid_on), today=format_day(today)
            )
        )
    return errors


def check_correction(
    call: Call,
    project: Project,
    *,
    payments: Iterable[Payment],
    milestones: Iterable[MilestoneRecord],
    tranche: int,
    amount_cents: int,
    paid_on: dt.date | None,
    today: dt.date,
) -> tuple[Payment | None, tuple[str, ...]]:
    """The payment of ``tranche`` that a correction to ``amount_cents`` (on
    ``paid_on``, by default the payment's date) would correct, and the reasons to
    refuse it. ``payments`` are the payments as they stand, reversed ones included.

    Refused: no payment of the tranche; a correction that changes nothing; payments
    above the award; a date after today or before the start (as for a payment).
    """
    ref = project.reference
    plan = schedule(call, project)
    if not 1 <= tranche <= len(plan):
        return None, (_no_tranche(len(plan), tranche),)
    mine = [p for p in payments if p.reference == ref]
    payment = next((p for p in mine if p.tranche == tranche), None)
    if payment is None:
        return None, (
            _(
                "tranche {tranche} is not paid: there is nothing to correct (record its "
                "payment with 'slrbcall payments record {ref} --tranche {tranche} --date D')"
            ).format(tranche=tranche, ref=ref),
        )
    on = paid_on or payment.paid_on
    if (amount_cents, on) == (payment.amount_cents, payment.paid_on):
        return payment, (
            _(
                "tranche {tranche} already stands at {amount} on {day}: there is nothing to correct"
            ).format(tranche=tranche, amount=format_eur(amount_cents), day=format_day(on)),
        )
    errors = []
    total = sum(p.amount_cents for p in mine) - payment.amount_cents + amount_cents
    if amount_cents > payment.amount_cents and total > project.award_cents:
        what = _("correcting it to {amount}").format(amount=format_eur(amount_cents))
        errors.append(_above_award(project, what, total))
    if amount_cents > 0 or paid_on is not None:
        errors += _date_errors(
            project, plan[tranche - 1], _recorded(milestones, ref), paid_on=on, today=today
        )
    return payment, tuple(errors)


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
        errors.append(_("{ref} has no start date, so its milestones are not known").format(ref=ref))
    elif canonical not in known:
        errors.append(
            _("'{key}' is not a milestone of {ref}{hint} (its milestones: {known})").format(
                key=key, ref=ref, hint=did_you_mean(canonical, known), known=", ".join(known)
            )
        )
    if project.start is not None and on < project.start and canonical != SIGNATURE:
        errors.append(
            _("the date {day} is before the project's start ({start})").format(
                day=format_day(on), start=format_day(project.start)
            )
        )
    if on > today:
        errors.append(
            _("the date {day} is after today ({today})").format(
                day=format_day(on), today=format_day(today)
            )
        )
    return canonical, tuple(errors)


def check_milestone_again(
    record: MilestoneRecord, *, on: dt.date, note: str | None
) -> tuple[str, ...]:
    """Why recording ``record``'s milestone again, on ``on`` with ``note``, is refused:
    a recorded milestone changes only by a correction. The same date (and no other
    note) is no change, and no refusal."""
    if on == record.on and (note is None or note == record.note):
        return ()
    what = f"--date {on}" + (" --note TEXT" if note is not None and note != record.note else "")
    return (
        _(
            "'{key}' is already recorded on {day}: to correct it, 'slrbcall "
            "followup correct {ref} --milestone {key} {options} --reason TEXT'"
        ).format(key=record.key, day=format_day(record.on), ref=record.reference, options=what),
    )


def check_milestone_correction(
    call: Call,
    project: Project,
    *,
    milestones: Iterable[MilestoneRecord],
    key: str,
    on: dt.date,
    note: str | None,
    today: dt.date,
) -> tuple[MilestoneRecord | None, tuple[str, ...]]:
    """The recorded milestone that a correction to ``on`` would correct, and the
    reasons to refuse it: a milestone not recorded, a correction that changes nothing,
    or a date that :func:`check_milestone` refuses."""
    canonical, errors = check_milestone(call, project, key=key, on=on, today=today)
    if errors:
        return None, errors
    ref = project.reference
    record = next((m for m in milestones if (m.reference, m.key) == (ref, canonical)), None)
    if record is None:
        return None, (
            _(
                "'{key}' is not recorded: there is nothing to correct (record it with "
                "'slrbcall followup record {ref} --milestone {key} --date {on}')"
            ).format(key=canonical, ref=ref, on=on),
        )
    if on == record.on and (note is None or note == record.note):
        return record, (
            _("'{key}' already stands on {day}: there is nothing to correct").format(
                key=canonical, day=format_day(on)
            ),
        )
    return record, ()
