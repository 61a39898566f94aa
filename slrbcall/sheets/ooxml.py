"""What an .xlsx / .xlsm says beyond calamine's values: one streaming pass per sheet.

Found here, because python-calamine 0.9 cannot report them:

* error cells (``t="e"``): calamine returns them as empty strings;
* formulas saved without a cached value (``<f>`` with no ``<v>``, as openpyxl and
  some web exports write them): calamine returns them as empty strings too;
* hidden rows (``<row hidden="1">``);
* the ``date1904`` epoch (``<workbookPr date1904="1">``), for serial numbers
  that are not formatted as dates (calamine already converts date cells);
* the document properties (``docProps/core.xml`` title and subject,
  ``docProps/custom.xml``), where slrbcall's own templates record the call.

Merged cells come from calamine. The pass costs about 12 µs per cell, so it runs only
on a sheet whose raw XML holds markup that it reports (:func:`_prescan`, byte
searches in C, which also find how far the cells reach): a sheet of plain typed
values never does. On a 10,000-row workbook the
pass took 0.5 s and the search 1 ms (bench/intake.py's file), half of a whole intake.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Collection
from pathlib import Path
from xml.etree.ElementTree import Element
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from slrbcall.sheets.extent import scan_references
from slrbcall.sheets.model import NO_CACHED_VALUE
from slrbcall.sheets.xmlparts import (
    SheetExtras,
    XmlScan,
    find_member,
    open_zip,
    parse_ref,
    parse_small,
    stream_parse,
)

__all__ = ["merged_areas", "scan_ooxml"]

_REL_ID = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_DC = "{http://purl.org/dc/elements/1.1/}"
_TRUE = ("1", "true")
# A formula whose cached value is an empty string is legitimate only for text results.
_TEXT_TYPES = ("str", "inlineStr")
_SURE_TYPES = ("n", "b", "d")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _SheetHandler(ContentHandler):
    """Collects error cells, uncached formulas, hidden rows and the last used row.

    Namespace processing is off for speed, so element names are qualified
    (``c`` or ``x:c``) and only their local part is compared; rows and cells
    count only inside ``sheetData``, where no extension element can be.
    """

    def __init__(self) -> None:
        super().__init__()
        self.extras = SheetExtras()
        self._in_data = False
        self._row = 0
        self._col = 0
        self._in_cell = False
        self._type = "n"
        self._formula = False
        self._value: str | None = None
        self._inline = False
        self._in_value = False
        self._text: list[str] = []

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = name.rpartition(":")[2]
        if self._in_cell:
            if local == "f":
                self._formula = True
            elif local == "v":
                self._in_value = True
                self._text.clear()
            elif local == "is":
                self._inline = True
        elif not self._in_data:
            self._in_data = local == "sheetData"
        elif local == "row":
            ref = attrs.get("r")
            # Rows and cells may omit their reference: they then follow the previous one.
            self._row = int(ref) if ref else self._row + 1
            self._col = 0
            if attrs.get("hidden") in _TRUE:
                self.extras.hidden.append((self._row, self._row))
        elif local == "c":
            ref = attrs.get("r")
            if ref:
                self._row, self._col = parse_ref(ref)
            else:
                self._col += 1
            self._in_cell = True
            self._type = attrs.get("t") or "n"
            self._formula = self._inline = False
            self._value = None

    def characters(self, content: str) -> None:
        if self._in_value:
            self._text.append(content)

    def endElement(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "v" and self._in_value:
            self._in_value = False
            self._value = "".join(self._text)
        elif local == "c" and self._in_cell:
            self._in_cell = False
            self._end_cell()
        elif local == "sheetData":
            self._in_data = False

    def _end_cell(self) -> None:
        value = self._value
        self.extras.extent.add(self._row, self._col)
        if self._type == "e":
            self.extras.flag(self._row, self._col, (value or "").strip() or "#N/A")
        elif self._formula and (
            value is None or (not value and self._type not in _TEXT_TYPES and not self._inline)
        ):
            self.extras.flag(self._row, self._col, NO_CACHED_VALUE)
        # Only cells calamine is sure to report count (an empty shared string is "").
        if (value and self._type in _SURE_TYPES) or self._type == "e":
            self.extras.last_row = max(self.extras.last_row, self._row)


#: Markup that only a sheet with something to report holds: an error cell, a formula
#: (cached or not, with or without a namespace prefix), a hidden row or column, or a DTD
#: (which the defused pass refuses). User text cannot contain the ``<`` or ``"`` forms:
#: in the XML a typed ``<`` or ``"`` is always escaped. The prefixed forms (``:f>``) may
#: also match text by chance, which only costs the full pass, never a missed cell.
_MARKERS = (
    b' t="e"',
    b"<f>",
    b"<f ",
    b"<f/",
    b":f>",
    b":f ",
    b":f/",
    b' hidden="1"',
    b' hidden="true"',
    b"<!DOCTYPE",
    b"<!ENTITY",
)
_OVERLAP = 64


def _prescan(archive: zipfile.ZipFile, member: str) -> SheetExtras | None:
    """The sheet's extent from its cell references, or None when it needs the XML pass.

    The XML pass is needed when the sheet's XML holds one of :data:`_MARKERS`, or a cell
    the byte search cannot place (:func:`~slrbcall.sheets.extent.scan_references`).
    Most sheets (typed values, no formulas, nothing hidden) need neither. Plain byte
    searches (memchr-fast) over the raw XML cost about a millisecond per MB for the
    markers and ten for the references, where a regular expression with alternatives
    took 40 ms per MB and the SAX pass ~12 µs per cell (bench/intake.py). The check of
    calamine's last row goes with the pass; its own tests cover it.
    """
    extras = SheetExtras()
    carried = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            window = carried + chunk
            if any(marker in window for marker in _MARKERS):
                return None
            # Whole tags only: what follows the last "<" waits for the next chunk (a
            # few bytes; or its last bytes, should a chunk hold no tag at all).
            cut = window.rfind(b"<")
            if cut <= 0:
                cut = max(len(window) - _OVERLAP, 0)
            if not scan_references(window[:cut], extras.extent):
                return None
            carried = window[cut:]
    if not scan_references(carried, extras.extent):
        return None
    return extras


def _relationships(path: Path, archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, resolved member name) for the relationships of ``part``."""
    folder, base = posixpath.split(part)
    root = parse_small(path, archive, posixpath.join(folder, "_rels", base + ".rels"))
    found: dict[str, tuple[str, str]] = {}
    if root is None:
        return found
    for rel in root:
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        # Targets are relative to the part's folder, or absolute from the zip root.
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(resolved))
    return found


