"""The kinds of record a workspace holds (its tables), as the officer reads them.

A table's name is a stable identifier, in the schema and in ``--json``; where a table is
named to the officer (``slrbcall status``, a row that names a missing row, a copy that
does not match), its label in the officer's language is shown, the English label being
the name itself, as the tool always showed it.
"""

from __future__ import annotations

from collections.abc import Iterable

from slrbcall.i18n import N_, _

__all__ = ["RECORDS", "record_label", "records_text"]

#: The tables of a workspace, as ``slrbcall status`` counts them.
RECORDS = {
    "allocation_adoption": N_("allocation_adoption"),
    "allocation_decision": N_("allocation_decision"),
    "allocation_reserve": N_("allocation_reserve"),
    "allocation_run": N_("allocation_run"),
    "amendment": N_("amendment"),
    "application": N_("application"),
    "application_budget": N_("application_budget"),
    "audit": N_("audit"),
    "call_snapshot": N_("call_snapshot"),
    "expense": N_("expense"),
    "expense_review": N_("expense_review"),
    "followup_milestone": N_("followup_milestone"),
    "intake_file": N_("intake_file"),
    "mark": N_("mark"),
    "milestone_correction": N_("milestone_correction"),
    "monitoring_report": N_("monitoring_report"),
    "payment": N_("payment"),
    "payment_correction": N_("payment_correction"),
    "payment_proposal": N_("payment_proposal"),
    "recovery": N_("recovery"),
    "settlement": N_("settlement"),
    "team": N_("team"),
    "withdrawal": N_("withdrawal"),
    "workspace_call": N_("workspace_call"),
}


def record_label(table: str) -> str:
    """A table's name as the officer reads it; a table the tool does not know (another
    application's, a newer one's) by its name."""
    found = RECORDS.get(table)
    return table if found is None else _(found)


def records_text(tables: Iterable[str]) -> str:
    """Tables named in a sentence, in the order given: ``payment, withdrawal``."""
    return ", ".join(record_label(t) for t in tables)
