"""The workspace: one SQLite database holding a call's state.

Only this package talks to SQLite (a ruff rule enforces it). :mod:`.core` holds the
connection, the migrations runner, the transactions and the audit trail; the other
modules hold the queries of one part of the domain, mixed into :class:`Workspace`
(reads) and :class:`Transaction` (writes).
"""

from slrbcall.store.applications import StoredApplication
from slrbcall.store.core import (
    APPLICATION_COLUMNS,
    MIGRATIONS,
    Actor,
    AuditRow,
    CallRecord,
    Transaction,
    Workspace,
)
from slrbcall.store.decisions import StoredAdoption, StoredMark, StoredRun

__all__ = [
    "APPLICATION_COLUMNS",
    "MIGRATIONS",
    "Actor",
    "AuditRow",
    "CallRecord",
    "StoredAdoption",
    "StoredApplication",
    "StoredMark",
    "StoredRun",
    "Transaction",
    "Workspace",
]
