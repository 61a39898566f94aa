"""The follow-up's use cases on a funded workspace: the shipped example after its
allocation and the reallocation of EMP23-07's award to EMP23-01 (six funded projects,
starting on 2024-01-01).

The workspace is made by ``run_demo`` (migrated with ``MIGRATIONS``, which hold the
follow-up tables).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slrbcall.demo import run_followup_demo
from slrbcall.errors import InputFileError, RefusedError
from slrbcall.followup.service.monitoring import (
    outcomes,
    take_monitoring,
    write_monitoring_template,
)
from slrbcall.followup.service.payments import (
    payments,
    record_milestone,
    record_payment,
    take_payments,
    write_payments_template,
)
from slrbcall.followup.service.state import followup_state, timeline, write_timeline_ics
from slrbcall.settings import Settings

from .conftest import REPO, raw

pytestmark = pytest.mark.both_backends

D = dt.date
TODAY = D(2025, 3, 10)
SIGNED = D(2023, 12, 15)
EXAMPLES = REPO / "examples"
FUNDED = ["EMP23-01", "EMP23-03", "EMP23-05", "EMP23-09", "EMP23-12", "EMP23-14"]
MONITORING_HEAD = [
    "Reference",
    "Report date",
    "Residents involved",
    "Residents trained",
    "Activities held",
    "Participants",
    "Deliverables",
    "Remarks",
]
PAYMENTS_HEAD = ["Reference", "Tranche", "Payment date", "Amount paid", "Note"]


@pytest.fixture(scope="module")
def funded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's workspace: applications, marks, the allocation, EMP23-07's withdrawal and
    the adopted reallocation (built once)."""
    from slrbcall.demo import run_demo

    out = tmp_path_factory.mktemp("funded") / "demo"
    return run_demo(Settings(calls_dir=REPO / "calls"), out=out, followup=False).db_path


@pytest.fixture
def settings(copy_of: Callable[..., Any], funded_db: Path, tmp_path: Path) -> Settings:
    copy = copy_of(funded_db)
    return Settings(db=copy, calls_dir=REPO / "calls", call_id="empowerment-2023")


def rows_of(settings: Settings, table: str) -> int:
    with raw(settings.db_location) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def audit(settings: Settings, entity: str) -> list[tuple[str, str, str | None, str | None]]:
    with raw(settings.db_location) as conn:
        return conn.execute(
            "SELECT action, entity_key, before_json, after_json FROM audit WHERE entity = ?"
            " ORDER BY id",
            (entity,),
        ).fetchall()


def sign(settings: Settings, *references: str) -> None:
    for reference in references or FUNDED:
        record_milestone(settings, reference, key="signature", on=SIGNED, today=TODAY)


# -- the funded projects -------------------------------------------------------------------


def test_the_funded_projects_are_those_of_the_adopted_run(settings: Settings) -> None:
    state = followup_state(settings)
    assert [p.reference for p in state.projects] == FUNDED
    digital = state.project("EMP23-03")
    assert (digital.title, digital.award_cents, digital.start, digital.end) == (
        "Digitale inclusie",
        45_000_00,
        D(2024, 1, 1),
        D(2024, 12, 31),
    )


@pytest.mark.parametrize("reference", ["EMP23-13", "EMP23-07"], ids=["reserve", "withdrawn"])
def test_an_unfunded_project_is_refused(settings: Settings, reference: str) -> None:
    state = followup_state(settings)
    with pytest.raises(RefusedError) as caught:
        state.project(reference)
    assert str(caught.value) == (
        f"'{reference}' is not a funded project of empowerment-2023 (the funded projects are "
        "EMP23-01, EMP23-03, EMP23-05, EMP23-09, EMP23-12, EMP23-14)"
    )


def test_no_allocation_yet_is_refused(tmp_path: Path) -> None:
    from slrbcall.intake.service import intake

    settings = Settings(db=tmp_path / "ws.db", calls_dir=REPO / "calls", call_id="empowerment-2023")
    intake(settings, EXAMPLES / "applications.xlsx")
    with pytest.raises(RefusedError, match=r"no adopted allocation for empowerment-2023 yet"):
        timeline(settings, today=TODAY)


# -- milestones ----------------------------------------------------------------------------


def test_recording_a_milestone_unblocks_its_tranche(settings: Settings) -> None:
    done = record_milestone(settings, "EMP23-03", key="signature", on=D(2023, 12, 15), today=TODAY)
    assert (done.key, done.outcome) == ("signature", "added")
    assert [t.number for t in done.now_due] == [1]
    again = record_milestone(settings, "EMP23-03", key="signature", on=D(2023, 12, 15), today=TODAY)
    assert (again.outcome, again.now_due) == ("unchanged", ())
    assert [(a, k) for a, k, _, _ in audit(settings, "milestone")] == [
        ("insert", "empowerment-2023/EMP23-03/signature"),
    ]


