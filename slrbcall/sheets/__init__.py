"""Spreadsheets in: the generic reading layer (no knowledge of applications).

The only package that touches spreadsheet libraries, and only inside the
functions that need them, so that ``slrbcall --help`` starts fast. Importing the
package loads what reading a cell needs, no reader of files: the commands that read
only the workspace (``ranking``, ``report``, ``timeline``, ``history``) use cells and
headers, never a workbook, and the readers cost them 10 to 20 ms (bench/workspace.py).
The use cases import :mod:`.read` and :mod:`.report` inside the functions that read a
workbook or mark its problems (``banned-module-level-imports`` in pyproject.toml).

* :func:`.sniff.sniff` tells the format from the bytes; :func:`.sniff.preflight_zip`
  refuses a dangerous zip from its central directory alone;
* :func:`.read.read_workbook` reads values with python-calamine and adds what it
  cannot see (error cells, formulas without a cached value, hidden rows, merged
  cells for ODS) from one defused, streaming pass over the sheet XML, or over
  the BIFF records of a legacy ``.xls``; each sheet is its rows of cells;
* :func:`choose_sheet` and :func:`find_header` find what to read by content;
* :mod:`slrbcall.sheets.cells` turns a cell into text, cents, an int, a date or
  an identifier, or a :class:`CellError` whose message is the user's;
* :func:`.report.mark_problems` writes ``--report-xlsx``: a copy of the workbook
  with each problem marked where it is;
* :func:`.template.write_template` writes a blank workbook to fill in, through the
  safe writer of :mod:`.write`.

Every refusal is an :class:`~slrbcall.errors.InputFileError` whose problems carry
their place as fields (:meth:`Sheet.problem`) and print as DESIGN.md §4 shows.
"""

from __future__ import annotations

from slrbcall.sheets.cells import (
    MAX_COUNT,
    CellError,
    clean_text,
    read_amount,
    read_date,
    read_identifier,
    read_int,
)
from slrbcall.sheets.header import (
    Header,
    choose_sheet,
    find_header,
    fold,
    normalise_header,
)
from slrbcall.sheets.model import (
    NO_CACHED_VALUE,
    Cell,
    CellValue,
    Format,
    Sheet,
    Workbook,
    column_letters,
    where,
    where_row,
)
from slrbcall.sheets.template import TemplateColumn, TemplateSheet, write_template
from slrbcall.sheets.write import AMOUNT_FORMAT, safe_text, write_atomic

__all__ = [
    "AMOUNT_FORMAT",
    "MAX_COUNT",
    "NO_CACHED_VALUE",
    "Cell",
    "CellError",
    "CellValue",
    "Format",
    "Header",
    "Sheet",
    "TemplateColumn",
    "TemplateSheet",
    "Workbook",
    "choose_sheet",
    "clean_text",
    "column_letters",
    "find_header",
    "fold",
    "normalise_header",
    "read_amount",
    "read_date",
    "read_identifier",
    "read_int",
    "safe_text",
    "where",
    "where_row",
    "write_atomic",
    "write_template",
]
