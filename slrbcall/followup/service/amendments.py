"""Use cases of amendments: record an amendment to a funded project's convention, and
render it (avenant / aanhangsel) in Dutch and French.

The rules are :func:`slrbcall.followup.plan_amendment`; the workspace holds them too
(an amendment follows the award in force, its tranches add up to its amount, and it is
never below what was paid). An amendment counts against the adoption in force: it is
the project's award ceiling until another amendment, or another adoption.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.documents.batch import RenderJob, safe_filename
from slrbcall.documents.context import AMENDMENT, amendment_context, document_context
from slrbcall.documents.l10n import split_tranches
from slrbcall.documents.service import blank_warnings, check_pdf, issue
from slrbcall.errors import InputFileError, RefusedError
from slrbcall.followup import (
    SIGNATURE,
    Amendment,
    Project,
    TrancheDue,
    amended,
    plan_amendment,
    schedule,
)
from slrbcall.followup.service.state import FollowupState, open_workspace, read_state, recording
from slrbcall.i18n import _, clauses, format_day
from slrbcall.intake.merge import from_row
from slrbcall.settings import Settings
from slrbcall.store import Workspace
from slrbcall.store.followup import StoredAmendment

__all__ = ["RecordedAmendment", "RenderedAmendments", "amend", "languages", "render_amendments"]


@dataclass(frozen=True, slots=True)
class RecordedAmendment:
    """An amendment recorded, the project before and after it, and its new tranches."""

    call_id: str
    amendment: Amendment
    before: Project
    after: Project
    tranches: tuple[TrancheDue, ...]


def amend(
    settings: Settings,
    reference: str,
    *,
    reason: str | None,
    on: dt.date,
    amount_cents: int | None = None,
    end: dt.date | None = None,
    shares: Sequence[Decimal] | None = None,
) -> RecordedAmendment:
    """Record an amendment to the convention of the funded project ``reference``: its
    award (``amount_cents``), its end date, or the shares of its unpaid tranches.
    Refused by the rules of :func:`slrbcall.followup.plan_amendment`. Audited with
    ``reason``."""

    reason = (reason or "").strip()
    if not reason:
        raise RefusedError(_("an amendment needs --reason TEXT: it goes in the amendment"))
    with recording(settings, command="amend", reason=reason) as (tx, state):
        call = state.loaded.call
        project = state.project(reference)
        settled = {x.reference: x.on_date for x in tx.settlements(call.id)}
        if reference in settled:
            raise RefusedError(
                _(
                    "cannot amend {ref}: it was settled on {day}, and the convention of a "
                    "settled project is amended no more"
                ).format(ref=reference, day=format_day(dt.date.fromisoformat(settled[reference])))
            )
        plan = plan_amendment(
            call,
            project,
            payments=state.payments,
            amount_cents=amount_cents,
            end=end,
            shares=shares,
            budget_cents=state.budget_cents,
            others_cents=sum(p.award_cents for p in state.projects if p.reference != reference),
        )
        if plan.errors:
            raise RefusedError(
                _("cannot amend {ref}: ").format(ref=reference) + clauses(plan.errors)
            )
        number = 1 + sum(1 for a in tx.amendments(call.id) if a.reference == reference)
        stored = tx.add_amendment(
            call.id,
            StoredAmendment(
                reference=reference,
                number=number,
                adoption_id=state.adoption_id,
                on_date=on.isoformat(),
                amount_cents=plan.amount_cents,
                previous_amount_cents=project.award_cents,
                end_date=plan.end.isoformat() if plan.end else None,
                previous_end_date=project.end.isoformat() if project.end else None,
                tranche_cents=plan.tranche_cents,
                shares=None if shares is None else tuple(str(s) for s in shares),
                paid_cents=plan.paid_cents,
                paid_tranches=plan.paid_tranches,
                reason=reason,
                recorded_at="",
            ),
        )
        tx.audit(
            "insert",
            "amendment",
            f"{call.id}/{reference}/{number}",
            before={
                "amount_cents": project.award_cents,
                "end_date": stored.previous_end_date,
                "tranches": [t.amount_cents for t in schedule(call, project)],
            },
            after={
                "amount_cents": stored.amount_cents,
                "end_date": stored.end_date,
                "tranches": list(stored.tranche_cents),
                "paid_cents": stored.paid_cents,
                "date": stored.on_date,
            },
        )
    amendment = Amendment(
        reference=reference,
        number=number,
        adoption_id=state.adoption_id,
        on=on,
        amount_cents=plan.amount_cents,
        previous_amount_cents=project.award_cents,
        end=plan.end,
        previous_end=project.end,
        tranche_cents=plan.tranche_cents,
        shares=None if shares is None else tuple(shares),
        paid_cents=plan.paid_cents,
        paid_tranches=plan.paid_tranches,
        reason=reason,
        recorded_at=stored.recorded_at,
    )
    after = amended(project, amendment)
    return RecordedAmendment(call.id, amendment, project, after, schedule(call, after))


# -- documents -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedAmendments:
    """What a rendering wrote; ``warnings`` names each blank left in each amendment."""

    loaded: LoadedCall
    out_dir: Path
    files: tuple[str, ...]
    manifest: Path
    pdfs: tuple[Path, ...]
    warnings: tuple[str, ...] = ()


def languages(language: str, lang: str) -> tuple[str, ...]:
    """The languages of a document: ``language`` for ``auto``, both for ``both``."""
    if lang == "auto":
        return (language,)
    return ("nl", "fr") if lang == "both" else (lang,)


def _previous_tranches(state: FollowupState, amendment: Amendment) -> tuple[int, ...]:
    """The tranches of the project before ``amendment``: those of the amendment before
    it, else the call's percentages of the decided award."""
    earlier = [
        a
        for a in state.amendments
        if a.reference == amendment.reference and a.number < amendment.number
    ]
    if earlier:
        return earlier[-1].tranche_cents
    project = state.project(amendment.reference)
    call = state.loaded.call
    return tuple(split_tranches(project.decided, [t.percent for t in call.tranches]))


