"""Tell a spreadsheet's format from its first bytes, and check a zip before parsing it.

Officers receive files by e-mail and from web portals, so the name often lies:
an HTML export saved as ``.xls``, a password-protected workbook, a half-finished
download, a Word document renamed. :func:`sniff` recognises each and says what to
do, in one :class:`~slrbcall.errors.InputFileError` line.

:func:`preflight_zip` reads only the zip's central directory (nothing is
decompressed), so a zip bomb is refused in milliseconds and with little memory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.errors import InputFileError, Problem
from slrbcall.sheets.model import Format

if TYPE_CHECKING:
    import zipfile

__all__ = ["ZipLimits", "preflight_zip", "sniff"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_UTF8_BOM = b"\xef\xbb\xbf"
# Enough to hold the directory of any workbook a person makes: the OLE2 directory
# usually sits in the first sectors; the first directory sector is read as well.
_OLE2_SCAN = 512 * 1024
_TEXT_SCAN = 64 * 1024
#: A member of the zip read during sniffing ([Content_Types].xml, mimetype).
_SMALL_MEMBER = 1024 * 1024

_SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"

_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "an OpenDocument text document (.odt)",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)",
    "application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing (.odg)",
}
# The content type of the main part names the kind of Office document.
_OOXML_KINDS = {
    "spreadsheetml.sheet.main+xml": Format.XLSX,
    "spreadsheetml.template.main+xml": Format.XLSX,
    "ms-excel.sheet.macroEnabled.main+xml": Format.XLSM,
    "ms-excel.template.macroEnabled.main+xml": Format.XLSM,
}
_OOXML_OTHERS = {
    "ms-excel.sheet.binary.macroEnabled.main": "an Excel binary workbook (.xlsb)",
    "wordprocessingml": "a Word document (.docx)",
    "ms-word": "a Word document (.docm)",
    "presentationml": "a PowerPoint presentation (.pptx)",
    "ms-powerpoint": "a PowerPoint presentation (.pptm)",
}


def _refuse(path: Path, message: str) -> InputFileError:
    return InputFileError([Problem(path.name, message)])


def sniff(path: Path) -> Format:
    """The format of the file at ``path``, told from its content.

    Raises :class:`InputFileError` (one line, naming the file) for a missing,
    empty, unreadable or encrypted file, a web page, a damaged zip, another kind of
    document, binary data, and text that is not UTF-8.
    """
    try:
        if not path.exists():
            raise _refuse(path, "file not found: check the name and the folder")
        if path.is_dir():
            raise _refuse(path, "this is a folder, not a file: give the path of the spreadsheet")
        if not path.is_file():  # reading /dev/zero never ends, reading a pipe may not
            raise _refuse(path, "this is not a plain file (a device or a pipe): give a spreadsheet")
        with path.open("rb") as stream:
            head = stream.read(_OLE2_SCAN)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _refuse(
            path, f"cannot be read ({reason}): close it in Excel and check its permissions"
        ) from exc
    if not head:
        raise _refuse(path, "the file is empty (0 bytes): save the spreadsheet again")
    if head.startswith(_OLE2):
        return _sniff_ole2(path, head)
    if head.startswith((_ZIP, _EMPTY_ZIP)):
        return _sniff_zip(path)
    return _sniff_text(path, head[:_TEXT_SCAN])


def _utf16le(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_ole2(path: Path, head: bytes) -> Format:
    """An OLE2 compound file: a legacy .xls, an encrypted OOXML file, or else."""
    directory = head + _first_directory_sector(path, head)
    # An encrypted .xlsx is an OLE2 container holding the EncryptedPackage stream.
    if _utf16le("EncryptedPackage") in directory:
        raise _refuse(
            path,
            "the workbook is protected by a password: open it in Excel, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password) and save it again",
        )
    if _utf16le("Workbook") in directory or _utf16le("Book") in directory:
        return Format.XLS
    raise _refuse(
        path,
        f"this is an old Office document (Word or PowerPoint?), not a workbook: {_SAVE_AS_XLSX}",
    )


def _first_directory_sector(path: Path, head: bytes) -> bytes:
    """The first sector of the OLE2 directory, which lists the streams' names."""
    if len(head) < 0x34:
        return b""
    sector_size = 1 << int.from_bytes(head[0x1E:0x20], "little")
    first = int.from_bytes(head[0x30:0x34], "little")
    if sector_size not in (512, 4096) or first >= 0xFFFFFFFA:
        return b""
    offset = (first + 1) * sector_size
    if offset + sector_size <= len(head):
        return b""  # already in the scanned head
    with path.open("rb") as stream:
        stream.seek(offset)
        return stream.read(sector_size)


