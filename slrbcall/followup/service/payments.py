"""Use cases of milestones and payments: record them, list the tranches, take in a
payments workbook, write its template."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import LoadedCall
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.followup import (
    MilestoneRecord,
    Payment,
    Project,
    ProposedPayment,
    TrancheDue,
    TrancheState,
    TrancheStatus,
    check_milestone,
    check_milestone_again,
    check_payment,
    schedule,
    tranche_states,
)
from slrbcall.followup.model import not_funded
from slrbcall.followup.service.state import (
    FollowupState,
    check_lang,
    followup_state,
    open_workspace,
    read_state,
    recording,
)
from slrbcall.followup.workbooks import (
    PAYMENT_COLUMNS,
    PAYMENT_INSTRUCTIONS,
    PAYMENT_NOTES,
    PAYMENT_SHEETS,
    matcher,
    read_payment_rows,
    recogniser,
)
from slrbcall.i18n import N_, _, clauses, format_day, language
from slrbcall.money import format_eur, to_decimal
from slrbcall.settings import Settings
from slrbcall.sheets import TemplateColumn, choose_sheet, find_header, write_template
from slrbcall.store.followup import StoredMilestone, StoredPayment, StoredProposal

if TYPE_CHECKING:
    from slrbcall.followup.workbooks import PaymentRow
    from slrbcall.model import Call
    from slrbcall.store import Transaction, Workspace

__all__ = [
    "PaymentsIntake",
    "PaymentsView",
    "ProjectPayments",
    "RecordedMilestone",
    "RecordedPayment",
    "approve_payment",
    "newly_due",
    "payments",
    "record_milestone",
    "record_payment",
    "take_payments",
    "write_payments_template",
]


# -- milestones ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordedMilestone:
    """A milestone recorded (``outcome``: added, or unchanged when it was recorded on
    that date already) and the tranches of the project that it made payable."""

    call_id: str
    reference: str
    key: str
    on: dt.date
    outcome: str
    now_due: tuple[TrancheDue, ...]


def record_milestone(
    settings: Settings,
    reference: str,
    *,
    key: str,
    on: dt.date,
    today: dt.date,
    note: str | None = None,
) -> RecordedMilestone:
    """Record that project ``reference`` reached milestone ``key`` on ``on``.

    Recording it again on the same date changes nothing; on another date (or with
    another note) it is refused: a recorded milestone changes only by a correction
    (:func:`slrbcall.followup.service.corrections.correct_milestone`).
    """

    with recording(settings, command="followup record") as (tx, state):
        loaded = state.loaded
        project = state.project(reference)
        canonical, errors = check_milestone(loaded.call, project, key=key, on=on, today=today)
        recorded = next(
            (m for m in state.milestones if (m.reference, m.key) == (reference, canonical)),
            None,
        )
        if recorded is not None and not errors:
            errors = check_milestone_again(recorded, on=on, note=note)
        if errors:
            raise RefusedError(_("{ref}: {errors}").format(ref=reference, errors=clauses(errors)))
        if recorded is None:
            tx.add_milestone(
                loaded.call.id, StoredMilestone(reference, canonical, on.isoformat(), note)
            )
            tx.audit(
                "insert",
                "milestone",
                f"{loaded.call.id}/{reference}/{canonical}",
                after={"date": on.isoformat(), "note": note},
            )
    now_due = newly_due(
        state, project, [*state.milestones, MilestoneRecord(reference, canonical, on, note)], today
    )
    outcome = "unchanged" if recorded is not None else "added"
    return RecordedMilestone(loaded.call.id, reference, canonical, on, outcome, now_due)


def newly_due(
    state: FollowupState,
    project: Project,
    milestones: Sequence[MilestoneRecord],
    today: dt.date,
) -> tuple[TrancheDue, ...]:
    """The tranches of ``project`` that ``milestones`` (the project's milestones as
    they now stand; a later record of a key replaces an earlier one) make payable on
    ``today`` and that the stored ones did not."""
    latest = {(m.reference, m.key): m for m in milestones}
    call = state.loaded.call
    before = tranche_states(
        call, project, payments=state.payments, milestones=state.milestones, today=today
    )
    after = tranche_states(
        call, project, payments=state.payments, milestones=latest.values(), today=today
    )
    return tuple(
        a.due
        for b, a in zip(before, after, strict=True)
        if a.status is TrancheStatus.DUE and b.status is not TrancheStatus.DUE
    )


# -- payments ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectPayments:
    project: Project
    tranches: tuple[TrancheState, ...]

    @property
    def paid_cents(self) -> int:
        return sum(t.payment.amount_cents for t in self.tranches if t.payment is not None)


@dataclass(frozen=True, slots=True)
class PaymentsView:
    """Each funded project's tranches on ``today``: paid, due or blocked."""

    loaded: LoadedCall
    today: dt.date
    projects: tuple[ProjectPayments, ...]
    #: The payments proposed above the call's threshold, awaiting approval (not paid).
    pending: tuple[ProposedPayment, ...] = ()

    def proposed(self, reference: str, tranche: int) -> ProposedPayment | None:
        return next(
            (
                p
                for p in self.pending
                if (p.payment.reference, p.payment.tranche) == (reference, tranche)
            ),
            None,
        )

    @property
    def awarded_cents(self) -> int:
        return sum(p.project.award_cents for p in self.projects)

    @property
    def paid_cents(self) -> int:
        return sum(p.paid_cents for p in self.projects)


