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

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from slrbcall.errors import InputFileError, Problem
from slrbcall.sheets.biff import scan_xls
from slrbcall.sheets.delimited import read_csv
from slrbcall.sheets.grid import Grid, GridRows, RawValue, exact
from slrbcall.sheets.header import pick_sheet_name
from slrbcall.sheets.model import Format, Sheet, Workbook, column_letters
from slrbcall.sheets.ods import scan_ods
from slrbcall.sheets.ooxml import scan_ooxml
from slrbcall.sheets.sniff import preflight_zip, sniff
from slrbcall.sheets.xmlparts import SheetExtras, XmlScan

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

    from slrbcall.sheets.xmlparts import SheetExtras, XmlScan

__all__ = ["exact", "read_workbook"]

_ZIPPED = (Format.XLSX, Format.XLSM, Format.ODS)
_PASSWORD = (
    "the workbook is protected by a password: open it in Excel or LibreOffice, "
    "remove the password and save it again"
)


def read_workbook(
    path: Path, *, sheet: str | None = None, meanwhile: Callable[[], object] | None = None
) -> Workbook:
    """Read every worksheet of ``path``, or only the one named ``sheet``.

    Raises :class:`InputFileError` for a file that is not a usable spreadsheet
    and for an unknown ``sheet`` (the message lists the sheet names). Chart and
    macro sheets are left out: they hold no cells.

    python-calamine parses a sheet without holding the GIL, so it runs in a worker
    thread while this one makes the XML or BIFF pass, then runs ``meanwhile`` (work
    of the caller's that needs nothing from the file): on a large file both are then
    free (bench/intake.py). ``meanwhile`` runs once the file is known to be a
    spreadsheet; its exceptions propagate.
    """
    fmt = sniff(path)
    if fmt is Format.CSV:
        workbook = read_csv(path, sheet=sheet)
        if meanwhile is not None:
            meanwhile()
        return workbook
    if fmt in _ZIPPED:
        preflight_zip(path)

    import python_calamine

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
            # A plain thread rather than concurrent.futures, whose import (with logging's)
            # would delay calamine's start.
            loaded: list[_Loaded] = []
            failed: list[BaseException] = []
            stop = threading.Event()

            def load_all() -> None:
                try:
                    for meta in metas:
                        if stop.is_set():
                            return
                        loaded.append(_load(book, meta.name))
                except BaseException as exc:  # raised again in this thread, below
                    failed.append(exc)

            worker = threading.Thread(target=load_all, name="slrbcall-read")
            worker.start()
            try:
                scan = _scan(path, fmt, [meta.name for meta in metas])
                if meanwhile is not None:
                    meanwhile()
                worker.join()
                if failed:
                    raise failed[0]
                sheets = tuple(
                    _build_sheet(
                        path.name,
                        meta.name,
                        data,
                        visible=meta.visible == python_calamine.SheetVisibleEnum.Visible,
                        extras=scan.sheets.get(meta.name, SheetExtras()),
                    )
                    for meta, data in zip(metas, loaded, strict=True)
                )
            finally:
                stop.set()
                worker.join()
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
    return InputFileError([Problem(where=path.name, message=message)])


def _scan(path: Path, fmt: Format, names: list[str]) -> XmlScan:

    if fmt in (Format.XLSX, Format.XLSM):
        return scan_ooxml(path, wanted=names)
    if fmt is Format.ODS:
        return scan_ods(path, wanted=names)
    if fmt is Format.XLS:
        return scan_xls(path, wanted=names)
    return XmlScan(sheets={}, properties={}, date1904=False)


def _build_sheet(
    file_label: str,
    name: str,
    data: _Loaded,
    *,
    visible: bool,
    extras: SheetExtras,
) -> Sheet:
    """calamine's values and the XML extras as one sheet; no cell is built here."""
    top, left = data.start or (0, 0)
    grid = _cover(data.values, top + 1, left + 1, extras.errors)
    rows = GridRows(grid)
    if extras.last_row > rows.last_row:
        raise InputFileError(
            [
                Problem(
                    where=f"{file_label}: sheet '{name}'",
                    message=f"row {extras.last_row} holds data that could not be read: "
                    "open the file in Excel or LibreOffice and save it again",
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
        hidden_rows=extras.hidden_rows(rows.last_row),
        merged_ranges=tuple(merged or extras.merged),
        visible=visible,
    )


def _cover(
    values: Sequence[Sequence[RawValue]], top: int, left: int, errors: dict[tuple[int, int], str]
) -> Grid:
    """A grid of calamine's values that also covers every error cell.

    calamine may leave a formula without a cached value out of its range, and a
    sheet may (in theory) give rows of unequal length: both are padded with empty
    values, which only happens for such files.
    """
    if not values and not errors:
        return Grid(values=[], top=1, left=1, width=0)
    if not values:
        top, left = min(errors)[0], min(col for _, col in errors)
    lengths = set(map(len, values))
    width = max(lengths, default=0)
    bottom, right = top + len(values) - 1, left + width - 1
    rows_cols = list(errors)
    new_top = min([top, *(r for r, _ in rows_cols)])
    new_left = min([left, *(c for _, c in rows_cols)])
    new_bottom = max([bottom, *(r for r, _ in rows_cols)])
    new_right = max([right, *(c for _, c in rows_cols)])
    frozen_errors = MappingProxyType(dict(errors))
    if (new_top, new_left, new_bottom, new_right) == (top, left, bottom, right) and len(
        lengths
    ) <= 1:
        return Grid(values=values, top=top, left=left, width=width, errors=frozen_errors)
    new_width = new_right - new_left + 1
    padded: list[list[RawValue]] = [[""] * new_width for _ in range(new_bottom - new_top + 1)]
    for i, row in enumerate(values):
        line = padded[top - new_top + i]
        line[left - new_left : left - new_left + len(row)] = row
    return Grid(values=padded, top=new_top, left=new_left, width=new_width, errors=frozen_errors)
