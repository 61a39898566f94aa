"""The use cases of the follow-up, in five modules (together they pass 1,500 lines):

* :mod:`.state`: the follow-up as stored, and the timeline (the base of the others);
* :mod:`.payments`: milestones and payments, and the payments workbook;
* :mod:`.corrections`: corrections of payments and milestones, and their histories;
* :mod:`.amendments`: amendments to the conventions, and their documents;
* :mod:`.monitoring`: the monitoring reports and the outcome figures.

The funded projects are those of the adopted allocation run, as their amendments in
force leave them. Rules live in the domain
modules of :mod:`slrbcall.followup`; reading the workbooks in
:mod:`slrbcall.followup.workbooks`; SQL in :mod:`slrbcall.store.followup`. Every write
is one transaction, audited; a file with a problem stores nothing (exit 3). Nothing
here reads the clock: ``today`` is passed in.
"""
