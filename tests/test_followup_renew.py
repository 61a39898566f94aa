"""``calls renew``: the next call drafted from an existing one, valid, with its open
questions marked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slrbcall.calls.definition import load_call
from slrbcall.calls.renew import call_year, renew_text
from slrbcall.calls.service import renew_call
from slrbcall.errors import RefusedError
from slrbcall.settings import Settings

from .conftest import SHIPPED_CALLS


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    folder = tmp_path / "calls"
    shutil.copytree(SHIPPED_CALLS, folder)
    return folder


def test_the_next_empowerment_call(calls: Path) -> None:
    done = renew_call(
        Settings(calls_dir=calls),
        "empowerment-2023",
        new_id="empowerment-2025",
        duration_months=36,
    )
    assert done.path == calls / "empowerment-2025.yaml"
    call = load_call(done.path).call
    assert call.id == "empowerment-2025"
    assert call.title.fr == "Appel à projets Empowerment 2025"
    assert call.duration_months == 36
    assert {m.key: m.month for m in call.milestones}["advisory-committee"] == "2025-11"
    assert {m.key: m.month for m in call.milestones}["inter-project-meeting"] == "2026-12"
    assert [(t.percent, t.condition.value, t.month) for t in call.tranches] == [
        (27, "signature", 0),
        (27, "yearly_report", 12),
        (26, "yearly_report", 24),
        (20, "final_report", None),
    ]
    yearly = next(d for d in call.deadlines if d.key == "yearly-report")
    assert (yearly.months, yearly.every_months) == (12, 12)
    assert call.budget_cents == 255_000_00  # kept so that it validates, and marked
    for key in ("budget", "grant", "scoring", "committee", "tranches", "timeline"):
        assert key in call.illustrative
    assert done.renewal.to_fill_in == (
        "budget",
        "grant",
        "scoring",
        "decision",
        "imputation",
        "committee",
        "tranches",
    )
    # The decision and the budget year are the new call's own: moved, and to fill in.
    assert call.decision is not None
    assert call.decision.date.isoformat() == "2025-12-05"
    assert call.imputation is not None
    assert call.imputation.year == 2025
    assert call.title_in_context is not None
    assert call.title_in_context.fr == "de l'appel à projets Empowerment 2025"
    text = done.path.read_text(encoding="utf-8")
    assert "budget: 255000  # TO FILL IN\n" in text
    assert "# TO FILL IN: the body and the date of the decision awarding the grants" in text
    assert "# TO FILL IN: the criteria and their weights (copied from empowerment-2023).\n" in text
    assert "# TO CHECK: the dates of empowerment-2023's steps, moved by 2 years.\n" in text


def test_the_projects_of_a_multi_year_call_owe_yearly_reports(calls: Path) -> None:
    import datetime as dt

    from slrbcall.followup import Project, duties, schedule

    done = renew_call(
        Settings(calls_dir=calls), "empowerment-2023", new_id="empowerment-2025", duration_months=36
    )
    call = done.loaded.call
    project = Project(
        "EMP25-01",
        "t",
        "a",
        None,
        "fr",
        90_000_00,
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
        36,
        50,
    )
    keys = [d.key for d in duties(call, project)]
    assert keys == [
        "signature",
        "interim_report",
        "questionnaire",
        "yearly_report:1",
        "yearly_report:2",
        "final_report",
    ]
    assert [t.condition for t in schedule(call, project)] == [
        "signature",
        "yearly_report:1",
        "yearly_report:2",
        "final_report",
    ]


def test_a_call_of_the_same_duration_keeps_its_tranches(calls: Path) -> None:
    source = (calls / "empowerment-2023.yaml").read_text(encoding="utf-8")
    renewal = renew_text(source, new_id="empowerment-2024", duration_months=12, shift_years=1)
    path = calls / "empowerment-2024.yaml"
    path.write_text(renewal.text, encoding="utf-8")
    call = load_call(path).call
    assert [t.condition.value for t in call.tranches] == [
        "signature",
        "interim_report",
        "final_report",
    ]
    assert "tranches" not in renewal.to_fill_in
    assert not renewal.multi_year


def test_a_cohesion_call_renewed(calls: Path) -> None:
    done = renew_call(
        Settings(calls_dir=calls),
        "cohesion-sociale-2021",
        new_id="cohesion-sociale-2026",
        duration_months=60,
    )
    call = done.loaded.call
    assert call.title.nl == "Sociale cohesieprojecten 2026-2031"
    assert len(call.tranches) == 5  # the same duration: the tranches are kept


def test_renew_never_overwrites(calls: Path) -> None:
    settings = Settings(calls_dir=calls)
    renew_call(settings, "empowerment-2023", new_id="empowerment-2025", duration_months=36)
    with pytest.raises(RefusedError, match=r"already exists: refusing to overwrite it"):
        renew_call(settings, "empowerment-2023", new_id="empowerment-2025", duration_months=24)


@pytest.mark.parametrize(
    ("new_id", "message"),
    [
        ("Empowerment 2025", "--id 'Empowerment 2025': a call id is lower-case letters"),
        ("empowerment-2023", "--id must differ from the call renewed"),
        ("empowerment-next", "cannot tell the years from 'empowerment-2023' and"),
    ],
    ids=["bad-id", "same-id", "no-year"],
)
def test_renew_refuses(calls: Path, new_id: str, message: str) -> None:
    with pytest.raises(RefusedError) as caught:
        renew_call(Settings(calls_dir=calls), "empowerment-2023", new_id=new_id, duration_months=36)
    assert str(caught.value).startswith(message)


def test_years_can_be_given(calls: Path) -> None:
    done = renew_call(
        Settings(calls_dir=calls),
        "empowerment-2023",
        new_id="empowerment-next",
        duration_months=24,
        years=3,
    )
    assert done.loaded.call.title.fr == "Appel à projets Empowerment 2026"


@pytest.mark.parametrize(
    ("call_id", "year"),
    [("empowerment-2023", 2023), ("pcs-2021-2026", 2021), ("next", None), ("x12345", None)],
    ids=str,
)
def test_call_year(call_id: str, year: int | None) -> None:
    assert call_year(call_id) == year