def test_a_milestone_before_the_start_is_refused(settings: Settings) -> None:
    with pytest.raises(RefusedError) as caught:
        record_milestone(
            settings, "EMP23-03", key="interim-interview", on=D(2023, 12, 1), today=TODAY
        )
    assert str(caught.value) == (
        "EMP23-03: the date 2023-12-01 is before the project's start (2024-01-01)"
    )
    assert rows_of(settings, "followup_milestone") == 0


# -- payments by command ------------------------------------------------------------------------


def test_a_payment_is_recorded_and_audited(settings: Settings) -> None:
    sign(settings, "EMP23-03")
    done = record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 15), today=TODAY)
    assert (done.payment.amount_cents, done.paid_cents, done.award_cents) == (
        22_500_00,
        22_500_00,
        45_000_00,
    )
    assert done.payment.forced is False
    [(action, key, _, after)] = audit(settings, "payment")
    assert (action, key) == ("insert", "empowerment-2023/EMP23-03/1")
    assert '"amount_cents": 2250000' in (after or "")


def test_a_double_payment_is_refused(settings: Settings) -> None:
    sign(settings, "EMP23-03")
    record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 15), today=TODAY)
    with pytest.raises(RefusedError) as caught:
        record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 20), today=TODAY)
    assert str(caught.value) == (
        "cannot pay tranche 1 of EMP23-03: tranche 1 is already paid (€ 22,500.00 on "
        "2024-01-15): a tranche is paid once (to correct it: 'slrbcall payments correct "
        "EMP23-03 --tranche 1 --amount A --reason TEXT')"
    )
    assert rows_of(settings, "payment") == 1


def test_a_payment_above_the_award_is_refused(settings: Settings) -> None:
    sign(settings, "EMP23-12")
    with pytest.raises(RefusedError) as caught:
        record_payment(
            settings,
            "EMP23-12",
            tranche=1,
            paid_on=D(2024, 1, 15),
            today=TODAY,
            amount_cents=30_000_01,
            force=True,
            reason="advance agreed by the board",
        )
    assert str(caught.value) == (
        "cannot pay tranche 1 of EMP23-12: paying € 30,000.01 would bring the project's "
        "payments to € 30,000.01, above its award of € 30,000.00"
    )
    assert rows_of(settings, "payment") == 0


def test_a_payment_before_the_signature_and_the_start_is_refused(settings: Settings) -> None:
    sign(settings, "EMP23-03")
    with pytest.raises(RefusedError) as caught:
        record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2023, 12, 10), today=TODAY)
    assert str(caught.value) == (
        "cannot pay tranche 1 of EMP23-03: the payment date 2023-12-10 is before the "
        "project's start (2024-01-01)"
    )


def test_paying_before_the_condition_is_met_is_refused(settings: Settings) -> None:
    with pytest.raises(RefusedError) as caught:
        record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 15), today=TODAY)
    assert str(caught.value) == (
        "cannot pay tranche 1 of EMP23-03 on 2024-01-15: the milestone 'signature' is not "
        "recorded (record the milestone with 'slrbcall followup record EMP23-03 --milestone "
        "signature --date D', or pay anyway with --force --reason TEXT)"
    )
    assert rows_of(settings, "payment") == 0


def test_paying_before_a_recorded_milestone_names_the_day_it_is_payable(
    settings: Settings,
) -> None:
    """The milestone is recorded, later than the payment: the refusal names the day the
    tranche is payable from, and does not ask to record the milestone again."""
    record_milestone(settings, "EMP23-03", key="signature", on=D(2024, 1, 20), today=TODAY)
    with pytest.raises(RefusedError) as caught:
        record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 15), today=TODAY)
    assert str(caught.value) == (
        "cannot pay tranche 1 of EMP23-03 on 2024-01-15: tranche 1 is payable from "
        "2024-01-20, the date of its milestone 'signature' (pay it from that day, correct "
        "the milestone's date with 'slrbcall followup correct EMP23-03 --milestone "
        "signature --date D --reason TEXT', or pay anyway with --force --reason TEXT)"
    )
    assert rows_of(settings, "payment") == 0


def test_force_needs_a_reason(settings: Settings) -> None:
    with pytest.raises(RefusedError, match=r"^--force needs --reason TEXT"):
        record_payment(
            settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 15), today=TODAY, force=True
        )