def _by_type(rels: dict[str, tuple[str, str]], suffix: str, default: str) -> str:
    for kind, target in rels.values():
        if kind.endswith(suffix):
            return target
    return default


def scan_ooxml(path: Path, *, wanted: Collection[str] | None = None) -> XmlScan:
    """One pass over the workbook part, the ``wanted`` sheets (all of them when None)
    and the properties."""
    with open_zip(path) as archive:
        package = _relationships(path, archive, "")
        workbook_part = _by_type(package, "/officeDocument", "xl/workbook.xml")
        sheet_parts, date1904 = _sheet_parts(path, archive, workbook_part)
        sheets: dict[str, SheetExtras] = {}
        for name in sheet_parts if wanted is None else wanted:
            part = sheet_parts.get(name)
            member = find_member(archive, part) if part else None
            if member is None:
                sheets[name] = SheetExtras()
                continue
            found = _prescan(archive, member)
            if found is not None:
                sheets[name] = found
                continue
            handler = _SheetHandler()
            with archive.open(member) as stream:
                stream_parse(path, stream, member, handler, namespaces=False)
            sheets[name] = handler.extras
        properties = _properties(path, archive, package)
    return XmlScan(sheets=sheets, properties=properties, date1904=date1904)


def _sheet_parts(
    path: Path, archive: zipfile.ZipFile, workbook_part: str
) -> tuple[dict[str, str], bool]:
    """Sheet name -> its XML part, and whether the workbook uses the 1904 epoch."""
    root = parse_small(path, archive, workbook_part)
    if root is None:
        return {}, False
    rels = _relationships(path, archive, workbook_part)
    parts: dict[str, str] = {}
    date1904 = False
    for element in root.iter():
        local = _local(element.tag)
        if local == "workbookPr":
            date1904 = element.get("date1904", "").lower() in _TRUE
        elif local == "sheet":
            rel_id = next((element.get(key) for key in _REL_ID if element.get(key)), None)
            if rel_id in rels:
                parts[element.get("name", "")] = rels[rel_id][1]
    return parts, date1904


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _properties(
    path: Path, archive: zipfile.ZipFile, package: dict[str, tuple[str, str]]
) -> dict[str, str]:
    """Title and subject from core.xml, then every custom property by its name."""
    found: dict[str, str] = {}
    core = parse_small(
        path, archive, _by_type(package, "/metadata/core-properties", "docProps/core.xml")
    )
    if core is not None:
        for key in ("title", "subject"):
            value = _text(core.find(_DC + key))
            if value is not None:
                found[key] = value
    custom = parse_small(
        path, archive, _by_type(package, "/custom-properties", "docProps/custom.xml")
    )
    if custom is not None:
        for prop in custom:
            name = prop.get("name")
            value = _text(next(iter(prop), None))
            if name and value is not None:
                found[name] = value
    return found


_MERGE_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*["\']([^"\']*)')


def merged_areas(path: Path) -> dict[str, list[str]]:
    """Each worksheet's merged ranges as written (``A1:C1``), read from its XML alone.

    For the error workbook: openpyxl turns every cell of a merged range into an object
    as it loads a sheet, so a range up to ``XFD1048576`` fills memory before any code
    of ours could look at it.
    """
    found: dict[str, list[str]] = {}
    with open_zip(path) as archive:
        package = _relationships(path, archive, "")
        workbook_part = _by_type(package, "/officeDocument", "xl/workbook.xml")
        sheet_parts, _ = _sheet_parts(path, archive, workbook_part)
        for name, part in sheet_parts.items():
            member = find_member(archive, part)
            if member is None:
                continue
            carried = b""
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    window = carried + chunk
                    cut = max(window.rfind(b"<"), len(window) - 4096, 0)
                    refs = _MERGE_CELL.findall(window[:cut])
                    found.setdefault(name, []).extend(r.decode("ascii", "replace") for r in refs)
                    carried = window[cut:]
            refs = _MERGE_CELL.findall(carried)
            found.setdefault(name, []).extend(r.decode("ascii", "replace") for r in refs)
    return found
