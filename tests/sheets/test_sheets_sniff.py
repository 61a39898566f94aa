"""sniff() tells the format from the bytes; preflight_zip() refuses dangerous zips."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from slrbcall.errors import EXIT_INPUT, InputFileError
from slrbcall.sheets import Format
from slrbcall.sheets.read import read_workbook
from slrbcall.sheets.sniff import ZipLimits, preflight_zip, sniff

DATA = Path(__file__).resolve().parents[1] / "data"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"


def refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        sniff(path)
    assert caught.value.exit_code == EXIT_INPUT
    assert len(caught.value.problems) == 1
    return str(caught.value)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def make_zip(tmp_path: Path, name: str, members: dict[str, str]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


# --- what sniff recognises ---------------------------------------------------------


def test_xlsx_is_told_by_content_not_by_name(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([["a"]], name="export.csv")
    assert sniff(path) is Format.XLSX


def test_xlsm_is_told_by_the_workbook_content_type(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    path = make_xlsx([["a"]], name="macros.xlsx")
    patch(
        path,
        "[Content_Types].xml",
        lambda text: text.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    assert sniff(path) is Format.XLSM
    assert read_workbook(path).format is Format.XLSM


def test_ods_is_told_by_its_mimetype_member(make_ods: Callable[..., Path]) -> None:
    assert sniff(make_ods([["a"]], name="candidatures.xlsx")) is Format.ODS


def test_a_genuine_xls_saved_by_libreoffice() -> None:
    assert sniff(DATA / "libreoffice-legacy.xls") is Format.XLS


@pytest.mark.parametrize(
    "data",
    [b"Reference;Amount\r\nA-1;12\r\n", b"\xef\xbb\xbfR\xc3\xa9f\xc3\xa9rence;Montant\r\n"],
    ids=["plain", "bom-and-accents"],
)
def test_utf8_text_is_csv(tmp_path: Path, data: bytes) -> None:
    assert sniff(write(tmp_path, "applications.csv", data)) is Format.CSV


def test_a_multibyte_character_cut_by_the_scan_window_is_still_utf8(tmp_path: Path) -> None:
    data = b"a;b\n" + "é".encode() * 40_000  # 80,004 bytes: the 64 KiB window cuts an é
    assert sniff(write(tmp_path, "long.csv", data)) is Format.CSV


# --- what sniff refuses, with the exact message ------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nope.xlsx") == (
        "nope.xlsx: file not found: check the name and the folder"
    )


def test_a_folder(tmp_path: Path) -> None:
    (tmp_path / "applications.xlsx").mkdir()
    assert refusal(tmp_path / "applications.xlsx") == (
        "applications.xlsx: this is a folder, not a file: give the path of the spreadsheet"
    )


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.xlsx", b"PK\x03\x04")

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    assert refusal(path) == (
        "locked.xlsx: cannot be read (Permission denied): "
        "close it in Excel and check its permissions"
    )


def test_empty_file(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, "applications.xlsx", b"")) == (
        "applications.xlsx: the file is empty (0 bytes): save the spreadsheet again"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><table></table></body></html>",
        b"\xef\xbb\xbf \r\n <HTML><table>",
        b"<table border=1><tr><td>1</td></tr></table>",
    ],
    ids=["doctype", "bom-whitespace-html", "bare-table"],
)
def test_html_saved_as_a_spreadsheet(tmp_path: Path, data: bytes) -> None:
    assert refusal(write(tmp_path, "export.xls", data)) == (
        "export.xls: this is a web page (HTML) saved with a spreadsheet name, "
        f"not a spreadsheet: {SAVE_AS}"
    )


def test_password_protected_workbook(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE2 container with an EncryptedPackage stream.
    data = OLE2 + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(100)
    data += "EncryptedPackage".encode("utf-16-le") + bytes(1000)
    assert refusal(write(tmp_path, "secret.xlsx", data)) == (
        "secret.xlsx: the workbook is protected by a password: open it in Excel, remove the "
        "password (File > Info > Protect Workbook > Encrypt with Password) and save it again"
    )


def test_ole2_that_is_not_a_workbook(tmp_path: Path) -> None:
    data = OLE2 + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(1000)
    assert refusal(write(tmp_path, "letter.xls", data)) == (
        "letter.xls: this is an old Office document (Word or PowerPoint?), "
        f"not a workbook: {SAVE_AS}"
    )


def test_truncated_download(tmp_path: Path, make_xlsx: Callable[..., Path]) -> None:
    whole = make_xlsx([["a", 1]] * 50).read_bytes()
    path = write(tmp_path, "half.xlsx", whole[: len(whole) // 2])
    assert refusal(path) == (
        "half.xlsx: the file is damaged or incomplete (a zip whose end is missing, "
        "often a download that did not finish): download or copy it again"
    )


def test_word_document(tmp_path: Path) -> None:
    types = (
        '<Types><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    path = make_zip(tmp_path, "convention.xlsx", {"[Content_Types].xml": types})
    assert refusal(path) == (
        f"convention.xlsx: this is a Word document (.docx), not a spreadsheet: {SAVE_AS}"
    )


def test_opendocument_text(tmp_path: Path) -> None:
    path = make_zip(tmp_path, "lettre.ods", {"mimetype": "application/vnd.oasis.opendocument.text"})
    assert refusal(path) == (
        f"lettre.ods: this is an OpenDocument text document (.odt), not a spreadsheet: {SAVE_AS}"
    )


def test_plain_zip_archive(tmp_path: Path) -> None:
    path = make_zip(tmp_path, "photos.xlsx", {"a.txt": "hello"})
    assert refusal(path) == f"photos.xlsx: this is a zip archive, not a spreadsheet: {SAVE_AS}"


def test_binary_data(tmp_path: Path) -> None:
    path = write(tmp_path, "image.xlsx", bytes(range(256)) * 4)
    assert refusal(path) == (
        f"image.xlsx: this is not a spreadsheet (binary data of an unknown kind): {SAVE_AS}"
    )


def test_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert refusal(path) == (
        "scan.xlsx: this is a PDF document, not a spreadsheet: ask for the .xlsx file"
    )


def test_text_in_windows_1252(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", "Référence;Montant\r\nA;1\r\n".encode("cp1252"))
    assert refusal(path) == (
        "export.csv: the text is not in UTF-8 (probably Windows-1252): save it as "
        "'CSV UTF-8 (comma delimited)' in Excel, or as .xlsx"
    )


def test_text_in_utf16(tmp_path: Path) -> None:
    path = write(tmp_path, "export.txt", "Référence\tMontant\r\n".encode("utf-16"))
    assert refusal(path) == (
        "export.txt: the text is in UTF-16 (Excel's 'Unicode text'), not UTF-8: "
        "save it as 'CSV UTF-8 (comma delimited)' or as .xlsx"
    )


# --- preflight_zip ---------------------------------------------------------------


def test_a_normal_workbook_passes(make_xlsx: Callable[..., Path]) -> None:
    preflight_zip(make_xlsx([["a", 1]] * 100))


def test_zip_bomb_is_refused_fast_and_light(make_bomb: Callable[..., Path]) -> None:
    path = make_bomb(size_mib=1024)  # one member that really inflates to 1 GiB
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert str(caught.value) == (
        "bomb.xlsx: refused: member 'xl/worksheets/sheet1.xml' would expand 1,011 times "
        "(at most 200); this looks like a zip bomb"
    )
    assert elapsed < 2
    assert peak < 16 * 1024 * 1024


def test_total_declared_size(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([["a", 1]])
    with pytest.raises(InputFileError) as caught:
        preflight_zip(path, limits=ZipLimits(max_total_size=1024 * 1024 // 64))
    assert str(caught.value) == (
        "applications.xlsx: refused: the zip would expand to 0 MiB (at most 0 MiB); "
        "this is not a normal spreadsheet"
    )


def test_member_count(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([["a"]])
    count = len(zipfile.ZipFile(path).infolist())
    with pytest.raises(InputFileError) as caught:
        preflight_zip(path, limits=ZipLimits(max_members=3))
    assert str(caught.value) == (
        f"applications.xlsx: refused: the zip holds {count} members (at most 3); "
        "this is not a normal spreadsheet"
    )


@pytest.mark.parametrize(
    "member",
    ["../../evil.xml", "/etc/evil.xml", "xl/../../evil.xml", "C:\\Windows\\evil.xml", "..\\x.xml"],
    ids=["dotdot", "absolute", "inner-dotdot", "drive-letter", "backslash-dotdot"],
)
def test_unsafe_member_names(tmp_path: Path, member: str) -> None:
    path = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(zipfile.ZipInfo(member), "x")
    with pytest.raises(InputFileError) as caught:
        preflight_zip(path)
    assert str(caught.value) == (
        f"evil.xlsx: refused: the zip holds a member with an unsafe path {member!r}"
    )