def test_a_forced_payment_keeps_its_reason_in_the_audit(settings: Settings) -> None:
    done = record_payment(
        settings,
        "EMP23-03",
        tranche=1,
        paid_on=D(2024, 1, 15),
        today=TODAY,
        force=True,
        reason="signed copy in the post",
    )
    assert done.payment.forced is True
    assert done.overridden == ("the milestone 'signature' is not recorded",)
    [(_, _, _, after)] = audit(settings, "payment")
    assert after is not None
    assert '"reason": "signed copy in the post"' in after
    assert '"overridden": ["the milestone \'signature\' is not recorded"]' in after


def test_the_payments_view(settings: Settings) -> None:
    sign(settings, "EMP23-03", "EMP23-05")
    record_payment(settings, "EMP23-03", tranche=1, paid_on=D(2024, 1, 15), today=TODAY)
    view = payments(settings, today=TODAY)
    statuses = {p.project.reference: [t.status.value for t in p.tranches] for p in view.projects}
    assert statuses["EMP23-03"] == ["paid", "blocked", "blocked"]
    assert statuses["EMP23-05"] == ["due", "blocked", "blocked"]
    assert statuses["EMP23-01"] == ["blocked", "blocked", "blocked"]
    assert "EMP23-07" not in statuses  # withdrawn
    assert (view.awarded_cents, view.paid_cents) == (247_500_00, 22_500_00)


# -- payments from a workbook ---------------------------------------------------------------


def test_a_payments_workbook_is_taken_in_once(
    settings: Settings, make_xlsx: Callable[..., Path]
) -> None:
    sign(settings)
    path = make_xlsx(
        [
            PAYMENTS_HEAD,
            ["EMP23-03", 1, "15/01/2024", None, None],
            ["EMP23-05", 1, "2024-01-16", "20750", "virement 1"],
            ["EMP23-09", 1, None, None, None],  # not paid yet: left out
        ],
        name="paiements.xlsx",
        sheet="Paiements",
    )
    done = take_payments(settings, path, today=TODAY)
    assert [(p.reference, p.amount_cents) for p in done.added] == [
        ("EMP23-03", 22_500_00),
        ("EMP23-05", 20_750_00),
    ]
    assert (done.unchanged, done.left_out) == (0, 1)
    again = take_payments(settings, path, today=TODAY)
    assert (len(again.added), again.unchanged) == (0, 2)
    assert rows_of(settings, "payment") == 2


def test_the_payments_template_round_trips(settings: Settings, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sign(settings)
    path = tmp_path / "paiements.xlsx"
    _, rows = write_payments_template(settings, path)
    assert rows == 18
    book = load_workbook(path)
    sheet = book["Paiements"]
    assert [c.value for c in sheet[1]][:5] == [
        "Référence *",
        "Titre du projet",
        "Tranche *",
        "Montant prévu",
        "Date du paiement *",
    ]
    sheet["E2"] = dt.datetime(2024, 1, 15)
    book.save(path)
    done = take_payments(settings, path, today=TODAY)
    assert [(p.reference, p.tranche) for p in done.added] == [("EMP23-01", 1)]
    assert done.left_out == 17


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["EMP23-03", 1, "15/01/2024"], ["EMP23-03", 1, "16/01/2024"]],
            "row 3: EMP23-03, tranche 1: tranche 1 is already paid (€ 22,500.00 on "
            "2024-01-15): a tranche is paid once (to correct it: 'slrbcall payments correct "
            "EMP23-03 --tranche 1 --amount A --reason TEXT')",
        ),
        (
            [["EMP23-12", 1, "15/01/2024", "30000.01"]],
            "row 2: EMP23-12, tranche 1: paying € 30,000.01 would bring the project's "
            "payments to € 30,000.01, above its award of € 30,000.00",
        ),
        (
            [["EMP23-03", 1, "10/12/2023"]],
            "row 2: EMP23-03, tranche 1: the payment date 2023-12-10 is before the "
            "project's start (2024-01-01)",
        ),
        (
            [["EMP23-03", 2, "15/01/2024"]],
            "row 2: EMP23-03, tranche 2: the milestone 'interim_report' is not recorded "
            "(to pay it anyway: 'slrbcall payments record EMP23-03 --tranche 2 --date "
            "2024-01-15 --force --reason TEXT')",
        ),
        (
            [["EMP23-13", 1, "15/01/2024"]],
            "row 2: 'EMP23-13' is not a funded project of empowerment-2023 (the funded "
            "projects are EMP23-01, EMP23-03, EMP23-05, EMP23-09, EMP23-12, EMP23-14)",
        ),
        (
            [["EMP23-03", 0, "15/01/2024"]],
            "row 2, column B ('Tranche'): must be at least 1: 0",
        ),
        (
            [["EMP23-03", 1, None, "22500"]],
            "row 2, column C ('Payment date'): empty: every payment needs its payment date",
        ),
    ],
    ids=[
        "double-payment",
        "above-award",
        "before-start",
        "condition-not-met",
        "unfunded",
        "tranche-zero",
        "no-date",
    ],
)
def test_a_bad_payments_workbook_stores_nothing(
    settings: Settings, make_xlsx: Callable[..., Path], rows: list[list[object]], message: str
) -> None:
    sign(settings)
    path = make_xlsx([PAYMENTS_HEAD[:4], *rows], name="p.xlsx", sheet="Payments")
    before = rows_of(settings, "audit")
    with pytest.raises(InputFileError) as caught:
        take_payments(settings, path, today=TODAY)
    assert [str(p) for p in caught.value.problems] == [f"p.xlsx: sheet 'Payments', {message}"]
    assert rows_of(settings, "payment") == 0
    assert rows_of(settings, "audit") == before


