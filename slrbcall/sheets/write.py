"""Spreadsheets out: safe, atomic writing with openpyxl (no knowledge of applications).

The caller passes plain data; this module knows cells, not applications.
Three promises hold for every workbook written here (DESIGN.md §8):

* **text stays text.** User text goes through :func:`safe_text` and is written
  as an inline string (``t="inlineStr"``), never as a formula, whatever it starts
  with. A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break
  also gets Excel's *quote prefix*, so that editing the cell later (F2, Enter)
  keeps it text instead of turning ``=1+1`` into ``2``;
* **numbers are exact.** Excel stores doubles and shows 15 significant digits,
  so an ``int`` or ``Decimal`` is written as a number only when that loses
  nothing; otherwise it is written as its exact text. Floats are refused: money
  never is one;
* **writes are atomic** (:func:`write_atomic`): a temporary file in the target's
  folder, then one rename. A failed save leaves the old file as it was.

openpyxl is imported inside the functions that use it, so that
``slrbcall --help`` starts fast. openpyxl ships no type information, hence the
``type: ignore[import-untyped]`` on its imports.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import secrets
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Protocol

from slrbcall.errors import EnvironmentProblemError, RefusedError
from slrbcall.sheets.model import Format, Workbook, column_letters

__all__ = [
    "AMOUNT_FORMAT",
    "CELL_TEXT_LIMIT",
    "COLUMN_KINDS",
    "COUNT_FORMAT",
    "DATE_FORMAT",
    "TEMPLATE_ROWS",
    "TEXT_FORMAT",
    "CellMark",
    "TemplateColumn",
    "safe_text",
    "write_atomic",
    "write_problem_report",
    "write_template",
]

#: Excel's limit on the length of a cell's text, in UTF-16 code units.
CELL_TEXT_LIMIT = 32_767
#: Euro amounts. ``[$€-813]`` is a currency token (Euro, Dutch (Belgium)): Excel and
#: LibreOffice file the format under *Currency € Euro*, not *Custom*, and both take
#: the separators from the reader's machine, so a Belgian officer sees
#: ``44.058,00 €`` (measured with LibreOffice 7 under fr_BE and nl_BE; a quoted
#: ``"€"`` would only be a literal character after a plain number).
AMOUNT_FORMAT = "#,##0.00 [$€-813]"
COUNT_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"
#: Excel's *Text* format: what a user types stays text, so ``00123`` keeps its zeros.
TEXT_FORMAT = "@"
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
        "date": DATE_FORMAT,
    }
)

# C0 controls but tab and line feed (carriage returns become line feeds first), DEL
# and C1, lone surrogates and the two non-characters: XML 1.0 cannot hold most of
# them, and none is meant to be seen.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel keeps 15 significant digits and nothing beyond ±9.99999999999999E+307.
_EXCEL_DIGITS = 15
_EXCEL_MAX = 9.99999999999999e307
# The dates a template accepts: the years read_date() takes as serial numbers.
_EPOCH = datetime.date(1899, 12, 30)
_FIRST_DATE = datetime.date(1950, 1, 1)
_LAST_DATE = datetime.date(2199, 12, 31)
_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_TIME_FORMAT = "HH:MM"
# Excel's own "light red fill" of conditional formatting.
_PROBLEM_FILL = "FFC7CE"
_SHEET_TITLE_LIMIT = 31
_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")
_AUTHOR = "slrbcall"
_NO_LISTS: Mapping[str, Sequence[str]] = MappingProxyType({})


class SavableWorkbook(Protocol):
    """What :func:`write_atomic` needs: an openpyxl ``Workbook`` and the like."""

    def save(self, filename: IO[bytes], /) -> None: ...


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

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != (self.choices is not None):
            raise ValueError(f"column {self.key!r}: choices go with kind 'choice', and only there")
        if self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1")


@dataclass(frozen=True, slots=True)
class CellMark:
    """A problem to show on a cell, where the user sees it.

    ``row`` and ``col`` are 1-based. ``col == 0`` marks the whole row (the comment
    goes on column A); ``row == col == 0`` is a problem of the whole sheet, listed
    on the "Problems" sheet only.
    """

    sheet: str
    row: int
    col: int
    message: str

    def __post_init__(self) -> None:
        if not (0 <= self.row <= 1_048_576 and 0 <= self.col <= 16_384):
            raise ValueError(f"no such cell: row {self.row}, column {self.col}")
        if self.row == 0 and self.col != 0:
            raise ValueError("a mark on row 0 is for the whole sheet: use col = 0")


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet cell can hold it.

    Line breaks become ``\\n`` (a lone CR would be lost in the XML anyway); other
    control characters (C0 but tab and line feed, DEL, C1), lone surrogates and
    U+FFFE/U+FFFF are removed; the text is cut to :data:`CELL_TEXT_LIMIT` UTF-16
    code units (Excel's count), never in the middle of a character. Nothing else
    changes: neutralising formulas is the writer's job, not the text's.
    """
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) <= CELL_TEXT_LIMIT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * CELL_TEXT_LIMIT:
        return text
    # A surrogate pair cut in two is dropped whole.
    return units[: 2 * CELL_TEXT_LIMIT].decode("utf-16-le", errors="ignore")


