"""Read a whole workbook into plain, exact, frozen data.

The order is fixed: :func:`~slrbcall.sheets.sniff.sniff` the bytes, refuse a
dangerous zip (:func:`~slrbcall.sheets.sniff.preflight_zip`), pass over the sheets'
XML or records once (:mod:`.ooxml`, :mod:`.ods` and :mod:`.biff`) to find what
calamine cannot see (error cells, formulas without a cached value, hidden rows) and
how far the cells reach, refuse a sheet that reaches too far
(:func:`~slrbcall.sheets.extent.check_extent`), and only then read the values with
python-calamine and overlay the rest.

What python-calamine 0.9.1 does, measured on real files and relied on here:

* numbers come back as ``float`` from xlsx and ods (``12`` is ``12.0``), as
  ``int`` or ``float`` from xls; dates, datetimes and times as such (honouring
  ``date1904``), durations as ``timedelta``;
* error cells (in every format), formulas without a cached value and empty
  cells all come back as ``""``; the XML or BIFF pass is what tells them apart;
* hidden rows are not reported; merged cells only for xlsx and xls;
* a ``<dimension>`` that is too small is ignored: every row present is read.
  Should a later version trust it, the XML pass notices and the file is refused
  rather than read short.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from slrbcall.errors import InputFileError, Problem
from slrbcall.sheets.biff import scan_xls
from slrbcall.sheets.delimited import read_csv
from slrbcall.sheets.extent import check_extent
from slrbcall.sheets.header import pick_sheet_name
from slrbcall.sheets.model import Cell, CellValue, Format, Sheet, Workbook, column_letters
from slrbcall.sheets.ods import scan_ods
from slrbcall.sheets.ooxml import scan_ooxml
from slrbcall.sheets.sniff import preflight_zip, sniff
from slrbcall.sheets.xmlparts import SheetExtras, XmlScan

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

__all__ = ["RawValue", "exact", "read_workbook"]

#: A value as python-calamine returns it. ``""`` is an empty cell, or an error cell
#: (the XML or BIFF pass tells them apart); numbers are ``float`` (xlsx, ods) or ``int``
#: (xls).
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

_ZIPPED = (Format.XLSX, Format.XLSM, Format.ODS)
_PASSWORD = (
    "the workbook is protected by a password: open it in Excel or LibreOffice, "
    "remove the password and save it again"
)
_SECONDS_PER_DAY = Decimal(86_400)


def read_workbook(path: Path, *, sheet: str | None = None) -> Workbook:
    """Read every worksheet of ``path``, or only the one named ``sheet``.

    Raises :class:`InputFileError` for a file that is not a usable spreadsheet
    and for an unknown ``sheet`` (the message lists the sheet names). Chart and
    macro sheets are left out: they hold no cells.
    """
    fmt = sniff(path)
    if fmt is Format.CSV:
        return read_csv(path, sheet=sheet)
    if fmt in _ZIPPED:
        preflight_zip(path)
    # Every sheet, before calamine opens the file: it builds the grids of an .ods as it
    # opens it, and trips over a damaged .xls container (a Rust panic, with its own
    # lines on stderr) where our pass refuses it with one line.
    scan = _checked(path, _scan(path, fmt))

    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            metas = [
                meta
                for meta in book.sheets_metadata
                if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            if fmt is not Format.XLS and any(meta.name not in scan.sheets for meta in metas):
                # A sheet whose XML our pass did not find: its extent is unknown.
                raise _refuse(
                    path,
                    "the workbook's parts are not where its index says: "
                    "open it in Excel or LibreOffice and save it again",
                )
            if sheet is not None:
                chosen = pick_sheet_name(path.name, [meta.name for meta in metas], sheet)
                metas = [meta for meta in metas if meta.name == chosen]
            sheets = tuple(
                _build_sheet(
                    path.name,
                    meta.name,
                    _load(book, meta.name),
                    visible=meta.visible == python_calamine.SheetVisibleEnum.Visible,
                    extras=scan.sheets.get(meta.name, SheetExtras()),
                )
                for meta in metas
            )
    except python_calamine.PasswordError as exc:
        raise _refuse(path, _PASSWORD) from exc
    except python_calamine.CalamineError as exc:
        raise _damaged(path, exc) from exc
    except BaseException as exc:
        # A file calamine's Rust code trips over ends in a pyo3 PanicException, which
        # derives from BaseException and cannot be imported by name.
        if type(exc).__module__ != "pyo3_runtime":
            raise
        raise _damaged(path, exc) from exc
    return Workbook(
        path=path,
        format=fmt,
        sheets=sheets,
        properties=MappingProxyType(scan.properties),
        date1904=scan.date1904,
    )


def _checked(path: Path, scan: XmlScan) -> XmlScan:
    """``scan``, once no sheet of it reaches too far for a reader's grid."""
    for name, extras in scan.sheets.items():
        check_extent(path.name, name, extras.extent)
    return scan


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What calamine gives of one sheet: where its values start, the values, merges."""

    start: tuple[int, int] | None
    values: Sequence[Sequence[RawValue]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


def _load(book: CalamineWorkbook, name: str) -> _Loaded:
    data = book.get_sheet_by_name(name)
    start = data.start
    values = data.to_python() if start is not None else []
    return _Loaded(start, values, list(data.merged_cell_ranges or []))


def _refuse(path: Path, message: str) -> InputFileError:
    return InputFileError([Problem(path.name, message)])


def _damaged(path: Path, exc: BaseException) -> InputFileError:
    return _refuse(
        path,
        f"the file is damaged and cannot be read ({exc}): "
        "open it in Excel or LibreOffice and save it again",
    )


def _scan(path: Path, fmt: Format) -> XmlScan:
    if fmt in (Format.XLSX, Format.XLSM):
        return scan_ooxml(path)
    if fmt is Format.ODS:
        return scan_ods(path)
    return scan_xls(path)


def _build_sheet(
    file_label: str,
    name: str,
    data: _Loaded,
    *,
    visible: bool,
    extras: SheetExtras,
) -> Sheet:
    """calamine's values and the XML extras as one sheet of cells."""
    top, left = data.start or (0, 0)
    rows = _rows(data.values, top + 1, left + 1, extras.errors)
    last_row = rows[-1][0].row if rows else 0
    if extras.last_row > last_row:
        raise InputFileError(
            [
                Problem(
                    file_label,
                    f"row {extras.last_row} holds data that could not be read: "
                    "open the file in Excel or LibreOffice and save it again",
                    sheet=name,
                )
            ]
        )
    merged = [
        f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
        for (r0, c0), (r1, c1) in data.merged
    ]
    return Sheet(
        file_label=file_label,
        name=name,
        rows=rows,
        hidden_rows=extras.hidden_rows(last_row),
        merged_ranges=tuple(merged or extras.merged),
        visible=visible,
    )


