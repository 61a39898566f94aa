"""Templates: a workbook for users to fill in, which the tool then reads back.

One sheet of columns, each formatted and checked by its kind (text, amount, count, date,
a choice from a drop-down), a sheet of instructions and a hidden sheet of lists. Every
cell goes through :mod:`.write`, so its promises hold (text stays text, numbers are
exact, the write is atomic). openpyxl is imported inside the functions.

The tool's own words in a template (the names of its sheets, the messages of its checks)
are in the template's language, the one its headers and instructions are written in.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from slrbcall.i18n import N_, gettext_in, language
from slrbcall.sheets.model import column_letters
from slrbcall.sheets.write import (
    AMOUNT_FORMAT,
    AUTHOR,
    COUNT_FORMAT,
    DATE_FORMAT,
    MARK_FORMAT,
    TEXT_FORMAT,
    check_suffix,
    comment,
    put_text,
    put_value,
    safe_text,
    write_atomic,
)

__all__ = ["COLUMN_KINDS", "TEMPLATE_ROWS", "TemplateColumn", "TemplateSheet", "write_template"]

#: How many rows below the header carry the drop-downs and checks of a template.
TEMPLATE_ROWS = 1000
#: The kinds of :class:`TemplateColumn`, each with the format of its cells.
COLUMN_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "text": TEXT_FORMAT,
        "long_text": TEXT_FORMAT,
        "identifier": TEXT_FORMAT,
        "choice": TEXT_FORMAT,
        "amount": AMOUNT_FORMAT,
        "count": COUNT_FORMAT,
        "mark": MARK_FORMAT,
        "date": DATE_FORMAT,
    }
)
# The dates a template accepts: the years read_date() takes as serial numbers.
_EPOCH = datetime.date(1899, 12, 30)
_FIRST_DATE = datetime.date(1950, 1, 1)
_LAST_DATE = datetime.date(2199, 12, 31)
_NO_LISTS: Mapping[str, Sequence[str]] = MappingProxyType({})
_INSTRUCTIONS = N_("Instructions")
_LISTS = N_("Lists")


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """One column of a template.

    Invariants: ``kind`` is one of :data:`COLUMN_KINDS`; ``choices`` (the key of
    the list in ``write_template(lists=...)`` that feeds the drop-down) is set
    exactly when ``kind == "choice"``; ``width`` is at least 1.
    """

    key: str
    header: str
    kind: str
    required: bool
    note: str
    choices: str | None = None
    width: int = 18
    #: For ``kind="mark"``: the highest mark (the lowest is 0).
    maximum: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != (self.choices is not None):
            raise ValueError(f"column {self.key!r}: choices go with kind 'choice', and only there")
        if self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1")


@dataclass(frozen=True, slots=True)
class TemplateSheet:
    """A further sheet of columns to fill in, after the first: its ``name``, its
    ``columns`` and the ``rows`` that pre-fill it (as :func:`write_template` takes them)."""

    name: str
    columns: Sequence[TemplateColumn]
    rows: Sequence[Sequence[object]] = ()


def write_template(
    path: Path,
    *,
    title: str,
    sheet_name: str,
    columns: Sequence[TemplateColumn],
    instructions: Sequence[str],
    properties: Mapping[str, str],
    lists: Mapping[str, Sequence[str]] = _NO_LISTS,
    rows: Sequence[Sequence[object]] = (),
    lang: str | None = None,
    more_sheets: Sequence[TemplateSheet] = (),
) -> None:
    """Write a workbook for users to fill in, which the tool then reads back.

    Sheets, in order: ``sheet_name`` (header in row 1, bold, required headers
    ending in `` *``, notes as comments, frozen, filtered; each column formatted
    and checked by kind for :data:`TEMPLATE_ROWS` rows, or as many as ``rows``
    fill); each of ``more_sheets``, laid out alike; "Instructions" (``title`` then one
    line per row); "Lists" (hidden: one list per column, feeding the drop-downs of
    ``choice`` columns).
    ``properties`` become custom document properties, which
    ``read_workbook(path).properties`` returns as given; ``title`` is also the
    document title. ``rows`` pre-fill the sheet, cell ``i`` under column ``i``.
    ``lang`` (en, fr or nl; default: the officer's) is the language of the tool's own
    words: the names "Instructions" and "Lists" and the messages of the checks.
    The file is an .xlsx, written atomically.

    Raises ``ValueError`` for a template that cannot be built (no columns, a
    key twice, a choice list that is missing or empty, a row longer than the
    header, a reserved sheet name, two sheets of one name).
    """
    from openpyxl import Workbook as OpenpyxlWorkbook  # type: ignore[import-untyped]
    from openpyxl.packaging.custom import StringProperty  # type: ignore[import-untyped]

    words = _Words(lang or language())
    sheets = [TemplateSheet(sheet_name, columns, rows), *more_sheets]
    names = [data.name.casefold() for data in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"two sheets of one name: {[data.name for data in sheets]}")
    for data in sheets:
        _check_template(
            data.name, data.columns, lists, data.rows, reserved=(words.instructions, words.lists)
        )
    check_suffix(path, (".xlsx",))
    book = OpenpyxlWorkbook()
    first = book.active
    first.title = sheet_name
    written = [(first, sheets[0])]
    written += [(book.create_sheet(data.name), data) for data in more_sheets]
    last_rows = [_write_columns(sheet, data) for sheet, data in written]

    _write_instructions(book, words.instructions, title, instructions)
    ranges = _write_lists(book, words.lists, lists)
    for (sheet, data), last_row in zip(written, last_rows, strict=True):
        _add_validations(sheet, data.columns, ranges, last_row, words)

    book.properties.title = safe_text(title)
    book.properties.creator = AUTHOR
    for key, value in properties.items():
        book.custom_doc_props.append(StringProperty(name=key, value=safe_text(value)))
    write_atomic(book, path)


def _write_columns(sheet: Any, data: TemplateSheet) -> int:
    """The header, the columns' formats and the pre-filled rows of one sheet; returns
    the last row the checks cover."""
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

    columns = data.columns
    last_row = 1 + max(TEMPLATE_ROWS, len(data.rows))
    for col, column in enumerate(columns, start=1):
        letter = column_letters(col)
        header = sheet.cell(row=1, column=col)
        put_text(header, safe_text(column.header + (" *" if column.required else "")))
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        if column.note:
            header.comment = comment(column.note)
        # A column style formats what users type below the header, in Excel and
        # LibreOffice alike, without writing a thousand empty styled cells.
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        dimension.number_format = COLUMN_KINDS[column.kind]
        if column.kind == "long_text":
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
    last_letter = column_letters(len(columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_letter}{last_row}"

    for number, values in enumerate(data.rows, start=2):
        for col, (column, value) in enumerate(zip(columns, values, strict=False), start=1):
            cell = sheet.cell(row=number, column=col)
            cell.number_format = COLUMN_KINDS[column.kind]
            if column.kind == "long_text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.kind == "identifier" and type(value) is int:
                value = str(value)  # identifiers are always text
            put_value(cell, value)
    return last_row


class _Words:
    """The tool's own words in a template of language ``lang``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.instructions = self(_INSTRUCTIONS)
        self.lists = self(_LISTS)

    def __call__(self, message: str) -> str:
        return gettext_in(self.lang, message)


def _check_template(
    sheet_name: str,
    columns: Sequence[TemplateColumn],
    lists: Mapping[str, Sequence[str]],
    rows: Sequence[Sequence[object]],
    *,
    reserved: Sequence[str],
) -> None:
    if not columns:
        raise ValueError("a template needs at least one column")
    keys = [column.key for column in columns]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a column key appears twice: {keys}")
    if sheet_name.casefold() in {name.casefold() for name in reserved}:
        raise ValueError(f"the sheet name {sheet_name!r} is taken by the template itself")
    for column in columns:
        if column.choices is not None and not lists.get(column.choices):
            raise ValueError(f"column {column.key!r}: no values in list {column.choices!r}")
    for number, values in enumerate(rows, start=2):
        if len(values) > len(columns):
            raise ValueError(f"row {number} has {len(values)} values for {len(columns)} columns")


def _write_instructions(book: Any, name: str, title: str, instructions: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(name)
    sheet.column_dimensions["A"].width = 110
    heading = sheet.cell(row=1, column=1)
    put_text(heading, safe_text(title))
    heading.font = Font(bold=True, size=14)
    for number, line in enumerate(instructions, start=2):
        cell = sheet.cell(row=number, column=1)
        put_text(cell, safe_text(line))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_lists(book: Any, name: str, lists: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each list in its own column of a hidden "Lists" sheet (``name``); returns key ->
    range."""
    from openpyxl.styles import Font

    if not lists:
        return {}
    sheet = book.create_sheet(name)
    sheet.sheet_state = "hidden"
    ranges = {}
    for col, (key, values) in enumerate(lists.items(), start=1):
        letter = column_letters(col)
        sheet.column_dimensions[letter].width = 30
        heading = sheet.cell(row=1, column=col)
        put_text(heading, safe_text(key))
        heading.font = Font(bold=True)
        for number, value in enumerate(values, start=2):
            put_text(sheet.cell(row=number, column=col), safe_text(value))
        # Absolute and on another sheet: values with apostrophes or commas need no
        # quoting, unlike an inline list ("a,b,c").
        quoted = name.replace("'", "''")
        ranges[key] = f"'{quoted}'!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return ranges


def _add_validations(
    sheet: Any,
    columns: Sequence[TemplateColumn],
    ranges: Mapping[str, str],
    last_row: int,
    words: _Words,
) -> None:
    from openpyxl.worksheet.datavalidation import (  # type: ignore[import-untyped]
        DataValidation,
    )

    first_serial = (_FIRST_DATE - _EPOCH).days
    last_serial = (_LAST_DATE - _EPOCH).days
    for col, column in enumerate(columns, start=1):
        options: dict[str, str]
        if column.kind == "choice":
            assert column.choices is not None  # TemplateColumn's invariant
            options = {"type": "list", "formula1": ranges[column.choices]}
            error = words(N_("Choose a value from the list."))
        elif column.kind == "count":
            options = {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"}
            error = words(N_("Type a whole number, 0 or more."))
        elif column.kind == "mark":
            top = str(column.maximum) if column.maximum is not None else "1000"
            options = {"type": "decimal", "operator": "between", "formula1": "0", "formula2": top}
            error = words(N_("Type a mark from 0 to {top}, e.g. 7 or 7,5.")).format(top=top)
        elif column.kind == "amount":
            options = {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"}
            error = words(N_("Type an amount in euro, 0 or more, e.g. 44058 or 44058,50."))
        elif column.kind == "date":
            options = {
                "type": "date",
                "operator": "between",
                "formula1": str(first_serial),
                "formula2": str(last_serial),
            }
            error = words(N_("Type a date, e.g. 01/03/2024."))
        else:
            continue
        validation = DataValidation(
            **options,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=safe_text(column.header)[:32],
            error=error,
        )
        letter = column_letters(col)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)
