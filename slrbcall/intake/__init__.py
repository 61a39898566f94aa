"""Applications in, the second stage of a call: from the officers' spreadsheets.

* :mod:`.fields`: the columns of an applications sheet and their names in en, fr, nl;
* :mod:`.columns`: how one field's cells are read, and problems worded;
* :mod:`.reading`: a sheet's rows to applications and data errors;
* :mod:`.eligibility`: the call's rules, and applications that look alike;
* :mod:`.merge`: applications to and from stored rows, and what an intake changes;
* :mod:`.service`: the use cases the CLI calls (intake, list, show, the template).

Imports run down the life of a call: this slice imports :mod:`slrbcall.calls`, the
adapters (:mod:`slrbcall.sheets`, :mod:`slrbcall.store`) and the kernel.
"""
