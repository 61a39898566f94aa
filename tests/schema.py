"""Taking a workspace back to an older schema, for the tests of the migrations."""

from __future__ import annotations

import re

from slrbcall.store.migrations import FOUR_EYES_MIGRATION

__all__ = ["undo", "undo_after"]


def undo(migration: tuple[str, ...], *, keep: tuple[str, ...] = ()) -> str:
    """SQL that drops what ``migration`` created (triggers and views, then tables)."""
    made = [
        (kind, name)
        for sql in migration
        for kind, name in re.findall(r"CREATE (TABLE|VIEW|TRIGGER) (\w+)", sql)
        if name not in keep
    ]
    order = {"TRIGGER": 0, "VIEW": 1, "TABLE": 2}
    return " ".join(
        f"DROP {kind} {name};" for kind, name in sorted(made, key=lambda m: order[m[0]])
    )


#: What each migration from 11 on added, undone (columns too); newest first in use.
_UNDO = {
    11: undo(FOUR_EYES_MIGRATION, keep=("allocation_run_frozen", "allocation_adoption_no_update"))
    + " ALTER TABLE allocation_run DROP COLUMN proposed_by;"
    " ALTER TABLE allocation_adoption DROP COLUMN adopted_by;"
    " ALTER TABLE payment DROP COLUMN recorded_by; ALTER TABLE payment DROP COLUMN approved_by;",
    12: "DROP INDEX audit_chain; DROP INDEX audit_key; ALTER TABLE audit DROP COLUMN chain;"
    " ALTER TABLE audit DROP COLUMN prev_sha256; ALTER TABLE audit DROP COLUMN row_sha256;",
}


def undo_after(version: int) -> str:
    """SQL that takes a workspace back from the newest schema to schema ``version``
    (for the migrations from 11 on; a test undoes the older ones itself)."""
    return " ".join(_UNDO[v] for v in sorted(_UNDO, reverse=True) if v > version)