def write_atomic(workbook: SavableWorkbook, path: Path) -> None:
    """Save ``workbook`` to ``path`` all at once, or not at all.

    The workbook is saved to a temporary file in the same folder, flushed to
    disk, then renamed over ``path``. On any error the temporary file is
    removed and an existing ``path`` is left untouched. Refuses
    (:class:`RefusedError`) a ``path`` that is a folder or whose folder does
    not exist; a file the system will not let us write (open in Excel on
    Windows, a full disk) is an :class:`EnvironmentProblemError`.
    """
    folder = path.parent
    if path.is_dir():
        raise RefusedError(f"{path} is a folder: give the name of the file to write")
    if not folder.is_dir():
        raise RefusedError(f"cannot write {path.name}: the folder {folder} does not exist")
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with temporary.open("xb") as stream:
            workbook.save(stream)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        hint = " (is it open in Excel or LibreOffice? close it and try again)"
        reason = exc.strerror or str(exc)
        raise EnvironmentProblemError(
            f"cannot write {path}: {reason}{hint if isinstance(exc, PermissionError) else ''}"
        ) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- cells ------------------------------------------------------------------------


def _put_text(cell: Any, text: str) -> None:
    """Write ``text`` (already safe) as a text cell that can never be a formula."""
    cell.value = text
    # openpyxl reads "=..." as a formula and "#N/A" as an error: force a string.
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _as_excel_number(number: int | Decimal) -> int | float | None:
    """``number`` as Excel can hold it without loss, or None when it cannot."""
    if isinstance(number, Decimal):
        if not number.is_finite():
            return None
        digits = "".join(map(str, number.as_tuple().digits)).strip("0")
    else:
        digits = str(abs(number)).strip("0")
    if len(digits) > _EXCEL_DIGITS:
        return None
    as_float = float(number)
    if not math.isfinite(as_float) or abs(as_float) > _EXCEL_MAX:
        return None
    if Decimal(repr(as_float)) != number:
        return None
    return number if isinstance(number, int) else as_float


def _put_value(cell: Any, value: object) -> None:
    """Write one plain value: text made safe, numbers exact, dates with a date format.

    Raises ``TypeError`` for a float (money is never one) and any other type.
    """
    if value is None:
        return
    if isinstance(value, str):
        _put_text(cell, safe_text(value))
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | Decimal):
        number = _as_excel_number(value)
        if number is None:
            text = str(value) if isinstance(value, int) else format(value, "f")
            _put_text(cell, safe_text(text))
        else:
            cell.value = number
    elif isinstance(value, datetime.datetime | datetime.date | datetime.time):
        cell.value = value
        if isinstance(value, datetime.datetime):
            cell.number_format = _DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        else:
            cell.number_format = _TIME_FORMAT
    elif isinstance(value, float):
        raise TypeError(f"a float cannot be written exactly: pass a Decimal or an int ({value!r})")
    else:
        raise TypeError(f"cannot write a {type(value).__name__} to a cell")


