"""Spreadsheets in: the generic reading layer (no knowledge of applications).

The only package that touches spreadsheet libraries, and only inside the
functions that need them, so that ``slrbcall --help`` starts fast.

* :func:`sniff` tells the format from the bytes; :func:`preflight_zip` refuses a
  dangerous zip from its central directory alone;
* :func:`read_workbook` reads values with python-calamine and adds what it
  cannot see (error cells, formulas without a cached value, hidden rows, merged
  cells for ODS) from one defused, streaming pass over the sheet XML, or over
  the BIFF records of a legacy ``.xls`` (see :mod:`.read`);
* :func:`choose_sheet` and :func:`find_header` find what to read by content;
* :mod:`slrbcall.sheets.cells` turns a cell into text, cents, an int, a date or
  an identifier, or a :class:`CellError` whose message is the user's.

Every refusal is an :class:`~slrbcall.errors.InputFileError` whose lines follow
DESIGN.md §4 (:func:`where`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slrbcall.lazy import loader

# Eager: ``sniff`` is both a submodule and its function, and the function must win.
from slrbcall.sheets.sniff import ZipLimits, preflight_zip, sniff

if TYPE_CHECKING:
    from slrbcall.sheets.cells import (
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
        fold_many,
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
    from slrbcall.sheets.report import CellMark, write_problem_report
    from slrbcall.sheets.template import TemplateColumn, write_template
    from slrbcall.sheets.write import AMOUNT_FORMAT, safe_text, write_atomic

__all__ = [
    "AMOUNT_FORMAT",
    "NO_CACHED_VALUE",
    "Cell",
    "CellError",
    "CellMark",
    "CellValue",
    "Format",
    "Header",
    "Sheet",
    "TemplateColumn",
    "Workbook",
    "ZipLimits",
    "choose_sheet",
    "clean_text",
    "column_letters",
    "find_header",
    "fold",
    "fold_many",
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


#: Where each name lives. The submodules are imported on first use (PEP 562): the
#: intake starts calamine before the writers and the cell readers are loaded.
_HOMES: dict[str, str] = {
    "AMOUNT_FORMAT": "slrbcall.sheets.write",
    "Cell": "slrbcall.sheets.model",
    "CellError": "slrbcall.sheets.cells",
    "CellMark": "slrbcall.sheets.report",
    "CellValue": "slrbcall.sheets.model",
    "Format": "slrbcall.sheets.model",
    "Header": "slrbcall.sheets.header",
    "NO_CACHED_VALUE": "slrbcall.sheets.model",
    "Sheet": "slrbcall.sheets.model",
    "TemplateColumn": "slrbcall.sheets.template",
    "Workbook": "slrbcall.sheets.model",
    "choose_sheet": "slrbcall.sheets.header",
    "clean_text": "slrbcall.sheets.cells",
    "column_letters": "slrbcall.sheets.model",
    "find_header": "slrbcall.sheets.header",
    "fold": "slrbcall.sheets.header",
    "fold_many": "slrbcall.sheets.header",
    "normalise_header": "slrbcall.sheets.header",
    "read_amount": "slrbcall.sheets.cells",
    "read_date": "slrbcall.sheets.cells",
    "read_identifier": "slrbcall.sheets.cells",
    "read_int": "slrbcall.sheets.cells",
    "read_workbook": "slrbcall.sheets.read",
    "safe_text": "slrbcall.sheets.write",
    "where": "slrbcall.sheets.model",
    "where_row": "slrbcall.sheets.model",
    "write_atomic": "slrbcall.sheets.write",
    "write_problem_report": "slrbcall.sheets.report",
    "write_template": "slrbcall.sheets.template",
}

__getattr__ = loader(__name__, _HOMES)
