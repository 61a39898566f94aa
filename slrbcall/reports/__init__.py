"""Reports: the call's key figures, the board's Excel workbook, and 360Giving open data.

* :mod:`.figures`: :func:`key_figures` (pure counts and sums, in cents) and
  :func:`figures_json`;
* :mod:`.terminal`: :func:`bars` and :func:`budget_caption`, a chart for the terminal;
* :mod:`.excel`: :func:`write_report`, the workbook with a native bar chart;
* :mod:`.giving360`: :func:`grants_360`, :func:`validate_360`, and the two writers
  :func:`write_360_json` and :func:`write_360_csv`.

Importing this package is light: openpyxl and the spreadsheet layer are imported
inside the functions that write files.
"""

from slrbcall.reports.excel import SHEETS, write_report
from slrbcall.reports.figures import (
    FUNDED_DECISIONS,
    GroupFigures,
    KeyFigures,
    ProjectRow,
    figures_json,
    key_figures,
)
from slrbcall.reports.giving360 import (
    COLUMNS,
    REQUIRED,
    Disbursement,
    Grant,
    grants_360,
    org_identifier,
    to_package,
    transactions_360,
    validate_360,
    write_360_csv,
    write_360_json,
)
from slrbcall.reports.terminal import bars, budget_caption

__all__ = [
    "COLUMNS",
    "FUNDED_DECISIONS",
    "REQUIRED",
    "SHEETS",
    "Disbursement",
    "Grant",
    "GroupFigures",
    "KeyFigures",
    "ProjectRow",
    "bars",
    "budget_caption",
    "figures_json",
    "grants_360",
    "key_figures",
    "org_identifier",
    "to_package",
    "transactions_360",
    "validate_360",
    "write_360_csv",
    "write_360_json",
    "write_report",
]
