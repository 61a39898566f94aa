"""Turn one cell into a clean value of the kind a column expects, or say why not.

Each reader returns the value, ``None`` for an empty cell, or raises
:class:`CellError` whose message is the user's; the caller adds the place
(:func:`~slrbcall.sheets.model.where`) and turns it into a ``Problem``. An
error cell (``#DIV/0!``) or a formula saved without its value is always a
``CellError``, never empty and never zero (DESIGN.md §5).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal

from slrbcall.model import canonical_reference
from slrbcall.money import AmountError, cents_from_decimal, parse_amount
from slrbcall.sheets.model import NO_CACHED_VALUE, Cell

__all__ = [
    "MAX_COUNT",
    "CellError",
    "clean_text",
    "plain_number",
    "read_amount",
    "read_date",
    "read_identifier",
    "read_int",
]

_DATE_HINT = "write 01/03/2024 or 2024-03-01"
_AMOUNT_HINT = "write e.g. 44058 or 44.058,00"

# Spaces that look like a space: NBSP and narrow NBSP (French typography, Excel's
# thousands separator on Belgian machines), thin, figure, en/em and the like.
_SPACE_LIKE = dict.fromkeys(
    [0x00A0, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)],
    " ",
)
# Invisible characters pasted from the web or Word: removed, never stored.
_ZERO_WIDTH = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF], None)
_TRANSLATE = str.maketrans({**_SPACE_LIKE, **_ZERO_WIDTH})
# Bidirectional overrides can make stored text read differently from how it shows.
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}([/.\-])\d{1,2}\1\d{2}")
_WHOLE = re.compile(r"[+\-−]?\d+")
# Excel's serial numbers count days from 1899-12-30 (the 1900 system, whose
# fictitious 29 February 1900 only shifts serials below 61) or from 1904-01-01.
_EPOCH_1900 = datetime.date(1899, 12, 30)
_EPOCH_1904 = datetime.date(1904, 1, 1)
# A serial number outside these years is a number typed in a date column (2024,
# 20240301), not a date: refuse it rather than invent one. No date is read outside them.
_SERIAL_YEARS = range(1950, 2200)


class CellError(ValueError):
    """A cell that cannot be read as the column expects. ``str()`` is the message."""


def _check(cell: Cell) -> None:
    if cell.error == NO_CACHED_VALUE:
        raise CellError(
            f"{NO_CACHED_VALUE}: open the file in Excel or LibreOffice, "
            "let it recalculate and save it again"
        )
    if cell.error is not None:
        raise CellError(
            f"the cell shows the error {cell.error}: correct the formula or type the value"
        )


def plain_number(value: int | Decimal) -> str:
    """A number as plain digits, never in exponent form: ``Decimal('1E+3')`` -> ``'1000'``."""
    if isinstance(value, int):
        return str(value)
    return format(value, "f")


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


#: Characters that need the slow check below: line breaks, tabs, C0/C1 controls,
#: line and paragraph separators, and the bidirectional controls of _BIDI.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(cell: Cell, *, multiline: bool = False) -> str | None:
    """The cell as clean text, or ``None`` when empty.

    NFC-normalised; space-like characters made plain spaces; zero-width
    characters removed; trimmed. Control characters are refused, and so are
    line breaks and tabs unless ``multiline``. Numbers give their exact digits,
    dates their ISO form. The text is otherwise kept as typed (curly
    apostrophes, inner spaces).
    """
    _check(cell)
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"expected text, found the logical value {'TRUE' if value else 'FALSE'}")
    if isinstance(value, int | Decimal):
        return plain_number(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value.isascii() and value.isprintable():  # the usual case, checked in C
        return value.strip() or None
    text = unicodedata.normalize("NFC", value).translate(_TRANSLATE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _SUSPECT.search(text):
        return text.strip() or None
    for position, char in enumerate(text, start=1):
        if multiline and char in "\n\t":
            continue
        if char in "\n\t":
            what = "a line break" if char == "\n" else "a tab"
            raise CellError(f"{what} is not allowed here: {_preview(text)} (keep it on one line)")
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI:
            raise CellError(
                f"invisible control character U+{ord(char):04X} at position {position} "
                f"in {_preview(text)}: retype the text"
            )
    return text.strip() or None


def read_amount(cell: Cell) -> int | None:
    """The amount in integer cents, or ``None`` when empty.

    A numeric cell is taken exactly (at most two decimals); a text cell is
    parsed in strict Belgian notation by :func:`slrbcall.money.parse_amount`.
    """
    _check(cell)
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"not an amount: a TRUE/FALSE value ({_AMOUNT_HINT})")
    if isinstance(value, int | Decimal):
        if value < 0:
            raise CellError(f"amounts cannot be negative: {plain_number(value)}")
        try:
            return cents_from_decimal(value)
        except AmountError as exc:
            raise CellError(str(exc)) from exc
    if isinstance(value, datetime.date | datetime.time):
        raise CellError(f"not an amount: the cell holds a date or time ({_AMOUNT_HINT})")
    text = clean_text(cell)
    if text is None:
        return None
    try:
        return parse_amount(text)
    except AmountError as exc:
        raise CellError(str(exc)) from exc


#: The largest count a sheet's cell may hold, where its column sets no other limit: a
#: number of residents, of activities, of participants (Brussels has 1.2 million people).
MAX_COUNT = 1_000_000


def read_int(cell: Cell, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int | None:
    """A whole number from ``minimum`` to ``maximum``, or ``None`` when empty.

    ``12`` and ``12.0`` in a numeric cell and ``"12"`` as text are accepted;
    ``12.5``, ``"12,0"`` and words are not.
    """
    _check(cell)
    value = cell.value
    number: int
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError("not a whole number: a TRUE/FALSE value (write e.g. 12)")
    if isinstance(value, int):
        number = value
    elif isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise CellError(f"not a whole number: {plain_number(value)} (write e.g. 12)")
        number = int(value)
    elif isinstance(value, str):
        text = clean_text(cell)
        if text is None:
            return None
        if not _WHOLE.fullmatch(text):
            raise CellError(f"not a whole number: {_preview(text)} (write e.g. 12)")
        if len(text.lstrip("+-−0")) > len(str(maximum)):  # Python reads 4,300 digits at most
            raise CellError(f"too large: {_digits(text)} (at most {maximum:,})")
        number = int(text.replace("−", "-"))
    else:
        raise CellError("not a whole number: the cell holds a date or time (write e.g. 12)")
    if number < minimum:
        if minimum == 0:
            raise CellError(f"cannot be negative: {number}")
        raise CellError(f"must be at least {minimum}: {number}")
    if number > maximum:
        raise CellError(f"too large: {_digits(str(number))} (at most {maximum:,})")
    return number


def _digits(text: str) -> str:
    """A long number shown by its first digits and its length."""
    return text if len(text) <= 20 else f"{text[:12]}... ({len(text):,} digits)"


def read_date(cell: Cell, *, date1904: bool = False) -> datetime.date | None:
    """A calendar date, or ``None`` when empty.

    Accepted: date cells (and datetimes at midnight); Excel serial numbers in
    the workbook's epoch (``date1904``) from 1950 to 2199; text ``2024-03-01``,
    ``01/03/2024``, ``1/3/2024``, ``01.03.2024`` or ``01-03-2024`` (day first).
    """
    _check(cell)
    value = cell.value
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            raise CellError(f"a date and a time, expected a date only ({_DATE_HINT})")
        return _in_years(value.date())
    if isinstance(value, datetime.date):
        return _in_years(value)
    if isinstance(value, bool | datetime.time):
        raise CellError(f"not a date ({_DATE_HINT})")
    if isinstance(value, int | Decimal):
        return _from_serial(value, date1904=date1904)
    text = clean_text(cell)
    if text is None:
        return None
    return _in_years(_date_from_text(text))


def _in_years(day: datetime.date) -> datetime.date:
    """``day``, if it falls from 1950 to 2199: a project's dates, and every date computed
    from them (a start plus 1,199 months), stay within the calendar."""
    if day.year not in _SERIAL_YEARS:
        first, last = _SERIAL_YEARS[0], _SERIAL_YEARS[-1]
        raise CellError(f"{day.isoformat()} is outside the years {first} to {last}")
    return day


def _from_serial(value: int | Decimal, *, date1904: bool) -> datetime.date:
    shown = plain_number(value)
    if value != int(value):
        raise CellError(f"not a date: {shown} has a fraction ({_DATE_HINT})")
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    try:
        day = epoch + datetime.timedelta(days=int(value))
    except OverflowError:
        day = None
    if day is None or day.year not in _SERIAL_YEARS:
        raise CellError(f"not a date: the number {shown} ({_DATE_HINT})")
    return day


def _date_from_text(text: str) -> datetime.date:
    parts: tuple[int, int, int] | None = None
    if iso := _ISO_DATE.fullmatch(text):
        parts = (int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    elif dmy := _DMY_DATE.fullmatch(text):
        parts = (int(dmy.group(4)), int(dmy.group(3)), int(dmy.group(1)))
    if parts is None:
        if _SHORT_YEAR.fullmatch(text):
            raise CellError(f"the year needs four digits: {_preview(text)} ({_DATE_HINT})")
        raise CellError(f"not a date: {_preview(text)} ({_DATE_HINT})")
    try:
        return datetime.date(*parts)
    except ValueError as exc:
        raise CellError(f"no such date: {_preview(text)} ({_DATE_HINT})") from exc


def read_identifier(cell: Cell) -> str | None:
    """An identifier (reference, enterprise number) as text, or ``None`` when empty.

    Text is kept as typed (leading zeros included), in its canonical form
    (:func:`~slrbcall.model.canonical_reference`: two identifiers that print the same
    are one); a numeric cell gives its exact digits, never an exponent (``1E+20`` ->
    ``'100000000000000000000'``).
    """
    _check(cell)
    value = cell.value
    if isinstance(value, bool):
        raise CellError("not an identifier: a TRUE/FALSE value")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        raise CellError(
            "the cell holds a date, not an identifier (Excel may have converted it): "
            "format the column as Text and type it again"
        )
    text = clean_text(cell)
    return None if text is None else canonical_reference(text) or None
