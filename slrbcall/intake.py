"""Applications in: spreadsheet rows -> normalised applications and data errors.

Two kinds of trouble, kept apart (DESIGN.md §5):

* a **data error** is a cell the tool cannot read (``ca 50k``, ``#DIV/0!``, an unknown
  housing company that looks like a typo). The whole file is refused and nothing is
  stored; every data error of the file is reported at once.
* **ineligibility** is readable data that breaks the call's rules (an amount outside the
  range, an unknown theme, a missing partner). Such applications are stored, with a
  reason code and a sentence for each rule they break.

This module finds the data errors. The columns are defined in :mod:`slrbcall.fields`;
ineligibility is judged by :mod:`slrbcall.eligibility`.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.services`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any
from unicodedata import is_normalized

from slrbcall.errors import Problem
from slrbcall.fields import FIELDS, FieldKind, field, header_language
from slrbcall.model import Call, Lang

if TYPE_CHECKING:
    from slrbcall.applications import ApplicationRows
    from slrbcall.registry import Registry
    from slrbcall.sheets import Cell, Header, Sheet
    from slrbcall.sheets.grid import Grid, RawValue

__all__ = ["RowsRead", "read_applications"]


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What a sheet yields: applications (not yet assessed), data errors, warnings."""

    applications: ApplicationRows
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    header: Header


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
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


