"""Reading the committee's marks: wide and long layouts, every bad cell at once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.calls.definition import load_call
from slrbcall.committee.marks import mark_matcher, read_marks, recognise_marks_sheet
from slrbcall.errors import InputFileError
from slrbcall.model import Call
from slrbcall.sheets import choose_sheet, find_header
from slrbcall.sheets.read import read_workbook

from .conftest import SHIPPED_CALLS


@pytest.fixture(scope="module")
def call() -> Call:
    return load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call


def read(path: Path, call: Call) -> tuple[list[tuple[str, str, str, Decimal]], list[str], str]:
    book = read_workbook(path)
    sheet = choose_sheet(book, recognise=recognise_marks_sheet(call), requested=None)
    header = find_header(sheet, match=mark_matcher(call), required=("reference", "reviewer"))
    result = read_marks(sheet, header, call=call)
    marks = [(m.reference, m.reviewer, m.criterion, m.mark) for m in result.marks]
    return marks, [str(p) for p in result.problems], result.layout


def test_wide_layout_with_labels_and_reviewer_names(
    make_xlsx: Callable[..., Path], call: Call
) -> None:
    header = [
        "Référence",
        "Membre du comité",
        "Renforcement du pouvoir d'agir",
        "partnership",
        "Participation des habitants",
        "Faisabilité et budget",
        "Pérennité après le projet",
        "Commentaire",
    ]
    path = make_xlsx(
        [
            ["Comité d'avis du 14 novembre 2023"],
            header,
            ["EMP23-01", "finances", 8, "7,5", 9, 6, None, "Solide"],
        ],
        sheet="Notes",
    )
    marks, problems, layout = read(path, call)
    assert layout == "wide"
    assert problems == []
    assert marks == [
        ("EMP23-01", "finances", "empowerment", Decimal(8)),
        ("EMP23-01", "finances", "partnership", Decimal("7.5")),
        ("EMP23-01", "finances", "participation", Decimal(9)),
        ("EMP23-01", "finances", "feasibility", Decimal(6)),
    ]


def test_long_layout(make_xlsx: Callable[..., Path], call: Call) -> None:
    path = make_xlsx(
        [
            ["Reference", "Reviewer", "Criterion", "Mark"],
            ["EMP23-02", "Directie Financiën / Direction des Finances", "Faisabilité et budget", 7],
            ["EMP23-02", "action-sociale-1", "sustainability", "6.5"],
        ]
    )
    marks, problems, layout = read(path, call)
    assert layout == "long"
    assert problems == []
    assert marks == [
        ("EMP23-02", "finances", "feasibility", Decimal(7)),
        ("EMP23-02", "action-sociale-1", "sustainability", Decimal("6.5")),
    ]


def test_every_unreadable_mark_is_a_problem(make_xlsx: Callable[..., Path], call: Call) -> None:
    path = make_xlsx(
        [
            ["Reference", "Reviewer", "empowerment", "partnership"],
            ["EMP23-01", "finances", "huit", -1],
            ["EMP23-02", None, 5, 5],
        ]
    )
    _, problems, _ = read(path, call)
    assert problems == [
        "applications.xlsx: sheet 'Applications', row 2, column C ('empowerment'): not a mark: 'huit' (write a number such as 7 or 7,5)",
        "applications.xlsx: sheet 'Applications', row 2, column D ('partnership'): a mark cannot be negative: -1",
        "applications.xlsx: sheet 'Applications', row 3, column B ('Reviewer'): empty: every row needs its reviewer",
    ]


def test_a_sheet_without_mark_columns(make_xlsx: Callable[..., Path], call: Call) -> None:
    path = make_xlsx([["Reference", "Reviewer", "Notes"], ["EMP23-01", "finances", "x"]])
    _, problems, _ = read(path, call)
    assert problems[0].startswith("applications.xlsx: sheet 'Applications', row 1: no mark columns")


def test_no_marks_sheet(make_xlsx: Callable[..., Path], call: Call) -> None:
    path = make_xlsx([["Title", "Amount"], ["x", 1]])
    with pytest.raises(InputFileError, match="no visible sheet has the expected columns"):
        read(path, call)
