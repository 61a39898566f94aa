"""The intake's cell readers, and a sheet read row by row."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.intake.columns import cell_readers
from slrbcall.intake.reading import read_applications
from slrbcall.money import MAX_CENTS
from slrbcall.sheets import Cell, Header, Sheet
from slrbcall.sheets.read import exact

from .conftest import SHIPPED_CALLS

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
REGISTRY = load_registry(SHIPPED_CALLS)
HEADER = ("Reference", "Housing company", "Project title", "Requested amount", "Notes")
KEYS = ("reference", "applicant", "title", "requested_amount")


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=0, max_value=MAX_CENTS))
def test_two_decimal_floats_are_exact_cents(cents: int) -> None:
    value = cents / 100  # as calamine gives a number cell
    read = cell_readers(CALL, REGISTRY, False)["requested_amount"]
    assert read(Cell(2, 1, exact(value))) == int(Decimal(repr(value)) * 100)


def sheet_of(*rows: tuple[object, ...]) -> tuple[Sheet, Header]:
    """A sheet whose first row is :data:`HEADER`, and its header."""
    cells = tuple(
        tuple(
            Cell(number, col, value, None, isinstance(value, str))
            for col, value in enumerate(values, 1)
        )
        for number, values in enumerate((HEADER, *rows), start=1)
        if any(value is not None for value in values)
    )
    header = Header(
        row=1,
        columns={key: col for col, key in enumerate(KEYS, start=1)},
        labels=dict(enumerate(HEADER, start=1)),
        ignored=((5, "Notes"),),
    )
    return Sheet("a.xlsx", "S", cells), header


def test_a_misspelt_housing_company_is_reported_on_every_row_that_names_it() -> None:
    sheet, header = sheet_of(
        ("E-01", "Comensai", "Un", 3_000_000),
        ("E-02", "Comensia", "Deux", 3_000_000),
        ("E-03", "Comensai", "Trois", 3_000_000),
    )
    read = read_applications(sheet, header, call=CALL, registry=REGISTRY)
    where = "a.xlsx: sheet 'S', row {}, column B ('Housing company')"
    message = "unknown housing company 'Comensai' (did you mean 'Comensia'?)"
    assert [str(p) for p in read.problems] == [
        f"{where.format(2)}: {message}",
        f"{where.format(4)}: {message}",
    ]
    assert [a.reference for a in read.applications] == ["E-02"]


def test_only_rows_with_something_in_a_known_column_are_read() -> None:
    sheet, header = sheet_of(
        ("E-01", "Comensia", "Un", 30_000),
        (None, None, None, None, "a note beside the table"),
        ("E-02", "Comensia", "Deux", 40_000),
    )
    read = read_applications(sheet, header, call=CALL, registry=REGISTRY)
    assert read.problems == ()
    assert [(a.reference, a.source_row) for a in read.applications] == [("E-01", 2), ("E-02", 4)]
    assert read.warnings == (
        "a.xlsx: sheet 'S', column E ('Notes') is not a known column and was ignored",
    )