def _comment(text: str) -> Any:
    from openpyxl.comments import Comment  # type: ignore[import-untyped]

    text = safe_text(text)
    lines = sum(1 + len(line) // 48 for line in text.split("\n"))
    return Comment(text, _AUTHOR, width=320, height=min(400, 24 + 16 * lines))


def _check_suffix(path: Path, allowed: tuple[str, ...]) -> None:
    if path.suffix.lower() not in allowed:
        names = " or ".join(allowed)
        raise RefusedError(f"{path.name}: an Excel workbook is written here: name it with {names}")


# --- templates --------------------------------------------------------------------


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
) -> None:
    """Write a workbook for users to fill in, which the tool then reads back.

    Sheets, in order: ``sheet_name`` (header in row 1, bold, required headers
    ending in `` *``, notes as comments, frozen, filtered; each column formatted
    and checked by kind for :data:`TEMPLATE_ROWS` rows, or as many as ``rows``
    fill); "Instructions" (``title`` then one line per row); "Lists" (hidden:
    one list per column, feeding the drop-downs of ``choice`` columns).
    ``properties`` become custom document properties, which
    ``read_workbook(path).properties`` returns as given; ``title`` is also the
    document title. ``rows`` pre-fill the sheet, cell ``i`` under column ``i``.
    The file is an .xlsx, written atomically.

    Raises ``ValueError`` for a template that cannot be built (no columns, a
    key twice, a choice list that is missing or empty, a row longer than the
    header, a reserved sheet name).
    """
    from openpyxl import Workbook as OpenpyxlWorkbook  # type: ignore[import-untyped]
    from openpyxl.packaging.custom import StringProperty  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

    _check_template(sheet_name, columns, lists, rows)
    _check_suffix(path, (".xlsx",))
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.title = sheet_name
    last_row = 1 + max(TEMPLATE_ROWS, len(rows))
    for col, column in enumerate(columns, start=1):
        letter = column_letters(col)
        header = sheet.cell(row=1, column=col)
        _put_text(header, safe_text(column.header + (" *" if column.required else "")))
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        if column.note:
            header.comment = _comment(column.note)
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

    for number, values in enumerate(rows, start=2):
        for col, (column, value) in enumerate(zip(columns, values, strict=False), start=1):
            cell = sheet.cell(row=number, column=col)
            cell.number_format = COLUMN_KINDS[column.kind]
            if column.kind == "long_text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.kind == "identifier" and type(value) is int:
                value = str(value)  # identifiers are always text
            _put_value(cell, value)

    _write_instructions(book, title, instructions)
    ranges = _write_lists(book, lists)
    _add_validations(sheet, columns, ranges, last_row)

    book.properties.title = safe_text(title)
    book.properties.creator = _AUTHOR
    for key, value in properties.items():
        book.custom_doc_props.append(StringProperty(name=key, value=safe_text(value)))
    write_atomic(book, path)


def _check_template(
    sheet_name: str,
    columns: Sequence[TemplateColumn],
    lists: Mapping[str, Sequence[str]],
    rows: Sequence[Sequence[object]],
) -> None:
    if not columns:
        raise ValueError("a template needs at least one column")
    keys = [column.key for column in columns]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a column key appears twice: {keys}")
    if sheet_name.casefold() in ("instructions", "lists"):
        raise ValueError(f"the sheet name {sheet_name!r} is taken by the template itself")
    for column in columns:
        if column.choices is not None and not lists.get(column.choices):
            raise ValueError(f"column {column.key!r}: no values in list {column.choices!r}")
    for number, values in enumerate(rows, start=2):
        if len(values) > len(columns):
            raise ValueError(f"row {number} has {len(values)} values for {len(columns)} columns")


