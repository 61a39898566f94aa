"""The demo: every stage that exists, run on the shipped example in a fresh workspace."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from slrbcall.allocation.codes import ReasonCode
from slrbcall.allocation.reallocation import Reallocated, Withdrawal, reallocate, withdraw
from slrbcall.allocation.service import Adoption, Allocation, adopt, adopted_run, allocate
from slrbcall.calls.definition import (
    REGISTRY_FILE,
    LoadedCall,
    call_files,
    find_call,
    load_call,
    registry_file,
)
from slrbcall.calls.service import validate_calls
from slrbcall.calls.team import acting
from slrbcall.committee.service import Ranking, ScoreIntake, ranking, take_scores
from slrbcall.documents.libreoffice import find_libreoffice
from slrbcall.documents.service import Rendered, render
from slrbcall.errors import RefusedError
from slrbcall.files import cannot_write, write_bytes
from slrbcall.followup.service.justification import (
    JustificationIntake,
    ReviewIntake,
    take_justification,
    take_review,
)
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
from slrbcall.followup.service.settlement import Settled, settle
from slrbcall.followup.service.state import TimelineResult, followup_state, timeline
from slrbcall.i18n import N_, _
from slrbcall.intake.service import IntakeResult, intake
from slrbcall.reports.service.report import CallReport, call_report
from slrbcall.resources import examples_dir
from slrbcall.settings import Settings
from slrbcall.store import Workspace
from slrbcall.workspace import WorkspaceStatus, record_calls, workspace_status

__all__ = [
    "DEMO_CALL",
    "DEMO_TODAY",
    "DemoResult",
    "FollowupDemo",
    "SettlementDemo",
    "WithdrawalDemo",
    "example_calls",
    "run_demo",
    "run_followup_demo",
    "run_settlement_demo",
    "run_withdrawal_demo",
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
    withdrawal: WithdrawalDemo
    followup: FollowupDemo | None
    status: WorkspaceStatus
    settlement: SettlementDemo | None = None


def run_demo(
    settings: Settings,
    *,
    out: Path | None = None,
    followup: bool = True,
    settlement: bool = True,
) -> DemoResult:
    """Run every stage that exists on the shipped example, in a fresh workspace, in the
    order of the call's life: the decision of December 2023 and its documents, then
    EMP23-07's withdrawal in January 2024 and the reallocation of what it released to
    the reserve (:func:`run_withdrawal_demo`), then the follow-up of the decision in
    force (:func:`run_followup_demo`), and in April 2025 the settlement of two projects
    from their justified expenses (:func:`run_settlement_demo`; ``settlement=False``
    stops before it, as ``followup=False`` stops before the follow-up).

    ``out`` must be empty or absent; by default a new temporary folder is used. Its
    ``calls`` folder holds the call files and the example registry (see
    :func:`example_calls`), which the workspace's later commands take with
    ``--calls-dir``. The documents are converted to PDF when LibreOffice is installed.
    ``followup=False`` stops after the reallocation's documents (the follow-up stage
    records illustrative milestones, payments and reports, which tests of the
    follow-up want to record themselves).
    """

    pdf = find_libreoffice() is not None
    out_dir = out or Path(tempfile.gettempdir())
    try:
        if out is None:
            out_dir = Path(tempfile.mkdtemp(prefix="slrbcall-demo-"))
        else:
            if out_dir.exists() and any(out_dir.iterdir()):
                raise RefusedError(
                    _("{folder} is not empty: the demo needs a fresh folder").format(folder=out_dir)
                )
            out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out_dir, exc) from exc
    db_path = out_dir / "slrbcall.db"
    source = load_call(find_call(DEMO_CALL, settings.calls_path))
    if source.call.reserve is None:  # before anything is written: step 9 needs it
        raise RefusedError(
            _(
                "the demo needs {call} to keep a reserve list, as the shipped call does: "
                "its definition in {folder} has no 'reserve:'"
            ).format(call=DEMO_CALL, folder=settings.calls_path)
        )
    calls_dir = example_calls(settings.calls_path, out_dir / "calls")
    # The demo's workspace is a scratch one, one person's: the officers of the calls
    # folder (officers.yaml) are not asked, nor their roles.
    demo_settings = Settings(
        db=db_path, calls_dir=calls_dir, templates_dir=settings.templates_dir, team=False
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
    # The board's workbook and the documents are those of the decision, in December.
    report = call_report(example, xlsx=out_dir / "report.xlsx", today=DEMO_DATE)
    conventions = render(example, out=out_dir / "conventions", date=DEMO_DATE, pdf=pdf)
    letters = render(example, letters=True, out=out_dir / "outbox", date=DEMO_DATE, pdf=pdf)
    later = run_withdrawal_demo(example, out=out_dir / "reallocation", pdf=pdf)
    return DemoResult(
        out_dir=out_dir,
        db_path=db_path,
        calls=calls,
        intake=taken,
        scores=marks,
        ranking=ranked,
        allocation=allocated,
        adoption=adopted,
        report=report,
        conventions=conventions,
        letters=letters,
        withdrawal=later,
        followup=run_followup_demo(example) if followup else None,
        settlement=run_settlement_demo(example, out=out_dir / "settlements", pdf=pdf)
        if followup and settlement
        else None,
        status=workspace_status(demo_settings),
    )


def example_calls(source: Path, target: Path) -> Path:
    """A calls folder for the example data: the call files of ``source`` and the example
    registry (``examples/organisations.yaml``: the shipped organisations with made-up
    facts, so that the documents come out whole, each page saying it is an example)."""
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    for path in call_files(source):
        write_bytes(target / path.name, path.read_bytes())
    write_bytes(target / REGISTRY_FILE, (examples_dir() / REGISTRY_FILE).read_bytes())
    return target


#: The call the shipped example data belongs to, and the budget the demo allocates.
DEMO_CALL = "empowerment-2023"
DEMO_BUDGET_CENTS = 255_000_00
#: The date the demo's documents bear: the month the call's grants were awarded.
DEMO_DATE = dt.date(2023, 12, 15)


# -- a withdrawal and the reserve ----------------------------------------------------------


#: The project that withdraws in the demo, when and why: the issue's worked example
#: (docs/concepts.md), before any payment.
DEMO_WITHDRAWN = "EMP23-07"
DEMO_WITHDRAWN_ON = dt.date(2024, 1, 8)
#: Recorded in the officer's language, as an officer would type it.
DEMO_WITHDRAWAL_REASON = N_("the partner, vzw Buurtwerk Noord, stopped its activities")
#: The day the reallocation is proposed and adopted, and its documents' date.
DEMO_REALLOCATED_ON = dt.date(2024, 1, 15)


@dataclass(frozen=True, slots=True)
class WithdrawalDemo:
    """A withdrawal, the reallocation it led to (adopted), and the documents of the
    project funded from the reserve."""

    withdrawal: Withdrawal
    reallocation: Reallocated
    adoption: Adoption
    conventions: Rendered
    letters: Rendered


def run_withdrawal_demo(settings: Settings, *, out: Path, pdf: bool = False) -> WithdrawalDemo:
    """EMP23-07's partner renounces on 8 January 2024, before any payment: what it was
    awarded is released and, with what the decision left unspent, goes to the reserve
    list under the call's reserve policy (greedy: EMP23-01, € 35,000, € 7,500 left).
    The proposal is adopted, and the project funded from the reserve gets its
    convention and award letter, in ``out/conventions`` and ``out/outbox``.
    """

    withdrawal = withdraw(
        settings,
        DEMO_WITHDRAWN,
        on=DEMO_WITHDRAWN_ON,
        reason=_(DEMO_WITHDRAWAL_REASON),
        today=DEMO_WITHDRAWN_ON,
    )
    proposed = reallocate(settings, today=DEMO_REALLOCATED_ON)
    assert proposed.run_id is not None
    adopted = adopt(settings, proposed.run_id)
    # The shipped example funds exactly one project from the reserve.
    (funded,) = proposed.result.funded
    return WithdrawalDemo(
        withdrawal=withdrawal,
        reallocation=proposed,
        adoption=adopted,
        conventions=render(
            settings,
            out=out / "conventions",
            only=funded.reference,
            date=DEMO_REALLOCATED_ON,
            pdf=pdf,
        ),
        letters=render(
            settings,
            letters=True,
            out=out / "outbox",
            only=funded.reference,
            date=DEMO_REALLOCATED_ON,
            pdf=pdf,
        ),
    )


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
    """The follow-up of the shipped example's decision in force, with illustrative
    dates: every convention signed and every interim interview held; the questionnaire
    returned by all projects but the last; the first tranche paid to all, the second to
    the first three; then the reports of ``examples/monitoring.xlsx`` taken in. A
    project funded from the reserve is signed and first paid later than the others.
    Seen on ``today``, some items are overdue (a questionnaire, second tranches) and the
    final reports are due within 30 days."""

    projects = followup_state(settings).projects
    _loaded, run = adopted_run(settings)
    from_reserve = {
        line["reference"]
        for line in run.result["lines"]
        if line["reason"] in (ReasonCode.RESERVE_FUNDED, ReasonCode.RESERVE_PARTIAL)
    }
    recorded = []
    paid = []
    for number, project in enumerate(projects):
        signed, first_paid = (
            (_DEMO_RESERVE_SIGNED, _DEMO_RESERVE_FIRST_PAID)
            if project.reference in from_reserve
            else (_DEMO_SIGNED, _DEMO_FIRST_PAID)
        )
        steps = [("signature", signed), ("interim-interview", _DEMO_INTERIM)]
        if number < len(projects) - 1:
            steps.append(("questionnaire", _DEMO_QUESTIONNAIRE))
        for key, on in steps:
            recorded.append(
                record_milestone(settings, project.reference, key=key, on=on, today=today)
            )
        paid.append(
            record_payment(settings, project.reference, tranche=1, paid_on=first_paid, today=today)
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
#: A project funded from the reserve in January signs and is first paid later.
_DEMO_RESERVE_SIGNED = dt.date(2024, 1, 31)
_DEMO_RESERVE_FIRST_PAID = dt.date(2024, 2, 15)
_DEMO_INTERIM = dt.date(2024, 6, 28)
_DEMO_SECOND_PAID = dt.date(2024, 7, 15)
_DEMO_QUESTIONNAIRE = dt.date(2024, 9, 30)


# -- the last mile: justification and settlement -------------------------------------------


#: The day the demo's settlements are seen from, and the date they bear.
DEMO_SETTLED_TODAY = dt.date(2025, 4, 30)
DEMO_SETTLED_ON = dt.date(2025, 4, 15)
_DEMO_FINAL_REPORT = dt.date(2025, 3, 20)
_DEMO_LAST_PAID = dt.date(2025, 4, 25)
#: The projects settled: one is paid its balance, the other owes a recovery.
DEMO_SETTLED = ("EMP23-03", "EMP23-05")


@dataclass(frozen=True, slots=True)
class SettlementDemo:
    justified: tuple[JustificationIntake, ...]
    review: ReviewIntake
    settled: tuple[Settled, ...]
    last_payment: RecordedPayment


def run_settlement_demo(
    settings: Settings, *, out: Path, pdf: bool = False, today: dt.date = DEMO_SETTLED_TODAY
) -> SettlementDemo:
    """The issue's worked example on the shipped example (``examples/justification``):
    EMP23-03 and EMP23-05 send their final reports and their justified expenses; the
    officer's review admits € 43,200 of EMP23-03 (€ 45,000, € 36,000 paid), whose last
    payment is € 7,200 instead of € 9,000, and € 27,200 of EMP23-05 (€ 41,500, € 33,200
    paid), which is to repay € 6,000. Both are settled on 15 April 2025, their letters
    rendered in ``out``, and EMP23-03's last tranche is paid."""

    folder = examples_dir() / "justification"
    justified = tuple(
        take_justification(settings, folder / f"{reference}.xlsx", today=today)
        for reference in DEMO_SETTLED
    )
    review = take_review(settings, folder / "review.xlsx")
    for reference in DEMO_SETTLED:
        record_milestone(
            settings, reference, key="final_report", on=_DEMO_FINAL_REPORT, today=today
        )
    settled = tuple(
        settle(settings, reference, on=DEMO_SETTLED_ON, today=today, out=out, pdf=pdf)
        for reference in DEMO_SETTLED
    )
    (paid, _owes) = settled
    assert paid.settlement.last_tranche is not None  # the shipped example's EMP23-03
    last = record_payment(
        settings,
        paid.settlement.reference,
        tranche=paid.settlement.last_tranche,
        paid_on=_DEMO_LAST_PAID,
        today=today,
    )
    return SettlementDemo(justified, review, settled, last)
