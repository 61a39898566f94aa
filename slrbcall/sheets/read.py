"""Read a whole workbook into plain, exact, frozen data.

The order is fixed: :func:`~slrbcall.sheets.sniff.sniff` the bytes, refuse a
dangerous zip (:func:`~slrbcall.sheets.sniff.preflight_zip`), read the values
with python-calamine, then overlay what calamine cannot see (error cells,
formulas without a cached value, hidden rows; see :mod:`.ooxml`, :mod:`.ods`
and :mod:`.biff`).

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
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from slrbcall.errors import InputFileError, Problem
from slrbcall.sheets.delimited import read_csv
from slrbcall.sheets.header import pick_sheet_name
from slrbcall.sheets.model import Cell, CellValue, Format, Sheet, Workbook, column_letters
from slrbcall.sheets.sniff import preflight_zip, sniff

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

    from slrbcall.sheets.xmlparts import SheetExtras, XmlScan

__all__ = ["exact", "read_workbook"]

_ZIPPED = (Format.XLSX, Format.XLSM, Format.ODS)
_RawValue = (
    int
    | float
    | str
    | bool
    | datetime.time
    | datetime.date
    | datetime.datetime
    | datetime.timedelta
)
_SECONDS_PER_DAY = Decimal(86_400)
_PASSWORD = (
    "the workbook is protected by a password: open it in Excel or LibreOffice, "
    "remove the password and save it again"
)


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

    import python_calamine

    from slrbcall.sheets.xmlparts import SheetExtras

    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            metas = [
                meta
                for meta in book.sheets_metadata
                if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            if sheet is not None:
                chosen = pick_sheet_name(path.name, [meta.name for meta in metas], sheet)
                metas = [meta for meta in metas if meta.name == chosen]
            scan = _scan(path, fmt, [meta.name for meta in metas])
            sheets = tuple(
                _build_sheet(
                    path.name,
                    meta.name,
                    book.get_sheet_by_name(meta.name),
                    visible=meta.visible == python_calamine.SheetVisibleEnum.Visible,
                    extras=scan.sheets.get(meta.name, SheetExtras()),
                )
                for meta in metas
            )
    except python_calamine.PasswordError as exc:
        raise _refuse(path, _PASSWORD) from exc
    except python_calamine.CalamineError as exc:
        raise _refuse(
            path,
            f"the file is damaged and cannot be read ({exc}): "
            "open it in Excel or LibreOffice and save it again",
        ) from exc
    return Workbook(
        path=path,
        format=fmt,
        sheets=sheets,
        properties=MappingProxyType(scan.properties),
        date1904=scan.date1904,
    )


def _refuse(path: Path, message: str) -> InputFileError:
    return InputFileError([Problem(where=path.name, message=message)])


def _scan(path: Path, fmt: Format, names: list[str]) -> XmlScan:
    from slrbcall.sheets.xmlparts import XmlScan

    if fmt in (Format.XLSX, Format.XLSM):
        from slrbcall.sheets.ooxml import scan_ooxml

        return scan_ooxml(path, wanted=names)
    if fmt is Format.ODS:
        from slrbcall.sheets.ods import scan_ods

        return scan_ods(path, wanted=names)
    if fmt is Format.XLS:
        from slrbcall.sheets.biff import scan_xls

        return scan_xls(path, wanted=names)
    return XmlScan(sheets={}, properties={}, date1904=False)


def exact(raw: _RawValue) -> CellValue:
    """calamine's value made exact: whole floats become ints, others Decimal(repr).

    ``repr`` gives the shortest text that reads back as the same float, which is
    what Excel wrote (``44058.1``, not ``44058.099999999998545``).
    """
    if raw.__class__ is float:  # the usual case first: it runs once per number cell
        return int(raw) if raw.is_integer() else Decimal(repr(raw))
    if isinstance(raw, bool | int | str | datetime.date | datetime.time):
        return raw
    if isinstance(raw, datetime.timedelta):
        # A duration cell ([h]:mm) as a number of days, like its serial value.
        micros = Decimal(raw.days * 86_400_000_000 + raw.seconds * 1_000_000 + raw.microseconds)
        return micros / (_SECONDS_PER_DAY * 1_000_000)
    if raw.is_integer():
        return int(raw)
    return Decimal(repr(raw))


def _build_sheet(
    file_label: str,
    name: str,
    data: CalamineSheet,
    *,
    visible: bool,
    extras: SheetExtras,
) -> Sheet:
    """Overlay the XML extras on calamine's values; rows become dense and numbered."""
    found: dict[int, dict[int, Cell]] = {}
    top, left = data.start or (0, 0)
    values = data.to_python() if data.start is not None else []
    new_cell = Cell  # local names: this loop runs once per cell of the sheet
    for i, raw_row in enumerate(values):
        row = top + i + 1
        cells = {
            left + j + 1: new_cell(
                row,
                left + j + 1,
                raw if raw.__class__ is str else exact(raw),
                None,
                raw.__class__ is str,
            )
            for j, raw in enumerate(raw_row)
            # "" is empty, or an error / uncached formula that the overlay restores
            if raw != "" or raw.__class__ is not str
        }
        if cells:
            found[row] = cells
    for (row, col), error in extras.errors.items():
        found.setdefault(row, {})[col] = Cell(row, col, None, error, False)
    last_row = max(found, default=0)
    if extras.last_row > last_row:
        raise InputFileError(
            [
                Problem(
                    where=f"{file_label}: sheet '{name}'",
                    message=f"row {extras.last_row} holds data that could not be read: "
                    "open the file in Excel or LibreOffice and save it again",
                )
            ]
        )
    width = max((max(cols) for cols in found.values()), default=0)
    rows = tuple(
        tuple(found[row].get(col) or Cell(row, col, None) for col in range(1, width + 1))
        for row in sorted(found)
    )
    merged = [
        f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
        for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])
    ]
    return Sheet(
        file_label=file_label,
        name=name,
        rows=rows,
        hidden_rows=extras.hidden_rows(last_row),
        merged_ranges=tuple(merged or extras.merged),
        visible=visible,
    )
