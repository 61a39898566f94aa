"""A sheet's values as read, and the cells built from them only when asked for.

A large applications file holds a million cells. Building a :class:`Cell` for each
of them cost more than python-calamine's whole read (bench/intake.py), so a read
sheet keeps calamine's own rows in a :class:`Grid`: one Python object per cell,
already made by calamine. :class:`GridRows` shows them as rows of cells, built on
demand, for the code that reads a few dozen rows (headers, marks, monitoring); the
intake reads whole columns of raw values (:meth:`Grid.columns`) and builds a cell
only for a value its quick checks do not cover.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from types import MappingProxyType
from typing import overload

from slrbcall.sheets.model import Cell, CellValue

__all__ = ["Grid", "GridRows", "RawValue", "exact", "grid_of"]

#: A value as python-calamine returns it. ``""`` is an empty cell, or an error cell
#: (see :attr:`Grid.errors`); numbers are ``float`` (xlsx, ods) or ``int`` (xls).
RawValue = (
    str
    | int
    | float
    | Decimal
    | bool
    | datetime.date
    | datetime.datetime
    | datetime.time
    | datetime.timedelta
)
_SECONDS_PER_DAY = Decimal(86_400)


def exact(raw: RawValue) -> CellValue:
    """calamine's value made exact: whole floats become ints, others Decimal(repr).

    ``repr`` gives the shortest text that reads back as the same float, which is
    what Excel wrote (``44058.1``, not ``44058.099999999998545``).
    """
    if raw.__class__ is float:  # the usual case first: it runs once per number cell
        return int(raw) if raw.is_integer() else Decimal(repr(raw))
    if isinstance(raw, bool | int | str | Decimal | datetime.date | datetime.time):
        return raw
    if isinstance(raw, datetime.timedelta):
        # A duration cell ([h]:mm) as a number of days, like its serial value.
        micros = Decimal(raw.days * 86_400_000_000 + raw.seconds * 1_000_000 + raw.microseconds)
        return micros / (_SECONDS_PER_DAY * 1_000_000)
    if raw.is_integer():
        return int(raw)
    return Decimal(repr(raw))


@dataclass(frozen=True, slots=True)
class Grid:
    """The values of a sheet, as a rectangle of raw values.

    Invariants: ``values[i][j]`` is the cell at row ``top + i`` and column
    ``left + j`` (1-based, as the user sees them); every row has ``width`` values;
    the rectangle covers every value and every error of the sheet. A cell in
    ``errors`` (``#DIV/0!``, a formula without a cached value) holds ``""`` in
    ``values`` and must never be read as empty. A ``str`` value is a text cell, so
    ``"00123"`` keeps its zeros; numbers are not exact yet (see :func:`exact`).
    """

    values: Sequence[Sequence[RawValue]]
    top: int = 1
    left: int = 1
    width: int = 0
    errors: Mapping[tuple[int, int], str] = field(default_factory=lambda: MappingProxyType({}))

    def cell(self, row: int, col: int) -> Cell:
        """The cell at ``row``, ``col``; an empty cell outside the rectangle."""
        error = self.errors.get((row, col))
        if error is not None:
            return Cell(row, col, None, error, False)
        i, j = row - self.top, col - self.left
        if i < 0 or j < 0 or i >= len(self.values) or j >= self.width:
            return Cell(row, col, None)
        raw = self.values[i][j]
        if raw.__class__ is str:
            return Cell(row, col, raw or None, None, raw != "")
        if raw.__class__ is float and not math.isfinite(raw):
            # No spreadsheet stores one, but a hand-made file can write <v>inf</v>,
            # which calamine reads; Excel shows #NUM! for a number it cannot hold.
            return Cell(row, col, None, "#NUM!", False)
        return Cell(row, col, exact(raw), None, False)

    def columns(self, cols: Sequence[int], *, below: int) -> tuple[list[int], list[list[RawValue]]]:
        """The rows under row ``below`` with a value or an error in one of ``cols``.

        Returns their row numbers, and for each of ``cols`` the raw values of those
        rows (``""`` for a column outside the rectangle). Costs one pass per column
        over calamine's rows, and no :class:`Cell`.
        """
        start = max(0, below + 1 - self.top)
        rows = self.values[start:]
        blank: list[RawValue] = [""] * len(rows)
        width = self.width
        # The rows one after the other, then each column a slice of them: two passes in
        # C, which read memory in order, rather than a pass per column over the rows.
        flat = list(chain.from_iterable(rows))
        if len(flat) != len(rows) * width:  # rows of unequal length break the invariant
            raise ValueError(f"a grid row does not hold {width} values")
        picked = [flat[j::width] if 0 <= (j := col - self.left) < width else blank for col in cols]
        if any(column is not blank and "" not in column for column in picked):
            # A column without an empty value: every row has a value (one pass in C).
            return list(range(start + self.top, start + self.top + len(rows))), picked
        wanted = set(cols)
        error_rows = {row for row, col in self.errors if col in wanted and row > below}
        empty = ("",) * len(cols)
        keep = [
            i
            for i, values in enumerate(zip(*picked, strict=True))
            if values != empty or start + self.top + i in error_rows
        ]
        if len(keep) == len(rows):
            return [start + self.top + i for i in keep], picked
        return (
            [start + self.top + i for i in keep],
            [[column[i] for i in keep] for column in picked],
        )


class GridRows(Sequence[tuple[Cell, ...]]):
    """The rows of a :class:`Grid` that hold a value or an error, as cells.

    The same rows :class:`~slrbcall.sheets.model.Sheet` promises (dense from column
    1, in order, ``row[col - 1]`` is column ``col``), built when asked for: reading the header
    of a 100,000-row sheet builds the cells of its first rows only.
    """

    __slots__ = ("_index", "grid")

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        # Every row of the grid has ``width`` values: it is blank when it equals a
        # row of empty values (one comparison in C, not one per value). Rows are
        # lists (calamine's) or tuples, and a list never equals a tuple.
        blank_list, blank_tuple = [""] * grid.width, ("",) * grid.width
        if blank_list in grid.values or blank_tuple in grid.values:
            index = [
                grid.top + i
                for i, values in enumerate(grid.values)
                if values != blank_list and values != blank_tuple
            ]
        else:  # the usual sheet: no blank row (one pass in C)
            index = list(range(grid.top, grid.top + len(grid.values)))
        if grid.errors:
            index = sorted({*index, *(row for row, _ in grid.errors)})
        self._index = index

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, item: int) -> tuple[Cell, ...]: ...

    @overload
    def __getitem__(self, item: slice) -> tuple[tuple[Cell, ...], ...]: ...

    def __getitem__(self, item: int | slice) -> tuple[Cell, ...] | tuple[tuple[Cell, ...], ...]:
        if isinstance(item, slice):
            return tuple(self._row(row) for row in self._index[item])
        return self._row(self._index[item])

    def __iter__(self) -> Iterator[tuple[Cell, ...]]:
        return (self._row(row) for row in self._index)

    @property
    def last_row(self) -> int:
        """The number of the last row that holds something (0 for an empty sheet)."""
        return self._index[-1] if self._index else 0

    def _row(self, row: int) -> tuple[Cell, ...]:
        cell = self.grid.cell
        return tuple(cell(row, col) for col in range(1, self.grid.left + self.grid.width))


def grid_of(rows: Sequence[tuple[Cell, ...]]) -> Grid:
    """The grid behind a sheet's rows; built from the cells for a sheet made of cells."""
    if isinstance(rows, GridRows):
        return rows.grid
    if not rows:
        return Grid(values=())
    top, bottom = rows[0][0].row, rows[-1][0].row
    width = len(rows[0])
    values: list[list[RawValue]] = [[""] * width for _ in range(bottom - top + 1)]
    errors: dict[tuple[int, int], str] = {}
    for cells in rows:
        line = values[cells[0].row - top]
        for cell in cells:
            if cell.error is not None:
                errors[(cell.row, cell.col)] = cell.error
            elif cell.value is not None:
                line[cell.col - 1] = cell.value
    return Grid(values=values, top=top, left=1, width=width, errors=MappingProxyType(errors))
