"""Legacy .xls: calamine's values plus the BIFF records it does not report."""

from __future__ import annotations

import struct
from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.errors import InputFileError
from slrbcall.sheets.biff import _workbook_stream, scan_xls
from slrbcall.sheets.read import read_workbook

DATA = Path(__file__).resolve().parents[1] / "data"
LEGACY = DATA / "libreoffice-legacy.xls"
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """A minimal OLE2 file (version 3, 512-byte sectors) holding one stream in
    regular sectors: stream sectors, then one directory sector, then one FAT sector."""
    padded = stream + bytes(-len(stream) % 512)
    count = len(padded) // 512
    assert count + 2 <= 128, "one FAT sector maps 128 sectors"
    fat = [*range(1, count), END, END, FAT_SECTOR]
    fat += [FREE] * (128 - len(fat))

    def entry(title: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (title + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, FREE, FREE, child)
            + bytes(36)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, END, 0) + entry(name, 2, FREE, 0, len(stream))
    directory = directory.ljust(512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, count, 0, 4096, END, 0, END, 0)
        + struct.pack("<I", count + 1)
        + struct.pack("<108I", *([FREE] * 108))
    )
    assert len(header) == 512
    return header + padded + directory + struct.pack("<128I", *fat)


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def test_error_cells_and_hidden_rows_are_found() -> None:
    book = read_workbook(LEGACY)
    (sheet,) = book.sheets
    cells = {(c.row, c.col): (c.value, c.error) for row in sheet.rows for c in row}
    assert cells[(2, 2)] == (Decimal("44058.1"), None)
    assert cells[(2, 3)] == (None, "#DIV/0!")  # calamine alone says ""
    assert cells[(4, 3)] == (None, "#N/A")
    assert cells[(3, 3)] == (24, None)
    assert sheet.hidden_rows == frozenset({3})
    assert sheet.merged_ranges == ("A6:B6",)
    assert book.date1904 is False


def test_a_stream_in_regular_sectors(tmp_path: Path) -> None:
    # The LibreOffice file is small enough for the mini stream; pad the same
    # records past the 4096-byte cutoff to walk the regular sector chain.
    stream = _workbook_stream(LEGACY.read_bytes())
    assert len(stream) < 4096
    path = tmp_path / "big.xls"
    path.write_bytes(compound_file(stream + bytes(5000)))
    extras = scan_xls(path, wanted=["Feuil1"]).sheets["Feuil1"]
    assert extras.errors == {(2, 3): "#DIV/0!", (4, 3): "#N/A"}


def test_an_encrypted_legacy_workbook(tmp_path: Path) -> None:
    bof = record(0x0809, struct.pack("<HH", 0x0600, 0x0005) + bytes(12))
    stream = bof + record(0x002F, bytes(6)) + record(0x000A)
    path = tmp_path / "secret.xls"
    path.write_bytes(compound_file(stream.ljust(4096, b"\0")))
    with pytest.raises(InputFileError) as caught:
        scan_xls(path, wanted=["Sheet1"])
    assert str(caught.value) == (
        "secret.xls: the workbook is protected by a password: open it in Excel or LibreOffice, "
        "remove the password and save it again"
    )


def test_a_container_without_workbook_stream(tmp_path: Path) -> None:
    path = tmp_path / "odd.xls"
    path.write_bytes(compound_file(bytes(4096), name="Other"))
    with pytest.raises(InputFileError) as caught:
        scan_xls(path, wanted=["Sheet1"])
    assert str(caught.value) == (
        "odd.xls: the legacy .xls file cannot be checked for error cells (no Workbook stream): "
        "open it in Excel or LibreOffice and save it as .xlsx"
    )
