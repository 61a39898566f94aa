"""The cell readers: literal cells in, a value or the user's message out."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

import pytest

from slrbcall.sheets import (
    NO_CACHED_VALUE,
    Cell,
    CellError,
    clean_text,
    read_amount,
    read_date,
    read_identifier,
    read_int,
)


def text(value: str) -> Cell:
    return Cell(7, 4, value, None, True)


def number(value: int | Decimal) -> Cell:
    return Cell(7, 4, value)


EMPTY = Cell(7, 4, None)
ERROR = Cell(7, 4, None, "#DIV/0!")
UNCACHED = Cell(7, 4, None, NO_CACHED_VALUE)
READERS = [clean_text, read_amount, read_int, read_date, read_identifier]


# --- every reader ---------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_empty_is_none(reader: object) -> None:
    assert reader(EMPTY) is None  # type: ignore[operator]
    assert reader(text("  \u200b ")) is None  # type: ignore[operator]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_error_cells_are_never_empty(reader: object) -> None:
    with pytest.raises(CellError) as caught:
        reader(ERROR)  # type: ignore[operator]
    assert (
        str(caught.value)
        == "the cell shows the error #DIV/0!: correct the formula or type the value"
    )


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_formulas_without_cached_value_are_never_empty(reader: object) -> None:
    with pytest.raises(CellError) as caught:
        reader(UNCACHED)  # type: ignore[operator]
    assert str(caught.value) == (
        "formula without a cached value: open the file in Excel or LibreOffice, "
        "let it recalculate and save it again"
    )


# --- clean_text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (text("  Log'iris "), "Log'iris"),
        (text("Binho\u0302me"), "Binhôme"),  # NFD from a Mac becomes NFC
        (text("L’atelier numérique"), "L’atelier numérique"),  # curly apostrophe kept
        (text("Foyer\u00a0Schaerbeekois"), "Foyer Schaerbeekois"),
        (text("44\u202f058"), "44 058"),
        (text("Comen\u200bsia\ufeff"), "Comensia"),
        (text("a  b"), "a  b"),  # inner spaces kept as typed
        (number(12), "12"),
        (number(Decimal("1E+3")), "1000"),
        (number(Decimal("44058.10")), "44058.10"),
        (Cell(1, 1, datetime.date(2024, 3, 1)), "2024-03-01"),
    ],
    ids=[
        "trimmed",
        "nfd-to-nfc",
        "curly-apostrophe",
        "nbsp",
        "narrow-nbsp",
        "zero-width",
        "inner-spaces",
        "int",
        "no-exponent",
        "decimal",
        "date",
    ],
)
def test_clean_text(cell: Cell, expected: str) -> None:
    result = clean_text(cell)
    assert result == expected
    assert result is not None
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("two\nlines", "a line break is not allowed here: 'two\\nlines' (keep it on one line)"),
        ("a\tb", "a tab is not allowed here: 'a\\tb' (keep it on one line)"),
        (
            "bell\x07",
            "invisible control character U+0007 at position 5 in 'bell\\x07': retype the text",
        ),
        (
            "c1\x85x",
            "invisible control character U+0085 at position 3 in 'c1\\x85x': retype the text",
        ),
        (
            "rtl\u202eabc",
            "invisible control character U+202E at position 4 in 'rtl\\u202eabc': retype the text",
        ),
    ],
    ids=["newline", "tab", "c0", "c1", "bidi-override"],
)
def test_clean_text_refuses_control_characters(value: str, message: str) -> None:
    with pytest.raises(CellError) as caught:
        clean_text(text(value))
    assert str(caught.value) == message


def test_multiline_text_keeps_line_breaks() -> None:
    assert clean_text(text(" first\r\nsecond\n"), multiline=True) == "first\nsecond"


def test_a_boolean_is_not_text() -> None:
    with pytest.raises(CellError, match="expected text, found the logical value TRUE"):
        clean_text(Cell(1, 1, True))


# --- read_amount --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "cents"),
    [
        (text("44.058,00"), 4_405_800),
        (text("44 058"), 4_405_800),
        (text("€ 1.500"), 150_000),
        (text("44\u00a0058,50 €"), 4_405_850),
        (text("1,5"), 150),
        (number(44058), 4_405_800),
        (number(Decimal("44058.1")), 4_405_810),
        (number(Decimal("0.30")), 30),
    ],
    ids=[
        "dots-and-comma",
        "space-thousands",
        "euro-prefix",
        "nbsp-euro-suffix",
        "decimal-comma",
        "int-cell",
        "decimal-cell",
        "cents-cell",
    ],
)
def test_read_amount(cell: Cell, cents: int) -> None:
    assert read_amount(cell) == cents


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (text("1,500"), "ambiguous amount: '1,500' could be thousands or decimals"),
        (text("12,345"), "ambiguous amount: '12,345' could be thousands or decimals"),
        (text("1e3"), "exponent notation is not an amount: '1e3'"),
        (text("-5"), "amounts cannot carry a sign: '-5'"),
        (text("ca 50k"), "not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)"),
        (number(Decimal("0.30000000000000004")), "more than two decimals"),
        (number(-5), "amounts cannot be negative: -5"),
        (Cell(1, 1, True), "not an amount: a TRUE/FALSE value"),
        (Cell(1, 1, datetime.date(2024, 1, 1)), "not an amount: the cell holds a date or time"),
    ],
    ids=["1,500", "12,345", "1e3", "-5", "words", "float-noise", "negative-cell", "bool", "date"],
)
def test_read_amount_refuses(cell: Cell, message: str) -> None:
    with pytest.raises(CellError) as caught:
        read_amount(cell)
    assert str(caught.value).startswith(message)


# --- read_int ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(number(12), 12), (number(Decimal("12.0")), 12), (text(" 12 "), 12), (number(0), 0)],
    ids=["int", "decimal-whole", "text", "zero"],
)
def test_read_int(cell: Cell, expected: int) -> None:
    assert read_int(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (number(-5), "cannot be negative: -5"),
        (text("-5"), "cannot be negative: -5"),
        (number(Decimal("12.5")), "not a whole number: 12.5 (write e.g. 12)"),
        (text("12,0"), "not a whole number: '12,0' (write e.g. 12)"),
        (text("douze"), "not a whole number: 'douze' (write e.g. 12)"),
        (Cell(1, 1, False), "not a whole number: a TRUE/FALSE value (write e.g. 12)"),
    ],
    ids=["negative-cell", "negative-text", "fraction", "decimal-comma", "words", "bool"],
)
def test_read_int_refuses(cell: Cell, message: str) -> None:
    with pytest.raises(CellError) as caught:
        read_int(cell)
    assert str(caught.value) == message


def test_read_int_minimum() -> None:
    with pytest.raises(CellError, match="must be at least 1: 0"):
        read_int(number(0), minimum=1)


# --- read_date --------------------------------------------------------------------------------


MARCH_1 = datetime.date(2024, 3, 1)


@pytest.mark.parametrize(
    ("cell", "date1904"),
    [
        (Cell(1, 1, MARCH_1), False),
        (Cell(1, 1, datetime.datetime(2024, 3, 1)), False),
        (number(45352), False),
        (number(43890), True),
        (text("2024-03-01"), False),
        (text("01/03/2024"), False),
        (text("1/3/2024"), False),
        (text("01.03.2024"), False),
        (text("01-03-2024"), False),
    ],
    ids=[
        "date-cell",
        "midnight-datetime",
        "serial-1900",
        "serial-1904",
        "iso",
        "dd/mm/yyyy",
        "d/m/yyyy",
        "dd.mm.yyyy",
        "dd-mm-yyyy",
    ],
)
def test_read_date(cell: Cell, date1904: bool) -> None:
    assert read_date(cell, date1904=date1904) == MARCH_1


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (text("1 mars 2024"), "not a date: '1 mars 2024' (write 01/03/2024 or 2024-03-01)"),
        (
            text("01/03/24"),
            "the year needs four digits: '01/03/24' (write 01/03/2024 or 2024-03-01)",
        ),
        (text("31/02/2024"), "no such date: '31/02/2024' (write 01/03/2024 or 2024-03-01)"),
        (text("2024-3-1"), "not a date: '2024-3-1' (write 01/03/2024 or 2024-03-01)"),
        (number(2024), "not a date: the number 2024 (write 01/03/2024 or 2024-03-01)"),
        (number(20240301), "not a date: the number 20240301 (write 01/03/2024 or 2024-03-01)"),
        (
            number(Decimal("45352.5")),
            "not a date: 45352.5 has a fraction (write 01/03/2024 or 2024-03-01)",
        ),
        (
            Cell(1, 1, datetime.datetime(2024, 3, 1, 9, 30)),
            "a date and a time, expected a date only (write 01/03/2024 or 2024-03-01)",
        ),
    ],
    ids=[
        "words",
        "short-year",
        "no-such-day",
        "iso-unpadded",
        "year-as-number",
        "yyyymmdd-number",
        "serial-with-time",
        "datetime",
    ],
)
def test_read_date_refuses(cell: Cell, message: str) -> None:
    with pytest.raises(CellError) as caught:
        read_date(cell)
    assert str(caught.value) == message


# --- read_identifier -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (text("00123"), "00123"),
        (text(" EMP23-001 "), "EMP23-001"),
        (number(123), "123"),
        (number(10**20), "100000000000000000000"),
        (number(Decimal("1E+3")), "1000"),
        (number(Decimal("2023.1")), "2023.1"),
    ],
    ids=["leading-zeros", "trimmed", "int", "no-exponent", "decimal-whole", "decimal"],
)
def test_read_identifier(cell: Cell, expected: str) -> None:
    assert read_identifier(cell) == expected


def test_an_identifier_excel_turned_into_a_date() -> None:
    with pytest.raises(CellError) as caught:
        read_identifier(Cell(1, 1, datetime.date(2024, 3, 1)))
    assert str(caught.value) == (
        "the cell holds a date, not an identifier (Excel may have converted it): "
        "format the column as Text and type it again"
    )
