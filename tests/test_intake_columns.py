"""The intake's quick column readers give exactly what the cell readers give.

The quick readers exist for speed only (bench/intake.py): for any raw value, reading
a column with them must give the same values and the same problems as reading each
cell with the cell readers of ``slrbcall.sheets.cells``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.intake.columns import (
    CellProblem,
    ColumnReader,
    cell_readers,
    column_readers,
    is_clean_text,
    read_column,
)
from slrbcall.intake.fields import FIELDS
from slrbcall.sheets.grid import Grid, GridRows, grid_of

from .conftest import SHIPPED_CALLS

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
REGISTRY = load_registry(SHIPPED_CALLS)

# Text that exercises every branch of clean_text: accents composed and not, NBSP,
# zero-width and bidirectional characters, line breaks, tabs, controls.
_PIECES = st.sampled_from(
    [
        *"aZ09 .,'-@",
        "é",
        "e\u0301",
        "\u00a0",
        "\u202f",
        "\u200b",
        "\u202e",
        "\n",
        "\r",
        "\t",
        "\x07",
        "’",
        "ß",
        "€",
    ]
)
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=12).map("".join),
    st.sampled_from(
        [
            "",
            "  ",
            "fr",
            "NL",
            "Nederlands",
            "xx",
            "Log'iris",
            "Comensia",
            "Comensai",
            "Fracture numérique",
            "Digitale kloof",
            "unknown theme",
            "name@example.be",
            "name@example",
            "44.058,00",
            "1,500",
            "12",
            "12,0",
            "01/03/2024",
            "2024-03-01",
            "0403.170.701",
            "BE 0403 170 701",
        ]
    ),
)
_NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e13, max_value=1e13),
    st.integers(min_value=0, max_value=10**9).map(lambda cents: cents / 100),
    st.integers(min_value=-5, max_value=10**6).map(float),
    st.integers(min_value=-5, max_value=10**6),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
)
_VALUES = st.one_of(
    _TEXTS,
    _NUMBERS,
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 1, 1)),
    st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.times(),
)


def _read(key: str, raw: list[Any], errors: dict[tuple[int, int], str], *, quick: bool) -> Any:
    rows = list(range(2, len(raw) + 2))
    grid = Grid(values=[[value] for value in raw], top=2, left=1, width=1, errors=errors)
    readers = cell_readers(CALL, REGISTRY, False)
    reader = column_readers(readers)[key]
    if not quick:
        reader = ColumnReader(None, reader.cell)
    problems: list[tuple[int, str]] = []
    values = read_column(
        [value if (row, 1) not in errors else "" for row, value in zip(rows, raw, strict=True)],
        rows,
        1,
        grid=grid,
        reader=reader,
        bad=lambda row, message: problems.append((row, message)),
    )
    return values, sorted(problems)


def _read_each(key: str, raw: list[Any], errors: dict[tuple[int, int], str]) -> Any:
    """The column read cell by cell, each on its own: what ``read_column`` must give."""
    rows = list(range(2, len(raw) + 2))
    grid = Grid(values=[[value] for value in raw], top=2, left=1, width=1, errors=errors)
    read_cell = cell_readers(CALL, REGISTRY, False)[key]
    values: list[Any] = []
    problems: list[tuple[int, str]] = []
    for row in rows:
        try:
            values.append(read_cell(grid.cell(row, 1)))
        except CellProblem as exc:
            values.append(None)
            problems.append((row, str(exc)))
    return values, problems


# Names that recur, as a column of housing companies, themes or languages does, and
# values of other kinds among them.
_RECURRING = st.one_of(
    st.sampled_from(["Comensia", "comensia", "Log'iris", "Foyer du Sud", "fr", "nl", "", " fr"]),
    st.sampled_from(["Fracture numérique", "Digitale kloof", "unknown theme", "0403.170.701"]),
    st.sampled_from([1.0, 1, True, 403170701.0, datetime.date(2024, 3, 1)]),
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(["applicant", "language", "theme", "partner_enterprise_number"]),
    raw=st.lists(_RECURRING, max_size=12),
    error_at=st.sets(st.integers(min_value=0, max_value=11), max_size=2),
    few=st.sampled_from([0, 1, 64]),
)
def test_a_column_of_recurring_names_is_read_as_each_of_its_cells(
    key: str, raw: list[Any], error_at: set[int], few: int
) -> None:
    errors = {(i + 2, 1): "#N/A" for i in error_at if i < len(raw)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("slrbcall.intake.columns._FEW", few)  # both ways of finding first places
        assert _read(key, raw, errors, quick=True) == _read_each(key, raw, errors)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from([spec.key for spec in FIELDS]),
    raw=st.lists(_VALUES, max_size=8),
    error_at=st.sets(st.integers(min_value=0, max_value=7), max_size=2),
)
def test_quick_readers_agree_with_the_cell_readers(
    key: str, raw: list[Any], error_at: set[int]
) -> None:
    errors = {(i + 2, 1): "#DIV/0!" for i in error_at if i < len(raw)}
    each = _read_each(key, raw, errors)
    assert _read(key, raw, errors, quick=True) == each
    assert _read(key, raw, errors, quick=False) == each


_FLOATS = st.one_of(
    st.floats(min_value=-1e13, max_value=1e13),
    st.sampled_from([0.0, -0.0, 0.5, 1e12, 1e300, float("inf"), float("nan"), 2.0**53]),
    st.integers(min_value=-5, max_value=10**9).map(lambda cents: cents / 100),
    st.integers(min_value=-5, max_value=10**6).map(float),
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(
        [spec.key for spec in FIELDS if spec.key in ("requested_amount", "duration_months")]
        + ["residents_targeted"]
    ),
    raw=st.lists(_FLOATS, min_size=1, max_size=8),
)
def test_columns_of_numbers_alone_are_read_alike_at_once_or_cell_by_cell(
    key: str, raw: list[float]
) -> None:
    assert _read(key, raw, {}, quick=True) == _read(key, raw, {}, quick=False)


# Pieces that compose, reorder or stand alone under NFC: a text may start with a
# combining mark, or end with a Hangul jamo that the next one would join.
_NFC_PIECES = st.sampled_from(
    ["a", " ", "e", "\u0301", "\u0323", "\u1100", "\u1161", "\u11a8", "가", "\u0344"]
)
_ANY_TEXTS = st.one_of(_TEXTS, st.text(max_size=6), st.lists(_NFC_PIECES, max_size=6).map("".join))


@settings(max_examples=500, deadline=None)
@given(texts=st.lists(_ANY_TEXTS, max_size=6))
def test_texts_joined_by_spaces_are_clean_when_each_is(texts: list[str]) -> None:
    assert is_clean_text(" ".join(texts)) == all(is_clean_text(text) for text in texts)


_ADDRESS_PIECES = st.sampled_from(["a", "é", ".", "@", "b", "cd", "-", " ", "\n", "\u00a0"])
_ADDRESSES = st.one_of(
    st.sampled_from(
        ["a@b.be", "x.y@z.co.uk", "a@b.cd.e", "a@b.c", "x@y", "@b.cd", "a b@c.de", "a@@b.cd", ""]
    ),
    st.lists(_ADDRESS_PIECES, max_size=10).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(raw=st.lists(_ADDRESSES, min_size=1, max_size=8))
def test_a_column_of_addresses_is_read_alike_at_once_or_cell_by_cell(raw: list[str]) -> None:
    assert _read("contact_email", raw, {}, quick=True) == _read(
        "contact_email", raw, {}, quick=False
    )


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(st.characters(max_codepoint=0x7F), max_size=8),
    repeat=st.sampled_from([1, 200, 2000]),
)
def test_ascii_text_is_clean_when_printable_short_or_long(text: str, repeat: int) -> None:
    assert is_clean_text(text * repeat) == (text * repeat).isprintable()


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(["reference", "title", "summary", "contact_email"]),
    raw=st.lists(_ANY_TEXTS, max_size=8),
)
def test_a_column_of_texts_is_read_alike_at_once_or_cell_by_cell(key: str, raw: list[str]) -> None:
    assert _read(key, raw, {}, quick=True) == _read(key, raw, {}, quick=False)


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10**13))
def test_two_decimal_floats_are_exact_cents(cents: int) -> None:
    value = cents / 100
    quick, _ = _read("requested_amount", [value], {}, quick=True)
    slow, _ = _read("requested_amount", [value], {}, quick=False)
    assert quick == slow
    assert quick == [int(Decimal(repr(value)) * 100)]


def test_a_column_is_read_with_the_same_values_as_its_cells() -> None:
    grid = Grid(
        values=[["Ref", "Amount", ""], ["A-1", 12.5, ""], ["", "", ""], ["A-2", "", ""]],
        top=3,
        left=2,
        width=3,
        errors={(6, 3): "#N/A"},
    )
    rows, columns = grid.columns([2, 3, 9], below=3)
    assert rows == [4, 6]
    assert columns == [["A-1", "A-2"], [12.5, ""], ["", ""]]
    assert grid.cell(6, 3).error == "#N/A"
    assert grid.cell(4, 3).value == Decimal("12.5")
    assert grid.cell(1, 1).is_empty
    assert grid.cell(99, 99).is_empty


@given(
    values=st.lists(st.lists(st.sampled_from(["", "x", 1.0]), min_size=3, max_size=3), max_size=6),
    cols=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=3, unique=True),
    errors=st.sets(st.tuples(st.integers(min_value=1, max_value=7), st.integers(1, 5))),
    below=st.integers(min_value=0, max_value=3),
)
def test_the_rows_of_columns_are_those_with_a_value_or_an_error_in_them(
    values: list[list[Any]], cols: list[int], errors: set[tuple[int, int]], below: int
) -> None:
    top, left = 1, 2  # the grid covers columns 2 to 4; 1 and 5 are outside it
    grid = Grid(values=values, top=top, left=left, width=3, errors=dict.fromkeys(errors, "#N/A"))
    rows, columns = grid.columns(cols, below=below)

    def raw(row: int, col: int) -> Any:
        inside = 0 <= row - top < len(values) and left <= col < left + 3
        return values[row - top][col - left] if inside else ""

    expected = [
        row
        for row in range(max(below + 1, top), top + len(values))
        if any(raw(row, col) != "" or (row, col) in errors for col in cols)
    ]
    assert rows == expected
    assert columns == [[raw(row, col) for row in expected] for col in cols]


def test_a_grid_whose_rows_break_the_width_is_refused_not_misread() -> None:
    grid = Grid(values=[["a", 1.0], ["b"]], top=1, left=1, width=2)
    with pytest.raises(ValueError, match="a grid row does not hold 2 values"):
        grid.columns([1, 2], below=0)


def test_grid_rows_are_dense_from_column_one_and_skip_empty_rows() -> None:
    grid = Grid(values=[["a", 1.0], ["", ""], ["", 2.5]], top=2, left=2, width=2)
    rows = GridRows(grid)
    assert len(rows) == 2
    assert [[(c.row, c.col, c.value) for c in cells] for cells in rows] == [
        [(2, 1, None), (2, 2, "a"), (2, 3, 1)],
        [(4, 1, None), (4, 2, None), (4, 3, Decimal("2.5"))],
    ]
    assert rows[-1][2].value == Decimal("2.5")
    assert rows.last_row == 4
    assert grid_of(rows) is grid
    rebuilt = grid_of(tuple(rows))
    assert [c.value for c in GridRows(rebuilt)[1]] == [None, None, Decimal("2.5")]