def payments(
    settings: Settings, *, today: dt.date, state: FollowupState | None = None
) -> PaymentsView:
    """Every tranche of every funded project, as it stands on ``today``. ``state`` is the
    follow-up as the caller read it already, else it is read here."""

    state = state or followup_state(settings)
    return PaymentsView(
        loaded=state.loaded,
        today=today,
        projects=tuple(
            ProjectPayments(
                project,
                tranche_states(
                    state.loaded.call,
                    project,
                    payments=state.payments,
                    milestones=state.milestones,
                    today=today,
                ),
            )
            for project in state.projects
        ),
        pending=state.pending,
    )


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    """A payment recorded; ``overridden`` lists what ``--force`` let through. A payment
    above the call's threshold in a team's workspace is ``proposed``: it is paid once
    another person approves it (``approve_payment``), and ``paid_cents`` leaves it out."""

    call_id: str
    payment: Payment
    tranche: TrancheDue
    overridden: tuple[str, ...]
    paid_cents: int  # the project's payments, this one included unless proposed
    award_cents: int
    proposed: bool = False
    proposed_by: str | None = None  # of an approved payment
    approved_by: str | None = None


def _needs_approval(tx: Transaction, call: Call, amount_cents: int) -> bool:
    """Whether a payment of ``amount_cents`` is proposed rather than paid: above the
    call's threshold, in a team's workspace (one person has no second pair of eyes)."""
    threshold = call.payment_approval_above_cents
    return tx.team and threshold is not None and amount_cents > threshold


def _store_payment(tx: Transaction, call: Call, payment: Payment, *, source: str) -> bool:
    """Record ``payment``, or propose it when it needs approval; True if proposed."""
    stored = StoredPayment(
        reference=payment.reference,
        tranche=payment.tranche,
        paid_on=payment.paid_on.isoformat(),
        amount_cents=payment.amount_cents,
        forced=payment.forced,
        reason=payment.reason,
        note=payment.note,
        source=source,
    )
    if not _needs_approval(tx, call, payment.amount_cents):
        tx.add_payment(call.id, stored)
        return False
    tx.add_payment_proposal(call.id, StoredProposal.of(stored, proposed_by=tx.actor))
    return True


def _awaiting(state: FollowupState, reference: str, tranche: int) -> str | None:
    """Why a tranche cannot be paid or proposed again: its payment awaits approval."""
    for proposed in state.pending:
        if (proposed.payment.reference, proposed.payment.tranche) == (reference, tranche):
            return _(
                "tranche {tranche} is proposed already ({amount} on {day}, by {who}) and "
                "awaits approval ('slrbcall payments approve {ref} --tranche {tranche}')"
            ).format(
                tranche=tranche,
                amount=format_eur(proposed.payment.amount_cents),
                day=format_day(proposed.payment.paid_on),
                who=proposed.proposed_by,
                ref=reference,
            )
    return None


