"""Queries on applications, their planned budgets and intake files, mixed into the
workspace's classes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from slrbcall.store.backend import Connection
from slrbcall.store.chain import AuditEntry
from slrbcall.store.migrations import APPLICATION_COLUMNS

__all__ = ["ApplicationReads", "ApplicationWrites", "StoredApplication", "StoredBudget"]


@dataclass(frozen=True, slots=True)
class StoredApplication:
    """An application as stored: its fields (as a plain row) and bookkeeping."""

    call_id: str
    row: dict[str, Any]
    content_sha256: str
    snapshot_id: int
    file_name: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class StoredBudget:
    """The planned budget of an application in force (its last version): the amounts
    above zero, in cents, by budget line and by co-financing source."""

    reference: str
    version: int
    lines: dict[str, int]
    co_financing: dict[str, int]


class ApplicationQueries:
    """Reads that both a transaction and an open workspace offer."""

    _conn: Connection

    def stored_rows(self, call_id: str) -> list[dict[str, Any]]:
        """The stored applications of a call, as rows of :data:`APPLICATION_COLUMNS`."""
        return _application_rows(self._conn, call_id)

    def budgets(self, call_id: str) -> dict[str, StoredBudget]:
        """The budget in force of each application of the call that has one, by
        reference: the rows of its last version, in the order they were written."""
        rows = self._conn.execute(
            "SELECT b.reference, b.version, b.kind, b.key, b.amount_cents"
            " FROM application_budget b WHERE b.call_id = ? AND b.version = ("
            " SELECT max(c.version) FROM application_budget c"
            " WHERE c.call_id = b.call_id AND c.reference = b.reference)"
            " ORDER BY b.reference, b.id",
            (call_id,),
        ).fetchall()
        found: dict[str, StoredBudget] = {}
        for reference, version, kind, key, cents in rows:
            budget = found.setdefault(reference, StoredBudget(reference, int(version), {}, {}))
            (budget.lines if kind == "line" else budget.co_financing)[key] = int(cents)
        return found


class ApplicationWrites(ApplicationQueries):
    """Writes of one transaction (see :class:`slrbcall.store.Transaction`)."""

    at: str
    command: str
    input_file: str | None
    input_sha256: str | None
    actor: str
    reason: str | None
    #: Per call, the largest application id before this transaction's first insertion,
    #: until :meth:`audit_insertions` has audited them.
    _inserted_after: dict[str, int] | None = None

    if TYPE_CHECKING:

        def audit_many(self, entries: Sequence[AuditEntry]) -> None: ...

    def add_intake_file(
        self, call_id: str, *, file_name: str, sha256: str, sheet: str, rows: int
    ) -> int:
        """Record an intake of a file; its counts are set by :meth:`set_intake_counts`."""
        row = self._conn.execute(
            "INSERT INTO intake_file (call_id, file_name, sha256, sheet, rows, added, changed,"
            " unchanged, at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?) RETURNING id",
            (call_id, file_name, sha256, sheet, rows, self.at),
        ).fetchone()
        return int(row[0])

    def set_intake_counts(self, file_id: int, *, added: int, changed: int, unchanged: int) -> None:
        self._conn.execute(
            "UPDATE intake_file SET added = ?, changed = ?, unchanged = ? WHERE id = ?",
            (added, changed, unchanged, file_id),
        )

    def insert_applications(
        self,
        call_id: str,
        rows: Sequence[Sequence[Any]],
        hashes: Sequence[str],
        *,
        snapshot_id: int,
        file_id: int,
    ) -> None:
        """Insert new applications, each given as its :data:`APPLICATION_COLUMNS` values,
        with its content hash; :meth:`audit_insertions` audits them, once the
        transaction's other writes are done (row ids grow: the new rows are those above
        the largest id before)."""
        if len(rows) != len(hashes):
            raise ValueError(f"{len(rows)} applications but {len(hashes)} content hashes")
        if self._inserted_after is None:
            self._inserted_after = {}
        if call_id not in self._inserted_after:
            self._inserted_after[call_id] = self._conn.execute(
                "SELECT coalesce(max(id), 0) FROM application WHERE call_id = ?", (call_id,)
            ).fetchone()[0]
        constants = (call_id, snapshot_id, file_id, self.at)
        step = _ROWS_PER_INSERT
        full = len(rows) - len(rows) % step
        self._conn.executemany(
            _insert_sql(step),
            (
                (*chain.from_iterable(rows[i : i + step]), *hashes[i : i + step], *constants)
                for i in range(0, full, step)
            ),
        )
        if full < len(rows):
            self._conn.execute(
                _insert_sql(len(rows) - full),
                (*chain.from_iterable(rows[full:]), *hashes[full:], *constants),
            )

    def audit_insertions(self) -> None:
        """Audit each application this transaction inserted.

        The audit row of an insertion names the application, its content hash and its
        row in the file; the values are in the application row, and every later change
        records them before and after. Only those two values are read back: copying
        every value into the audit took longer than the rest of an intake. The rows
        join their call's hash chain like any other (:meth:`audit_many`). The writes of
        a call are one transaction at a time, so the rows of the call above the largest
        id before the first insertion are this transaction's own.
        """
        if self._inserted_after is None:
            return
        for call_id, after in self._inserted_after.items():
            rows = self._conn.execute(
                "SELECT reference, content_sha256, source_row FROM application"
                " WHERE call_id = ? AND id > ? ORDER BY id",
                (call_id, after),
            ).fetchall()
            self.audit_many(
                [
                    (
                        "insert",
                        "application",
                        f"{call_id}/{reference}",
                        None,
                        {"content_sha256": content, "source_row": source_row},
                    )
                    for reference, content, source_row in rows
                ]
            )
        self._inserted_after = None

    def update_application(
        self, call_id: str, row: Mapping[str, Any], *, sha256: str, snapshot_id: int, file_id: int
    ) -> None:
        sets = ", ".join(f"{c} = ?" for c in APPLICATION_COLUMNS if c != "reference")
        self._conn.execute(
            f"UPDATE application SET {sets}, content_sha256 = ?, snapshot_id = ?,"
            " intake_file_id = ?, updated_at = ? WHERE call_id = ? AND reference = ?",
            (
                *(row[c] for c in APPLICATION_COLUMNS if c != "reference"),
                sha256,
                snapshot_id,
                file_id,
                self.at,
                call_id,
                row["reference"],
            ),
        )

    def add_budget(
        self,
        call_id: str,
        reference: str,
        *,
        lines: Sequence[tuple[str, int]],
        co_financing: Sequence[tuple[str, int]],
        file_id: int,
    ) -> int:
        """Record the planned budget of an application as its next version (amounts in
        cents, each above zero); returns the version. The earlier versions are kept."""
        version = 1 + int(
            self._conn.execute(
                "SELECT coalesce(max(version), 0) FROM application_budget"
                " WHERE call_id = ? AND reference = ?",
                (call_id, reference),
            ).fetchone()[0]
        )
        self._conn.executemany(
            "INSERT INTO application_budget (call_id, reference, version, kind, key,"
            " amount_cents, intake_file_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (call_id, reference, version, kind, key, cents, file_id, self.at)
                for kind, pairs in (("line", lines), ("co_financing", co_financing))
                for key, cents in pairs
            ],
        )
        return version

    def set_status(self, call_id: str, reference: str, status: str, reasons_json: str) -> None:
        self._conn.execute(
            "UPDATE application SET status = ?, reasons_json = ?, updated_at = ?"
            " WHERE call_id = ? AND reference = ?",
            (status, reasons_json, self.at, call_id, reference),
        )


class ApplicationReads(ApplicationQueries):
    """Reads of an open workspace (see :class:`slrbcall.store.Workspace`)."""

    def applications(self, call_id: str) -> list[StoredApplication]:
        """The stored applications of a call, in reference order."""
        rows = self._conn.execute(
            "SELECT a.call_id, a.content_sha256, a.snapshot_id, f.file_name, a.created_at,"
            " a.updated_at, a.reference FROM application a"
            " JOIN intake_file f ON f.id = a.intake_file_id WHERE a.call_id = ?",
            (call_id,),
        ).fetchall()
        fields = {r["reference"]: r for r in _application_rows(self._conn, call_id)}
        stored = [
            StoredApplication(
                call_id=r[0],
                row=fields[r[6]],
                content_sha256=r[1],
                snapshot_id=r[2],
                file_name=r[3],
                created_at=r[4],
                updated_at=r[5],
            )
            for r in rows
        ]
        return sorted(stored, key=lambda a: str(a.row["reference"]))


#: Applications inserted by one statement: one statement per row spent a quarter of
#: an intake's insert on the statement itself (bench/intake.py). As many rows (each its
#: columns and its content hash) as stay, with the 4 shared values, under the 999
#: variables older SQLite builds allow.
_ROWS_PER_INSERT = (999 - 4) // (len(APPLICATION_COLUMNS) + 1)


@cache
def _insert_sql(count: int) -> str:
    """``INSERT`` of ``count`` applications, bound as the rows' values in turn
    (``APPLICATION_COLUMNS``), then their content hashes, then the call, the snapshot,
    the file and the time, shared by all the rows."""
    width = len(APPLICATION_COLUMNS)
    hashes, shared = count * width, count * (width + 1)
    call, snapshot, file, at = (f"?{shared + i}" for i in range(1, 5))
    values = ", ".join(
        "("
        + ", ".join(f"?{row * width + i}" for i in range(1, width + 1))
        + f", ?{hashes + row + 1}, {call}, {snapshot}, {file}, {at}, {at})"
        for row in range(count)
    )
    return (
        f"INSERT INTO application ({', '.join(APPLICATION_COLUMNS)}, content_sha256, call_id,"
        f" snapshot_id, intake_file_id, created_at, updated_at) VALUES {values}"
    )


def _application_rows(conn: Connection, call_id: str) -> list[dict[str, Any]]:
    cursor = conn.execute(
        f"SELECT {', '.join(APPLICATION_COLUMNS)} FROM application WHERE call_id = ?"
        " ORDER BY reference",
        (call_id,),
    )
    return [dict(zip(APPLICATION_COLUMNS, row, strict=True)) for row in cursor]
