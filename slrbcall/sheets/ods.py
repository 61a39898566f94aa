"""What an .ods says beyond calamine's values: one streaming pass over content.xml.

python-calamine 0.9 reads an ODS error cell (``calcext:value-type="error"``,
shown as ``#DIV/0!``) as an empty string, and reports neither hidden rows
(``table:visibility="collapse"``) nor merged cells (``number-columns-spanned``)
for ODS. This pass finds them, counting ``number-rows-repeated`` and
``number-columns-repeated`` the way calamine does, so the row and column numbers
agree. The properties come from meta.xml (title, subject, user-defined fields).
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from pathlib import Path
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesNSImpl

from slrbcall.sheets.model import NO_CACHED_VALUE, column_letters
from slrbcall.sheets.xmlparts import (
    MAX_FLAGGED,
    SheetExtras,
    XmlScan,
    find_member,
    open_zip,
    parse_small,
    stream_parse,
)

__all__ = ["scan_ods"]

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_HIDDEN = ("collapse", "filter")
_CELLS = ("table-cell", "covered-table-cell")


def _count(attrs: AttributesNSImpl, name: str) -> int:
    value = attrs.get((_TABLE, name))
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


class _ContentHandler(ContentHandler):
    """Walks every table; records extras for the wanted ones only."""

    def __init__(self, wanted: Collection[str] | None) -> None:
        super().__init__()
        self.wanted = None if wanted is None else set(wanted)
        self.sheets: dict[str, SheetExtras] = {}
        self.date1904 = False
        self._depth = 0  # tables nest inside cells in rare files; only depth 1 counts
        self._extras: SheetExtras | None = None
        self._row = 0
        self._row_repeat = 1
        self._col = 0
        # (first column, column repeat, whether calcext said "error" outright)
        self._error_cell: tuple[int, int, bool] | None = None
        self._text: list[str] = []

    def startElementNS(
        self, name: tuple[str | None, str], qname: str | None, attrs: AttributesNSImpl
    ) -> None:
        uri, local = name
        if uri != _TABLE:
            return
        if local == "table":
            self._depth += 1
            if self._depth == 1:
                table = attrs.get((_TABLE, "name")) or ""
                wanted = self.wanted is None or table in self.wanted
                # Two tables of one name (a hand-made file) share their extras, so the
                # larger one's extent is never lost.
                self._extras = self.sheets.setdefault(table, SheetExtras()) if wanted else None
                self._row = 0
        elif self._depth != 1 or self._extras is None:
            if local == "null-date":
                self.date1904 = (attrs.get((_TABLE, "date-value")) or "").startswith("1904-01-01")
        elif local == "table-row":
            self._row_repeat = _count(attrs, "number-rows-repeated")
            self._col = 0
            if attrs.get((_TABLE, "visibility")) in _HIDDEN:
                self._extras.hidden.append((self._row + 1, self._row + self._row_repeat))
        elif local in _CELLS:
            self._start_cell(self._extras, local, attrs)

    def _start_cell(self, extras: SheetExtras, local: str, attrs: AttributesNSImpl) -> None:
        first_col = self._col + 1
        repeat = _count(attrs, "number-columns-repeated")
        self._col += repeat
        if local != "table-cell":
            return
        row = self._row + 1
        spans = (_count(attrs, "number-rows-spanned"), _count(attrs, "number-columns-spanned"))
        if spans != (1, 1):
            last = f"{column_letters(first_col + spans[1] - 1)}{row + spans[0] - 1}"
            extras.merged.append(f"{column_letters(first_col)}{row}:{last}")
        value_type = attrs.get((_OFFICE, "value-type"))
        formula = attrs.get((_TABLE, "formula"))
        certain = attrs.get((_CALCEXT, "value-type")) == "error"
        # Files saved without LibreOffice's calcext namespace show an error only as
        # the text of a formula whose string value is empty.
        if certain or (
            formula and value_type == "string" and attrs.get((_OFFICE, "string-value")) == ""
        ):
            self._error_cell = (first_col, repeat, certain)
            self._text.clear()
        elif formula and value_type is None:
            self._flag(extras, first_col, repeat, NO_CACHED_VALUE)
        if value_type is not None:
            extras.last_row = max(extras.last_row, self._row + self._row_repeat)
            # Repeated rows and columns repeat the value: calamine places every copy.
            extras.extent.add_block(row, first_col, self._row_repeat, repeat)

    def _flag(self, extras: SheetExtras, first_col: int, repeat: int, error: str) -> None:
        # A repeated row or column repeats its cells; the cap bounds a hostile file.
        for row in range(self._row + 1, self._row + min(self._row_repeat, MAX_FLAGGED) + 1):
            for col in range(first_col, first_col + min(repeat, MAX_FLAGGED)):
                extras.flag(row, col, error)

    def characters(self, content: str) -> None:
        if self._error_cell is not None:
            self._text.append(content)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        uri, local = name
        if uri != _TABLE:
            return
        if local == "table":
            self._depth -= 1
        elif self._depth != 1 or self._extras is None:
            return
        elif local == "table-row":
            self._row += self._row_repeat
        elif local == "table-cell" and self._error_cell is not None:
            first_col, repeat, certain = self._error_cell
            text = "".join(self._text).strip()
            if certain or text.startswith(("#", "Err:")):
                self._flag(self._extras, first_col, repeat, text or "#N/A")
                self._extras.last_row = max(self._extras.last_row, self._row + 1)
            self._error_cell = None


def scan_ods(path: Path, *, wanted: Collection[str] | None = None) -> XmlScan:
    """One pass over content.xml for the ``wanted`` tables (all of them when None),
    and the properties."""
    with open_zip(path) as archive:
        handler = _ContentHandler(wanted)
        member = find_member(archive, "content.xml")
        if member is not None:
            with archive.open(member) as stream:
                stream_parse(path, stream, member, handler, namespaces=True)
        properties = _properties(path, archive)
    names = handler.sheets if wanted is None else wanted
    sheets = {name: handler.sheets.get(name, SheetExtras()) for name in names}
    return XmlScan(sheets=sheets, properties=properties, date1904=handler.date1904)


def _properties(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    found: dict[str, str] = {}
    root = parse_small(path, archive, "meta.xml")
    if root is None:
        return found
    for element in root.iter():
        text = (element.text or "").strip()
        if not text:
            continue
        if element.tag in (_DC + "title", _DC + "subject"):
            found[element.tag.removeprefix(_DC)] = text
        elif element.tag == _META + "user-defined":
            key = element.get(_META + "name")
            if key:
                found[key] = text
    return found