def _committed(state: FollowupState) -> list[Payment]:
    """The payments made and those proposed: together they stay within each award."""
    return [*state.payments, *(p.payment for p in state.pending)]


def record_payment(
    settings: Settings,
    reference: str,
    *,
    tranche: int,
    paid_on: dt.date,
    today: dt.date,
    amount_cents: int | None = None,
    force: bool = False,
    reason: str | None = None,
    note: str | None = None,
) -> RecordedPayment:
    """Record the payment of a tranche (by default its full amount).

    Refused (:class:`RefusedError`) by the rules of :mod:`slrbcall.followup.schedule`;
    with ``force``, a payment whose condition is not met goes through, and ``reason``
    (required) goes to the audit with what was overridden.
    """

    reason = reason.strip() if reason else None
    if force and not reason:
        raise RefusedError(_("--force needs --reason TEXT: the reason goes to the audit"))
    with recording(settings, command="payments record", reason=reason) as (tx, state):
        call = state.loaded.call
        project = state.project(reference)
        withdrawn = _withdrawn(tx, call.id)
        if reference in withdrawn and paid_on.isoformat() > withdrawn[reference]:
            raise RefusedError(
                _cannot_pay(tranche, reference, paid_on)
                + _(_WITHDRAWN).format(on=format_day(dt.date.fromisoformat(withdrawn[reference])))
            )
        awaiting = _awaiting(state, reference, tranche)
        if awaiting is not None:
            raise RefusedError(
                _("cannot pay tranche {tranche} of {ref}: ").format(tranche=tranche, ref=reference)
                + awaiting
            )
        check = check_payment(
            call,
            project,
            payments=_committed(state),
            milestones=state.milestones,
            tranche=tranche,
            paid_on=paid_on,
            amount_cents=amount_cents,
            today=today,
        )
        if check.errors:
            raise RefusedError(
                _("cannot pay tranche {tranche} of {ref}: ").format(tranche=tranche, ref=reference)
                + clauses(check.errors)
            )
        if check.blockers and not force:
            condition = schedule(call, project)[tranche - 1].condition
            reached = next(
                (m.on for m in state.milestones if (m.reference, m.key) == (reference, condition)),
                None,
            )
            if reached is None:
                hint = _(
                    " (record the milestone with 'slrbcall followup record {ref} "
                    "--milestone {key} --date D', or pay anyway with --force --reason TEXT)"
                )
            elif reached > paid_on:
                hint = _(
                    " (pay it from that day, correct the milestone's date with 'slrbcall "
                    "followup correct {ref} --milestone {key} --date D --reason TEXT', or pay "
                    "anyway with --force --reason TEXT)"
                )
            else:
                hint = _(" (pay it from that day, or pay anyway with --force --reason TEXT)")
            raise RefusedError(
                _cannot_pay(tranche, reference, paid_on)
                + clauses(check.blockers)
                + hint.format(ref=reference, key=condition)
            )
        payment = Payment(
            reference=reference,
            tranche=tranche,
            paid_on=paid_on,
            amount_cents=check.amount_cents,
            forced=bool(check.blockers),
            reason=reason,
            note=note,
        )
        proposed = _store_payment(tx, call, payment, source="command")
        tx.audit(
            "insert",
            "payment_proposal" if proposed else "payment",
            f"{call.id}/{reference}/{tranche}",
            after={
                "paid_on": paid_on.isoformat(),
                "amount_cents": payment.amount_cents,
                "forced": payment.forced,
                "reason": reason,
                "overridden": list(check.blockers),
                "note": note,
            },
        )
    paid = sum(p.amount_cents for p in state.payments if p.reference == reference)
    return RecordedPayment(
        call_id=call.id,
        payment=payment,
        tranche=schedule(call, project)[tranche - 1],
        overridden=check.blockers,
        paid_cents=paid + (0 if proposed else payment.amount_cents),
        award_cents=project.award_cents,
        proposed=proposed,
    )


