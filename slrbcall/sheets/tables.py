"""Tables to read and to print: headers, formats, widths, and A4 pages (openpyxl).

No knowledge of applications: the board's workbook (:mod:`slrbcall.reports.excel`)
says what goes in each table.

Every sheet is one table: a bold header row, frozen, with an autofilter over the data;
totals, where there are any, stand below the filtered range so that sorting leaves them
in place, and notes below the totals. :func:`write_table` writes one and says where it
ended (:class:`Extent`); :func:`set_printing` then lays the sheet out on A4 pages.

Printing, as the board reads the workbook on paper:

- the table's cells have thin grey borders (gridlines are not printed);
- A4, portrait or landscape per sheet; fitted to one page wide; margins of 1 cm on the
  sides and 1.9 cm at top and bottom, where the header and footer go;
- the header row repeats on every page; the page's header names the call (left) and
  the sheet (right), its footer the day of the report (left) and "page x of y";
- the print area is the table, its totals and notes, and the printed columns: a column
  of long sentences is put last and left out of it, for the screen only, so that one
  row of data is one printed line;
- a sheet is fitted to at most one page tall per :data:`PROJECTS_PER_PAGE` rows of
  data (rounded up), which keeps 40 projects at a readable size (about 80 %).

openpyxl is imported inside the functions, so that ``slrbcall --help`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slrbcall.i18n import _
from slrbcall.sheets.write import AMOUNT_FORMAT, COUNT_FORMAT, DATE_FORMAT, put_text, put_value

__all__ = [
    "PROJECTS_PER_PAGE",
    "WIDE",
    "Column",
    "Extent",
    "Value",
    "set_printing",
    "write_table",
]

#: Rows of data (projects, mostly) printed on one page, at most: a sheet of n rows
#: prints on at most ceil(n / 40) pages.
PROJECTS_PER_PAGE = 40
#: The width of a column of long sentences (wrapped, for the screen only).
WIDE = 80

_FORMATS = {
    "amount": AMOUNT_FORMAT,
    "count": COUNT_FORMAT,
    "score": "0.00",
    "ratio": "0.00",
    "percent": "0.0%",
    "date": DATE_FORMAT,
    "month": "MM/YYYY",
}
_MIN_WIDTH = 6
#: How wide a character of text is, against the digit "0" that column widths count:
#: a little less, in the proportional fonts of Excel and LibreOffice.
_GLYPH = 0.95
_BOLD = 1.15
#: The height of one line of text in points (Calibri 11, as Excel and LibreOffice draw it).
_LINE_HEIGHT = 15
_HEADER_FILL = "E7E6E6"
_LINE_COLOUR = "A6A6A6"
#: openpyxl's (and Excel's) default font.
_FONT = "Calibri"
# Margins in inches (openpyxl's unit): 1 cm on the sides, 1.9 cm top and bottom.
_SIDE, _END, _HEADER_FOOTER = 0.4, 0.75, 0.3


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its header (in the officer's language), the kind of its
    values (text, amount, count, score, ratio, percent, date, month), a fixed width
    (``None``: from the content, up to ``widest``; a longer text wraps), and whether it
    is printed."""

    title: str
    kind: str = "text"
    width: int | None = None
    printed: bool = True
    widest: int = 40


@dataclass(frozen=True, slots=True)
class Value:
    """A value with a kind of its own (a column of figures may mix kinds)."""

    value: object
    kind: str


@dataclass(frozen=True, slots=True)
class Extent:
    """Where a table ended: its rows of data, the last row written (totals and notes
    included) and the number of printed columns (the first ones)."""

    data_rows: int
    last_row: int
    printed_columns: int


def _shown_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Decimal | int):
        return len(f"{value:,}") + 3  # separators and the euro sign
    return max((len(line) for line in str(value).split("\n")), default=0)


