"""Taking a workspace back to an older schema, for the tests of the migrations.

Migrations are named, never numbered, here: a migration merged from another branch
takes its place in the list, and the tests still undo the right ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from slrbcall.store.migrations import (
    APPLICATION_PARTIES_MIGRATION,
    AUDIT_CHAIN_MIGRATION,
    BUDGET_MIGRATION,
    FOUR_EYES_MIGRATION,
    MIGRATIONS,
    SETTLEMENT_MIGRATION,
    Step,
)

__all__ = ["undo", "undo_after", "version_after"]


def undo(migration: Sequence[Step], *, keep: tuple[str, ...] = ()) -> str:
    """SQL that drops what ``migration`` created (triggers and views, then tables, then
    the columns it added)."""
    statements = [step for step in migration if isinstance(step, str)]
    made = [
        (kind, name)
        for sql in statements
        for kind, name in re.findall(r"CREATE (TABLE|VIEW|TRIGGER) (\w+)", sql)
        if name not in keep
    ]
    order = {"TRIGGER": 0, "VIEW": 1, "TABLE": 2}
    added = [
        f"ALTER TABLE {table} DROP COLUMN {column};"
        for sql in statements
        for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", sql)
    ]
    return " ".join(
        [f"DROP {kind} {name};" for kind, name in sorted(made, key=lambda m: order[m[0]])] + added
    )


def version_after(migration: Sequence[Step]) -> int:
    """The schema version a workspace has once ``migration`` has run."""
    return _index(migration) + 1


def _index(migration: Sequence[Step]) -> int:
    return next(i for i, m in enumerate(MIGRATIONS) if m is migration)


#: How each migration from the parties' on is undone, by name.
_UNDO: tuple[tuple[Sequence[Step], str], ...] = (
    (APPLICATION_PARTIES_MIGRATION, undo(APPLICATION_PARTIES_MIGRATION)),
    (SETTLEMENT_MIGRATION, undo(SETTLEMENT_MIGRATION)),
    (
        FOUR_EYES_MIGRATION,
        undo(FOUR_EYES_MIGRATION, keep=("allocation_run_frozen", "allocation_adoption_no_update")),
    ),
    (
        AUDIT_CHAIN_MIGRATION,
        "DROP INDEX audit_chain; DROP INDEX audit_key; ALTER TABLE audit DROP COLUMN chain;"
        " ALTER TABLE audit DROP COLUMN prev_sha256; ALTER TABLE audit DROP COLUMN row_sha256;",
    ),
    (BUDGET_MIGRATION, undo(BUDGET_MIGRATION)),
)


def undo_after(migration: Sequence[Step]) -> str:
    """SQL that takes a workspace of the newest schema back to the schema ``migration``
    leaves (``PRAGMA user_version`` too): the migrations after it undone, newest first.
    A test that goes further back, before the parties' migration, undoes the older ones
    itself."""
    after = MIGRATIONS[_index(migration) + 1 :]
    undone = {id(m): sql for m, sql in _UNDO}
    missing = [i for i, m in enumerate(after, start=_index(migration) + 2) if id(m) not in undone]
    assert not missing, f"tests/schema.py: no undo for migration {missing}"
    steps = [undone[id(m)] for m in reversed(after)]
    return " ".join([*steps, f"PRAGMA user_version = {version_after(migration)};"])
