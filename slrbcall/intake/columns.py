"""How the intake reads a field's column: the cell readers and the quick column readers.

The cell readers (:func:`cell_readers`, one per field) read one cell with the readers
of :mod:`slrbcall.sheets.cells` and decide and word every problem. The column readers
(:func:`column_readers`) take the usual raw values of a whole column at once (a plain
text, a whole or two-decimal number, a date cell) and leave every other value to the
cell reader, which :func:`read_column` calls once per distinct value. Both give the
same value for the same cell: a property test holds them together. The split exists for
speed only (bench/intake.py): a reader call per cell cost more than calamine's read.

Pure: no file is read and nothing is stored here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import eq, mul, truediv
from typing import TYPE_CHECKING, Any, TypeGuard
from unicodedata import is_normalized

from slrbcall.calls.registry import check_enterprise_number
from slrbcall.intake.fields import FIELDS, FieldKind
from slrbcall.model import Call, Lang
from slrbcall.sheets import (
    CellError,
    clean_text,
    normalise_header,
    read_amount,
    read_date,
    read_identifier,
    read_int,
)

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.sheets import Cell
    from slrbcall.sheets.grid import Grid, RawValue

__all__ = [
    "CellProblem",
    "ColumnReader",
    "cell_readers",
    "column_readers",
    "is_clean_text",
    "read_column",
]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
#: Addresses, one per line. Each is an atomic group: once an address has matched, a
#: failure further on never tries it again, so a column is matched in linear time.
_EMAILS = re.compile(rf"(?>{_EMAIL.pattern})(?:\n(?>{_EMAIL.pattern}))*")
_LANGUAGES = {
    "nl": Lang.NL,
    "n": Lang.NL,
    "nederlands": Lang.NL,
    "neerlandais": Lang.NL,
    "dutch": Lang.NL,
    "vlaams": Lang.NL,
    "fr": Lang.FR,
    "f": Lang.FR,
    "francais": Lang.FR,
    "frans": Lang.FR,
    "french": Lang.FR,
}


#: The least whole number a count column takes, where it is not 0.
_MINIMUM = {"duration_months": 1}


class CellProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the message."""