def approve_payment(
    settings: Settings, reference: str, *, tranche: int, today: dt.date
) -> RecordedPayment:
    """Approve the payment of a tranche proposed above the call's threshold: it is
    paid from now on, as proposed. Refused: no such proposal, and an approval by who
    proposed it (four eyes; the workspace refuses it too). The rules of a payment are
    checked again, since the award or the withdrawals may have changed meanwhile."""

    with recording(settings, command="payments approve") as (tx, state):
        call = state.loaded.call
        project = state.project(reference)
        proposed = next(
            (
                p
                for p in state.pending
                if (p.payment.reference, p.payment.tranche) == (reference, tranche)
            ),
            None,
        )
        if proposed is None:
            done = any((p.reference, p.tranche) == (reference, tranche) for p in state.payments)
            nothing = (
                _("no payment of tranche {tranche} of {ref} awaits approval (it is paid already)")
                if done
                else _("no payment of tranche {tranche} of {ref} awaits approval")
            )
            raise RefusedError(nothing.format(tranche=tranche, ref=reference))
        if proposed.proposed_by == tx.actor:
            raise RefusedError(
                _(
                    "the payment of tranche {tranche} of {ref} was proposed by {who}: another "
                    "approver approves it (four eyes)"
                ).format(tranche=tranche, ref=reference, who=tx.actor)
            )
        payment = proposed.payment
        withdrawn = _withdrawn(tx, call.id)
        if reference in withdrawn and payment.paid_on.isoformat() > withdrawn[reference]:
            raise RefusedError(
                _cannot_pay(tranche, reference, payment.paid_on)
                + _(_WITHDRAWN).format(on=format_day(dt.date.fromisoformat(withdrawn[reference])))
            )
        others = [p for p in _committed(state) if p is not payment]
        check = check_payment(
            call,
            project,
            payments=others,
            milestones=state.milestones,
            tranche=tranche,
            paid_on=payment.paid_on,
            amount_cents=payment.amount_cents,
            today=today,
        )
        if check.errors:
            raise RefusedError(
                _("cannot pay tranche {tranche} of {ref}: ").format(tranche=tranche, ref=reference)
                + clauses(check.errors)
            )
        tx.add_payment(
            call.id,
            StoredPayment(
                reference=reference,
                tranche=tranche,
                paid_on=payment.paid_on.isoformat(),
                amount_cents=payment.amount_cents,
                forced=payment.forced,
                reason=payment.reason,
                note=payment.note,
                source="approval",
                recorded_by=proposed.proposed_by,
                approved_by=tx.actor,
            ),
        )
        tx.audit(
            "insert",
            "payment",
            f"{call.id}/{reference}/{tranche}",
            after={
                "paid_on": payment.paid_on.isoformat(),
                "amount_cents": payment.amount_cents,
                "proposed_by": proposed.proposed_by,
                "approved_by": tx.actor,
            },
        )
    paid = sum(p.amount_cents for p in state.payments if p.reference == reference)
    return RecordedPayment(
        call_id=call.id,
        payment=payment,
        tranche=schedule(call, project)[tranche - 1],
        overridden=(),
        paid_cents=paid + payment.amount_cents,
        award_cents=project.award_cents,
        proposed_by=proposed.proposed_by,
        approved_by=tx.actor,
    )


@dataclass(frozen=True, slots=True)
class PaymentsIntake:
    """What ``slrbcall payments take`` did (or, with ``dry_run``, would do)."""

    file: Path
    call_id: str
    sheet: str
    rows: int
    added: tuple[Payment, ...]
    unchanged: int
    left_out: int
    dry_run: bool
    #: Of ``added``, those proposed above the call's threshold, awaiting approval.
    proposed: tuple[Payment, ...] = ()


#: Why a withdrawn project is not paid (the reserve's withdrawals, slrbcall.allocation).
_WITHDRAWN = N_("it was withdrawn on {on}, and a withdrawn project is paid nothing after that")


def _cannot_pay(tranche: int, reference: str, paid_on: dt.date) -> str:
    return _("cannot pay tranche {tranche} of {ref} on {day}: ").format(
        tranche=tranche, ref=reference, day=format_day(paid_on)
    )


def _withdrawn(source: Workspace | Transaction, call_id: str) -> dict[str, str]:
    """reference -> the ISO date of its withdrawal, for the withdrawn applications."""
    return {w.reference: w.on_date for w in source.withdrawals(call_id)}


