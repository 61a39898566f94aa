"""Use cases of the settlement: settle a project (``slrbcall settle``) and render its
letter, and record what came back of a recovery (``slrbcall recovery record``). The
last mile's figures per project, which the report reads, are :mod:`.closing`.

The rules are :func:`slrbcall.followup.settlement.plan_settlement`; the workspace holds
them too (a settlement follows what was paid and claimed; a settled project takes no
more expenses, reviews, amendments, or payments above its settlement; a recovery never
passes what is due). A settlement is made once, and never changed: settling a settled
project renders its letter again, from what was recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.documents.batch import RenderJob, safe_filename
from slrbcall.documents.context import SETTLEMENT, document_context, settlement_context
from slrbcall.documents.render import Renderer
from slrbcall.documents.service import check_pdf, issue
from slrbcall.errors import RefusedError
from slrbcall.followup.justification import Decision, reason_sentence
from slrbcall.followup.service.amendments import languages
from slrbcall.followup.service.closing import Stored, settlements_in, stored_justification
from slrbcall.followup.service.state import (
    FollowupState,
    followup_state,
    open_workspace,
    read_state,
    recording,
)
from slrbcall.followup.settlement import (
    Settlement,
    plan_settlement,
    settlement_json,
)
from slrbcall.i18n import _, clauses, format_day
from slrbcall.intake.budget import stored_budget
from slrbcall.intake.merge import from_row
from slrbcall.money import format_eur
from slrbcall.settings import Settings
from slrbcall.store.settlement import StoredRecovery, StoredSettlement

if TYPE_CHECKING:
    from slrbcall.store import Transaction, Workspace

__all__ = ["RecordedRecovery", "Settled", "record_recovery", "settle"]


def _to_stored(settlement: Settlement, *, adoption_id: int, note: str | None) -> StoredSettlement:
    return StoredSettlement(
        reference=settlement.reference,
        adoption_id=adoption_id,
        on_date=settlement.on.isoformat(),
        award_cents=settlement.award_cents,
        claimed_cents=settlement.claimed_cents,
        admitted_cents=settlement.admitted_cents,
        paid_cents=settlement.paid_cents,
        balance_cents=settlement.balance_cents,
        tranche_cents=settlement.tranche_cents,
        figures={
            "lines": [
                {
                    "key": line.key,
                    "claimed_cents": line.claimed_cents,
                    "reviewed_cents": line.reviewed_cents,
                    "admitted_cents": line.admitted_cents,
                    "rule": line.rule,
                }
                for line in settlement.lines
            ],
            "planned": list(settlement.planned_cents),
            "last_tranche": settlement.last_tranche,
        },
        recovery_due_date=settlement.recovery_due.isoformat() if settlement.recovery_due else None,
        note=note,
    )


# -- settling ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settled:
    """What ``slrbcall settle`` did: ``outcome`` is ``settled``, ``already`` (settled
    before: its letter rendered again) or ``dry-run`` (nothing stored or rendered)."""

    loaded: LoadedCall
    settlement: Settlement
    outcome: str
    files: tuple[str, ...] = ()
    manifest: Path | None = None
    pdfs: tuple[Path, ...] = ()


def settle(
    settings: Settings,
    reference: str,
    *,
    on: dt.date,
    today: dt.date,
    out: Path,
    lang: str = "auto",
    pdf: bool = False,
    dry_run: bool = False,
    note: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Settled:
    """Settle project ``reference`` on ``on`` from its reviewed expenses and its payments
    (:func:`~slrbcall.followup.settlement.plan_settlement`), record it (audited, with
    ``note`` as its reason) and render its letter in the application's language
    (``auto``), ``nl``, ``fr`` or ``both``, into ``out``. ``dry_run`` computes and
    stores nothing. A project settled before is not settled again: its letter is
    rendered again from what was recorded."""

    if on > today:
        raise RefusedError(
            _("the settlement date {day} is after today ({today})").format(
                day=format_day(on), today=format_day(today)
            )
        )
    check_pdf(pdf)
    state = followup_state(settings)
    call = state.loaded.call
    with open_workspace(settings) as ws:
        before = settlements_in(ws, call.id).get(reference)
    if before is not None:
        state.project(reference)  # a refusal naming the funded projects, if it is not one
        if dry_run:
            return Settled(state.loaded, before, "already")
        return _rendered(settings, state.loaded, before, "already", out, lang, pdf, progress)
    if not call.budget_lines:
        raise RefusedError(
            _(
                "{call} has no budget lines: its projects are not settled from justified "
                "expenses (add 'budget_lines:' to the call's definition)"
            ).format(call=call.id)
        )
    Renderer(_template(settings, "fr"))  # a broken template stops it before anything is stored
    Renderer(_template(settings, "nl"))
    if dry_run:
        with open_workspace(settings) as ws:
            return Settled(state.loaded, _planned(state, ws, reference=reference, on=on), "dry-run")
    with recording(settings, command="settle", reason=note) as (tx, inside):
        settlement = _planned(inside, tx, reference=reference, on=on)
        tx.add_settlement(
            call.id, _to_stored(settlement, adoption_id=inside.adoption_id, note=note)
        )
        tx.audit(
            "insert", "settlement", f"{call.id}/{reference}", after=settlement_json(settlement)
        )
    return _rendered(settings, state.loaded, settlement, "settled", out, lang, pdf, progress)


def _planned(
    state: FollowupState, source: Workspace | Transaction, *, reference: str, on: dt.date
) -> Settlement:
    call = state.loaded.call
    project = state.project(reference)
    stored = stored_justification(source, call.id)
    # The convention binds the budget by line: nothing above it is admitted on a line.
    budget = source.budgets(call.id).get(reference)
    plan = plan_settlement(
        call,
        project,
        expenses=stored.expenses,
        reviews=stored.reviews,
        payments=state.payments,
        on=on,
        budget=None if budget is None else stored_budget(call, budget.lines, budget.co_financing),
    )
    if plan.errors:
        raise RefusedError(_("cannot settle {ref}: ").format(ref=reference) + clauses(plan.errors))
    return plan.settlement


def _template(settings: Settings, lang: str) -> Path:
    return settings.templates_path / f"{SETTLEMENT}.{lang}.docx"


def _refused(
    settlement: Settlement, stored: Stored, call_lines: Mapping[str, Any], lang: str
) -> list[tuple[str, str, str, int, int, str, str, str | None]]:
    """The expenses of the settlement not admitted in full, for its letter."""
    reviewed = {r.identity: r for r in stored.reviews}
    found = []
    for expense in stored.expenses:
        review = reviewed.get(expense.identity)
        if expense.reference != settlement.reference or review is None:
            continue
        if review.decision is Decision.ADMITTED:
            continue
        line = call_lines.get(expense.budget_line)
        found.append(
            (
                line.label[lang] if line is not None else expense.budget_line,
                expense.supplier,
                expense.invoice_number,
                expense.claimed_cents,
                review.admitted_cents,
                review.decision.value,
                reason_sentence(review.reason, lang),
                review.comment,
            )
        )
    return found


def _rendered(
    settings: Settings,
    loaded: LoadedCall,
    settlement: Settlement,
    outcome: str,
    out: Path,
    lang: str,
    pdf: bool,
    progress: Callable[[int, int], None] | None,
) -> Settled:
    call = loaded.call
    reference = settlement.reference
    with open_workspace(settings) as ws:
        application = next(
            from_row(row) for row in ws.stored_rows(call.id) if row["reference"] == reference
        )
        run = ws.adopted_run(call.id)
        stored = stored_justification(ws, call.id)
    assert run is not None  # the settlement was made on it
    line = next(x for x in run.result["lines"] if x["reference"] == reference)
    registry = load_registry(settings.calls_path)
    call_lines = {b.key: b for b in call.budget_lines}
    planned_last = (
        settlement.planned_cents[settlement.last_tranche - 1] if settlement.last_tranche else None
    )
    jobs = []
    for language in languages(application.language.value, lang):
        letter = document_context(
            SETTLEMENT,
            call=call,
            registry=registry,
            application=application,
            line=line,
            budget_cents=run.budget_cents,
            lang=language,
            date=settlement.on,
        )
        context = settlement_context(
            letter,
            settlement_date=settlement.on,
            award_cents=settlement.award_cents,
            claimed_cents=settlement.claimed_cents,
            admitted_cents=settlement.admitted_cents,
            paid_cents=settlement.paid_cents,
            balance_cents=settlement.balance_cents,
            planned_last_cents=planned_last,
            recovery_due=settlement.recovery_due,
            lines=[
                (call_lines[x.key], x.claimed_cents, x.reviewed_cents, x.admitted_cents, x.rule)
                for x in settlement.lines
                if x.key in call_lines
            ],
            refused=_refused(settlement, stored, call_lines, language),
        )
        jobs.append(
            RenderJob(
                template=_template(settings, language),
                context=context,
                filename=safe_filename(call.id, reference, SETTLEMENT, language, suffix=".docx"),
                reference=reference,
                kind=SETTLEMENT,
                lang=language,
            )
        )
    issued = issue(
        settings,
        jobs,
        call_id=call.id,
        out=out,
        pdf=pdf,
        command="settle",
        facts={"date": settlement.on.isoformat()},
        progress=progress,
    )
    return Settled(loaded, settlement, outcome, issued.files, issued.manifest, issued.pdfs)


# -- recoveries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordedRecovery:
    call_id: str
    reference: str
    number: int
    on: dt.date
    amount_cents: int
    due_cents: int  # the recovery the settlement set
    recovered_cents: int  # what came back, this included

    @property
    def outstanding_cents(self) -> int:
        return self.due_cents - self.recovered_cents


def record_recovery(
    settings: Settings,
    reference: str,
    *,
    amount_cents: int,
    on: dt.date,
    today: dt.date,
    note: str | None = None,
) -> RecordedRecovery:
    """Record that ``amount_cents`` of project ``reference``'s recovery came back on
    ``on``. Refused: a project with nothing to recover, an amount above what is still
    due, a date before the settlement or after today. Audited, with ``note``."""

    with open_workspace(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        call = loaded.call
        with ws.write(
            command="recovery record",
            call=call.id,
            actor=acting(settings, "recovery record"),
            reason=note,
        ) as tx:
            state = read_state(tx, loaded)
            state.project(reference)
            settlement = settlements_in(tx, call.id).get(reference)
            if settlement is None:
                raise RefusedError(
                    _(
                        "{ref} is not settled: there is no recovery to record (settle it "
                        "with 'slrbcall settle {ref}')"
                    ).format(ref=reference)
                )
            if settlement.recovery_cents == 0:
                raise RefusedError(
                    _("{ref} was settled on {day} with nothing to recover").format(
                        ref=reference, day=format_day(settlement.on)
                    )
                )
            earlier = [r for r in tx.recoveries(call.id) if r.reference == reference]
            recovered = sum(r.amount_cents for r in earlier)
            errors = []
            if amount_cents > settlement.recovery_cents - recovered:
                errors.append(
                    _("{amount} is more than the {due} still due (of {total})").format(
                        amount=format_eur(amount_cents),
                        due=format_eur(settlement.recovery_cents - recovered),
                        total=format_eur(settlement.recovery_cents),
                    )
                )
            if on < settlement.on:
                errors.append(
                    _("the date {day} is before the settlement ({settled})").format(
                        day=format_day(on), settled=format_day(settlement.on)
                    )
                )
            if on > today:
                errors.append(
                    _("the date {day} is after today ({today})").format(
                        day=format_day(on), today=format_day(today)
                    )
                )
            if errors:
                raise RefusedError(
                    _("cannot record a recovery of {ref}: ").format(ref=reference) + clauses(errors)
                )
            number = len(earlier) + 1
            tx.add_recovery(
                call.id,
                StoredRecovery(reference, number, on.isoformat(), amount_cents, note),
            )
            tx.audit(
                "insert",
                "recovery",
                f"{call.id}/{reference}/{number}",
                after={"date": on.isoformat(), "amount_cents": amount_cents, "note": note},
            )
    return RecordedRecovery(
        call_id=call.id,
        reference=reference,
        number=number,
        on=on,
        amount_cents=amount_cents,
        due_cents=settlement.recovery_cents,
        recovered_cents=recovered + amount_cents,
    )