# -- monitoring ----------------------------------------------------------------------------


def test_the_example_gives_the_outcome_figures_of_the_call(settings: Settings) -> None:
    done = take_monitoring(settings, EXAMPLES / "monitoring.xlsx")
    assert (done.reports, done.added, done.warnings) == (12, 12, ())
    found = outcomes(settings).outcomes
    totals = found.totals
    assert totals.reporting == 6
    assert 190 <= totals.residents_involved <= 210  # "about 200 residents involved"
    assert 90 <= totals.residents_trained <= 105  # "nearly 100 of them trained"
    assert totals.average_activities == Decimal("45.0")  # "45 activities per project"
    digital = next(o for o in found.projects if o.project.title == "Digitale inclusie")
    assert digital.report is not None
    assert digital.report.participants is not None
    assert digital.report.participants > 60  # "more than 60 participants"
    assert digital.reports == 2
    assert set(found.by_theme) == {
        "culture-art",
        "digital-divide",
        "single-parenthood",
        "sustainable-food",
    }
    assert totals.residents_targeted == 315


def test_monitoring_is_idempotent_and_keeps_every_report(
    settings: Settings, make_xlsx: Callable[..., Path]
) -> None:
    first = make_xlsx(
        [MONITORING_HEAD, ["EMP23-03", "30/06/2024", 25, 12, 24, 38, "Brochure", None]],
        name="m1.xlsx",
    )
    assert take_monitoring(settings, first).added == 1
    again = take_monitoring(settings, first)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 1)
    changed = make_xlsx(
        [
            MONITORING_HEAD,
            ["EMP23-03", "30/06/2024", 26, 12, 24, 38, "Brochure", None],
            ["EMP23-03", "31/01/2025", 42, 30, 52, 64, "Portretten", None],
        ],
        name="m2.xlsx",
    )
    done = take_monitoring(settings, changed)
    assert (done.added, done.changed, done.unchanged) == (1, 1, 0)
    history = outcomes(settings).history["EMP23-03"]
    assert [(r.report_date, r.residents_involved) for r in history] == [
        (D(2024, 6, 30), 26),
        (D(2025, 1, 31), 42),
    ]
    actions = [(a, k) for a, k, _, _ in audit(settings, "monitoring_report")]
    assert actions == [
        ("insert", "empowerment-2023/EMP23-03/2024-06-30"),
        ("update", "empowerment-2023/EMP23-03/2024-06-30"),
        ("insert", "empowerment-2023/EMP23-03/2025-01-31"),
    ]
    update = audit(settings, "monitoring_report")[1]
    assert '"residents_involved": 25' in (update[2] or "")
    assert '"residents_involved": 26' in (update[3] or "")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["EMP23-13", "30/06/2024", 10, 5, 3, 12, None, None],
            "row 2: 'EMP23-13' is not a funded project of empowerment-2023 (the funded "
            "projects are EMP23-01, EMP23-03, EMP23-05, EMP23-09, EMP23-12, EMP23-14)",
        ),
        (
            ["EMP23-03", "30/06/2024", 10, -3, 3, 12, None, None],
            "row 2, column D ('Residents trained'): cannot be negative: -3",
        ),
        (
            ["EMP23-03", "31/12/2023", 10, 5, 3, 12, None, None],
            "row 2: the report date 2023-12-31 is before the start of EMP23-03 (2024-01-01)",
        ),
        (
            ["EMP23-03", None, 10, 5, 3, 12, None, None],
            "row 2, column B ('Report date'): empty: every report needs its report date",
        ),
        (
            ["EMP23-03", "30/06/2024", "dix", 5, 3, 12, None, None],
            "row 2, column C ('Residents involved'): not a whole number: 'dix' (write e.g. 12)",
        ),
    ],
    ids=["unfunded", "negative", "before-start", "no-date", "not-a-number"],
)
def test_a_bad_monitoring_workbook_stores_nothing(
    settings: Settings, make_xlsx: Callable[..., Path], row: list[object], message: str
) -> None:
    path = make_xlsx([MONITORING_HEAD, row], name="m.xlsx", sheet="Monitoring")
    with pytest.raises(InputFileError) as caught:
        take_monitoring(settings, path)
    assert [str(p) for p in caught.value.problems] == [f"m.xlsx: sheet 'Monitoring', {message}"]
    assert rows_of(settings, "monitoring_report") == 0


