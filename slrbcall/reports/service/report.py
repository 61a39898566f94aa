"""Use cases of reporting on a call: its key figures, the board's workbook, open data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.allocation.decisions import adopted_run, decisions_in
from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.committee.service import ranked, stored_in, stored_state
from slrbcall.errors import RefusedError
from slrbcall.followup.service.closing import ProjectClosing, closing_in
from slrbcall.followup.service.monitoring import outcomes
from slrbcall.followup.service.payments import payments
from slrbcall.followup.service.state import followup_state, open_workspace, read_state
from slrbcall.i18n import N_, _, gettext_in
from slrbcall.model import Lang
from slrbcall.reports.excel import write_report
from slrbcall.reports.figures import key_figures
from slrbcall.reports.followup_sheets import BoardFollowup
from slrbcall.reports.giving360 import (
    Disbursement,
    grants_360,
    transactions_360,
    write_360_csv,
    write_360_json,
)
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.committee.scoring import ScoreLine
    from slrbcall.followup import Outcomes
    from slrbcall.model import Application
    from slrbcall.reports.figures import KeyFigures

__all__ = ["CallReport", "call_report", "export_360giving"]


@dataclass(frozen=True, slots=True)
class CallReport:
    loaded: LoadedCall
    figures: KeyFigures
    applications: tuple[Application, ...]
    score_lines: tuple[ScoreLine, ...]
    lines: tuple[dict[str, Any], ...] | None
    run_id: int | None
    #: The projects' outcomes from their monitoring reports (None before any report).
    outcomes: Outcomes | None
    #: Each funded project's last mile: claimed, admitted, paid, balance, recovered
    #: (None before an allocation is adopted).
    closing: tuple[ProjectClosing, ...] | None = None


def call_report(
    settings: Settings, *, xlsx: Path | None = None, today: dt.date | None = None
) -> CallReport:
    """The key figures from the stored data and the adopted allocation (if any); with
    ``xlsx``, the board's workbook too, as of ``today`` (the tranches due and blocked on
    that day; by default, today)."""

    # Everything is read in one opening of the workspace (on a server, each opening is a
    # connection), the follow-up's state once for every figure below.
    with open_workspace(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        applications, marks = stored_in(ws, loaded)
        found = decisions_in(ws, loaded)
        run = next((r for r in found.runs if r.id == found.adopted_id), None)
        state = read_state(ws, loaded) if run else None
        last_mile = closing_in(ws, state) if state else None
    ranking = ranked(settings, loaded, applications, marks, allow_incomplete="skip-reviewer")
    lines = tuple(run.result["lines"]) if run else None
    registry = load_registry(settings.calls_path)
    figures = key_figures(
        call=loaded.call,
        applications=ranking.applications,
        lines=lines,
        registry=registry,
        budget_cents=run.budget_cents if run else None,
        paid_cents=sum(p.amount_cents for p in state.payments) if state else None,
    )
    score_lines = tuple(line for _, line, _ in ranking.lines)
    found_outcomes = outcomes(settings, state=state).outcomes if state else None
    if xlsx is not None:
        day = today or dt.date.today()
        followup = None
        if state is not None and found_outcomes is not None and last_mile is not None:
            followup = BoardFollowup(
                payments=payments(settings, today=day, state=state).projects,
                outcomes=found_outcomes,
                closing=last_mile,
            )
        write_report(
            xlsx,
            figures,
            call=loaded.call,
            applications=ranking.applications,
            score_lines=score_lines,
            lines=lines,
            generated=day,
            followup=followup,
        )
    return CallReport(
        loaded=loaded,
        figures=figures,
        applications=ranking.applications,
        score_lines=score_lines,
        lines=lines,
        run_id=run.id if run else None,
        # The outcome figures, once at least one monitoring report is stored.
        outcomes=found_outcomes if found_outcomes and found_outcomes.totals.reporting else None,
        closing=last_mile,
    )


def export_360giving(
    settings: Settings,
    out: Path,
    *,
    prefix: str = "360G-slrb",
    award_date: dt.date | None = None,
    lang: str | None = None,
) -> int:
    """The funded grants of the adopted allocation in the 360Giving standard; returns the count.

    The format follows the file's suffix: ``.json`` or ``.csv``. The dataset speaks one
    language: ``lang``, else the call's ``open_data: language``; without either, refused.
    """

    suffix = out.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise RefusedError(_("{file}: name a .json or a .csv file").format(file=out))
    loaded, run = adopted_run(settings)
    chosen = lang or loaded.call.open_data_language
    if chosen is None:
        raise RefusedError(
            _(
                "the open data of {call} speaks one language: pass --lang nl or --lang fr, "
                "or set 'open_data: {{language: nl}}' in the call's definition"
            ).format(call=loaded.call.id)
        )
    _loaded, applications, _marks = stored_state(settings)
    moved = _disbursements(settings, Lang(chosen))
    grants = grants_360(
        call=loaded.call,
        applications=applications,
        lines=run.result["lines"],
        registry=load_registry(settings.calls_path),
        lang=Lang(chosen),
        prefix=prefix,
        award_date=award_date,
        disbursements=moved,
    )
    if suffix == ".json":
        transactions = transactions_360(grants, moved, prefix=prefix, call_id=loaded.call.id)
        write_360_json(out, grants, transactions)
    else:
        write_360_csv(out, grants)
    return len(grants)


def _disbursements(settings: Settings, lang: Lang) -> list[Disbursement]:
    """Every tranche paid (as corrected; a reversed one is no payment) and every
    repayment of a recovery (negative), for the open data: each described in the
    dataset's language ``lang`` (a tranche by its label in the call)."""
    state = followup_state(settings)
    labels = {t.number: t.label[lang] for t in state.loaded.call.tranches}
    moved = [
        Disbursement(
            p.reference,
            f"payment-{p.tranche}",
            p.paid_on,
            p.amount_cents,
            labels.get(p.tranche)
            or gettext_in(lang, N_("Tranche {number}")).format(number=p.tranche),
        )
        for p in state.payments
        if p.amount_cents > 0
    ]
    with open_workspace(settings) as ws:
        back = ws.recoveries(state.loaded.call.id)
    moved += [
        Disbursement(
            r.reference,
            f"recovery-{r.number}",
            dt.date.fromisoformat(r.on_date),
            -r.amount_cents,
            gettext_in(lang, N_("Repayment of an amount not justified")),
        )
        for r in back
    ]
    return moved