def _rows(
    values: Sequence[Sequence[RawValue]],
    top: int,
    left: int,
    errors: Mapping[tuple[int, int], str],
) -> tuple[tuple[Cell, ...], ...]:
    """calamine's values (its first at row ``top``, column ``left``) and the error
    cells, as the rows :class:`~slrbcall.sheets.model.Sheet` promises.

    Every row holds a cell for each column from 1 to the last one used; a row with
    no value and no error is left out. calamine may leave an error cell out of its
    range, and a row may be shorter than the others: the rows cover them all.
    """
    errors_in: dict[int, dict[int, str]] = {}
    for (row, col), error in errors.items():
        errors_in.setdefault(row, {})[col] = error
    width = max([left - 1 + len(line) for line in values] + [col for _, col in errors], default=0)
    rows = []
    for number in sorted({*range(top, top + len(values)), *errors_in}):
        i = number - top
        line = values[i] if 0 <= i < len(values) else ()
        flagged = errors_in.get(number, {})
        if not flagged and all(raw == "" for raw in line):
            continue
        rows.append(
            tuple(
                _cell(
                    number,
                    col,
                    line[col - left] if 0 <= col - left < len(line) else "",
                    flagged.get(col),
                )
                for col in range(1, width + 1)
            )
        )
    return tuple(rows)


def _cell(row: int, col: int, raw: RawValue, error: str | None) -> Cell:
    if error is not None:
        return Cell(row, col, None, error)
    if isinstance(raw, str):
        # A text cell keeps its text as typed, so "00123" keeps its zeros.
        return Cell(row, col, raw or None, None, raw != "")
    if isinstance(raw, float) and not math.isfinite(raw):
        # No spreadsheet stores one, but a hand-made file can write <v>inf</v>, which
        # calamine reads; Excel shows #NUM! for a number it cannot hold.
        return Cell(row, col, None, "#NUM!")
    return Cell(row, col, exact(raw))


def exact(raw: RawValue) -> CellValue:
    """calamine's number made exact: whole floats become ints, others Decimal(repr).

    ``repr`` gives the shortest text that reads back as the same float, which is
    what Excel wrote (``44058.1``, not ``44058.099999999998545``).
    """
    if isinstance(raw, datetime.timedelta):
        # A duration cell ([h]:mm) as a number of days, like its serial value.
        micros = Decimal(raw.days * 86_400_000_000 + raw.seconds * 1_000_000 + raw.microseconds)
        return micros / (_SECONDS_PER_DAY * 1_000_000)
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else Decimal(repr(raw))
    return raw