def read_applications(
    sheet: Sheet,
    header: Header,
    *,
    call: Call,
    registry: Registry,
    date1904: bool = False,
    on_row: Callable[[int, int], None] | None = None,
) -> RowsRead:
    """Read every data row below ``header``; collect every data error of the sheet.

    Column by column: each value goes through a quick check of the usual cases (a
    plain text, a whole or two-decimal number, a date cell, a name seen before), and
    anything else through the cell readers of :mod:`slrbcall.sheets.cells`, which
    decide and word every problem. Both give the same value for the same cell (a
    property test holds them together). ``on_row(done, total)`` reports progress,
    in rows, once per column.
    """
    from slrbcall.sheets import column_letters, where_row
    from slrbcall.sheets.grid import grid_of

    problems: list[Problem] = []
    warnings: list[str] = []
    for col, text in header.ignored:
        warnings.append(
            f"{sheet.file_label}: sheet '{sheet.name}', column {column_letters(col)} "
            f"('{text}') is not a known column and was ignored"
        )
    grid = grid_of(sheet.rows)
    keys = list(header.columns)
    rows, raw_columns = grid.columns([header.columns[key] for key in keys], below=header.row)
    problems.extend(_layout_problems(sheet, header))

    found: list[tuple[int, int, int, Problem]] = []  # (row, stage, position, problem)
    bad_rows: set[int] = set()
    bad_cells: set[tuple[int, int]] = set()

    def bad(row: int, message: str, *, col: int, stage: int, position: int) -> None:
        bad_rows.add(row)
        bad_cells.add((row, col))
        found.append(
            (row, stage, position, Problem(sheet.where(row, col, header.label(col)), message))
        )

    readers = _readers(call, registry, date1904)
    quick = _quick_readers(readers)
    columns: dict[str, list[Any]] = {}
    for position, (key, raw) in enumerate(zip(keys, raw_columns, strict=True)):
        col = header.columns[key]
        if on_row is not None and len(rows) >= 1000:
            on_row(len(rows) * position // len(keys), len(rows))
        columns[key] = _read_column(
            raw,
            rows,
            col,
            grid=grid,
            quick=quick[key],
            bad=partial(bad, col=col, stage=0, position=position),
        )
    for position, key in enumerate(call.required_fields):
        if key not in columns:
            continue
        col = header.columns[key]
        for row, value in zip(rows, columns[key], strict=True):
            if value is None and (row, col) not in bad_cells:
                bad(
                    row,
                    f"empty, but the call requires it (write {field(key).hint or 'a value'})",
                    col=col,
                    stage=1,
                    position=position,
                )
    if "reference" in columns:
        col = header.columns["reference"]
        first_row_of: dict[str, int] = {}
        for row, reference in zip(rows, columns["reference"], strict=True):
            if reference is None:
                continue
            if reference in first_row_of:
                bad(
                    row,
                    f"the reference '{reference}' is also on row {first_row_of[reference]}: "
                    "each application needs its own reference",
                    col=col,
                    stage=2,
                    position=0,
                )
            else:
                first_row_of[reference] = row
    found.sort(key=lambda item: item[:3])
    problems.extend(problem for *_, problem in found)
    applications = _stored_form(columns, rows, bad_rows, registry, header_language(header))
    if on_row is not None and len(rows) >= 1000:
        on_row(len(rows), len(rows))
    if not len(applications) and not problems:
        problems.append(
            Problem(
                where_row(sheet.file_label, sheet.name, header.row),
                "no application below the header row",
            )
        )
    return RowsRead(applications, tuple(problems), tuple(warnings), header)


def _layout_problems(sheet: Sheet, header: Header) -> Iterable[Problem]:
    """Hidden rows and merged cells inside the table: never read silently."""
    from slrbcall.sheets import where_row

    last = sheet.rows[-1][0].row if sheet.rows else 0
    if last <= header.row:
        return
    for row in sorted(sheet.hidden_rows):
        if header.row < row <= last:
            yield Problem(
                where_row(sheet.file_label, sheet.name, row),
                "this row is hidden: show it (or delete it) so that what is taken in is what "
                "people see",
            )
    for area in sheet.merged_ranges:
        first_row = _first_row(area)
        if first_row is not None and first_row >= header.row and first_row <= last:
            yield Problem(
                f"{sheet.file_label}: sheet '{sheet.name}', cells {area}",
                "merged cells inside the table: unmerge them and fill in each cell",
            )


def _first_row(area: str) -> int | None:
    match = re.match(r"[A-Z]+(\d+)", area)
    return int(match.group(1)) if match else None


#: The least whole number a count column takes, where it is not 0.
_MINIMUM = {"duration_months": 1}


class _CellProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the message."""


def _readers(call: Call, registry: Registry, date1904: bool) -> dict[str, Callable[[Cell], Any]]:
    from slrbcall.registry import check_enterprise_number
    from slrbcall.sheets import (
        CellError,
        clean_text,
        read_amount,
        read_date,
        read_identifier,
        read_int,
    )

    def guard(function: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
        def read(cell: Cell) -> Any:
            try:
                return function(cell)
            except CellError as exc:
                raise _CellProblem(str(exc)) from None

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
            raise _CellProblem(f"unknown housing company '{name}' (did you mean '{listed}'?)")
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
            raise _CellProblem(str(exc)) from None

    def email(cell: Cell) -> str | None:
        text = clean_text(cell)
        if text is None:
            return None
        if not _EMAIL.fullmatch(text):
            raise _CellProblem(f"not an e-mail address: '{text}' (write e.g. name@example.be)")
        return text

    def language(cell: Cell) -> Lang | None:
        from slrbcall.sheets import normalise_header

        text = clean_text(cell)
        if text is None:
            return None
        found = _LANGUAGES.get(normalise_header(text))
        if found is None:
            raise _CellProblem(f"not a language: '{text}' (write nl or fr)")
        return found

    theme_keys = _theme_keys(call)

    def theme(cell: Cell) -> Any:
        from slrbcall.sheets import normalise_header

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
    from slrbcall.sheets import normalise_header

    return {
        normalise_header(name): theme.key
        for theme in call.themes
        for name in (theme.key, theme.label.nl, theme.label.fr)
    }


#: What a quick reader returns for a value it leaves to the cell readers.
_SLOW: Any = object()


def _read_column(
    raw: Sequence[RawValue],
    rows: Sequence[int],
    col: int,
    *,
    grid: Grid,
    quick: _Quick,
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
    if quick.column is None:
        values: list[Any] = [_SLOW] * len(raw)
        slow: Sequence[int] = range(len(raw))
    else:
        values = quick.column(raw)
        slow = [i for i, value in enumerate(values) if value is _SLOW] if _SLOW in values else []
    if error_at:
        skip = set(error_at)
        slow = [i for i in slow if i not in skip]
    keys: Sequence[object]
    if len(slow) == len(raw) and set(map(type, raw)) == {str}:
        keys = raw  # a column of names: each text is its own key
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
            readings[key] = quick.cell(grid.cell(rows[i], col))
        except _CellProblem as exc:
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
            values[i] = quick.cell(grid.cell(rows[i], col))
        except _CellProblem as exc:
            values[i] = None
            bad(rows[i], str(exc))
    return values


@dataclass(frozen=True, slots=True)
class _Quick:
    """How a field is read: ``column`` takes the usual raw values of a whole column
    and marks the others :data:`_SLOW` (``None``: every value goes to ``cell``, for
    fields with few distinct values); ``cell`` reads one cell, or raises."""

    column: Callable[[Sequence[RawValue]], list[Any]] | None
    cell: Callable[[Cell], Any]


def _clean(text: str) -> bool:
    """Whether a text needs no cleaning but a trim: printable and NFC.

    True of texts joined by spaces exactly when true of each: a space is printable,
    and it never composes or reorders with what stands around it, so NFC stops at
    it. A column of clean texts is checked at once (a property test holds this).
    """
    return text.isprintable() and (text.isascii() or is_normalized("NFC", text))


def _quick_readers(readers: Mapping[str, Callable[[Cell], Any]]) -> dict[str, _Quick]:
    """Per field, a whole-column reader of the usual raw values, and the cell reader.

    Each column reader gives exactly what the field's cell reader gives, or leaves the
    value to it (a property test holds them together): text that is printable and NFC
    needs no cleaning but a trim; a whole number or one with at most two decimals is
    exact. Names, themes and languages have no quick reader: they are few, and each
    distinct one is read once. One comprehension per column: a call per value would
    cost as much as the check itself.
    """
    from slrbcall.fields import FIELDS

    slow, date_class = _SLOW, dt.date

    def text(raw: Sequence[RawValue]) -> list[Any]:
        if set(map(type, raw)) == {str} and _clean(" ".join(raw)):  # type: ignore[arg-type]
            return [value.strip() or None for value in raw]  # type: ignore[union-attr]
        return [
            value.strip() or None if value.__class__ is str and _clean(value) else slow
            for value in raw
        ]

    def email(raw: Sequence[RawValue]) -> list[Any]:
        match = _EMAIL.fullmatch
        return [
            found if found is None or found is slow or match(found) else slow for found in text(raw)
        ]

    def amount(raw: Sequence[RawValue]) -> list[Any]:
        # A float with at most two decimals is the float nearest to cents / 100, and
        # then that division gives it back exactly (below 1e12, where floats are much
        # finer than a cent); anything else goes to read_amount and its Decimal.
        return [
            cents
            if value.__class__ is float
            and 0 <= value < 1e12
            and (cents := round(value * 100)) / 100 == value
            else (None if value == "" else slow)
            for value in raw
        ]

    def count(minimum: int) -> Callable[[Sequence[RawValue]], list[Any]]:
        def column(raw: Sequence[RawValue]) -> list[Any]:
            return [
                int(value)
                if value.__class__ is float and value.is_integer() and value >= minimum
                else (None if value == "" else slow)
                for value in raw
            ]

        return column

    def date(raw: Sequence[RawValue]) -> list[Any]:
        return [
            value if value.__class__ is date_class else (None if value == "" else slow)
            for value in raw
        ]

    quick: dict[str, _Quick] = {}
    for spec in FIELDS:
        read_cell = readers[spec.key]
        if spec.kind in (FieldKind.IDENTIFIER, FieldKind.TEXT, FieldKind.LONG_TEXT):
            quick[spec.key] = _Quick(text, read_cell)
        elif spec.kind is FieldKind.EMAIL:
            quick[spec.key] = _Quick(email, read_cell)
        elif spec.kind is FieldKind.AMOUNT:
            quick[spec.key] = _Quick(amount, read_cell)
        elif spec.kind is FieldKind.DATE:
            quick[spec.key] = _Quick(date, read_cell)
        elif spec.kind is FieldKind.COUNT:
            quick[spec.key] = _Quick(count(_MINIMUM.get(spec.key, 0)), read_cell)
        else:  # organisation, language, theme, enterprise number: few distinct values
            quick[spec.key] = _Quick(None, read_cell)
    return quick


def _stored_form(
    columns: Mapping[str, list[Any]],
    rows: Sequence[int],
    bad_rows: Collection[int],
    registry: Registry,
    default_lang: Lang | None,
) -> ApplicationRows:
    """The applications of the rows without a data error, in row order, in their
    stored form (see :class:`~slrbcall.applications.ApplicationRows`)."""
    from slrbcall.applications import ApplicationRows

    if bad_rows:
        keep = [i for i, row in enumerate(rows) if row not in bad_rows]
        columns = {key: [values[i] for i in keep] for key, values in columns.items()}
        rows = [rows[i] for i in keep]
    empty: list[Any] = [None] * len(rows)

    def column(key: str) -> list[Any]:
        return columns.get(key, empty)

    languages: dict[str | None, str] = {}

    def language_of(applicant: str | None) -> str:
        if applicant not in languages:
            org = registry.get(applicant) if applicant else None
            if org is not None and len(org.languages) == 1:
                languages[applicant] = org.languages[0].value
            else:
                languages[applicant] = (default_lang or Lang.FR).value
        return languages[applicant]

    applicant_keys, applicant_names = _pairs(column("applicant"))
    theme_keys, theme_texts = _pairs(column("theme"))
    iso = {day: day.isoformat() for day in set(column("start_date")) if day is not None}
    codes = {lang: lang.value for lang in Lang}  # Enum.value is a slow property
    return ApplicationRows(
        {
            "reference": column("reference"),
            "applicant": applicant_keys,
            "applicant_name": applicant_names,
            "title": column("title"),
            "requested_cents": column("requested_amount"),
            "language": [
                codes[lang] if lang is not None else language_of(applicant)
                for lang, applicant in zip(column("language"), applicant_keys, strict=True)
            ],
            "partner": column("partner"),
            "partner_enterprise_number": column("partner_enterprise_number"),
            "theme": theme_keys,
            "theme_text": theme_texts,
            "duration_months": column("duration_months"),
            "start_date": [iso.get(day) for day in column("start_date")],
            "residents_targeted": column("residents_targeted"),
            "contact_name": column("contact_name"),
            "contact_email": column("contact_email"),
            "summary": column("summary"),
        },
        list(rows),
    )


def _pairs(values: Sequence[tuple[Any, Any] | None]) -> tuple[list[Any], list[Any]]:
    """A column of (key, text) pairs, or None, as a column of keys and one of texts."""
    return [p[0] if p else None for p in values], [p[1] if p else None for p in values]
