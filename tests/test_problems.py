"""A problem carries its place as fields; its line stays the contract's; the error
workbook places it by those fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.errors import InputFileError, Problem
from slrbcall.settings import Settings
from slrbcall.sheets.report import mark_problems

from .conftest import SHIPPED_CALLS

FILE = "applications.xlsx"


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        (Problem(FILE, "damaged"), "applications.xlsx: damaged"),
        (
            Problem(FILE, "no header row", sheet="Applications"),
            "applications.xlsx: sheet 'Applications': no header row",
        ),
        (
            Problem(FILE, "this row is hidden", sheet="Applications", row=7),
            "applications.xlsx: sheet 'Applications', row 7: this row is hidden",
        ),
        (
            Problem(
                FILE,
                "not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)",
                sheet="Applications",
                row=7,
                column=4,
                header="Requested amount",
            ),
            "applications.xlsx: sheet 'Applications', row 7, column D ('Requested amount'): "
            "not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)",
        ),
        (
            Problem(FILE, "x", sheet="S", row=2, column=28),
            "applications.xlsx: sheet 'S', row 2, column AB: x",
        ),
        (
            Problem(FILE, "merged cells", sheet="S", cells="D4:E4"),
            "applications.xlsx: sheet 'S', cells D4:E4: merged cells",
        ),
        (
            Problem("empowerment-2023.yaml", "duplicate key 'budget'", line=14, col=3),
            "empowerment-2023.yaml:14:3: duplicate key 'budget'",
        ),
    ],
    ids=["file", "sheet", "row", "cell", "no-header", "cells", "yaml"],
)
def test_a_problem_is_printed_from_its_place(problem: Problem, line: str) -> None:
    assert str(problem) == line
    assert problem.where == line.removesuffix(f": {problem.message}")


@pytest.mark.parametrize(
    "place",
    [
        {"row": 2},
        {"sheet": "S", "column": 2},
        {"sheet": "S", "row": 2, "header": "Amount"},
        {"sheet": "S", "row": 2, "cells": "A2:B2"},
        {"line": 3},
        {"sheet": "S", "line": 3, "col": 1},
        {"sheet": "S", "row": 0},
    ],
    ids=[
        "row-without-sheet",
        "column-without-row",
        "header-without-column",
        "row-and-cells",
        "line-without-col",
        "line-in-a-sheet",
        "row-0",
    ],
)
def test_a_place_that_cannot_be_is_refused(place: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=FILE):
        Problem(FILE, "x", **place)


def intake_problems(path: Path, tmp_path: Path) -> tuple[Problem, ...]:
    from slrbcall.intake.service import intake

    settings = Settings(db=tmp_path / "ws.db", calls_dir=SHIPPED_CALLS, call_id="empowerment-2023")
    with pytest.raises(InputFileError) as caught:
        intake(settings, path)
    return caught.value.problems


HEADER = ["Reference", "Housing company", "Project title", "Requested amount", "Theme", "Duration"]
ROW = ["E-01", "Comensia", "Un", 30000, "Fracture numérique", 12]


def test_the_intake_gives_each_problem_its_place_as_fields(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_xlsx(
        [HEADER, [*ROW[:3], "ca 50k", *ROW[4:]], ["E-02", *ROW[1:]]],
        hidden_rows=[3],
    )
    hidden, amount = intake_problems(path, tmp_path)
    assert (hidden.file, hidden.sheet, hidden.row, hidden.column) == (
        FILE,
        "Applications",
        3,
        None,
    )
    assert (amount.sheet, amount.row, amount.column, amount.header) == (
        "Applications",
        2,
        4,
        "Requested amount",
    )
    assert amount.message.startswith("not an amount: 'ca 50k'")


def test_a_missing_column_is_a_problem_of_the_header_row(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    (missing,) = intake_problems(make_xlsx([HEADER[:5], ROW[:5]]), tmp_path)
    assert (missing.sheet, missing.row, missing.column) == ("Applications", 1, None)


def test_the_error_workbook_marks_a_cell_by_its_fields_not_its_words(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    import openpyxl

    # A sheet name that reads as a place: only the fields say which cell is meant.
    sheet = "Candidatures', row 9, column A"
    source = make_xlsx([HEADER, ROW], sheet=sheet)
    out = tmp_path / "report.xlsx"
    problems = [
        Problem(FILE, "not an amount", sheet=sheet, row=2, column=4, header="Requested amount"),
        Problem(FILE, "the reference is also on row 5", sheet=sheet, row=2),
        Problem(FILE, "no header row", sheet=sheet),
    ]
    mark_problems(source, out, problems)
    book = openpyxl.load_workbook(out)
    assert book[sheet]["D2"].comment.text == "not an amount"
    assert book[sheet]["A2"].comment.text == "the reference is also on row 5"
    assert book[sheet]["A9"].comment is None
    listed = [[c.value for c in row] for row in book["Problems"].iter_rows(min_row=2)]
    assert listed == [
        [sheet, "D2", "not an amount"],
        [sheet, "row 2", "the reference is also on row 5"],
        [None, None, str(problems[2])],
    ]


def test_a_place_given_only_in_words_is_listed_never_guessed(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    """A place read back from the workspace is text alone: it is listed on the Problems
    sheet, and no cell is marked by reading the words back."""
    import openpyxl

    from slrbcall.sheets import where

    source = make_xlsx([HEADER, ROW])
    out = tmp_path / "report.xlsx"
    place = where(FILE, "Applications", 2, 4, "Requested amount")
    mark_problems(source, out, [Problem(place, "not an amount")])
    book = openpyxl.load_workbook(out)
    assert book["Applications"]["D2"].comment is None
    listed = [cell.value for row in book["Problems"].iter_rows() for cell in row]
    assert any(str(value).endswith("not an amount") for value in listed)


def test_the_committees_and_the_follow_ups_readers_place_their_problems_by_fields(
    make_xlsx: Callable[..., Path],
) -> None:
    from slrbcall.calls.definition import load_call
    from slrbcall.committee.marks import mark_matcher, read_marks, recognise_marks_sheet
    from slrbcall.followup.workbooks import MONITORING_COLUMNS, matcher, read_reports
    from slrbcall.sheets import choose_sheet, find_header
    from slrbcall.sheets.read import read_workbook

    from .conftest import SHIPPED_CALLS

    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    marks = make_xlsx([["Reference", "Reviewer", "empowerment"], ["EMP23-01", "finances", "huit"]])
    sheet = choose_sheet(
        read_workbook(marks), recognise=recognise_marks_sheet(call), requested=None
    )
    header = find_header(sheet, match=mark_matcher(call), required=("reference", "reviewer"))
    (problem,) = read_marks(sheet, header, call=call).problems
    assert (problem.sheet, problem.row, problem.column, problem.header) == (
        "Applications",
        2,
        3,
        "empowerment",
    )
    reports = make_xlsx([["Reference", "Report date", "Residents involved"], ["EMP23-01", "x", 3]])
    sheet = read_workbook(reports).sheets[0]
    header = find_header(sheet, match=matcher(MONITORING_COLUMNS), required=("reference",))
    (problem,) = read_reports(sheet, header).problems
    assert (problem.sheet, problem.row, problem.column) == ("Applications", 2, 2)


def test_a_problem_of_a_call_file_carries_its_line_and_col() -> None:
    from slrbcall.calls.yamlstrict import parse_yaml

    with pytest.raises(InputFileError) as caught:
        parse_yaml("budget: 1\nthemes: []\nbudget: 2\n", source="x.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.col, problem.sheet) == ("x.yaml", 3, 1, None)
    assert str(problem) == "x.yaml:3:1: duplicate key 'budget' (first written at line 1)"
