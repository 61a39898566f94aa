"""Safe, streaming access to the XML parts inside a zip-based spreadsheet.

python-calamine reads the values fast but cannot see everything: it turns error
cells (``#DIV/0!``) and formulas saved without their value into empty cells, and
it does not report hidden rows (nor, for ODS, merged cells). The format modules
(:mod:`.ooxml`, :mod:`.ods`) stream the sheet XML once to find exactly those
cells, into a :class:`SheetExtras`.

Every parser here is defusedxml's: no DTD, no entity declarations, no external
references. The zip has passed :func:`~slrbcall.sheets.sniff.preflight_zip`,
and zipfile never inflates a member beyond its declared size.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element
from xml.sax import SAXException
from xml.sax.handler import ContentHandler, feature_namespaces

from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import _
from slrbcall.sheets.extent import Extent

__all__ = [
    "MAX_FLAGGED",
    "SheetExtras",
    "XmlScan",
    "damaged",
    "find_member",
    "open_zip",
    "parse_ref",
    "parse_small",
    "stream_parse",
]

#: At most this many error cells are kept per sheet: enough to report them all
#: to a person, and a bound on memory for a file built to flood us.
MAX_FLAGGED = 100_000
#: Small parts (workbook, relationships, properties) are parsed whole up to this size.
_SMALL_PART = 16 * 1024 * 1024

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass(slots=True)
class SheetExtras:
    """What the XML of one sheet says beyond calamine's values.

    ``errors`` maps ``(row, col)`` (1-based) to the error shown in the cell, or
    to :data:`~slrbcall.sheets.model.NO_CACHED_VALUE`. ``hidden`` holds
    inclusive row ranges. ``last_row`` is the last row whose XML holds a value.
    ``extent`` is how far the cells reach, as the reader will place them.
    """

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: list[tuple[int, int]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    last_row: int = 0
    extent: Extent = field(default_factory=Extent)

    def flag(self, row: int, col: int, error: str) -> None:
        if len(self.errors) < MAX_FLAGGED:
            self.errors[(row, col)] = error

    def hidden_rows(self, last_row: int) -> frozenset[int]:
        """The hidden rows up to ``last_row`` (a hidden block may run to row 1,048,576)."""
        rows: set[int] = set()
        for first, last in self.hidden:
            rows.update(range(first, min(last, last_row) + 1))
        return frozenset(rows)


@dataclass(frozen=True, slots=True)
class XmlScan:
    """The result of one pass over a workbook's XML: per sheet extras and metadata."""

    sheets: dict[str, SheetExtras]
    properties: dict[str, str]
    date1904: bool


def parse_ref(ref: str) -> tuple[int, int]:
    """``"B7"`` -> ``(7, 2)``; ``ValueError`` for anything else."""
    match = _REF.fullmatch(ref.strip())
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), col


def damaged(path: Path, part: str, exc: Exception) -> InputFileError:
    """The error for a part of the zip that cannot be parsed."""
    return InputFileError(
        [
            Problem(
                path.name,
                _(
                    "the file is damaged (part {part} cannot be read: {error}): "
                    "open it in Excel or LibreOffice and save it again"
                ).format(part=part, error=exc),
            )
        ]
    )


@contextmanager
def open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """The zip at ``path``, with its errors turned into :class:`InputFileError`."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except (zipfile.BadZipFile, EOFError) as exc:
        raise damaged(path, "(zip)", exc) from exc


def find_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The member called ``name``, ignoring case (some writers capitalise folders)."""
    wanted = name.lstrip("/").casefold()
    for member in archive.namelist():
        if member.casefold() == wanted:
            return member
    return None


def parse_small(path: Path, archive: zipfile.ZipFile, name: str) -> Element | None:
    """Parse a small part with defusedxml; ``None`` when absent or oversized."""

    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped,unused-ignore]

    member = find_member(archive, name)
    if member is None or archive.getinfo(member).file_size > _SMALL_PART:
        return None
    try:
        root: Element = fromstring(archive.read(member), forbid_dtd=True)
    except (SAXException, ValueError, SyntaxError, zipfile.BadZipFile) as exc:
        # ElementTree's ParseError is a SyntaxError; defusedxml's refusals are ValueErrors.
        raise damaged(path, member, exc) from exc
    return root


def stream_parse(
    path: Path, stream: IO[bytes], part: str, handler: ContentHandler, *, namespaces: bool
) -> None:
    """Stream one XML part through defused SAX into ``handler``.

    With ``namespaces``, handlers get ``startElementNS`` with ``(uri, local
    name)``; without, ``startElement`` with the qualified name, which is
    more than 1.5 times as fast (measured: 2.9 s against 4.6 s for 240,000 cells).
    """

    from defusedxml.expatreader import (  # type: ignore[import-untyped,unused-ignore]
        DefusedExpatParser,
    )

    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setFeature(feature_namespaces, namespaces)
    parser.setContentHandler(handler)
    try:
        parser.parse(stream)
    except (SAXException, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise damaged(path, part, exc) from exc