def _write_instructions(book: Any, title: str, instructions: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet("Instructions")
    sheet.column_dimensions["A"].width = 110
    heading = sheet.cell(row=1, column=1)
    _put_text(heading, safe_text(title))
    heading.font = Font(bold=True, size=14)
    for number, line in enumerate(instructions, start=2):
        cell = sheet.cell(row=number, column=1)
        _put_text(cell, safe_text(line))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_lists(book: Any, lists: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each list in its own column of a hidden "Lists" sheet; returns key -> range."""
    from openpyxl.styles import Font

    if not lists:
        return {}
    sheet = book.create_sheet("Lists")
    sheet.sheet_state = "hidden"
    ranges = {}
    for col, (key, values) in enumerate(lists.items(), start=1):
        letter = column_letters(col)
        sheet.column_dimensions[letter].width = 30
        heading = sheet.cell(row=1, column=col)
        _put_text(heading, safe_text(key))
        heading.font = Font(bold=True)
        for number, value in enumerate(values, start=2):
            _put_text(sheet.cell(row=number, column=col), safe_text(value))
        # Absolute and on another sheet: values with apostrophes or commas need no
        # quoting, unlike an inline list ("a,b,c").
        ranges[key] = f"'Lists'!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return ranges


def _add_validations(
    sheet: Any, columns: Sequence[TemplateColumn], ranges: Mapping[str, str], last_row: int
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
            error = "Choose a value from the list."
        elif column.kind == "count":
            options = {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"}
            error = "Type a whole number, 0 or more."
        elif column.kind == "amount":
            options = {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"}
            error = "Type an amount in euro, 0 or more, e.g. 44058 or 44058,50."
        elif column.kind == "date":
            options = {
                "type": "date",
                "operator": "between",
                "formula1": str(first_serial),
                "formula2": str(last_serial),
            }
            error = "Type a date, e.g. 01/03/2024."
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


# --- problem reports --------------------------------------------------------------


def write_problem_report(source: Path, out: Path, *, problems: Sequence[CellMark]) -> None:
    """Write a copy of ``source`` to ``out`` with each problem shown where it is.

    Every marked cell is filled light red and carries the messages as a comment;
    a row mark (``col == 0``) fills the row's cells up to its last value and
    comments on column A. A first sheet, "Problems", lists every mark (sheet,
    cell, message) in the given order, with a link to the cell.

    An .xlsx source is annotated as it is (openpyxl keeps values, styles,
    comments and validations; it drops images and charts); an .xlsm keeps its
    macros only when ``out`` is an .xlsm too. Other formats (.ods, .xls, .csv),
    and an .xlsx that openpyxl cannot load, are rebuilt from the values
    :func:`~slrbcall.sheets.read_workbook` reads, text made safe; the
    "Problems" sheet then says that formatting was not kept. A mark on a sheet
    that is not in the workbook is listed without a link.

    Refuses (:class:`RefusedError`) an ``out`` that is ``source`` itself or not
    named .xlsx (or .xlsm for an .xlsm source). The write is atomic.
    """
    from slrbcall.sheets.sniff import preflight_zip, sniff

    if out.resolve() == source.resolve() or (out.exists() and out.samefile(source)):
        raise RefusedError(f"{out.name}: the report cannot overwrite the file it reports on")
    fmt = sniff(source)
    _check_suffix(out, (".xlsx", ".xlsm") if fmt is Format.XLSM else (".xlsx",))
    note = None
    if fmt in (Format.XLSX, Format.XLSM):
        preflight_zip(source)
        _require_defusedxml()
        try:
            book = _load(source, keep_vba=out.suffix.lower() == ".xlsm")
            titles = {name: name for name in book.sheetnames}
        except Exception:  # openpyxl fails on some files calamine reads: keep the values
            book, titles = _rebuild(_read(source))
            note = "The original formatting could not be kept: this copy holds the values only."
    else:
        book, titles = _rebuild(_read(source))
        note = "A copy of the values (the original file is not an .xlsx workbook)."
    _annotate(book, titles, problems)
    _add_problem_sheet(book, titles, problems, note)
    write_atomic(book, out)


def _read(source: Path) -> Workbook:
    from slrbcall.sheets.read import read_workbook

    return read_workbook(source)


def _require_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML  # type: ignore[import-untyped]

    if not DEFUSEDXML:
        raise EnvironmentProblemError(
            "defusedxml is missing, and openpyxl must not read XML without it: "
            "pip install defusedxml"
        )


def _load(source: Path, *, keep_vba: bool) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about the parts it drops (extensions, slicers); the user
        # can do nothing about them, and the report is a copy.
        warnings.simplefilter("ignore", UserWarning)
        # A stream, not a name: openpyxl would refuse a workbook named .dat or .bin.
        with source.open("rb") as stream:
            return load_workbook(stream, keep_vba=keep_vba, rich_text=True)


def _rebuild(workbook: Workbook) -> tuple[Any, dict[str, str]]:
    """A new openpyxl workbook holding the values read; returns it and name -> title."""
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook()
    book.remove(book.active)
    titles: dict[str, str] = {}
    for sheet in workbook.sheets:
        title = _unique_title(sheet.name, titles.values())
        titles[sheet.name] = title
        target = book.create_sheet(title)
        for row in sheet.rows:
            for cell in row:
                if cell.error is not None:
                    _put_text(target.cell(row=cell.row, column=cell.col), cell.error)
                elif cell.value is not None:
                    _put_value(target.cell(row=cell.row, column=cell.col), cell.value)
    if not workbook.sheets:
        book.create_sheet("Sheet1")
    return book, titles


def _unique_title(name: str, taken: Iterable[str]) -> str:
    """A legal sheet title (31 characters, no ``[]:*?/\\``) that no other sheet has."""
    base = _BAD_TITLE.sub("_", safe_text(name).replace("\n", " ")).strip("' ") or "Sheet"
    base = base[:_SHEET_TITLE_LIMIT]
    used = {title.casefold() for title in taken}
    title, number = base, 1
    while title.casefold() in used or title.casefold() == "history":  # Excel reserves it
        number += 1
        suffix = f" ({number})"
        title = base[: _SHEET_TITLE_LIMIT - len(suffix)] + suffix
    return title


def _worksheet(book: Any, titles: Mapping[str, str], name: str) -> Any | None:
    from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

    title = titles.get(name)
    if title is None or title not in book.sheetnames:
        return None
    found = book[title]
    return found if isinstance(found, Worksheet) else None


def _annotate(book: Any, titles: Mapping[str, str], problems: Sequence[CellMark]) -> None:
    from openpyxl.styles import PatternFill

    fill = PatternFill(fill_type="solid", start_color=_PROBLEM_FILL, end_color=_PROBLEM_FILL)
    messages: dict[tuple[str, int, int], list[str]] = {}
    for mark in problems:
        if mark.row:
            messages.setdefault((mark.sheet, mark.row, mark.col), []).append(mark.message)
    for (name, row, col), texts in messages.items():
        sheet = _worksheet(book, titles, name)
        if sheet is None:
            continue
        if col:
            cells = [sheet.cell(row=row, column=col)]
        else:
            last = max(
                (c.column for c in sheet[row] if c.value is not None),
                default=1,
            )
            cells = [sheet.cell(row=row, column=c) for c in range(1, last + 1)]
        # A cell inside a merged range shows nothing and holds no comment: its
        # range's first cell is what the user sees.
        anchor = _shown_cell(sheet, cells[0])
        for cell in [*cells, anchor]:
            cell.fill = fill
        text = "\n".join(texts)
        if anchor.comment is not None:
            text += "\n\n" + anchor.comment.text  # the user's own comment stays, below
        anchor.comment = _comment(text)


def _shown_cell(sheet: Any, cell: Any) -> Any:
    """``cell``, or the first cell of the merged range it lies in."""
    from openpyxl.cell.cell import MergedCell  # type: ignore[import-untyped]

    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if cell.coordinate in merged:
                return sheet.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _add_problem_sheet(
    book: Any, titles: Mapping[str, str], problems: Sequence[CellMark], note: str | None
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink  # type: ignore[import-untyped]

    sheet = book.create_sheet(_unique_title("Problems", book.sheetnames), 0)
    for col, (heading, width) in enumerate(
        [("Sheet", 28), ("Cell", 10), ("Problem", 110)], start=1
    ):
        cell = sheet.cell(row=1, column=col)
        _put_text(cell, heading)
        cell.font = Font(bold=True)
        sheet.column_dimensions[column_letters(col)].width = width
    sheet.freeze_panes = "A2"
    number = 1
    for number, mark in enumerate(problems, start=2):
        _put_text(sheet.cell(row=number, column=1), safe_text(mark.sheet))
        if mark.col:
            place = f"{column_letters(mark.col)}{mark.row}"
        elif mark.row:
            place = f"row {mark.row}"
        else:
            place = "whole sheet" if mark.sheet else ""
        where = sheet.cell(row=number, column=2)
        _put_text(where, place)
        target = _worksheet(book, titles, mark.sheet)
        if target is not None:
            title = target.title.replace("'", "''")
            location = f"{column_letters(mark.col or 1)}{mark.row or 1}"
            where.hyperlink = Hyperlink(ref=where.coordinate, location=f"'{title}'!{location}")
            where.font = Font(color="0563C1", underline="single")
        message = sheet.cell(row=number, column=3)
        _put_text(message, safe_text(mark.message))
        message.alignment = Alignment(wrap_text=True, vertical="top")
    if not problems:
        _put_text(sheet.cell(row=2, column=3), "No problems found.")
        number = 2
    if note is not None:
        cell = sheet.cell(row=number + 2, column=3)
        _put_text(cell, note)
        cell.font = Font(italic=True)
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    book.active = 0
