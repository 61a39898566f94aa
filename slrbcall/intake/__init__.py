"""Applications in, the second stage of a call: from the officers' spreadsheets.

A sheet is read row by row, each cell with its field's reader, into one
:class:`~slrbcall.model.Application` per row or the row's data errors; the call's rules
are then judged on each application, and the file is merged with what is stored.

* :mod:`.fields`: the columns of an applications sheet and their names in en, fr, nl;
* :mod:`.columns`: the reader of each field's cells, and its problems worded;
* :mod:`.reading`: a sheet's rows to applications and data errors;
* :mod:`.eligibility`: the call's rules, and applications that look alike;
* :mod:`.merge`: applications to and from stored rows, and what an intake changes;
* :mod:`.service`: the use cases the CLI calls (intake, list, show, the template).

Imports run down the life of a call: this slice imports :mod:`slrbcall.calls`, the
adapters (:mod:`slrbcall.sheets`, :mod:`slrbcall.store`) and the kernel.
"""
