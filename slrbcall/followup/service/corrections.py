"""Use cases of corrections: a payment or a milestone recorded wrong is corrected by a
new entry with its reason, the wrong one kept; and their histories.

The rules are :func:`slrbcall.followup.check_correction` and
:func:`slrbcall.followup.check_milestone_correction`; the workspace holds them too (a
correction follows the entry it corrects, and never brings a project's payments above
its award).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slrbcall.calls.definition import LoadedCall
from slrbcall.errors import RefusedError
from slrbcall.followup import (
    MilestoneEntry,
    MilestoneRecord,
    Payment,
    PaymentEntry,
    Project,
    TrancheDue,
    check_correction,
    check_milestone_correction,
    schedule,
)
from slrbcall.followup.service.payments import newly_due
from slrbcall.followup.service.state import followup_state, recording
from slrbcall.i18n import _, clauses
from slrbcall.settings import Settings
from slrbcall.store.followup import StoredMilestoneEntry, StoredPaymentEntry

__all__ = [
    "CorrectedMilestone",
    "CorrectedPayment",
    "MilestoneHistory",
    "PaymentHistory",
    "ProjectHistory",
    "correct_milestone",
    "correct_payment",
    "milestone_history",
    "payment_history",
]


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise RefusedError(_("a correction needs --reason TEXT: the reason goes to the audit"))
    return text


# -- payments ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorrectedPayment:
    """A correction recorded: the entry, the payment it corrected, and the project's
    payments after it against its award."""

    call_id: str
    entry: PaymentEntry
    before: Payment
    paid_cents: int
    award_cents: int


def correct_payment(
    settings: Settings,
    reference: str,
    *,
    tranche: int,
    amount_cents: int,
    reason: str | None,
    today: dt.date,
    paid_on: dt.date | None = None,
    note: str | None = None,
) -> CorrectedPayment:
    """Correct the payment of ``tranche`` to ``amount_cents`` (0 reverses it), and its
    date to ``paid_on`` (by default the date in force). Audited with ``reason``."""

    reason = _reason(reason)
    with recording(settings, command="payments correct", reason=reason) as (tx, state):
        loaded = state.loaded
        call_id = loaded.call.id
        project = state.project(reference)
        before, errors = check_correction(
            loaded.call,
            project,
            payments=state.payments,
            milestones=state.milestones,
            tranche=tranche,
            amount_cents=amount_cents,
            paid_on=paid_on,
            today=today,
        )
        if errors or before is None:
            raise RefusedError(
                _("cannot correct tranche {tranche} of {ref}: ").format(
                    tranche=tranche, ref=reference
                )
                + clauses(errors)
            )
        on = paid_on or before.paid_on
        stored = tx.add_payment_correction(
            call_id,
            StoredPaymentEntry(
                reference=reference,
                tranche=tranche,
                number=before.corrections + 1,
                paid_on=on.isoformat(),
                amount_cents=amount_cents,
                difference_cents=amount_cents - before.amount_cents,
                forced=False,
                reason=reason,
                note=note,
                source="command",
                recorded_at="",
            ),
        )
        tx.audit(
            "insert",
            "payment_correction",
            f"{call_id}/{reference}/{tranche}/{stored.number}",
            before={
                "paid_on": before.paid_on.isoformat(),
                "amount_cents": before.amount_cents,
            },
            after={
                "paid_on": stored.paid_on,
                "amount_cents": stored.amount_cents,
                "difference_cents": stored.difference_cents,
                "note": note,
            },
        )
    paid = sum(p.amount_cents for p in state.payments if p.reference == reference)
    return CorrectedPayment(
        call_id=call_id,
        entry=PaymentEntry(
            reference=reference,
            tranche=tranche,
            number=stored.number,
            paid_on=on,
            amount_cents=amount_cents,
            difference_cents=stored.difference_cents,
            reason=reason,
            note=note,
            forced=False,
            recorded_at=stored.recorded_at,
        ),
        before=before,
        paid_cents=paid + stored.difference_cents,
        award_cents=project.award_cents,
    )


@dataclass(frozen=True, slots=True)
class ProjectHistory:
    """A project's payment entries, in order, and what they add up to."""

    project: Project
    entries: tuple[PaymentEntry, ...]

    @property
    def paid_cents(self) -> int:
        """The project's payments in force: the sum of its entries (each correction
        adds its signed difference)."""
        return sum(e.difference_cents for e in self.entries)


