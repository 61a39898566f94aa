"""Builders for the spreadsheets the tests read: made in place, one per situation.

Each builder is a fixture returning a function, so test modules never import
this file. xlsx files come from openpyxl (which writes formulas without a cached
value, as a web export does); what openpyxl cannot write (error cells, a wrong
``<dimension>``) is patched into the XML afterwards with :func:`patch_member`.
ODS files are written by hand: the smallest package LibreOffice and calamine
accept.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest

Rows = Sequence[Sequence[Any]]


def _make_xlsx(
    tmp_path: Path,
    rows: Rows,
    *,
    name: str = "applications.xlsx",
    sheet: str = "Applications",
    hidden_rows: Iterable[int] = (),
    merged: Iterable[str] = (),
    number_formats: Mapping[str, str] | None = None,
    extra_sheets: Mapping[str, Rows] | None = None,
    hidden_sheets: Iterable[str] = (),
    properties: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Path:
    import openpyxl
    from openpyxl.packaging.custom import StringProperty

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = sheet
    for values in rows:
        first.append(list(values))
    for row in hidden_rows:
        first.row_dimensions[row].hidden = True
    for ref in merged:
        first.merge_cells(ref)
    for ref, number_format in (number_formats or {}).items():
        first[ref].number_format = number_format
    for other, other_rows in (extra_sheets or {}).items():
        extra = book.create_sheet(other)
        for values in other_rows:
            extra.append(list(values))
    for hidden in hidden_sheets:
        book[hidden].sheet_state = "hidden"
    for key, value in (properties or {}).items():
        book.custom_doc_props.append(StringProperty(name=key, value=value))
    if title is not None:
        book.properties.title = title
    path = tmp_path / name
    book.save(path)
    return path


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``make_xlsx(rows, **options)``: an .xlsx written by openpyxl."""
    return lambda rows, **options: _make_xlsx(tmp_path, rows, **options)


def patch_member(path: Path, member: str, change: Callable[[str], str]) -> Path:
    """Rewrite one XML member of a zip in place (keeping the others as they were)."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return path


@pytest.fixture
def patch() -> Callable[[Path, str, Callable[[str], str]], Path]:
    """``patch(path, member, change)``: rewrite one XML member of a zip."""
    return patch_member


def _make_csv(
    tmp_path: Path,
    text: str,
    *,
    name: str = "applications.csv",
    bom: bool = True,
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    """``make_csv(text, bom=True, encoding="utf-8")``: a CSV file as Excel writes it."""
    return lambda text, **options: _make_csv(tmp_path, text, **options)


_ODS_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(value: Any) -> str:
    """One cell: a raw ``<table:...>`` string is taken as written."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, str) and value.startswith("<table:"):
        return value
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def _make_ods(
    tmp_path: Path,
    rows: Rows,
    *,
    name: str = "applications.ods",
    sheet: str = "Applications",
    row_attrs: Mapping[int, str] | None = None,
    meta: Mapping[str, str] | None = None,
) -> Path:
    declarations = " ".join(f'xmlns:{key}="{uri}"' for key, uri in _ODS_NS.items())
    body = []
    for number, values in enumerate(rows, start=1):
        attrs = (row_attrs or {}).get(number, "")
        cells = "".join(_ods_cell(value) for value in values)
        body.append(f"<table:table-row {attrs}>{cells}</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {declarations} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f"<table:table table:name={quoteattr(sheet)}>{''.join(body)}</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    fields = "".join(
        f"<meta:user-defined meta:name={quoteattr(key)}>{escape(value)}</meta:user-defined>"
        for key, value in (meta or {}).items()
    )
    meta_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {declarations} '
        f'office:version="1.2"><office:meta>{fields}</office:meta></office:document-meta>'
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {declarations} '
        'manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype comes first and stored, as ODF requires.
        archive.writestr("mimetype", _MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta_xml, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture
def make_ods(tmp_path: Path) -> Callable[..., Path]:
    """``make_ods(rows, row_attrs={n: 'table:visibility="collapse"'}, meta={...})``."""
    return lambda rows, **options: _make_ods(tmp_path, rows, **options)


_BOMB_TYPES = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def _make_bomb(tmp_path: Path, *, size_mib: int = 1024) -> Path:
    """A real zip bomb dressed as an .xlsx: one sheet that inflates to ``size_mib`` MiB.

    Deflate restarts after a full flush, so one compressed MiB of zeros can be
    repeated: the file is about 1 MiB and takes a fraction of a second to build.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * size_mib + compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(size_mib):
        crc = zlib.crc32(chunk, crc)
    members = [
        (b"[Content_Types].xml", 0, zlib.crc32(_BOMB_TYPES), _BOMB_TYPES, len(_BOMB_TYPES)),
        (b"xl/worksheets/sheet1.xml", 8, crc, stream, size_mib << 20),
    ]
    body, directory = b"", b""
    for name, method, checksum, data, size in members:
        fields = (method, 0, 0, checksum, len(data), size, len(name), 0)
        directory += struct.pack("<4sHHH", b"PK\x01\x02", 20, 20, 0)
        directory += struct.pack("<HHHIIIHH", *fields) + struct.pack(
            "<HHHII", 0, 0, 0, 0, len(body)
        )
        directory += name
        body += struct.pack("<4sHH", b"PK\x03\x04", 20, 0) + struct.pack("<HHHIIIHH", *fields)
        body += name + data
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(body + directory + end)
    return path


@pytest.fixture
def make_bomb(tmp_path: Path) -> Callable[..., Path]:
    """``make_bomb(size_mib=1024)``: a zip whose one member inflates to that size."""
    return lambda **options: _make_bomb(tmp_path, **options)