def test_trained_above_involved_is_a_warning_and_stored(
    settings: Settings, make_xlsx: Callable[..., Path]
) -> None:
    path = make_xlsx(
        [MONITORING_HEAD, ["EMP23-05", "30/06/2024", 10, 12, 3, 12, None, None]],
        name="m.xlsx",
        sheet="Monitoring",
    )
    done = take_monitoring(settings, path)
    assert done.warnings == (
        "m.xlsx: sheet 'Monitoring', row 2: EMP23-05: 12 residents trained but only 10 "
        "involved (stored as given: check the figures)",
    )
    assert rows_of(settings, "monitoring_report") == 1


def test_a_dry_run_stores_nothing(settings: Settings) -> None:
    done = take_monitoring(settings, EXAMPLES / "monitoring.xlsx", dry_run=True)
    assert (done.added, done.dry_run) == (12, True)
    assert rows_of(settings, "monitoring_report") == 0


def test_the_monitoring_template_round_trips(settings: Settings, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "suivi.xlsx"
    _, rows = write_monitoring_template(settings, path, lang="nl")
    assert rows == 6
    blank = take_monitoring(settings, path)
    assert (blank.reports, blank.left_out) == (0, 6)
    book = load_workbook(path)
    sheet = book["Opvolging"]
    assert [c.value for c in sheet[1]] == [
        "Referentie *",
        "Projecttitel",
        "Datum van het verslag *",
        "Betrokken bewoners",
        "Opgeleide bewoners",
        "Georganiseerde activiteiten",
        "Deelnemers",
        "Realisaties",
        "Opmerkingen",
    ]
    assert [c.value for c in sheet[2]][:2] == ["EMP23-01", "Ateliers d'écriture"]
    filled = [dt.datetime(2024, 6, 30), 40, 20, 45, 61, "Boekjes"]
    for col, value in zip("CDEFGH", filled, strict=True):
        sheet[f"{col}2"] = value
    book.save(path)
    done = take_monitoring(settings, path)
    assert (done.added, done.left_out) == (1, 5)
    [report] = followup_state(settings).reports
    assert (report.report_date, report.participants, report.deliverable_kinds) == (
        D(2024, 6, 30),
        61,
        ("booklets",),
    )


# -- the timeline and the demo ----------------------------------------------------------------


def test_the_timeline_and_its_calendar_file(settings: Settings, tmp_path: Path) -> None:
    sign(settings)
    result = timeline(settings, today=D(2024, 6, 20), within=30)
    found = result.timeline
    signatures = [i for i in found.items if i.key == "signature"]
    assert [i.status.value for i in signatures] == ["done"] * 6
    interim = [i for i in found.items if i.key == "interim_report"]
    assert {i.status.value for i in interim} == {"due-within"}
    path = write_timeline_ics(result, tmp_path / "suivi.ics", lang="fr")
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")
    with pytest.raises(RefusedError, match=r"ends in \.ics"):
        write_timeline_ics(result, tmp_path / "suivi.txt")


def test_the_demo_follow_up(settings: Settings) -> None:
    from slrbcall.followup import ItemStatus

    demo = run_followup_demo(settings)
    found = demo.timeline.timeline
    assert demo.monitoring.added == 12
    assert len(demo.payments) == 9
    overdue = {(i.reference, i.key) for i in found.items if i.status is ItemStatus.OVERDUE}
    assert overdue == {
        ("EMP23-09", "tranche:2"),
        ("EMP23-12", "tranche:2"),
        ("EMP23-14", "tranche:2"),
        ("EMP23-14", "questionnaire"),
    }
    soon = {i.key for i in found.items if i.status is ItemStatus.DUE_WITHIN and i.reference}
    assert soon == {"final_report", "justification", "tranche:3"}
    assert demo.payments_view.paid_cents == sum(p.payment.amount_cents for p in demo.payments)
