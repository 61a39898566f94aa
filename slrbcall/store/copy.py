"""Moving a workspace between SQLite and PostgreSQL, row for row.

The target is a new, empty workspace at the same schema. Every table is copied in an
order its foreign keys allow, ids and all, in one transaction of the target; its guards
are set aside while the rows go in (they judge each new row against the rows before it,
and a copy brings the rows of years at once: an amendment against an adoption since
replaced would be refused), and put back as they were. Then the copy is checked: the
same number of rows in every table, every audit chain holding, and the same last row
of each chain, digest and all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.errors import RefusedError
from slrbcall.i18n import _
from slrbcall.records import records_text
from slrbcall.store.postgres_schema import TABLES

if TYPE_CHECKING:
    from slrbcall.store.core import Workspace

__all__ = ["CopyResult", "copy_workspace"]

#: Rows read and written at a time.
_BATCH = 5_000

#: The tables in the order their foreign keys allow.
ORDER = tuple(name for name in TABLES if name != "slrbcall_workspace")
#: The tables whose ids a PostgreSQL sequence gives.
_IDENTITY = tuple(name for name in ORDER if "AS IDENTITY" in TABLES[name])


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What was copied: rows per table (the same in both), and each audit chain's last
    row (id, digest), the same in both."""

    counts: dict[str, int]
    heads: dict[str, tuple[int, str]]


def copy_workspace(source: Workspace, target: Workspace) -> CopyResult:
    """Copy every row of ``source`` into the empty workspace ``target``, then check it."""
    if source.schema_version != target.schema_version:
        raise RefusedError(
            _(
                "{source} is at schema {version} and {target} at {target_version}: open both "
                "with the same slrbcall first"
            ).format(
                source=source.label,
                version=source.schema_version,
                target=target.label,
                target_version=target.schema_version,
            )
        )
    tables = set(source.counts())
    if tables != set(ORDER):
        raise RefusedError(
            _("{source} holds tables this copy does not know ({tables}): upgrade slrbcall").format(
                source=source.label, tables=records_text(sorted(tables ^ set(ORDER)))
            )
        )
    filled = {name: n for name, n in target.counts().items() if n}
    if filled:
        raise RefusedError(
            _("{target} is not empty ({tables}): a workspace is copied into a new one only").format(
                target=target.label, tables=records_text(sorted(filled))
            )
        )
    with _guards_aside(target):
        for table in ORDER:
            _copy_table(source, target, table)
    counts, copied = source.counts(), target.counts()
    broken = target.verify_audit()
    heads = source.audit_heads()
    if copied != counts or broken is not None or target.audit_heads() != heads:
        differ = [t for t in ORDER if copied.get(t) != counts.get(t)]
        if differ:
            told = _("the copy in {target} does not match {source}: rows differ in {tables}")
        else:
            told = _("the copy in {target} does not match {source}: {problem}")
        raise RefusedError(
            told.format(
                target=target.label,
                source=source.label,
                tables=records_text(differ),
                problem=str(broken) if broken is not None else _("audit"),
            )
        )
    return CopyResult(counts, heads)


def _copy_table(source: Workspace, target: Workspace, table: str) -> None:
    src, dst = source._conn, target._conn
    cursor = src.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cursor.description]
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    while rows := cursor.fetchmany(_BATCH):
        dst.executemany(insert, rows)


@contextmanager
def _guards_aside(target: Workspace) -> Iterator[None]:
    """One transaction of ``target`` whose guards do not fire, and are as before after."""
    backend: Any = target._backend
    with backend.transaction(None):
        if target.kind == "sqlite":
            triggers = target._conn.execute(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"
            ).fetchall()
            for name, _sql in triggers:
                target._conn.execute(f"DROP TRIGGER {name}")
            yield
            for _name, sql in triggers:
                target._conn.execute(sql)
        else:
            for table in ORDER:
                target._conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield
            for table in ORDER:
                target._conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            for table in _IDENTITY:  # new rows take ids after the copied ones
                target._conn.execute(
                    f"SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT max(id) FROM {table}))"
                    f" WHERE EXISTS (SELECT 1 FROM {table})",
                    (table,),
                )
