"""The follow-up as stored, and the timeline: the base of the other follow-up use cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from slrbcall.calls.definition import LoadedCall
from slrbcall.calls.service import resolve_call
from slrbcall.errors import RefusedError
from slrbcall.followup import (
    MilestoneRecord,
    Payment,
    Project,
    Report,
    Timeline,
    build_timeline,
    funded_projects,
    timeline_ics,
)
from slrbcall.intake.merge import from_row
from slrbcall.settings import Settings
from slrbcall.sheets import write_atomic
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.store import Transaction, Workspace

__all__ = [
    "FollowupState",
    "TimelineResult",
    "check_lang",
    "followup_state",
    "open_workspace",
    "read_state",
    "timeline",
    "write_timeline_ics",
]


# -- the state of the follow-up ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FollowupState:
    """The call, its funded projects (adopted run ``run_id``) and what is recorded."""

    loaded: LoadedCall
    run_id: int
    projects: tuple[Project, ...]
    milestones: tuple[MilestoneRecord, ...]
    payments: tuple[Payment, ...]
    reports: tuple[Report, ...]

    def project(self, reference: str) -> Project:
        """The funded project ``reference``, or a refusal naming the funded ones."""
        for project in self.projects:
            if project.reference == reference:
                return project
        references = [p.reference for p in self.projects]
        raise RefusedError(
            f"'{reference}' is not a funded project of {self.loaded.call.id} "
            f"(the funded projects are {', '.join(references) or 'none'})"
        )


def open_workspace(settings: Settings) -> Workspace:

    if not settings.db_path.exists():
        raise RefusedError(
            f"no workspace at {settings.db_path} yet: take the applications in first "
            "('slrbcall intake FILE')"
        )
    return Workspace.open(settings.db_path, create=False)


def read_state(source: Workspace | Transaction, loaded: LoadedCall) -> FollowupState:

    call = loaded.call
    runs = source.runs(call.id)
    if not runs:
        raise RefusedError(
            f"no allocation for {call.id} yet: run 'slrbcall allocate --budget AMOUNT'"
        )
    run = runs[-1]
    applications = [from_row(row) for row in source.stored_rows(call.id)]
    return FollowupState(
        loaded=loaded,
        run_id=run.id,
        projects=funded_projects(call, applications, run.result["lines"]),
        milestones=tuple(
            MilestoneRecord(m.reference, m.key, dt.date.fromisoformat(m.on_date), m.note)
            for m in source.milestones(call.id)
        ),
        payments=tuple(
            Payment(
                reference=p.reference,
                tranche=p.tranche,
                paid_on=dt.date.fromisoformat(p.paid_on),
                amount_cents=p.amount_cents,
                forced=p.forced,
                reason=p.reason,
                note=p.note,
            )
            for p in source.payments(call.id)
        ),
        reports=tuple(
            Report(
                reference=r.reference,
                report_date=dt.date.fromisoformat(r.report_date),
                residents_involved=r.residents_involved,
                residents_trained=r.residents_trained,
                activities=r.activities,
                participants=r.participants,
                deliverables=r.deliverables,
                deliverable_kinds=r.deliverable_kinds,
                remarks=r.remarks,
                where=f"{r.source_file}: {r.source_place}",
            )
            for r in source.monitoring_reports(call.id)
        ),
    )


def followup_state(settings: Settings, *, recorded_in_file: str | None = None) -> FollowupState:
    """The follow-up as stored: refused without a workspace or an allocation."""

    with open_workspace(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls(), recorded_in_file=recorded_in_file)
        return read_state(ws, loaded)


# -- the timeline --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineResult:
    loaded: LoadedCall
    timeline: Timeline


def timeline(settings: Settings, *, today: dt.date, within: int = 30) -> TimelineResult:
    """The call's steps and the funded projects' due dates, as they stand on ``today``."""

    if within < 0:
        raise RefusedError("--within is a number of days, 0 or more")
    state = followup_state(settings)
    found = build_timeline(
        state.loaded.call,
        state.projects,
        milestones=state.milestones,
        payments=state.payments,
        today=today,
        within=within,
    )
    return TimelineResult(state.loaded, found)


class _Bytes:
    """Bytes that :func:`slrbcall.sheets.write_atomic` can save like a workbook."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def save(self, filename: IO[bytes], /) -> None:
        filename.write(self.data)


def write_timeline_ics(result: TimelineResult, path: Path, *, lang: str = "fr") -> Path:
    """Write the timeline as an iCalendar file (``.ics``), atomically."""

    if path.suffix.lower() != ".ics":
        raise RefusedError(f"{path.name}: an iCalendar file ends in .ics")
    if lang not in ("nl", "fr"):
        raise RefusedError(f"--lang must be nl or fr, not '{lang}'")
    name = result.loaded.call.title[lang]
    write_atomic(_Bytes(timeline_ics(result.timeline, name=name, lang=lang)), path)
    return path


def check_lang(lang: str) -> None:
    if lang not in ("nl", "fr", "en"):
        raise RefusedError(f"--lang must be nl, fr or en, not '{lang}'")