@dataclass(frozen=True, slots=True)
class PaymentHistory:
    loaded: LoadedCall
    projects: tuple[ProjectHistory, ...]

    @property
    def paid_cents(self) -> int:
        return sum(p.paid_cents for p in self.projects)


def payment_history(settings: Settings, reference: str | None = None) -> PaymentHistory:
    """Every payment entry of each funded project (or of ``reference``): the payments
    as recorded, and their corrections with their reasons."""

    state = followup_state(settings)
    projects = state.projects if reference is None else (state.project(reference),)
    return PaymentHistory(
        loaded=state.loaded,
        projects=tuple(
            ProjectHistory(
                project=p,
                entries=tuple(e for e in state.payment_entries if e.reference == p.reference),
            )
            for p in projects
        ),
    )


# -- milestones ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorrectedMilestone:
    """A milestone's correction recorded: from ``previous`` to ``on``. ``now_due`` are
    the tranches it made payable; ``paid_before`` the tranches waiting for it that were
    paid before its new date."""

    call_id: str
    reference: str
    key: str
    number: int
    previous: dt.date
    on: dt.date
    now_due: tuple[TrancheDue, ...]
    paid_before: tuple[Payment, ...]


def correct_milestone(
    settings: Settings,
    reference: str,
    *,
    key: str,
    on: dt.date,
    reason: str | None,
    today: dt.date,
    note: str | None = None,
) -> CorrectedMilestone:
    """Correct the date (and the note) of a recorded milestone. Audited with ``reason``."""

    reason = _reason(reason)
    with recording(settings, command="followup correct", reason=reason) as (tx, state):
        loaded = state.loaded
        call_id = loaded.call.id
        project = state.project(reference)
        record, errors = check_milestone_correction(
            loaded.call,
            project,
            milestones=state.milestones,
            key=key,
            on=on,
            note=note,
            today=today,
        )
        if errors or record is None:
            raise RefusedError(_("{ref}: {errors}").format(ref=reference, errors=clauses(errors)))
        stored = tx.add_milestone_correction(
            call_id,
            StoredMilestoneEntry(
                reference=reference,
                key=record.key,
                number=record.corrections + 1,
                on_date=on.isoformat(),
                previous_date=record.on.isoformat(),
                note=note,
                reason=reason,
                recorded_at="",
            ),
        )
        tx.audit(
            "insert",
            "milestone_correction",
            f"{call_id}/{reference}/{record.key}/{stored.number}",
            before={"date": record.on.isoformat(), "note": record.note},
            after={"date": on.isoformat(), "note": note},
        )
    corrected = MilestoneRecord(reference, record.key, on, note or record.note)
    waiting = {t.number for t in schedule(loaded.call, project) if t.condition == record.key}
    return CorrectedMilestone(
        call_id=call_id,
        reference=reference,
        key=record.key,
        number=stored.number,
        previous=record.on,
        on=on,
        now_due=newly_due(state, project, [*state.milestones, corrected], today),
        paid_before=tuple(
            p
            for p in state.payments
            if p.reference == reference
            and p.tranche in waiting
            and not p.reversed
            and p.paid_on < on
        ),
    )


@dataclass(frozen=True, slots=True)
class MilestoneHistory:
    """Each recorded milestone's entries (as recorded, then its corrections), in order."""

    loaded: LoadedCall
    entries: tuple[MilestoneEntry, ...]


def milestone_history(settings: Settings, reference: str | None = None) -> MilestoneHistory:
    """The milestones recorded for each funded project (or for ``reference``), each with
    its corrections and their reasons."""

    state = followup_state(settings)
    if reference is not None:
        state.project(reference)  # a refusal naming the funded projects
    return MilestoneHistory(
        loaded=state.loaded,
        entries=tuple(
            e for e in state.milestone_entries if reference is None or e.reference == reference
        ),
    )
