"""Use case: a call's key figures, and the board's workbook of them (``--xlsx``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.allocation.decisions import decisions_in
from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.committee.service import ranked, stored_in
from slrbcall.followup.service.closing import ProjectClosing, closing_in
from slrbcall.followup.service.monitoring import outcomes
from slrbcall.followup.service.state import open_workspace, read_state
from slrbcall.reports.figures import key_figures
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.committee.scoring import ScoreLine
    from slrbcall.followup import Outcomes
    from slrbcall.model import Application
    from slrbcall.reports.figures import KeyFigures

__all__ = ["CallReport", "call_report"]


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
        # The workbook's writers and the payments' states load only to write it.
        from slrbcall.followup.service.payments import payments  # noqa: PLC0415 (--xlsx only)
        from slrbcall.reports.excel import write_report  # noqa: PLC0415 (--xlsx only)
        from slrbcall.reports.followup_sheets import BoardFollowup  # noqa: PLC0415 (--xlsx only)

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