def _plan_payments(
    state: FollowupState,
    rows: Sequence[PaymentRow],
    *,
    today: dt.date,
    withdrawn: Mapping[str, str],
) -> tuple[list[Payment], int, list[Problem]]:
    """The new payments of the rows, how many are already stored as they are, and the
    problems. Each row is checked against what is stored and the rows above it."""

    call = state.loaded.call
    funded = {p.reference: p for p in state.projects}
    stored = {(p.reference, p.tranche): p for p in state.payments}
    # A row that repeats a payment as first recorded (since corrected) is taken in too.
    first = {(e.reference, e.tranche): e for e in state.payment_entries if e.number == 0}
    pending = {(p.payment.reference, p.payment.tranche): p.payment for p in state.pending}
    running = _committed(state)
    added: list[Payment] = []
    unchanged = 0
    problems: list[Problem] = []
    for row in rows:
        project = funded.get(row.reference)
        if project is None:
            problems.append(row.place.saying(not_funded(row.reference, call.id, funded)))
            continue
        if row.reference in withdrawn and row.paid_on.isoformat() > withdrawn[row.reference]:
            on = dt.date.fromisoformat(withdrawn[row.reference])
            why = _(_WITHDRAWN).format(on=format_day(on))
            problems.append(row.place.saying(_tranche_of(row) + why))
            continue
        plan = schedule(call, project)
        proposal = pending.get((row.reference, row.tranche))
        if proposal is not None and 1 <= row.tranche <= len(plan):
            amount = row.amount_cents or plan[row.tranche - 1].amount_cents
            if (row.paid_on, amount) == (proposal.paid_on, proposal.amount_cents):
                unchanged += 1  # proposed from this file before
                continue
            message = _awaiting(state, row.reference, row.tranche)
            problems.append(
                row.place.saying(_("{ref}: {errors}").format(ref=row.reference, errors=message))
            )
            continue
        before = stored.get((row.reference, row.tranche))
        if before is not None and 1 <= row.tranche <= len(plan):
            amount = row.amount_cents or plan[row.tranche - 1].amount_cents
            recorded = first[(row.reference, row.tranche)]
            if (row.paid_on, amount) in (
                (before.paid_on, before.amount_cents),
                (recorded.paid_on, recorded.amount_cents),
            ):
                unchanged += 1  # taken in before: the same file again changes nothing
                continue
        check = check_payment(
            call,
            project,
            payments=running,
            milestones=state.milestones,
            tranche=row.tranche,
            paid_on=row.paid_on,
            amount_cents=row.amount_cents,
            today=today,
        )
        # A refusal cannot be forced: listing what --force could pass would mislead.
        found = list(check.errors or check.blockers)
        if not check.errors and check.blockers:
            found[-1] += _(
                " (to pay it anyway: 'slrbcall payments record {ref} --tranche "
                "{tranche} --date {on} --force --reason TEXT')"
            ).format(ref=row.reference, tranche=row.tranche, on=row.paid_on)
        if found:
            problems.extend(row.place.saying(_tranche_of(row) + message) for message in found)
            continue
        payment = Payment(
            reference=row.reference,
            tranche=row.tranche,
            paid_on=row.paid_on,
            amount_cents=check.amount_cents,
            note=row.note,
        )
        running.append(payment)
        added.append(payment)
    return added, unchanged, problems


