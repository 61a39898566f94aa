"""Spreadsheets in: the generic reading layer (no knowledge of applications).

The only package that touches spreadsheet libraries, and only inside the
functions that need them, so that ``slrbcall --help`` starts fast; importing the
package loads its own modules only.

* :func:`sniff` tells the format from the bytes; :func:`preflight_zip` refuses a
  dangerous zip from its central directory alone;
* :func:`read_workbook` reads values with python-calamine and adds what it
  cannot see (error cells, formulas without a cached value, hidden rows, merged
  cells for ODS) from one defused, streaming pass over the sheet XML, or over
  the BIFF records of a legacy ``.xls`` (see :mod:`.read`); each sheet is its
  rows of cells;
* :func:`choose_sheet` and :func:`find_header` find what to read by content;
* :mod:`slrbcall.sheets.cells` turns a cell into text, cents, an int, a date or
  an identifier, or a :class:`CellError` whose message is the user's;
* :func:`mark_problems` writes ``--report-xlsx``: a copy of the workbook with
  each problem marked where it is.

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
from slrbcall.sheets.read import read_workbook
from slrbcall.sheets.report import CellMark, mark_problems, write_problem_report
from slrbcall.sheets.sniff import ZipLimits, preflight_zip, sniff
from slrbcall.sheets.template import TemplateColumn, TemplateSheet, write_template
from slrbcall.sheets.write import AMOUNT_FORMAT, safe_text, write_atomic

__all__ = [
    "AMOUNT_FORMAT",
    "MAX_COUNT",
    "NO_CACHED_VALUE",
    "Cell",
    "CellError",
    "CellMark",
    "CellValue",
    "Format",
    "Header",
    "Sheet",
    "TemplateColumn",
    "TemplateSheet",
    "Workbook",
    "ZipLimits",
    "choose_sheet",
    "clean_text",
    "column_letters",
    "find_header",
    "fold",
    "mark_problems",
    "normalise_header",
    "preflight_zip",
    "read_amount",
    "read_date",
    "read_identifier",
    "read_int",
    "read_workbook",
    "safe_text",
    "sniff",
    "where",
    "where_row",
    "write_atomic",
    "write_problem_report",
    "write_template",
]