def _sniff_zip(path: Path) -> Format:
    """A zip: OOXML spreadsheet, ODS, or another kind of document."""

    try:
        with zipfile.ZipFile(path) as archive:
            names = {info.filename: info for info in archive.infolist()}
            if "mimetype" in names:
                mimetype = _read_small(archive, names["mimetype"]).decode("ascii", "replace")
                return _odf_format(path, mimetype.strip())
            if "[Content_Types].xml" in names:
                types = _read_small(archive, names["[Content_Types].xml"])
                return _ooxml_format(path, types.decode("utf-8", "replace"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise _refuse(
            path,
            "the file is damaged or incomplete (a zip whose end is missing, "
            "often a download that did not finish): download or copy it again",
        ) from exc
    raise _refuse(path, f"this is a zip archive, not a spreadsheet: {_SAVE_AS_XLSX}")


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Declared sizes bound what zipfile decompresses, so this read stays small.
    if info.file_size > _SMALL_MEMBER:
        return b""
    with archive.open(info) as member:
        return member.read(_SMALL_MEMBER)


def _odf_format(path: Path, mimetype: str) -> Format:
    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
        return Format.ODS
    kind = _ODF_KINDS.get(mimetype, "an OpenDocument file")
    raise _refuse(path, f"this is {kind}, not a spreadsheet: {_SAVE_AS_XLSX}")


def _ooxml_format(path: Path, content_types: str) -> Format:
    # A plain substring test on the content types is enough to name the kind, and
    # needs no XML parser on a file that is not yet known to be safe.
    for marker, fmt in _OOXML_KINDS.items():
        if marker in content_types:
            return fmt
    for marker, kind in _OOXML_OTHERS.items():
        if marker in content_types:
            raise _refuse(path, f"this is {kind}, not a spreadsheet: {_SAVE_AS_XLSX}")
    raise _refuse(path, f"this is an Office document but not a workbook: {_SAVE_AS_XLSX}")


def _sniff_text(path: Path, head: bytes) -> Format:
    """Plain text (CSV in UTF-8), a web page, or binary data."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(
            path,
            "the text is in UTF-16 (Excel's 'Unicode text'), not UTF-8: "
            "save it as 'CSV UTF-8 (comma delimited)' or as .xlsx",
        )
    start = head.removeprefix(_UTF8_BOM).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        raise _refuse(
            path,
            "this is a web page (HTML) saved with a spreadsheet name, not a spreadsheet: "
            f"{_SAVE_AS_XLSX}",
        )
    if start.startswith(b"%pdf"):
        raise _refuse(path, "this is a PDF document, not a spreadsheet: ask for the .xlsx file")
    if b"\x00" in head or _looks_binary(head):
        raise _refuse(
            path, f"this is not a spreadsheet (binary data of an unknown kind): {_SAVE_AS_XLSX}"
        )
    try:
        # A multi-byte character may be cut at the end of the scanned head.
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            raise _refuse(
                path,
                "the text is not in UTF-8 (probably Windows-1252): save it as "
                "'CSV UTF-8 (comma delimited)' in Excel, or as .xlsx",
            ) from exc
    return Format.CSV


def _looks_binary(head: bytes) -> bool:
    """More than 1 in 20 bytes are control characters other than tab and line ends."""
    controls = sum(1 for byte in head if byte < 0x20 and byte not in (0x09, 0x0A, 0x0D, 0x0C))
    return controls * 20 > len(head)


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What a zip-based spreadsheet may declare before it is parsed.

    The defaults are far above any real workbook (a 100,000-row sheet is about
    30 MiB of XML, an .xlsx rarely has 100 members, and sheet XML compresses
    about 10:1, rarely beyond 100:1) and far below what would hurt a laptop.
    The ratio applies only to members above ``ratio_floor`` bytes, because tiny
    members (an empty styles part) compress oddly without harm.
    """

    max_members: int = 10_000
    max_total_size: int = 512 * 1024 * 1024
    max_ratio: int = 200
    ratio_floor: int = 1024 * 1024


def preflight_zip(path: Path, *, limits: ZipLimits = ZipLimits()) -> None:
    """Refuse a zip whose central directory declares too much, or unsafe names.

    Only the central directory is read: member count, declared sizes, names.
    Nothing is decompressed. Raises :class:`InputFileError` with one line.
    Python's zipfile never inflates a member beyond its declared size, so the
    later XML passes are bounded by what is checked here.
    """

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise _refuse(path, "the file is damaged or incomplete: download or copy it again") from exc
    if len(members) > limits.max_members:
        raise _refuse(
            path,
            f"refused: the zip holds {len(members)} members (at most {limits.max_members}); "
            "this is not a normal spreadsheet",
        )
    total = 0
    for info in members:
        name = info.filename
        if _unsafe_name(name):
            raise _refuse(path, f"refused: the zip holds a member with an unsafe path {name!r}")
        total += info.file_size
        if info.file_size > limits.ratio_floor:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _refuse(
                    path,
                    f"refused: member {name!r} would expand {ratio:,.0f} times "
                    f"(at most {limits.max_ratio}); this looks like a zip bomb",
                )
    if total > limits.max_total_size:
        raise _refuse(
            path,
            f"refused: the zip would expand to {total // (1024 * 1024):,} MiB "
            f"(at most {limits.max_total_size // (1024 * 1024):,} MiB); "
            "this is not a normal spreadsheet",
        )


def _unsafe_name(name: str) -> bool:
    # Backslashes and drive letters matter: officers open these files on Windows.
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return True
    return ".." in normal.split("/")