def cell_readers(
    call: Call, registry: Registry, date1904: bool
) -> dict[str, Callable[[Cell], Any]]:

    def guard(function: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
        def read(cell: Cell) -> Any:
            try:
                return function(cell)
            except CellError as exc:
                raise CellProblem(str(exc)) from None

        return read

    @cache
    def organisation_named(name: str) -> tuple[str | None, str]:
        match = registry.match(name)
        if match is not None:
            return (match.key, name)
        allowed = set(call.eligibility.applicant_kinds)
        suggestions = registry.suggest(name, kinds=allowed)
        if suggestions:
            listed = "', '".join(suggestions)
            raise CellProblem(f"unknown housing company '{name}' (did you mean '{listed}'?)")
        return (None, name)  # not a registry organisation at all: ineligible, not a typo

    def organisation(cell: Cell) -> tuple[str | None, str] | None:
        name = clean_text(cell)
        return None if name is None else organisation_named(name)

    def enterprise_number(cell: Cell) -> str | None:
        text = read_identifier(cell)
        if text is None:
            return None
        try:
            return check_enterprise_number(text)
        except ValueError as exc:
            raise CellProblem(str(exc)) from None

    def email(cell: Cell) -> str | None:
        text = clean_text(cell)
        if text is None:
            return None
        if not _EMAIL.fullmatch(text):
            raise CellProblem(f"not an e-mail address: '{text}' (write e.g. name@example.be)")
        return text

    def language(cell: Cell) -> Lang | None:

        text = clean_text(cell)
        if text is None:
            return None
        found = _LANGUAGES.get(normalise_header(text))
        if found is None:
            raise CellProblem(f"not a language: '{text}' (write nl or fr)")
        return found

    theme_keys = _theme_keys(call)

    def theme(cell: Cell) -> Any:

        text = clean_text(cell)
        if text is None:
            return None
        return (theme_keys.get(normalise_header(text)), text)

    def count(minimum: int) -> Callable[[Cell], int | None]:
        return lambda cell: read_int(cell, minimum=minimum)

    kinds: dict[FieldKind, Callable[[Cell], Any]] = {
        FieldKind.IDENTIFIER: read_identifier,
        FieldKind.TEXT: clean_text,
        FieldKind.LONG_TEXT: lambda cell: clean_text(cell, multiline=True),
        FieldKind.ORGANISATION: organisation,
        FieldKind.AMOUNT: read_amount,
        FieldKind.DATE: lambda cell: read_date(cell, date1904=date1904),
        FieldKind.LANGUAGE: language,
        FieldKind.EMAIL: email,
        FieldKind.ENTERPRISE_NUMBER: enterprise_number,
        FieldKind.THEME: theme,
    }
    return {
        spec.key: guard(kinds.get(spec.kind, count(_MINIMUM.get(spec.key, 0)))) for spec in FIELDS
    }


def _theme_keys(call: Call) -> dict[str, str]:
    """Normalised key or label (nl, fr) -> theme key."""

    return {
        normalise_header(name): theme.key
        for theme in call.themes
        for name in (theme.key, theme.label.nl, theme.label.fr)
    }


#: What a quick reader returns for a value it leaves to the cell readers.
_SLOW: Any = object()
#: Up to this many distinct names, a column finds where each first stands with one
#: search each (in C, and short: names recur from the first rows on); above it, with
#: one pass that pairs every value with its place.
_FEW = 64


def read_column(
    raw: Sequence[RawValue],
    rows: Sequence[int],
    col: int,
    *,
    grid: Grid,
    reader: ColumnReader,
    bad: Callable[[int, str], None],
) -> list[Any]:
    """One column's values: the quick reader first, the cell reader for what it left.

    The cell reader reads each distinct value once (a column of housing companies
    holds sixteen names, not a hundred thousand): its value, or its problem, goes to
    every cell that holds the same. An error cell holds ``""`` among the raw values,
    which the quick readers take as empty: each goes to the cell reader, which reports
    it.
    """
    errors = {row for row, c in grid.errors if c == col}
    error_at = [i for i, row in enumerate(rows) if row in errors] if errors else []
    if reader.column is None:
        values: list[Any] = [_SLOW] * len(raw)
        slow: Sequence[int] = range(len(raw))
    else:
        values, some_left = reader.column(raw)
        slow = (
            [i for i, value in enumerate(values) if value is _SLOW]
            if some_left and _SLOW in values
            else []
        )
    if error_at:
        skip = set(error_at)
        slow = [i for i in slow if i not in skip]
    keys: Sequence[object]
    first: dict[object, int]  # a key, and the first of its values to read
    distinct = dict.fromkeys(raw) if len(slow) == len(raw) else {}
    if distinct and all(key.__class__ is str for key in distinct):
        # A column of names: each text is its own key. A text equals only a text, so
        # the column holds nothing but texts when its distinct values are texts.
        keys = raw
        first = (
            {key: raw.index(key) for key in distinct}  # each found where it first stands
            if len(distinct) <= _FEW
            else dict(zip(reversed(keys), reversed(slow), strict=True))
        )
    else:
        # By class too: 1.0 == 1 == True, but they are not read alike.
        keys = [
            held if held.__class__ is str else (held.__class__, held)
            for held in map(raw.__getitem__, slow)
        ]
        first = dict(zip(reversed(keys), reversed(slow), strict=True))
    readings: dict[object, Any] = {}
    failing: dict[object, str] = {}
    for key, i in first.items():
        try:
            readings[key] = reader.cell(grid.cell(rows[i], col))
        except CellProblem as exc:
            failing[key] = str(exc)
    if not failing and len(keys) == len(values):  # the whole column, read by value
        values = list(map(readings.__getitem__, keys))
    else:
        for i, key in zip(slow, keys, strict=True):
            if key in failing:
                values[i] = None
                bad(rows[i], failing[key])
            else:
                values[i] = readings[key]
    for i in error_at:
        try:
            values[i] = reader.cell(grid.cell(rows[i], col))
        except CellProblem as exc:
            values[i] = None
            bad(rows[i], str(exc))
    return values


@dataclass(frozen=True, slots=True)
class ColumnReader:
    """How a field is read: ``column`` takes the usual raw values of a whole column
    and marks the others :data:`_SLOW`, and says whether it may have marked any
    (``None``: every value goes to ``cell``, for fields with few distinct values);
    ``cell`` reads one cell, or raises."""

    column: Callable[[Sequence[RawValue]], tuple[list[Any], bool]] | None
    cell: Callable[[Cell], Any]


def is_clean_text(text: str) -> bool:
    """Whether a text needs no cleaning but a trim: printable and NFC.

    True of texts joined by spaces exactly when true of each: a space is printable,
    and it never composes or reorders with what stands around it, so NFC stops at
    it. A column of clean texts is checked at once (a property test holds this).
    """
    if text.isascii():
        if len(text) < _LONG_TEXT:
            return text.isprintable()
        # A whole column, joined: ASCII is printable but for its control characters,
        # which bytes.translate finds several times faster than isprintable().
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_CONTROLS)) == len(data)
    return text.isprintable() and is_normalized("NFC", text)


