"""What a legacy .xls says beyond calamine's values: one pass over its BIFF records.

python-calamine 0.9 reads an .xls error cell (a BOOLERR record, or a FORMULA
record whose cached result is an error) as an empty string, and does not report
hidden rows. The records that say so are simple, so they are read here from the
``Workbook`` stream (BIFF8, Excel 97-2003) or ``Book`` stream (BIFF5, Excel 95)
of the OLE2 compound file:

* ``BOUNDSHEET`` (0x0085): each sheet's name and where its records start;
* ``DATEMODE`` (0x0022): the 1904 epoch;
* ``FILEPASS`` (0x002F): the workbook is encrypted;
* ``ROW`` (0x0208) with ``fDyZero``: a hidden row;
* ``BOOLERR`` (0x0205) with ``fError``, and ``FORMULA`` (0x0006) whose result
  bytes end in ``FFFF`` with type 2: an error cell.

A formula in .xls always carries its cached result, so there is no "formula
without a cached value" here. Anything unexpected in the container refuses the
file with a request to save it as .xlsx, rather than reading it unchecked.
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Iterator
from pathlib import Path

from slrbcall.errors import InputFileError, Problem
from slrbcall.sheets.xmlparts import SheetExtras, XmlScan

__all__ = ["scan_xls"]

#: A legacy workbook holds at most 65,536 rows; this bounds memory on a hostile file.
XLS_MAX_BYTES = 256 * 1024 * 1024
_END_OF_CHAIN = 0xFFFFFFFA  # sector numbers from here up are markers, not sectors
_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_HIDDEN_ROW = 0x0020
_PASSWORD = (
    "the workbook is protected by a password: open it in Excel or LibreOffice, "
    "remove the password and save it again"
)


class _BadContainerError(ValueError):
    """The OLE2 container or the BIFF records are not as the format says."""


def scan_xls(path: Path, *, wanted: Collection[str] | None = None) -> XmlScan:
    """Error cells, hidden rows and extent of the ``wanted`` sheets (all of them when
    None), and the epoch."""
    if path.stat().st_size > XLS_MAX_BYTES:
        raise _refuse(path, "the legacy .xls file is too large to check: save it as .xlsx")
    try:
        stream = _workbook_stream(path.read_bytes())
        return _scan_records(path, stream, wanted)
    except (_BadContainerError, struct.error, IndexError) as exc:
        raise _refuse(
            path,
            f"the legacy .xls file cannot be checked for error cells ({exc}): "
            "open it in Excel or LibreOffice and save it as .xlsx",
        ) from exc


def _refuse(path: Path, message: str) -> InputFileError:
    return InputFileError([Problem(path.name, message)])


def _u16(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 2], "little")


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _workbook_stream(data: bytes) -> bytes:
    """The ``Workbook`` (or ``Book``) stream of an OLE2 compound file."""
    sector_size = 1 << _u16(data, 0x1E)
    mini_size = 1 << _u16(data, 0x20)
    if sector_size not in (512, 4096) or mini_size != 64:
        raise _BadContainerError("unexpected sector size")
    sector_count = len(data) // sector_size

    def sector(number: int) -> bytes:
        if number >= sector_count:
            raise _BadContainerError(f"sector {number} is beyond the file")
        start = (number + 1) * sector_size
        return data[start : start + sector_size]

    def numbers(block: bytes) -> list[int]:
        return [_u32(block, i) for i in range(0, len(block), 4)]

    def chain(first: int, table: list[int]) -> Iterator[int]:
        current, seen = first, 0
        while current < _END_OF_CHAIN:
            if current >= len(table) or seen > len(table):
                raise _BadContainerError("broken sector chain")
            yield current
            current, seen = table[current], seen + 1

    difat = numbers(data[0x4C:0x200])
    extra, extra_count = _u32(data, 0x44), _u32(data, 0x48)
    for _ in range(extra_count):
        if extra >= _END_OF_CHAIN:
            break
        listed = numbers(sector(extra))
        difat += listed[:-1]
        extra = listed[-1]
    fat = [n for s in difat if s < _END_OF_CHAIN for n in numbers(sector(s))]
    directory = b"".join(sector(s) for s in chain(_u32(data, 0x30), fat))
    entries: dict[str, tuple[int, int, int]] = {}  # name -> (type, first sector, size)
    for offset in range(0, len(directory), 128):
        entry = directory[offset : offset + 128]
        name_length = _u16(entry, 64)
        if not 2 <= name_length <= 64:
            continue
        name = entry[: name_length - 2].decode("utf-16-le", "replace")
        entries[name] = (entry[66], _u32(entry, 116), _u32(entry, 120))
    root = entries.get("Root Entry")
    found = entries.get("Workbook") or entries.get("Book")
    if root is None or found is None or found[0] != 2:
        raise _BadContainerError("no Workbook stream")
    _, first, size = found
    if size >= _u32(data, 0x38):  # at or above the mini-stream cutoff (4096)
        return b"".join(sector(s) for s in chain(first, fat))[:size]
    minifat = [n for s in chain(_u32(data, 0x3C), fat) for n in numbers(sector(s))]
    ministream = b"".join(sector(s) for s in chain(root[1], fat))
    pieces = (ministream[s * mini_size : (s + 1) * mini_size] for s in chain(first, minifat))
    return b"".join(pieces)[:size]


def _records(stream: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record from ``start`` up to and including EOF (0x000A)."""
    position = start
    while position + 4 <= len(stream):
        kind, length = _u16(stream, position), _u16(stream, position + 2)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        yield kind, body
        if kind == 0x000A:
            return
    raise _BadContainerError("records end without EOF")


