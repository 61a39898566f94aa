"""Read a CSV file as a one-sheet workbook.

Officers' CSV files come from Excel: UTF-8 with a BOM ("CSV UTF-8") and ``;``
as the delimiter on Belgian machines (the decimal separator is the comma), or
``,`` elsewhere. Every value is text (``is_text=True``): nothing is guessed,
so ``00123`` stays ``00123`` and amounts are parsed by the cell readers. The
row number of a record is its position among the records, which is the row
Excel shows when it opens the file (a quoted field may span several lines).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from types import MappingProxyType

from slrbcall.errors import InputFileError, Problem
from slrbcall.sheets.extent import Extent, check_extent
from slrbcall.sheets.header import pick_sheet_name
from slrbcall.sheets.model import Cell, Format, Sheet, Workbook

__all__ = ["CSV_MAX_BYTES", "read_csv", "sniff_delimiter"]

#: A CSV of applications or marks is a few hundred KiB; this refuses a mistake
#: (a database dump) before it fills memory.
CSV_MAX_BYTES = 64 * 1024 * 1024
_DELIMITERS = (";", ",")  # in order of preference when both fit equally well
_SCAN_LINES = 30


def _refuse(path: Path, message: str) -> InputFileError:
    return InputFileError([Problem(path.name, message)])


def sniff_delimiter(text: str) -> str:
    """``;`` or ``,``: the one that splits the first lines most consistently.

    For each candidate, the most common field count above one (ties go to the
    larger count) and how many lines have it are compared; a decimal comma in an
    amount or a comma in a title moves ``,``'s counts around while ``;`` stays
    constant across rows. When neither splits anything, ``;``.
    """

    lines = [line for line in text.splitlines() if line.strip()][:_SCAN_LINES]
    best, best_score = _DELIMITERS[0], (0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(len(fields) for fields in csv.reader(lines, delimiter=delimiter))
        wide = [(seen, width) for width, seen in counts.items() if width > 1]
        score = max(wide, default=(0, 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, *, sheet: str | None = None) -> Workbook:
    """The CSV at ``path`` as a workbook with one sheet named after the file."""

    name = path.stem
    if sheet is not None:
        pick_sheet_name(path.name, [name], sheet)
    if path.stat().st_size > CSV_MAX_BYTES:
        raise _refuse(
            path,
            f"the CSV file is larger than {CSV_MAX_BYTES // (1024 * 1024)} MiB: "
            "is it the right file?",
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _refuse(
            path,
            f"line {line} is not UTF-8 text: save the file as 'CSV UTF-8 (comma delimited)' "
            "in Excel, or as .xlsx",
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[list[Cell]] = []
    try:
        for number, fields in enumerate(reader, start=1):
            if any(field != "" for field in fields):
                rows.append(
                    [
                        Cell(number, col, field or None, None, field != "")
                        for col, field in enumerate(fields, start=1)
                    ]
                )
    except csv.Error as exc:
        raise _refuse(path, f"line {reader.line_num} cannot be read as CSV ({exc})") from exc
    extent = Extent()
    for cells in rows:
        extent.add(cells[-1].row, len(cells))
    # Every row is padded to the widest: one line of a million separators would make
    # each row a million cells.
    check_extent(path.name, name, extent)
    width = extent.cols
    dense = tuple(
        tuple(cells)
        + tuple(Cell(cells[0].row, col, None) for col in range(len(cells) + 1, width + 1))
        for cells in rows
    )
    return Workbook(
        path=path,
        format=Format.CSV,
        sheets=(Sheet(file_label=path.name, name=name, rows=dense),),
        properties=MappingProxyType({}),
    )
