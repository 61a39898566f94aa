"""The follow-up's pure rules: milestones, tranches, payments, the timeline, outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from slrbcall.calls.definition import load_call
from slrbcall.errors import Problem
from slrbcall.followup import (
    ItemKind,
    ItemStatus,
    MilestoneRecord,
    Payment,
    Project,
    Report,
    TrancheStatus,
    build_timeline,
    check_milestone,
    check_payment,
    check_reports,
    deliverable_kinds,
    duties,
    item_status,
    milestone_key,
    outcome_figures,
    outcomes_json,
    report_history,
    schedule,
    timeline_ics,
    tranche_states,
)
from slrbcall.model import Call

from .conftest import SHIPPED_CALLS

D = dt.date
TODAY = D(2024, 6, 20)
START = D(2024, 1, 1)
FIRST_PAID = D(2024, 1, 15)
INTERIM = D(2024, 6, 28)


def shipped(name: str) -> Call:
    return load_call(SHIPPED_CALLS / f"{name}.yaml").call


@pytest.fixture(scope="module")
def empowerment() -> Call:
    return shipped("empowerment-2023")


@pytest.fixture(scope="module")
def cohesion() -> Call:
    return shipped("cohesion-sociale-2021")


def project(
    reference: str = "EMP23-03",
    *,
    award: int = 45_000_00,
    start: dt.date | None = START,
    months: int = 12,
    theme: str | None = "digital-divide",
    targeted: int | None = 65,
) -> Project:
    from slrbcall.documents.l10n import month_offset

    end = month_offset(start, months) - dt.timedelta(days=1) if start else None
    return Project(
        reference=reference,
        title=f"Project {reference}",
        applicant_name="Lojega",
        theme=theme,
        language="nl",
        award_cents=award,
        start=start,
        end=end,
        duration_months=months,
        residents_targeted=targeted,
    )


# -- milestone keys and duties -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("signature", "signature"),
        ("Signed", "signature"),
        ("interim-interview", "interim_report"),
        ("Interim report", "interim_report"),
        ("final-report", "final_report"),
        ("yearly-report:2", "yearly_report:2"),
        ("yearly_report:02", "yearly_report:2"),
        ("questionnaire", "questionnaire"),
    ],
    ids=lambda v: str(v),
)
def test_milestone_keys_have_one_canonical_form(typed: str, canonical: str) -> None:
    assert milestone_key(typed) == canonical


@pytest.mark.parametrize("typed", ["", "yearly_report:0", "yearly_report:x"], ids=repr)
def test_a_bad_milestone_key_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"milestone|counts from 1"):
        milestone_key(typed)


def test_the_duties_of_an_empowerment_project(empowerment: Call) -> None:
    found = [(d.key, d.due) for d in duties(empowerment, project())]
    assert found == [
        ("signature", D(2024, 1, 1)),
        ("interim_report", D(2024, 7, 1)),
        ("questionnaire", D(2024, 10, 1)),
        ("final_report", D(2025, 3, 31)),
    ]


def test_a_five_year_project_owes_numbered_yearly_reports(cohesion: Call) -> None:
    found = [(d.key, d.due) for d in duties(cohesion, project(months=60))]
    assert found == [
        ("signature", D(2024, 1, 1)),
        ("yearly_report:1", D(2025, 1, 1)),
        ("yearly_report:2", D(2026, 1, 1)),
        ("yearly_report:3", D(2027, 1, 1)),
        ("yearly_report:4", D(2028, 1, 1)),
        ("final_report", D(2029, 3, 31)),
    ]


def test_a_project_without_a_start_owes_nothing_datable(empowerment: Call) -> None:
    assert duties(empowerment, project(start=None)) == ()


# -- tranches ------------------------------------------------------------------------------


def test_the_tranches_add_up_to_the_award_by_largest_remainder(empowerment: Call) -> None:
    plan = schedule(empowerment, project(award=41_501_01))
    assert [t.amount_cents for t in plan] == [20_750_51, 12_450_30, 8_300_20]
    assert sum(t.amount_cents for t in plan) == 41_501_01
    assert [t.condition for t in plan] == ["signature", "interim_report", "final_report"]
    assert [t.expected for t in plan] == [D(2024, 1, 1), D(2024, 7, 1), D(2025, 3, 31)]


def test_yearly_tranches_wait_for_their_own_yearly_report(cohesion: Call) -> None:
    plan = schedule(cohesion, project(award=200_000_00, months=60))
    assert [t.condition for t in plan] == [
        "signature",
        "yearly_report:1",
        "yearly_report:2",
        "yearly_report:3",
        "final_report",
    ]
    assert [t.payable_from for t in plan] == [
        D(2024, 1, 1),
        D(2025, 1, 1),
        D(2026, 1, 1),
        D(2027, 1, 1),
        D(2028, 1, 1),
    ]


def test_tranche_states(empowerment: Call) -> None:
    p = project()
    states = tranche_states(
        empowerment,
        p,
        payments=[Payment("EMP23-03", 1, D(2024, 1, 15), 22_500_00)],
        milestones=[MilestoneRecord("EMP23-03", "signature", D(2023, 12, 15))],
        today=TODAY,
    )
    assert [s.status for s in states] == [
        TrancheStatus.PAID,
        TrancheStatus.BLOCKED,
        TrancheStatus.BLOCKED,
    ]
    assert states[1].waiting_for == ("the milestone 'interim_report' is not recorded",)


def test_a_tranche_is_due_once_its_condition_is_met(empowerment: Call) -> None:
    states = tranche_states(
        empowerment,
        project(),
        payments=[],
        milestones=[MilestoneRecord("EMP23-03", "signature", D(2023, 12, 15))],
        today=TODAY,
    )
    assert states[0].status is TrancheStatus.DUE


# -- payments ------------------------------------------------------------------------------


def pay(
    call: Call,
    *,
    tranche: int = 1,
    on: dt.date = FIRST_PAID,
    amount: int | None = None,
    payments: list[Payment] | None = None,
    milestones: list[MilestoneRecord] | None = None,
    p: Project | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    check = check_payment(
        call,
        p or project(),
        payments=payments or [],
        milestones=milestones
        if milestones is not None
        else [MilestoneRecord("EMP23-03", "signature", D(2023, 12, 15))],
        tranche=tranche,
        paid_on=on,
        amount_cents=amount,
        today=TODAY,
    )
    return check.errors, check.blockers


def test_a_payment_of_the_first_tranche_after_the_signature(empowerment: Call) -> None:
    assert pay(empowerment) == ((), ())


def test_a_double_payment_of_a_tranche_is_refused(empowerment: Call) -> None:
    errors, _ = pay(empowerment, payments=[Payment("EMP23-03", 1, D(2024, 1, 10), 22_500_00)])
    assert errors == (
        "tranche 1 is already paid (€ 22,500.00 on 2024-01-10): a tranche is paid once (to "
        "correct it: 'slrbcall payments correct EMP23-03 --tranche 1 --amount A --reason TEXT')",
    )


def test_a_payment_above_the_award_is_refused(empowerment: Call) -> None:
    errors, _ = pay(
        empowerment,
        tranche=2,
        amount=30_000_00,
        payments=[Payment("EMP23-03", 1, D(2024, 1, 10), 22_500_00)],
        milestones=[MilestoneRecord("EMP23-03", "interim_report", D(2024, 1, 12))],
    )
    assert errors == (
        "paying € 30,000.00 would bring the project's payments to € 52,500.00, above its "
        "award of € 45,000.00",
    )


def test_a_tranche_payable_at_signature_is_payable_from_the_signature(
    empowerment: Call,
) -> None:
    """Signed on 15 Dec, paid on 20 Dec, the project starts on 1 Jan: allowed."""
    assert pay(empowerment, on=D(2023, 12, 20)) == ((), ())


def test_a_payment_before_the_signature_and_the_start_is_refused(empowerment: Call) -> None:
    errors, blockers = pay(
        empowerment,
        on=D(2023, 12, 10),
        milestones=[MilestoneRecord("EMP23-03", "signature", D(2023, 12, 15))],
    )
    assert errors == ("the payment date 2023-12-10 is before the project's start (2024-01-01)",)
    assert blockers == (
        "tranche 1 is payable from 2023-12-15, the date of its milestone 'signature'",
    )


def test_an_unsigned_tranche_at_signature_before_the_start_is_refused(empowerment: Call) -> None:
    errors, _ = pay(empowerment, on=D(2023, 12, 20), milestones=[])
    assert errors == ("the payment date 2023-12-20 is before the project's start (2024-01-01)",)


def test_a_later_tranche_before_the_start_is_refused(empowerment: Call) -> None:
    errors, _ = pay(
        empowerment,
        tranche=2,
        on=D(2023, 12, 20),
        milestones=[
            MilestoneRecord("EMP23-03", "signature", D(2023, 12, 15)),
            MilestoneRecord("EMP23-03", "interim_report", D(2023, 12, 18)),
        ],
    )
    assert errors == ("the payment date 2023-12-20 is before the project's start (2024-01-01)",)


def test_a_payment_in_the_future_is_refused(empowerment: Call) -> None:
    errors, _ = pay(empowerment, on=D(2024, 7, 1))
    assert errors == ("the payment date 2024-07-01 is after today (2024-06-20)",)


def test_an_unknown_tranche_is_refused(empowerment: Call) -> None:
    errors, _ = pay(empowerment, tranche=4)
    assert errors == ("the project has tranches 1 to 3, not 4",)


def test_paying_before_the_condition_is_met_needs_force(empowerment: Call) -> None:
    assert pay(empowerment, milestones=[]) == (
        (),
        ("the milestone 'signature' is not recorded",),
    )
    late = [MilestoneRecord("EMP23-03", "signature", D(2024, 2, 1))]
    assert pay(empowerment, milestones=late) == (
        (),
        ("tranche 1 is payable from 2024-02-01, the date of its milestone 'signature'",),
    )


def test_paying_more_than_the_tranche_needs_force(empowerment: Call) -> None:
    assert pay(empowerment, amount=30_000_00) == (
        (),
        ("€ 30,000.00 is more than tranche 1's € 22,500.00",),
    )


def test_a_yearly_tranche_waits_for_its_month(cohesion: Call) -> None:
    p = project(award=200_000_00, months=60)
    milestones = [MilestoneRecord("EMP23-03", "yearly_report:1", D(2024, 6, 1))]
    assert pay(cohesion, tranche=2, on=D(2024, 6, 15), p=p, milestones=milestones) == (
        (),
        ("tranche 2 is payable from 2025-01-01",),
    )


# -- milestones ----------------------------------------------------------------------------


def test_a_signature_may_precede_the_start(empowerment: Call) -> None:
    key, errors = check_milestone(
        empowerment, project(), key="signed", on=D(2023, 12, 15), today=TODAY
    )
    assert (key, errors) == ("signature", ())


def test_a_report_before_the_start_is_refused(empowerment: Call) -> None:
    _, errors = check_milestone(
        empowerment, project(), key="interim-interview", on=D(2023, 12, 15), today=TODAY
    )
    assert errors == ("the date 2023-12-15 is before the project's start (2024-01-01)",)


def test_an_unknown_milestone_is_refused_with_the_known_ones(empowerment: Call) -> None:
    _, errors = check_milestone(
        empowerment, project(), key="questionaire", on=D(2024, 5, 1), today=TODAY
    )
    assert errors == (
        "'questionaire' is not a milestone of EMP23-03 (did you mean 'questionnaire'?) "
        "(its milestones: signature, interim_report, questionnaire, final_report)",
    )


# -- the timeline --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done", "status"),
    [
        (D(2024, 6, 19), False, ItemStatus.OVERDUE),
        (D(2024, 6, 20), False, ItemStatus.DUE_WITHIN),
        (D(2024, 7, 20), False, ItemStatus.DUE_WITHIN),
        (D(2024, 7, 21), False, ItemStatus.LATER),
        (D(2024, 6, 1), True, ItemStatus.DONE),
    ],
    ids=["yesterday", "today", "last-day-of-window", "after-window", "done"],
)
def test_item_status(due: dt.date, done: bool, status: ItemStatus) -> None:
    assert item_status(due, due, done=done, today=TODAY, within=30) is status


def test_the_timeline_of_a_project(empowerment: Call) -> None:
    found = build_timeline(
        empowerment,
        [project()],
        milestones=[MilestoneRecord("EMP23-03", "signature", D(2023, 12, 15))],
        payments=[Payment("EMP23-03", 1, D(2024, 1, 15), 22_500_00)],
        today=TODAY,
        within=30,
    )
    mine = [(i.due, i.kind, i.key, i.status, i.done_on) for i in found.items if i.reference]
    assert mine == [
        (D(2024, 1, 1), ItemKind.DUTY, "signature", ItemStatus.DONE, D(2023, 12, 15)),
        (D(2024, 1, 1), ItemKind.PAYMENT, "tranche:1", ItemStatus.DONE, D(2024, 1, 15)),
        (D(2024, 7, 1), ItemKind.DUTY, "interim_report", ItemStatus.DUE_WITHIN, None),
        (D(2024, 7, 1), ItemKind.PAYMENT, "tranche:2", ItemStatus.DUE_WITHIN, None),
        (D(2024, 10, 1), ItemKind.DUTY, "questionnaire", ItemStatus.LATER, None),
        (D(2025, 3, 31), ItemKind.DUTY, "final_report", ItemStatus.LATER, None),
        (D(2025, 3, 31), ItemKind.DUTY, "justification", ItemStatus.LATER, None),
        (D(2025, 3, 31), ItemKind.PAYMENT, "tranche:3", ItemStatus.LATER, None),
    ]
    steps = {i.key: (i.month, i.status) for i in found.items if i.kind is ItemKind.CALL}
    assert steps["grants-awarded"] == ("2023-12", ItemStatus.DONE)
    assert steps["interim-interviews"] == ("2024-06", ItemStatus.DUE_WITHIN)
    assert steps["inter-project-meeting"] == ("2024-12", ItemStatus.LATER)


def test_a_project_without_a_start_is_listed_as_undated(empowerment: Call) -> None:
    found = build_timeline(
        empowerment, [project(start=None)], milestones=[], payments=[], today=TODAY
    )
    assert found.undated == ("EMP23-03",)
    assert all(i.reference is None for i in found.items)


def test_the_ics_file_has_an_all_day_event_per_item(empowerment: Call) -> None:
    from icalendar import Calendar  # type: ignore[import-untyped]

    found = build_timeline(empowerment, [project()], milestones=[], payments=[], today=TODAY)
    data = timeline_ics(found, name="Empowerment", lang="nl")
    assert data == timeline_ics(found, name="Empowerment", lang="nl")  # no clock inside
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == len(found.items)
    first = next(
        e for e in events if str(e["UID"]) == "empowerment-2023/EMP23-03/signature@slrbcall"
    )
    assert str(first["SUMMARY"]) == "EMP23-03 – Ondertekening van de overeenkomst"
    assert first.decoded("DTSTART") == D(2024, 1, 1)
    assert first.decoded("DTEND") == D(2024, 1, 2)
    month = next(e for e in events if "call-approved" in str(e["UID"]))
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (D(2023, 7, 1), D(2023, 8, 1))


# -- monitoring reports and outcomes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("12 portraits, un livret", ("portraits", "booklets")),
        ("Livret de recettes du potager", ("recipes", "booklets")),
        ("Reisverslagen en brochures", ("travel_reports", "brochures")),
        ("Carnets de voyage; Portretten", ("portraits", "travel_reports")),
        ("a short film", ("other",)),
        ("Récits de voyage, une exposition", ("travel_reports", "other")),
        (None, ()),
    ],
    ids=lambda v: str(v),
)
def test_deliverable_kinds(text: str | None, kinds: tuple[str, ...]) -> None:
    assert deliverable_kinds(text) == kinds


def report(
    reference: str = "EMP23-03",
    day: dt.date = INTERIM,
    involved: int | None = 40,
    trained: int | None = 20,
    where: str = "m.xlsx: sheet 'Suivi', row 2",
) -> Report:
    return Report(reference, day, involved, trained, 30, 50, place=Problem(where, ""))


def test_report_checks() -> None:
    projects = [project()]
    problems, warnings = check_reports(
        [
            report(),
            report(where="row 3"),
            report("EMP23-01", where="row 4"),
            report(day=D(2023, 12, 31), where="row 5"),
            report(day=D(2024, 9, 1), involved=10, trained=12, where="row 6"),
        ],
        projects,
        call_id="empowerment-2023",
    )
    assert [str(p) for p in problems] == [
        "row 3: EMP23-03 already has a report dated 2024-06-28 in this file "
        "(m.xlsx: sheet 'Suivi', row 2): keep one",
        "row 4: 'EMP23-01' is not a funded project of empowerment-2023 "
        "(the funded projects are EMP23-03)",
        "row 5: the report date 2023-12-31 is before the start of EMP23-03 (2024-01-01)",
    ]
    assert warnings == [
        "row 6: EMP23-03: 12 residents trained but only 10 involved "
        "(stored as given: check the figures)"
    ]


def test_outcomes_take_each_projects_latest_report() -> None:
    projects = [
        project("EMP23-03", targeted=65),
        project("EMP23-05", theme="sustainable-food", targeted=55),
        project("EMP23-07", theme="sustainable-food", targeted=70),
    ]
    reports = [
        Report("EMP23-03", D(2024, 6, 28), 25, 12, 24, 38, "Brochure", ("brochures",)),
        Report("EMP23-03", D(2025, 1, 31), 42, 30, 52, 64, "Portraits", ("portraits",)),
        Report("EMP23-05", D(2025, 1, 31), 33, 14, 40, None),
    ]
    found = outcome_figures(projects, reports)
    assert found.not_reported == ("EMP23-07",)
    assert [(o.project.reference, o.reports) for o in found.projects] == [
        ("EMP23-03", 2),
        ("EMP23-05", 1),
        ("EMP23-07", 0),
    ]
    totals = found.totals
    assert (totals.projects, totals.reporting, totals.residents_targeted) == (3, 2, 190)
    assert (totals.residents_involved, totals.residents_trained, totals.activities) == (
        75,
        44,
        92,
    )
    assert totals.participants == 64
    assert totals.average_activities == Decimal("46.0")
    assert totals.average_participants == Decimal("64.0")  # one project gave it
    assert totals.reach_percent == Decimal("62.5")  # 75 of the 120 targeted by 03 and 05
    food = found.by_theme["sustainable-food"]
    assert (food.projects, food.reporting, food.residents_involved) == (2, 1, 33)
    assert found.deliverables == {"portraits": 1}
    assert sum(t.residents_involved for t in found.by_theme.values()) == 75
    data = outcomes_json(found)
    assert data["totals"]["average_activities"] == "46.0"
    assert data["projects"][0]["report_date"] == "2025-01-31"


def test_report_history_is_oldest_first() -> None:
    history = report_history([report(day=D(2025, 1, 31)), report(day=D(2024, 6, 28))])
    assert [r.report_date for r in history["EMP23-03"]] == [D(2024, 6, 28), D(2025, 1, 31)]
