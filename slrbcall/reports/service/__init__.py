"""The use cases of reporting, one module per line a reader draws:

* :mod:`.report`: the call's key figures and the board's workbook, which read the
  whole call, from its ranking to its last payments;
* :mod:`.opendata`: the funded grants in the 360Giving standard;
* :mod:`.history`: everything that happened to one application, from the audit.

They are apart so that ``slrbcall history``, run on one application at a time, loads
neither the ranking, the allocation nor the follow-up (bench/workspace.py).
"""