#: The control characters of ASCII, and the length from which a text is checked for
#: them as bytes (below it, isprintable() is faster).
_ASCII_CONTROLS = bytes([*range(0x20), 0x7F])
_LONG_TEXT = 1024


def column_readers(readers: Mapping[str, Callable[[Cell], Any]]) -> dict[str, ColumnReader]:
    """Per field, a whole-column reader of the usual raw values, and the cell reader.

    Each column reader gives exactly what the field's cell reader gives, or leaves the
    value to it (a property test holds them together): text that is printable and NFC
    needs no cleaning but a trim; a whole number or one with at most two decimals is
    exact. Names, themes and languages have no quick reader: they are few, and each
    distinct one is read once. One comprehension per column: a call per value would
    cost as much as the check itself.
    """

    slow, date_class = _SLOW, dt.date

    def all_floats(raw: Sequence[RawValue]) -> TypeGuard[Sequence[float]]:
        return bool(raw) and set(map(type, raw)) == {float}

    def text(raw: Sequence[RawValue]) -> tuple[list[Any], bool]:
        try:  # a pass in C, which is also the check that every value is a text
            joined = " ".join(raw)  # type: ignore[arg-type]
        except TypeError:
            joined = None
        if joined is not None and is_clean_text(joined):
            return [value.strip() or None for value in raw], False  # type: ignore[union-attr]
        return [
            value.strip() or None if value.__class__ is str and is_clean_text(value) else slow
            for value in raw
        ], True

    def email(raw: Sequence[RawValue]) -> tuple[list[Any], bool]:
        values, some_left = text(raw)
        if not some_left:
            present = [value for value in values if value is not None]
            # Clean texts hold no line break, and an address none either: the column
            # matches at once exactly when each text is an address.
            if _EMAILS.fullmatch("\n".join(present)):
                return values, False
        match = _EMAIL.fullmatch
        return [
            found if found is None or found is slow or match(found) else slow for found in values
        ], True

    def amount(raw: Sequence[RawValue]) -> tuple[list[Any], bool]:
        # A float with at most two decimals is the float nearest to cents / 100, and
        # then that division gives it back exactly (below 1e12, where floats are much
        # finer than a cent); anything else goes to read_amount and its Decimal.
        if all_floats(raw) and min(raw) >= 0 and max(raw) < 1e12:
            # The usual column, checked in C a pass at a time (NaN fails to round).
            try:
                column = list(map(round, map(mul, raw, repeat(100))))
            except ValueError:
                pass
            else:
                if all(map(eq, map(truediv, column, repeat(100)), raw)):
                    return column, False
        return [
            cents
            if value.__class__ is float
            and 0 <= value < 1e12
            and (cents := round(value * 100)) / 100 == value
            else (None if value == "" else slow)
            for value in raw
        ], True

    def count(minimum: int) -> Callable[[Sequence[RawValue]], tuple[list[Any], bool]]:
        def column(raw: Sequence[RawValue]) -> tuple[list[Any], bool]:
            if all_floats(raw):  # the usual column, checked in C a pass at a time
                try:
                    counts = list(map(int, raw))
                except (ValueError, OverflowError):  # NaN, infinity
                    pass
                else:
                    if all(map(eq, map(float, counts), raw)) and min(counts) >= minimum:
                        return counts, False
            return [
                int(value)
                if value.__class__ is float and value.is_integer() and value >= minimum
                else (None if value == "" else slow)
                for value in raw
            ], True

        return column

    def date(raw: Sequence[RawValue]) -> tuple[list[Any], bool]:
        return [
            value if value.__class__ is date_class else (None if value == "" else slow)
            for value in raw
        ], True

    quick: dict[str, ColumnReader] = {}
    for spec in FIELDS:
        read_cell = readers[spec.key]
        if spec.kind in (FieldKind.IDENTIFIER, FieldKind.TEXT, FieldKind.LONG_TEXT):
            quick[spec.key] = ColumnReader(text, read_cell)
        elif spec.kind is FieldKind.EMAIL:
            quick[spec.key] = ColumnReader(email, read_cell)
        elif spec.kind is FieldKind.AMOUNT:
            quick[spec.key] = ColumnReader(amount, read_cell)
        elif spec.kind is FieldKind.DATE:
            quick[spec.key] = ColumnReader(date, read_cell)
        elif spec.kind is FieldKind.COUNT:
            quick[spec.key] = ColumnReader(count(_MINIMUM.get(spec.key, 0)), read_cell)
        else:  # organisation, language, theme, enterprise number: few distinct values
            quick[spec.key] = ColumnReader(None, read_cell)
    return quick