def _scan_records(path: Path, stream: bytes, wanted: Collection[str] | None) -> XmlScan:
    biff8 = len(stream) >= 6 and _u16(stream, 4) == 0x0600
    sheets: dict[str, int] = {}
    date1904 = False
    for kind, body in _records(stream, 0):
        if kind == 0x002F:
            raise _refuse(path, _PASSWORD)
        if kind == 0x0022:
            date1904 = _u16(body, 0) == 1
        elif kind == 0x0085:
            sheets[_sheet_name(body, biff8=biff8)] = _u32(body, 0)
    names = sheets if wanted is None else [name for name in wanted if name in sheets]
    extras = {name: _scan_sheet(stream, sheets[name]) for name in names}
    return XmlScan(sheets=extras, properties={}, date1904=date1904)


def _sheet_name(body: bytes, *, biff8: bool) -> str:
    length = body[6]
    if not biff8:
        return body[7 : 7 + length].decode("cp1252", "replace")
    if body[7] & 0x01:  # fHighByte: UTF-16-LE, else compressed Latin-1
        return body[8 : 8 + 2 * length].decode("utf-16-le", "replace")
    return body[8 : 8 + length].decode("latin-1")


#: The records of a cell that holds a value, each starting with its row and column:
#: LABELSST, LABEL, NUMBER, RK, BOOLERR, FORMULA, RSTRING (BLANK holds none).
_VALUE_CELLS = frozenset({0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x0006, 0x00D6})
_MULRK = 0x00BD  # several RK cells in one row: row, first column, ..., last column


def _scan_sheet(stream: bytes, offset: int) -> SheetExtras:
    extras = SheetExtras()
    for kind, body in _records(stream, offset):
        if kind in _VALUE_CELLS:
            extras.extent.add(_u16(body, 0) + 1, _u16(body, 2) + 1)
        elif kind == _MULRK:
            extras.extent.add_block(_u16(body, 0) + 1, _u16(body, 2) + 1, 1, _mulrk_width(body))
        if kind == 0x0208 and _u16(body, 12) & _HIDDEN_ROW:
            row = _u16(body, 0) + 1
            extras.hidden.append((row, row))
        if kind == 0x0205 and body[7] == 1:
            extras.flag(_u16(body, 0) + 1, _u16(body, 2) + 1, _ERRORS.get(body[6], "#N/A"))
        elif kind == 0x0006 and body[12:14] == b"\xff\xff" and body[6] == 2:
            extras.flag(_u16(body, 0) + 1, _u16(body, 2) + 1, _ERRORS.get(body[8], "#N/A"))
    return extras


def _mulrk_width(body: bytes) -> int:
    """The cells of a MULRK record: from its first column to the last, in its last bytes."""
    return max(_u16(body, len(body) - 2) - _u16(body, 2) + 1, 1)
