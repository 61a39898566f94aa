"""The demo: every stage that exists, run on the shipped example in a fresh workspace."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from slrbcall.allocation.service import Adoption, Allocation, adopt, allocate
from slrbcall.calls.definition import LoadedCall, call_files, load_call, registry_file
from slrbcall.calls.service import validate_calls
from slrbcall.calls.team import acting
from slrbcall.committee.service import Ranking, ScoreIntake, ranking, take_scores
from slrbcall.documents.libreoffice import find_libreoffice
from slrbcall.documents.service import Rendered, render
from slrbcall.errors import RefusedError
from slrbcall.followup.service.monitoring import (
    MonitoringIntake,
    OutcomeReport,
    outcomes,
    take_monitoring,
)
from slrbcall.followup.service.payments import (
    PaymentsView,
    RecordedMilestone,
    RecordedPayment,
    payments,
    record_milestone,
    record_payment,
)
from slrbcall.followup.service.state import TimelineResult, followup_state, timeline
from slrbcall.intake.service import IntakeResult, intake
from slrbcall.reports.service import CallReport, call_report
from slrbcall.resources import examples_dir
from slrbcall.settings import Settings
from slrbcall.store import Workspace
from slrbcall.workspace import WorkspaceStatus, record_calls, workspace_status

__all__ = [
    "DEMO_CALL",
    "DEMO_TODAY",
    "DemoResult",
    "FollowupDemo",
    "run_demo",
    "run_followup_demo",
]


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did, for the CLI to tell as a story."""

    out_dir: Path
    db_path: Path
    calls: tuple[LoadedCall, ...]
    intake: IntakeResult
    scores: ScoreIntake
    ranking: Ranking
    allocation: Allocation
    adoption: Adoption
    report: CallReport
    conventions: Rendered
    letters: Rendered
    followup: FollowupDemo | None
    status: WorkspaceStatus


def run_demo(settings: Settings, *, out: Path | None = None, followup: bool = True) -> DemoResult:
    """Run every stage that exists on the shipped example, in a fresh workspace.

    ``out`` must be empty or absent; by default a new temporary folder is used. The
    documents are converted to PDF when LibreOffice is installed. ``followup=False``
    stops after the documents (the follow-up stage records illustrative milestones,
    payments and reports, which tests of the follow-up want to record themselves).
    """

    pdf = find_libreoffice() is not None
    if out is None:
        out_dir = Path(tempfile.mkdtemp(prefix="slrbcall-demo-"))
    else:
        out_dir = out
        if out_dir.exists() and any(out_dir.iterdir()):
            raise RefusedError(f"{out_dir} is not empty: the demo needs a fresh folder")
        out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "slrbcall.db"
    # The demo's workspace is a scratch one, one person's: the officers of the calls
    # folder (officers.yaml) are not asked, nor their roles.
    demo_settings = Settings(
        db=db_path, calls_dir=settings.calls_dir, templates_dir=settings.templates_dir, team=False
    )

    files = call_files(demo_settings.calls_path)
    validate_calls(demo_settings, files)
    registry = registry_file(demo_settings.calls_path)
    calls = tuple(load_call(path, registry=registry) for path in files)
    # The workspace holds the example's call only, so that every command run on it
    # afterwards finds its call without --call.
    demo_call = next(item for item in calls if item.call.id == DEMO_CALL)
    with Workspace.open(db_path) as ws:
        record_calls(ws, [demo_call], command="demo", actor=acting(demo_settings, "demo"))
    example = replace(demo_settings, call_id=DEMO_CALL)
    taken = intake(example, examples_dir() / "applications.xlsx")
    marks = take_scores(example, examples_dir() / "scores.xlsx")
    ranked = ranking(example)
    allocated = allocate(example, budget_cents=DEMO_BUDGET_CENTS)
    assert allocated.run_id is not None
    adopted = adopt(example, allocated.run_id)
    return DemoResult(
        out_dir=out_dir,
        db_path=db_path,
        calls=calls,
        intake=taken,
        scores=marks,
        ranking=ranked,
        allocation=allocated,
        adoption=adopted,
        report=call_report(example, xlsx=out_dir / "report.xlsx"),
        conventions=render(example, out=out_dir / "conventions", date=DEMO_DATE, pdf=pdf),
        letters=render(example, letters=True, out=out_dir / "outbox", date=DEMO_DATE, pdf=pdf),
        followup=run_followup_demo(example) if followup else None,
        status=workspace_status(demo_settings),
    )


#: The call the shipped example data belongs to, and the budget the demo allocates.
DEMO_CALL = "empowerment-2023"
DEMO_BUDGET_CENTS = 255_000_00
#: The date the demo's documents bear: the month the call's grants were awarded.
DEMO_DATE = dt.date(2023, 12, 15)


# -- the demo's follow-up ------------------------------------------------------------------


#: The day the demo's follow-up is seen from: a month before the final reports are due.
DEMO_TODAY = dt.date(2025, 3, 10)


@dataclass(frozen=True, slots=True)
class FollowupDemo:
    milestones: tuple[RecordedMilestone, ...]
    payments: tuple[RecordedPayment, ...]
    monitoring: MonitoringIntake
    timeline: TimelineResult
    payments_view: PaymentsView
    outcomes: OutcomeReport


def run_followup_demo(settings: Settings, *, today: dt.date = DEMO_TODAY) -> FollowupDemo:
    """The follow-up of the shipped example (after its allocation), with illustrative
    dates: every convention signed and every interim interview held; the questionnaire
    returned by all projects but the last; the first tranche paid to all, the second to
    the first three; then the reports of ``examples/monitoring.xlsx`` taken in. Seen on
    ``today``, some items are overdue (a questionnaire, second tranches) and the final
    reports are due within 30 days."""

    projects = followup_state(settings).projects
    recorded = []
    paid = []
    for number, project in enumerate(projects):
        steps = [("signature", _DEMO_SIGNED), ("interim-interview", _DEMO_INTERIM)]
        if number < len(projects) - 1:
            steps.append(("questionnaire", _DEMO_QUESTIONNAIRE))
        for key, on in steps:
            recorded.append(
                record_milestone(settings, project.reference, key=key, on=on, today=today)
            )
        paid.append(
            record_payment(
                settings, project.reference, tranche=1, paid_on=_DEMO_FIRST_PAID, today=today
            )
        )
        if number < 3:
            paid.append(
                record_payment(
                    settings, project.reference, tranche=2, paid_on=_DEMO_SECOND_PAID, today=today
                )
            )
    taken = take_monitoring(settings, examples_dir() / "monitoring.xlsx")
    return FollowupDemo(
        milestones=tuple(recorded),
        payments=tuple(paid),
        monitoring=taken,
        timeline=timeline(settings, today=today),
        payments_view=payments(settings, today=today),
        outcomes=outcomes(settings),
    )


_DEMO_SIGNED = dt.date(2023, 12, 15)
_DEMO_FIRST_PAID = dt.date(2024, 1, 15)
_DEMO_INTERIM = dt.date(2024, 6, 28)
_DEMO_SECOND_PAID = dt.date(2024, 7, 15)
_DEMO_QUESTIONNAIRE = dt.date(2024, 9, 30)
