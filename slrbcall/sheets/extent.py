"""How far a sheet's cells reach, told from the cells themselves before any grid is built.

python-calamine 0.9 builds each sheet as a dense grid from its first cell to its last:
one cell at ``XFD70000`` in a two-row sheet asks it for 70,000 × 16,384 cells of 32
bytes (36 GB), and the process aborts inside Rust, where no ``except`` reaches. The
``<dimension>`` a file declares is not what calamine sizes the grid by, so it is not
what is checked either: every format's pre-flight pass (:mod:`.ooxml`, :mod:`.ods`,
:mod:`.biff`, :mod:`.delimited`) records where its cells are in an :class:`Extent`,
and :func:`check_extent` refuses a sheet whose grid would pass :data:`MAX_CELLS`,
naming the cell that stretches it. The slrbcall side of a sheet (one
:class:`~slrbcall.sheets.model.Cell` per column of every row) is bounded by the
same number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slrbcall.errors import InputFileError, Problem, column_letters

__all__ = ["MAX_CELLS", "Extent", "check_extent", "scan_references"]

#: The most cells (rows × columns, counted from A1) a sheet may span: 100,000 rows
#: of 40 columns, far above a call's applications or marks (a few hundred rows of
#: 15 to 30 columns), and about 130 MB in calamine's grid.
MAX_CELLS = 4_000_000

#: A cell element in the form every spreadsheet application writes it: ``<c r="B7"``.
_LETTERS = re.compile(rb'<c\sr="([A-Z]{1,3})[1-9][0-9]{0,6}"')
_ROWS = re.compile(rb'<c\sr="[A-Z]{1,3}([1-9][0-9]{0,6})"')
#: Any other cell element: no reference, the reference not first, quoted or written
#: otherwise (``<c s="1" r="B7">``, ``<c>``, ``r="b07"``), or a namespace prefix
#: (``<x:c``). Its place
#: depends on the cells before it, as calamine counts them, so the exact (streaming
#: XML) pass places it. Two searches: each keeps its literal prefix, which ``re``
#: finds at C speed.
_ODD_CELL = re.compile(rb'<c[\s/>](?!r="[A-Z]{1,3}[1-9][0-9]{0,6}")')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")


@dataclass(slots=True)
class Extent:
    """The last row and column that hold a cell, and a cell at each of them (1-based).

    ``lowest`` is a cell of the last row, ``rightmost`` a cell of the last column: the
    cells to name when the sheet is too large.
    """

    rows: int = 0
    cols: int = 0
    lowest: tuple[int, int] = (0, 0)
    rightmost: tuple[int, int] = (0, 0)

    @property
    def cells(self) -> int:
        """The cells of the grid from A1 to the last row and column."""
        return self.rows * self.cols

    def add(self, row: int, col: int) -> None:
        """A cell at ``row``, ``col``. Of the cells of the last row, the rightmost is kept
        (and of the last column, the lowest): the one to name if it is too far."""
        if row > self.rows or (row == self.rows and col > self.lowest[1]):
            self.rows, self.lowest = row, (row, col)
        if col > self.cols or (col == self.cols and row > self.rightmost[0]):
            self.cols, self.rightmost = col, (row, col)

    def add_block(self, row: int, col: int, rows: int, cols: int) -> None:
        """A block of ``rows`` × ``cols`` cells from ``row``, ``col`` (repeated cells)."""
        self.add(row + rows - 1, col)
        self.add(row, col + cols - 1)


def scan_references(chunk: bytes, extent: Extent) -> bool:
    """Add the cells of a piece of sheet XML to ``extent``; False if a cell needs the
    exact pass (a cell written in another form than ``<c r="B7"``).

    ``chunk`` must hold whole start tags (cut before a ``<``). Byte searches in C:
    about 10 ms per MB of sheet XML, against 12 µs per cell for the XML pass.
    """
    if _ODD_CELL.search(chunk) or _PREFIXED_CELL.search(chunk):
        return False
    letters = set(_LETTERS.findall(chunk))
    if not letters:
        return True
    # Unique row numbers first: a row's cells repeat its number.
    deepest = int(max(set(_ROWS.findall(chunk)), key=lambda digits: (len(digits), digits)))
    widest = max(letters, key=lambda name: (len(name), name))
    if deepest > extent.rows:
        found = re.search(rb'<c\sr="([A-Z]{1,3})%d"' % deepest, chunk)
        extent.add(deepest, _column_number(found.group(1)) if found else 1)
    col = _column_number(widest)
    if col > extent.cols:
        found = re.search(rb'<c\sr="%s([0-9]{1,7})"' % widest, chunk)
        extent.add(int(found.group(1)) if found else 1, col)
    return True


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def check_extent(file_label: str, sheet: str, extent: Extent) -> None:
    """Refuse a sheet whose cells span more than :data:`MAX_CELLS` from A1.

    The line names the cell that stretches the sheet (the last row's and the last
    column's, when they differ) and how to find it in Excel.
    """
    if extent.cells <= MAX_CELLS:
        return
    size = (
        f"the sheet would span {extent.rows:,} rows × {extent.cols:,} columns, "
        f"{extent.cells:,} cells; at most {MAX_CELLS:,}"
    )
    fix = (
        "or clear the rows and columns after the table (Ctrl+End in Excel goes to the "
        "last cell), and save again"
    )
    culprits = list(dict.fromkeys((extent.lowest, extent.rightmost)))
    if len(culprits) == 1:
        ((row, col),) = culprits
        message = f"this cell lies far beyond the table ({size}): delete it, {fix}"
        raise InputFileError([Problem(file_label, message, sheet=sheet, row=row, column=col)])
    named = " and ".join(f"{column_letters(col)}{row}" for row, col in culprits)
    message = f"cells {named} lie far beyond the table ({size}): delete them, {fix}"
    raise InputFileError([Problem(file_label, message, sheet=sheet)])
