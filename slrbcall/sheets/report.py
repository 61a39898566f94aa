"""Problem reports: a copy of a workbook with every problem shown where it is.

Each marked cell is filled light red and carries its messages as a comment, and a first
sheet, "Problems", lists them with a link to each cell. The report is the officer's: its
sheet, headings and notes are in the officer's language (:mod:`slrbcall.i18n`).
:func:`mark_problems` writes ``--report-xlsx`` from the problems of an input file, placed
by their fields; :func:`write_problem_report` writes any marks. Every cell goes through
:mod:`.write`, so its promises hold. openpyxl is imported inside the functions.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slrbcall.errors import EnvironmentProblemError, Problem, RefusedError
from slrbcall.i18n import _, format_count
from slrbcall.sheets.model import Format, Workbook, column_letters
from slrbcall.sheets.ooxml import merged_areas
from slrbcall.sheets.read import read_workbook  # noqa: TID253 (a copy of what it reads)
from slrbcall.sheets.sniff import preflight_zip, sniff
from slrbcall.sheets.write import (
    check_suffix,
    comment,
    put_text,
    put_value,
    safe_text,
    write_atomic,
)
from slrbcall.sheets.xmlparts import parse_ref

__all__ = ["CellMark", "mark_problems", "write_problem_report"]

# Excel's own "light red fill" of conditional formatting.
_PROBLEM_FILL = "FFC7CE"
#: The most merged cells a sheet may hold for its copy to keep the formatting: a title
#: row merges a dozen, a form a few hundred.
MAX_MERGED_CELLS = 100_000
_WHOLE_SHEET = 1_048_576 * 16_384
_SHEET_TITLE_LIMIT = 31
_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")


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


def mark_problems(source: Path, out: Path, problems: Sequence[Problem]) -> None:
    """``--report-xlsx``: a copy of ``source`` with each problem marked where it is.

    A problem at a cell marks the cell, one at a row the row; a problem of the file,
    of a whole sheet or of a range of cells is listed on the "Problems" sheet alone,
    its place in words (see :func:`write_problem_report`).
    """
    write_problem_report(source, out, problems=[_mark(problem) for problem in problems])


def _mark(problem: Problem) -> CellMark:
    if problem.sheet is not None and problem.row is not None:
        return CellMark(problem.sheet, problem.row, problem.column or 0, problem.message)
    return CellMark("", 0, 0, str(problem))


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

    if out.resolve() == source.resolve() or (out.exists() and out.samefile(source)):
        raise RefusedError(
            _("{file}: the report cannot overwrite the file it reports on").format(file=out.name)
        )
    fmt = sniff(source)
    check_suffix(out, (".xlsx", ".xlsm") if fmt is Format.XLSM else (".xlsx",))
    note = None
    if fmt in (Format.XLSX, Format.XLSM):
        preflight_zip(source)
        _require_defusedxml()
        note = _too_merged(source)
        if note is not None:
            book, titles = _rebuild(_read(source))
        else:
            try:
                book = _load(source, keep_vba=out.suffix.lower() == ".xlsm")
                titles = {name: name for name in book.sheetnames}
            except Exception:  # openpyxl fails on some files calamine reads: keep the values
                book, titles = _rebuild(_read(source))
                note = _(
                    "The original formatting could not be kept: this copy holds the values only."
                )
    else:
        book, titles = _rebuild(_read(source))
        note = _("A copy of the values (the original file is not an .xlsx workbook).")
    _annotate(book, titles, problems)
    _add_problem_sheet(book, titles, problems, note)
    write_atomic(book, out)


def _too_merged(source: Path) -> str | None:
    """Why the copy must hold the values only, when the sheets merge more cells than
    :data:`MAX_MERGED_CELLS` (openpyxl makes an object of each as it loads them)."""
    total = 0
    largest = ("", "", 0)
    for name, refs in merged_areas(source).items():
        for ref in refs:
            cells = _area(ref)
            total += cells
            if cells > largest[2]:
                largest = (name, ref, cells)
    if total <= MAX_MERGED_CELLS:
        return None
    name, ref, cells = largest
    return _(
        "The original formatting could not be kept: sheet '{sheet}' merges {range} "
        "({cells} cells; a copy keeps at most {most} merged cells); this copy holds the "
        "values only."
    ).format(
        sheet=safe_text(name),
        range=safe_text(ref),
        cells=format_count(cells),
        most=format_count(MAX_MERGED_CELLS),
    )


def _area(ref: str) -> int:
    """The cells of a range such as ``A1:C2`` (6); a range that cannot be read counts
    as the whole sheet, since openpyxl would refuse or expand it."""
    first, _, last = ref.partition(":")
    try:
        row0, col0 = parse_ref(first)
        row1, col1 = parse_ref(last or first)
    except ValueError:
        return _WHOLE_SHEET
    return (abs(row1 - row0) + 1) * (abs(col1 - col0) + 1)


def _read(source: Path) -> Workbook:

    return read_workbook(source)


def _require_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML  # type: ignore[import-untyped]

    if not DEFUSEDXML:
        raise EnvironmentProblemError(
            _(
                "defusedxml is missing, and openpyxl must not read XML without it: "
                "pip install defusedxml"
            )
        )


def _load(source: Path, *, keep_vba: bool) -> Any:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

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
                    put_text(target.cell(row=cell.row, column=cell.col), cell.error)
                elif cell.value is not None:
                    put_value(target.cell(row=cell.row, column=cell.col), cell.value)
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
    from openpyxl.styles import PatternFill  # type: ignore[import-untyped]

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
        anchor.comment = comment(text)


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

    sheet = book.create_sheet(_unique_title(_("Problems"), book.sheetnames), 0)
    for col, (heading, width) in enumerate(
        [(_("Sheet"), 28), (_("Cell"), 10), (_("Problem"), 110)], start=1
    ):
        cell = sheet.cell(row=1, column=col)
        put_text(cell, heading)
        cell.font = Font(bold=True)
        sheet.column_dimensions[column_letters(col)].width = width
    sheet.freeze_panes = "A2"
    number = 1
    for number, mark in enumerate(problems, start=2):
        put_text(sheet.cell(row=number, column=1), safe_text(mark.sheet))
        if mark.col:
            place = f"{column_letters(mark.col)}{mark.row}"
        elif mark.row:
            place = _("row {row}").format(row=mark.row)
        else:
            place = _("whole sheet") if mark.sheet else ""
        where = sheet.cell(row=number, column=2)
        put_text(where, place)
        target = _worksheet(book, titles, mark.sheet)
        if target is not None:
            title = target.title.replace("'", "''")
            location = f"{column_letters(mark.col or 1)}{mark.row or 1}"
            where.hyperlink = Hyperlink(ref=where.coordinate, location=f"'{title}'!{location}")
            where.font = Font(color="0563C1", underline="single")
        message = sheet.cell(row=number, column=3)
        put_text(message, safe_text(mark.message))
        message.alignment = Alignment(wrap_text=True, vertical="top")
    if not problems:
        put_text(sheet.cell(row=2, column=3), _("No problems found."))
        number = 2
    if note is not None:
        cell = sheet.cell(row=number + 2, column=3)
        put_text(cell, note)
        cell.font = Font(italic=True)
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    book.active = 0
