"""Scoring and allocation through the command line, on the shipped example call."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, Invoke, raw

pytestmark = pytest.mark.both_backends

EXAMPLES = REPO / "examples"
CALL = ("--call", "empowerment-2023")


@pytest.fixture
def db_copy(copy_of: Callable[..., Any], scored_db: Path, tmp_path: Path) -> Path:
    return copy_of(scored_db)  # type: ignore[no-any-return]


def funded(data: dict[str, object]) -> dict[str, str]:
    lines = data["lines"]
    assert isinstance(lines, list)
    return {
        line["reference"]: line["amount"] for line in lines if line["decision"].startswith("funded")
    }


def test_the_example_call_funds_six_projects(cli: Invoke, db_copy: Path) -> None:
    result = cli("--db", db_copy, *CALL, "allocate", "--budget", "255000", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    assert funded(data) == {
        "EMP23-03": "45000.00",
        "EMP23-05": "41500.00",
        "EMP23-07": "38500.00",
        "EMP23-09": "52000.00",
        "EMP23-12": "30000.00",
        "EMP23-14": "44000.00",
    }
    assert data["total_awarded"] == "251000.00"
    assert data["remainder"] == "4000.00"
    runs = json.loads(cli("--db", db_copy, "allocations", "list", "--json").stdout)
    assert [(r["run"], r["adopted"], r["awarded"]) for r in runs] == [(1, False, "251000.00")]
    assert cli("--db", db_copy, "allocations", "adopt", "1").exit_code == 0
    runs = json.loads(cli("--db", db_copy, "allocations", "list", "--json").stdout)
    assert [(r["run"], r["adopted"], r["awarded"]) for r in runs] == [(1, True, "251000.00")]


POLICY_RESULTS = {
    # The worked example of docs/concepts.md, one row per policy.
    "greedy": (
        {"EMP23-03", "EMP23-05", "EMP23-07", "EMP23-09", "EMP23-12", "EMP23-14"},
        "251000.00",
    ),
    "strict": (
        {"EMP23-03", "EMP23-05", "EMP23-07", "EMP23-09", "EMP23-12", "EMP23-14"},
        "251000.00",
    ),
}


@pytest.mark.parametrize("policy", sorted(POLICY_RESULTS))
def test_each_policy_on_the_example(cli: Invoke, db_copy: Path, policy: str) -> None:
    result = cli("--db", db_copy, *CALL, "allocate", "--policy", policy, "--dry-run", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    expected_refs, total = POLICY_RESULTS[policy]
    assert set(funded(data)) == expected_refs
    assert data["total_awarded"] == total
    assert data["stored"] is False


def test_max_score_on_the_example_is_proven_optimal(cli: Invoke, db_copy: Path) -> None:
    result = cli("--db", db_copy, *CALL, "allocate", "--policy", "max-score", "--dry-run", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    assert data["proven_optimal"] is True
    assert data["optimum"] == "533.2500"
    # As docs/concepts.md shows: seven cheaper projects beat the six best-ranked ones.
    assert set(funded(data)) == {
        "EMP23-01",
        "EMP23-02",
        "EMP23-05",
        "EMP23-07",
        "EMP23-09",
        "EMP23-12",
        "EMP23-15",
    }
    assert data["total_awarded"] == "255000.00"


def test_min_score_on_the_example(cli: Invoke, db_copy: Path) -> None:
    result = cli("--db", db_copy, *CALL, "allocate", "--min-score", "85", "--dry-run", "--json")
    data = json.loads(result.stdout)
    assert set(funded(data)) == {"EMP23-03", "EMP23-07", "EMP23-09", "EMP23-12"}
    assert data["total_awarded"] == "165500.00"


def test_partial_remainder_on_the_example(cli: Invoke, db_copy: Path) -> None:
    result = cli(
        "--db",
        db_copy,
        *CALL,
        "allocate",
        "--budget",
        "280000",
        "--partial",
        "remainder",
        "--partial-min-share",
        "0.5",
        "--dry-run",
        "--json",
    )
    data = json.loads(result.stdout)
    partial = [line for line in data["lines"] if line["decision"] == "funded_partial"]
    # 29,000 remain after the six: EMP23-13 asks 65,000 (29,000 is below half of it),
    # so the partial award goes to nobody under a 50 % minimum share.
    assert partial == []
    looser = json.loads(
        cli(
            "--db",
            db_copy,
            *CALL,
            "allocate",
            "--budget",
            "280000",
            "--partial",
            "remainder",
            "--dry-run",
            "--json",
        ).stdout
    )
    (line,) = [line for line in looser["lines"] if line["decision"] == "funded_partial"]
    assert (line["reference"], line["amount"]) == ("EMP23-13", "29000.00")


def test_json_is_byte_identical_whatever_the_row_order(
    cli: Invoke, tmp_path: Path, make_xlsx: Callable[..., Path]
) -> None:
    from slrbcall.sheets.read import read_workbook

    outputs = []
    for order in ("forward", "backward"):
        db = tmp_path / f"{order}.db"
        book = read_workbook(EXAMPLES / "applications.xlsx")
        rows = [[c.value for c in cells] for cells in book.sheets[0].rows]
        header, data = rows[0], rows[1:]
        if order == "backward":
            data.reverse()
        path = make_xlsx([header, *data], name=f"{order}.xlsx")
        assert cli("--db", db, *CALL, "intake", path).exit_code == 0
        assert cli("--db", db, *CALL, "score", EXAMPLES / "scores.xlsx").exit_code == 0
        outputs.append(cli("--db", db, *CALL, "allocate", "--dry-run", "--json").stdout)
    assert outputs[0] == outputs[1]


def test_explain_a_refusal(cli: Invoke, db_copy: Path) -> None:
    assert cli("--db", db_copy, *CALL, "allocate").exit_code == 0
    assert cli("--db", db_copy, "allocations", "adopt", "1").exit_code == 0
    result = cli("--db", db_copy, "explain", "EMP23-13")
    assert result.exit_code == 0
    assert "EMP23-13 in allocation run 1" in result.stdout
    assert "it asked for € 65,000.00 but only € 4,000.00 remained" in result.stdout
    unknown = cli("--db", db_copy, "explain", "EMP23-16")
    assert unknown.exit_code == 1
    assert "no application 'EMP23-16'" in unknown.stderr


def test_explain_before_any_allocation(cli: Invoke, db_copy: Path) -> None:
    result = cli("--db", db_copy, "explain", "EMP23-13")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no allocation for empowerment-2023 yet: run 'slrbcall allocate --budget AMOUNT'"
    )


def test_dry_run_keeps_the_adopted_run(cli: Invoke, db_copy: Path) -> None:
    assert cli("--db", db_copy, *CALL, "allocate").exit_code == 0
    assert cli("--db", db_copy, "allocations", "adopt", "1").exit_code == 0
    assert cli("--db", db_copy, *CALL, "allocate", "--budget", "100000", "--dry-run").exit_code == 0
    runs = json.loads(cli("--db", db_copy, "allocations", "list", "--json").stdout)
    assert len(runs) == 1
    shown = json.loads(cli("--db", db_copy, "allocations", "show", "--json").stdout)
    assert shown["total_awarded"] == "251000.00"


def test_scenarios_show_who_moves(cli: Invoke, db_copy: Path) -> None:
    result = cli(
        "--db",
        db_copy,
        *CALL,
        "scenarios",
        "--budget",
        "255000",
        "--budget",
        "330000",
        "--policy",
        "greedy",
    )
    assert result.exit_code == 0, result
    assert "EMP23-13" in result.stdout
    assert "in under greedy € 330,000.00" in result.stdout
    with raw(db_copy) as conn:
        assert conn.execute("SELECT count(*) FROM allocation_run").fetchone()[0] == 0


def test_ranking_flags_the_disagreement_and_the_conflict(cli: Invoke, db_copy: Path) -> None:
    data = json.loads(cli("--db", db_copy, "ranking", "--json").stdout)
    flags = {line["reference"]: line["flags"] for line in data}
    assert flags["EMP23-06"] == ["disagreement"]
    assert flags["EMP23-05"] == ["conflict_excluded"]
    assert [line["reference"] for line in data[:3]] == ["EMP23-09", "EMP23-07", "EMP23-03"]


def test_scores_again_change_nothing(cli: Invoke, db_copy: Path) -> None:
    result = cli("--db", db_copy, "score", EXAMPLES / "scores.xlsx")
    assert result.exit_code == 0, result
    assert "0 new, 0 changed, 370 unchanged" in result.stdout


def test_bad_marks_are_refused_all_at_once(
    cli: Invoke, db_copy: Path, make_xlsx: Callable[..., Path]
) -> None:
    path = make_xlsx(
        [
            ["Reference", "Reviewer", "empowerment", "partnership"],
            ["EMP23-01", "finances", 11, "huit"],
            ["EMP23-05", "expert-participation", 7, 7],
            ["EMP23-99", "finances", 5, 5],
            ["EMP23-02", "someone", 5, 5],
        ]
    )
    with raw(db_copy) as conn:
        before = conn.execute("SELECT count(*) FROM mark").fetchone()[0]
    result = cli("--db", db_copy, "score", path)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "applications.xlsx: sheet 'Applications', row 2, column D ('partnership'): "
        "not a mark: 'huit' (write a number such as 7 or 7,5)"
    )
    assert any("row 2, column C ('empowerment')" in line and "10" in line for line in lines)
    assert any("EMP23-05" in line and "conflict" in line for line in lines)
    assert any("EMP23-99" in line for line in lines)
    assert any("someone" in line for line in lines)
    assert lines[-1].endswith("; nothing was stored.")
    with raw(db_copy) as conn:
        after = conn.execute("SELECT count(*) FROM mark").fetchone()[0]
    assert after == before


def test_allocating_with_missing_marks_is_refused(cli: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "ws.db"
    assert cli("--db", db, *CALL, "intake", EXAMPLES / "applications.xlsx").exit_code == 0
    result = cli("--db", db, "allocate")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 15 eligible applications have no complete score")


def test_scores_template_round_trip(cli: Invoke, tmp_path: Path) -> None:
    import openpyxl

    db = tmp_path / "ws.db"
    assert cli("--db", db, *CALL, "intake", EXAMPLES / "applications.xlsx").exit_code == 0
    template = tmp_path / "notes.xlsx"
    result = cli("--db", db, "template", "scores", "-o", template)
    assert result.exit_code == 0, result
    assert "Conflict of interest: expert-participation does not mark EMP23-05." in result.stdout
    book = openpyxl.load_workbook(template)
    sheet = book["Marks"]  # in the officer's language: English in the tests
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 15 * 5 - 1
    for row in range(2, len(rows) + 2):
        for col in range(4, 9):
            sheet.cell(row=row, column=col, value=7)
    book.save(template)
    taken = cli("--db", db, "score", template)
    assert taken.exit_code == 0, taken
    assert "Every eligible application has all its marks." in taken.stdout
    assert cli("--db", db, "allocate", "--json").exit_code == 0