def _jobs(
    settings: Settings, ws: Workspace, state: FollowupState, *, lang: str, only: str | None
) -> list[RenderJob]:
    call = state.loaded.call
    amendments = [a for a in state.amendments if only is None or a.reference == only]
    if only is not None and not amendments:
        state.project(only)  # a refusal naming the funded projects, if it is not one
        raise RefusedError(
            _("{ref} has no amendment in the adopted decision of {call}").format(
                ref=only, call=call.id
            )
        )
    if not amendments:
        raise RefusedError(
            _("no amendment of {call} yet: record one with 'slrbcall amend REF'").format(
                call=call.id
            )
        )
    applications = {a.reference: a for a in (from_row(row) for row in ws.stored_rows(call.id))}
    run = ws.adopted_run(call.id)
    assert run is not None  # read_state found it
    lines = {line["reference"]: line for line in run.result["lines"]}
    registry = load_registry(settings.calls_path)
    signed = {m.reference: m.on for m in state.milestones if m.key == SIGNATURE}
    jobs = []
    for amendment in amendments:
        application = applications[amendment.reference]
        for language in languages(application.language.value, lang):
            convention = document_context(
                AMENDMENT,
                call=call,
                registry=registry,
                application=application,
                line=lines[amendment.reference],
                budget_cents=run.budget_cents,
                lang=language,
                date=amendment.on,
            )
            context = amendment_context(
                convention,
                number=amendment.number,
                convention_date=signed.get(amendment.reference),
                decision_date=call.decision.date if call.decision else state.adopted_on,
                previous_amount_cents=amendment.previous_amount_cents,
                amount_cents=amendment.amount_cents,
                previous_end=amendment.previous_end,
                end=amendment.end,
                previous_tranche_cents=_previous_tranches(state, amendment),
                tranche_cents=amendment.tranche_cents,
                paid_tranches=amendment.paid_tranches,
                paid_cents=amendment.paid_cents,
                reason=amendment.reason,
            )
            jobs.append(
                RenderJob(
                    template=settings.templates_path / f"{AMENDMENT}.{language}.docx",
                    context=context,
                    filename=safe_filename(
                        call.id,
                        amendment.reference,
                        f"{AMENDMENT}-{amendment.number}",
                        language,
                        suffix=".docx",
                    ),
                    reference=amendment.reference,
                    kind=f"{AMENDMENT}-{amendment.number}",
                    lang=language,
                )
            )
    return jobs


def render_amendments(
    settings: Settings,
    *,
    out: Path,
    lang: str = "auto",
    only: str | None = None,
    pdf: bool = False,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RenderedAmendments:
    """Render the amendments of the adopted decision (of project ``only``), each in
    the project's language (``auto``), in ``nl``, ``fr`` or ``both``. All or nothing,
    with a manifest; ``pdf`` converts them in one LibreOffice call (exit 5 without it,
    checked before anything is rendered). A blank left in an amendment (a party's
    address, the authority's signatory, ...) is a warning, as for the conventions; with
    ``strict`` it is refused (exit 3) and nothing is written."""

    check_pdf(pdf)
    with open_workspace(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        state = read_state(ws, loaded)
        jobs = _jobs(settings, ws, state, lang=lang, only=only)
    found = blank_warnings(jobs)
    if strict and found:
        raise InputFileError(found)
    issued = issue(
        settings,
        jobs,
        call_id=loaded.call.id,
        out=out,
        pdf=pdf,
        command="render-amendments",
        facts={},
        progress=progress,
    )
    return RenderedAmendments(
        state.loaded,
        out,
        issued.files,
        issued.manifest,
        issued.pdfs,
        tuple(str(problem) for problem in found),
    )
