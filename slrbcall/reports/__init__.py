"""Reports: the call's key figures, the board's Excel workbook, and 360Giving open data.

* :mod:`.figures`: :func:`key_figures` (pure counts and sums, in cents) and
  :func:`figures_json`;
* :mod:`.terminal`: :func:`bars` and :func:`budget_caption`, a chart for the terminal;
* :mod:`.excel`: :func:`write_report`, the workbook with a native bar chart;
* :mod:`.giving360`: :func:`grants_360`, :func:`validate_360`, and the two writers
  :func:`write_360_json` and :func:`write_360_csv`;
* :mod:`.followup_sheets`: the workbook's sheets of payments and outcomes;
* :mod:`.history`: an application's history from the audit trail;
* :mod:`.service`: the use cases the CLI calls.

Importing this package loads none of them: ``slrbcall history`` reads
:mod:`.history` alone, and the workbook's modules load the follow-up.
"""