def _header_width(title: str) -> int:
    """The narrowest a column may be so that its header (in bold, a little wider) wraps
    between words only."""
    return math.ceil(max((len(word) for word in title.split()), default=0) * _BOLD)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapped
    between words (a little more than it will: a cut text is worse than a gap)."""
    room = max(1.0, (width - 1) / _GLYPH)
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= room or used == 0:
                used = need
                while used > room:  # a word longer than the line
                    count += 1
                    used -= int(room)
            else:
                count += 1
                used = len(word)
    return max(1, count)


def write_table(
    sheet: Any,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    totals: Sequence[object] | None = None,
    notes: Sequence[str] = (),
) -> Extent:
    """Write a header and ``rows`` to ``sheet``: bold frozen header, autofilter, formats.

    A value may be a :class:`Value` to give it a kind of its own. ``totals`` go one row
    below the data, in bold, outside the autofilter; ``notes`` (sentences) one per row
    after a blank one, across the printed columns. Printed columns come first: a column
    that is not printed may only be followed by others that are not. A printed text
    longer than its column wraps, and its row is made as tall as it needs (spreadsheet
    programs do not size rows to their text when they open a file).
    """
    from openpyxl.styles import (  # type: ignore[import-untyped]
        Alignment,
        Border,
        Font,
        PatternFill,
        Side,
    )
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    printed = sum(1 for c in columns if c.printed)
    if any(not c.printed for c in columns[:printed]):
        raise ValueError("the printed columns of a table come first")
    # The workbook's own font, named: a font without a name prints in another one.
    bold = Font(name=_FONT, size=11, bold=True)
    line = Side(style="thin", color=_LINE_COLOUR)
    border = Border(left=line, right=line, top=line, bottom=line)
    widths = [0 for _ in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        put_text(cell, column.title)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = border
    count = 0
    for row_number, values in enumerate(rows, start=2):
        count += 1
        _put_row(sheet, row_number, columns, values, widths)
    last_column = get_column_letter(len(columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    last_row = count + 1
    if totals is not None:
        last_row += 1
        _put_row(sheet, last_row, columns, totals, widths)
        for index in range(1, len(columns) + 1):
            sheet.cell(row=last_row, column=index).font = bold
    sized = [
        column.width
        or min(
            column.widest,
            max(_MIN_WIDTH, widths[index] + 2, _header_width(column.title) + 2),
        )
        for index, column in enumerate(columns)
    ]
    header_lines = 1
    for index, (column, width) in enumerate(zip(columns, sized, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        header_lines = max(header_lines, _lines(column.title, width / _BOLD))
    sheet.row_dimensions[1].height = _LINE_HEIGHT * header_lines
    top = Alignment(vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number in range(2, last_row + 1):
        lines = 1
        for index, (column, width) in enumerate(zip(columns, sized, strict=True), start=1):
            cell = sheet.cell(row=row_number, column=index)
            if index <= printed:
                cell.border = border
            if isinstance(cell.value, str) and (column.width == WIDE or index <= printed):
                needed = _lines(cell.value, width)
                if needed > 1 or column.width == WIDE:
                    cell.alignment = wrap
                if index <= printed:
                    lines = max(lines, needed)
        if lines > 1:
            sheet.row_dimensions[row_number].height = _LINE_HEIGHT * lines
            for index in range(1, len(columns) + 1):
                cell = sheet.cell(row=row_number, column=index)
                if not cell.alignment.wrap_text:
                    cell.alignment = top
    if notes:
        italic = Font(name=_FONT, size=11, italic=True)
        printed_width = sum(sized[:printed])
        last_row += 1
        for note in notes:
            last_row += 1
            cell = sheet.cell(row=last_row, column=1)
            put_text(cell, note)
            cell.font = italic
            cell.alignment = wrap
            if printed > 1:
                sheet.merge_cells(
                    start_row=last_row, start_column=1, end_row=last_row, end_column=printed
                )
            sheet.row_dimensions[last_row].height = _LINE_HEIGHT * _lines(note, printed_width)
    return Extent(data_rows=count, last_row=last_row, printed_columns=printed)


def _put_row(
    sheet: Any,
    row_number: int,
    columns: Sequence[Column],
    values: Sequence[object],
    widths: list[int],
) -> None:
    for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
        kind = column.kind
        if isinstance(value, Value):
            kind, value = value.kind, value.value
        cell = sheet.cell(row=row_number, column=index)
        put_value(cell, value)
        number_format = _FORMATS.get(kind)
        if number_format is not None and value is not None and not isinstance(value, str):
            cell.number_format = number_format
        widths[index - 1] = max(widths[index - 1], _shown_length(value))


def _header_footer_text(text: str) -> str:
    """``text`` as a page header shows it: ``&`` starts a code there (``&P``)."""
    return text.replace("&", "&&")


def set_printing(
    sheet: Any,
    extent: Extent,
    *,
    landscape: bool,
    header: str,
    footer: str,
    pages_tall: int | None = None,
) -> None:
    """Lay ``sheet`` out on A4 pages (see the module): orientation, one page wide and at
    most ``pages_tall`` pages tall (by default one per :data:`PROJECTS_PER_PAGE` rows of
    data), the header row on every page, the print area, margins, and ``header`` and
    ``footer`` on the left of every page's header and footer."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins  # type: ignore[import-untyped]

    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = pages_tall or max(1, math.ceil(extent.data_rows / PROJECTS_PER_PAGE))
    sheet.print_title_rows = "1:1"
    last_column = get_column_letter(max(1, extent.printed_columns))
    sheet.print_area = f"A1:{last_column}{extent.last_row}"
    sheet.page_margins = PageMargins(
        left=_SIDE,
        right=_SIDE,
        top=_END,
        bottom=_END,
        header=_HEADER_FOOTER,
        footer=_HEADER_FOOTER,
    )
    top, bottom = sheet.oddHeader, sheet.oddFooter
    top.left.text = _header_footer_text(header)
    top.right.text = "&A"  # the sheet's name
    bottom.left.text = _header_footer_text(footer)
    bottom.right.text = _("Page {page} of {pages}").format(page="&P", pages="&N")
    for part in (top.left, top.right, bottom.left, bottom.right):
        part.size = 9