def take_payments(
    settings: Settings,
    path: Path,
    *,
    today: dt.date,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
) -> PaymentsIntake:
    """Take in a payments workbook: all of its payments, or none (exit 3)."""

    from slrbcall.sheets.read import read_workbook
    from slrbcall.sheets.report import mark_problems

    workbook = read_workbook(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    proposed: list[Payment] = []
    with open_workspace(settings) as ws:
        loaded = resolve_call(
            settings,
            held=ws.held_calls(),
            recorded_in_file=workbook.properties.get("slrbcall.call"),
        )
        try:
            chosen = choose_sheet(workbook, recognise=recogniser(PAYMENT_COLUMNS), requested=sheet)
            header = find_header(
                chosen,
                match=matcher(PAYMENT_COLUMNS),
                required=("reference", "tranche", "paid_on"),
                names={
                    c.key: c.labels[language()]
                    for c in PAYMENT_COLUMNS
                    if c.key in ("reference", "tranche", "paid_on")
                },
            )
            read = read_payment_rows(chosen, header, date1904=workbook.date1904)
            if read.problems:
                raise InputFileError(read.problems)
            if dry_run:
                state = read_state(ws, loaded)
                added, unchanged, problems = _plan_payments(
                    state, read.rows, today=today, withdrawn=_withdrawn(ws, loaded.call.id)
                )
                if problems:
                    raise InputFileError(problems)
            else:
                with ws.write(
                    command="payments take",
                    call=loaded.call.id,
                    actor=acting(settings, "payments take"),
                    input_file=path.name,
                    input_sha256=digest,
                ) as tx:
                    state = read_state(tx, loaded)
                    added, unchanged, problems = _plan_payments(
                        state, read.rows, today=today, withdrawn=_withdrawn(tx, loaded.call.id)
                    )
                    if problems:
                        raise InputFileError(problems)
                    for payment, row in zip(added, _rows_of(read.rows, added), strict=True):
                        is_proposal = _store_payment(tx, loaded.call, payment, source=row.where)
                        if is_proposal:
                            proposed.append(payment)
                        tx.audit(
                            "insert",
                            "payment_proposal" if is_proposal else "payment",
                            f"{loaded.call.id}/{payment.reference}/{payment.tranche}",
                            after={
                                "paid_on": payment.paid_on.isoformat(),
                                "amount_cents": payment.amount_cents,
                                "note": payment.note,
                                "place": row.where,
                            },
                        )
        except InputFileError as exc:
            if report_xlsx is not None:
                mark_problems(path, report_xlsx, exc.problems)
            raise
    return PaymentsIntake(
        file=path,
        call_id=loaded.call.id,
        sheet=chosen.name,
        rows=len(read.rows),
        added=tuple(added),
        unchanged=unchanged,
        left_out=read.left_out,
        dry_run=dry_run,
        proposed=tuple(proposed),
    )


def _tranche_of(row: PaymentRow) -> str:
    return _("{ref}, tranche {tranche}: ").format(ref=row.reference, tranche=row.tranche)


def _rows_of(rows: Sequence[PaymentRow], added: Sequence[Payment]) -> list[PaymentRow]:
    by_key = {(r.reference, r.tranche): r for r in rows}
    return [by_key[(p.reference, p.tranche)] for p in added]


def write_payments_template(
    settings: Settings, out: Path, *, lang: str = "fr"
) -> tuple[LoadedCall, int]:
    """The payments workbook: a row per tranche not paid yet. Returns the call and the
    number of rows."""

    check_lang(lang)
    view = payments(settings, today=dt.date.min)
    call = view.loaded.call
    kinds = {
        "reference": ("identifier", True),
        "title": ("text", False),
        "tranche": ("count", True),
        "amount_due": ("amount", False),
        "paid_on": ("date", True),
        "amount": ("amount", False),
        "note": ("long_text", False),
    }
    notes = PAYMENT_NOTES[lang]
    columns = [
        TemplateColumn(
            c.key,
            c.labels[lang],
            kinds[c.key][0],
            kinds[c.key][1],
            notes.get(c.key, ""),
            width=34 if c.key in ("title", "note") else 16,
        )
        for c in PAYMENT_COLUMNS
    ]
    rows: list[list[object]] = [
        [p.project.reference, p.project.title, t.due.number, to_decimal(t.due.amount_cents)]
        for p in view.projects
        for t in p.tranches
        # A reversed payment is paid again by a correction, not from the workbook.
        if t.payment is None and t.status is not TrancheStatus.CANCELLED
    ]
    if not rows:
        raise RefusedError(
            _("every tranche of {call} is paid: no payments workbook to fill in").format(
                call=call.id
            )
        )
    text_lang = "nl" if lang == "nl" else "fr"
    write_template(
        out,
        title=call.title[text_lang],
        sheet_name=PAYMENT_SHEETS[lang],
        columns=columns,
        instructions=list(PAYMENT_INSTRUCTIONS[lang]),
        properties={"slrbcall.call": call.id, "slrbcall.template": "payments"},
        rows=rows,
    )
    return view.loaded, len(rows)
