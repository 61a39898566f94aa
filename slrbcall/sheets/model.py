"""The plain data a spreadsheet is read into, and the way a place in it is named.

Everything here is frozen and exact: a numeric cell holds an ``int`` or a
``Decimal``, never a float, and every cell keeps the row and column numbers the
user sees in Excel or LibreOffice (1-based), whatever rows were dropped.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from slrbcall.errors import Problem, column_letters

__all__ = [
    "NO_CACHED_VALUE",
    "Cell",
    "CellValue",
    "Format",
    "Sheet",
    "Workbook",
    "column_letters",
    "where",
    "where_row",
]

#: What a cell's value can be once read. ``None`` is an empty cell.
CellValue = str | int | Decimal | bool | datetime.date | datetime.datetime | datetime.time | None

#: ``Cell.error`` of a formula cell that was saved without its computed value.
NO_CACHED_VALUE = "formula without a cached value"


class Format(StrEnum):
    """A spreadsheet format, as told by the file's first bytes (never its name)."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    ODS = "ods"
    XLS = "xls"
    CSV = "csv"


class Cell(NamedTuple):
    """One cell, where the user sees it.

    Invariants: ``row`` and ``col`` are 1-based; ``value`` is never a float;
    when ``error`` is set (``"#DIV/0!"``, :data:`NO_CACHED_VALUE`) ``value`` is
    ``None`` and the cell must not be read as empty; ``is_text`` is true only
    for a cell stored as text, so ``"00123"`` keeps its leading zeros.

    A named tuple rather than a frozen dataclass: a sheet holds one per cell, and
    building them was the largest cost of reading a big file (measured with
    bench/intake.py: a named tuple is built about three times as fast).
    """

    row: int
    col: int
    value: CellValue
    error: str | None = None
    is_text: bool = False

    @property
    def is_empty(self) -> bool:
        """True for a cell with neither a value nor an error."""
        return self.value is None and self.error is None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet of a workbook.

    Invariants: ``rows`` holds the rows that have at least one non-empty cell,
    in order; every row has exactly ``width`` cells, and its cell ``i`` is
    column ``i + 1`` (so ``row[col - 1]`` is always valid for ``col <= width``).
    ``hidden_rows`` only names rows inside the area that holds data.
    """

    file_label: str
    name: str
    rows: Sequence[tuple[Cell, ...]]
    hidden_rows: frozenset[int] = frozenset()
    merged_ranges: tuple[str, ...] = ()
    visible: bool = True

    @property
    def width(self) -> int:
        """The number of columns every row has."""
        return len(self.rows[0]) if self.rows else 0

    def where(self, row: int, col: int, header: str | None = None) -> str:
        """The place of one cell of this sheet in words (:attr:`Problem.where`)."""
        return where(self.file_label, self.name, row, col, header)

    def problem(
        self,
        message: str,
        *,
        row: int | None = None,
        column: int | None = None,
        header: str | None = None,
    ) -> Problem:
        """A problem of this sheet: of the whole sheet, of a ``row``, or of the cell in
        ``column`` of that row (``header``: the column's header as written)."""
        return Problem(
            self.file_label, message, sheet=self.name, row=row, column=column, header=header
        )


@dataclass(frozen=True, slots=True)
class Workbook:
    """A whole workbook as read, with the document properties it exposes.

    ``properties`` holds ``title``, ``subject`` and the custom document
    properties (xlsx, xlsm, ods); it is empty for xls and csv. ``date1904`` is
    the epoch of serial dates (xlsx ``workbookPr date1904``, ods
    ``table:null-date``); false where the format does not say (xls, csv).
    """

    path: Path
    format: Format
    sheets: tuple[Sheet, ...]
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    date1904: bool = False

    @property
    def sheet_names(self) -> tuple[str, ...]:
        """The names of the sheets, in workbook order."""
        return tuple(sheet.name for sheet in self.sheets)


def where_row(file_label: str, sheet: str, row: int) -> str:
    """``applications.xlsx: sheet 'Applications', row 7`` (DESIGN.md §4)."""
    return Problem(file_label, "", sheet=sheet, row=row).where


def where(file_label: str, sheet: str, row: int, col: int, header: str | None) -> str:
    """The place of one cell in words, exactly as DESIGN.md §4 prints it.

    ``applications.xlsx: sheet 'Applications', row 7, column D ('Requested amount')``;
    the part in brackets is left out when ``header`` is ``None``. A problem at a cell
    carries its place as fields (:meth:`Sheet.problem`); this is its text alone.
    """
    return Problem(file_label, "", sheet=sheet, row=row, column=col, header=header).where
