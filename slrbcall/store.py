"""The workspace: one SQLite database holding a call's state.

Only this module talks to SQLite. Rules (docs/concepts.md, "Workspace"):

* Schema changes are numbered migrations (:data:`MIGRATIONS`), each applied in its own
  transaction; ``PRAGMA user_version`` records how many have run.
* Tables are STRICT with CHECK constraints; foreign keys are on; the journal is WAL.
* Every write is one ``BEGIN IMMEDIATE`` transaction (:meth:`Workspace.write`), so a
  second writer waits up to the busy timeout and then gets :class:`BusyError`; a run
  that dies half-way leaves nothing behind.
* The ``audit`` table is append-only: triggers refuse UPDATE and DELETE.
* Money is integer cents.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slrbcall import __version__
from slrbcall.errors import BusyError, InputFileError, Problem, RefusedError

__all__ = [
    "APPLICATION_COLUMNS",
    "MIGRATIONS",
    "AuditRow",
    "CallRecord",
    "StoredApplication",
    "Transaction",
    "Workspace",
]

#: Seconds a writer waits for another writer before giving up with exit code 4.
DEFAULT_BUSY_TIMEOUT = 10.0

#: Each migration is a tuple of statements, run in one transaction. Never edit a
#: migration that has shipped: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: call snapshots, the calls a workspace holds, and the audit trail.
    (
        """
        CREATE TABLE call_snapshot (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL CHECK (length(call_id) BETWEEN 1 AND 64),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            source_path TEXT NOT NULL,
            content TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (call_id, sha256)
        ) STRICT
        """,
        """
        CREATE TABLE workspace_call (
            call_id TEXT PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES call_snapshot (id),
            added_at TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            command TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'event')),
            entity TEXT NOT NULL,
            entity_key TEXT,
            before_json TEXT,
            after_json TEXT,
            input_file TEXT,
            input_sha256 TEXT CHECK (input_sha256 IS NULL OR length(input_sha256) = 64),
            tool_version TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END
        """,
        """
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END
        """,
    ),
    # 2: applications and the files they came from.
    (
        """
        CREATE TABLE intake_file (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL REFERENCES workspace_call (call_id),
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            sheet TEXT NOT NULL,
            rows INTEGER NOT NULL CHECK (rows >= 0),
            added INTEGER NOT NULL CHECK (added >= 0),
            changed INTEGER NOT NULL CHECK (changed >= 0),
            unchanged INTEGER NOT NULL CHECK (unchanged >= 0),
            at TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE application (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL REFERENCES workspace_call (call_id),
            reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
            snapshot_id INTEGER NOT NULL REFERENCES call_snapshot (id),
            applicant TEXT,
            applicant_name TEXT NOT NULL,
            title TEXT NOT NULL,
            requested_cents INTEGER NOT NULL CHECK (requested_cents >= 0),
            language TEXT NOT NULL CHECK (language IN ('nl', 'fr')),
            partner TEXT,
            partner_enterprise_number TEXT,
            theme TEXT,
            theme_text TEXT,
            duration_months INTEGER CHECK (duration_months > 0),
            start_date TEXT CHECK (start_date IS NULL OR date(start_date) IS start_date),
            residents_targeted INTEGER CHECK (residents_targeted >= 0),
            contact_name TEXT,
            contact_email TEXT,
            summary TEXT,
            status TEXT NOT NULL CHECK (status IN ('eligible', 'ineligible')),
            reasons_json TEXT NOT NULL,
            content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
            intake_file_id INTEGER NOT NULL REFERENCES intake_file (id),
            source_row INTEGER NOT NULL CHECK (source_row > 0),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (call_id, reference)
        ) STRICT
        """,
        "CREATE INDEX application_applicant ON application (call_id, applicant)",
    ),
)

#: The columns of ``application`` that hold an :class:`Application`'s own fields.
APPLICATION_COLUMNS = (
    "reference",
    "applicant",
    "applicant_name",
    "title",
    "requested_cents",
    "language",
    "partner",
    "partner_enterprise_number",
    "theme",
    "theme_text",
    "duration_months",
    "start_date",
    "residents_targeted",
    "contact_name",
    "contact_email",
    "summary",
    "status",
    "reasons_json",
    "source_row",
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """A call the workspace holds, with the snapshot of its definition."""

    call_id: str
    snapshot_id: int
    sha256: str
    source_path: str
    content: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: str
    command: str
    action: str
    entity: str
    entity_key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    input_file: str | None
    input_sha256: str | None
    tool_version: str


class Transaction:
    """One write transaction; it records its own audit rows."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        command: str,
        input_file: str | None,
        input_sha256: str | None,
    ) -> None:
        self._conn = conn
        self.command = command
        self.input_file = input_file
        self.input_sha256 = input_sha256
        self.at = _now()

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def audit(
        self,
        action: str,
        entity: str,
        key: str | None = None,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        self._conn.execute(
            "INSERT INTO audit (at, command, action, entity, entity_key, before_json,"
            " after_json, input_file, input_sha256, tool_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.at,
                self.command,
                action,
                entity,
                key,
                _json(before),
                _json(after),
                self.input_file,
                self.input_sha256,
                __version__,
            ),
        )

    def add_intake_file(
        self, call_id: str, *, file_name: str, sha256: str, sheet: str, rows: int
    ) -> int:
        """Record an intake of a file; its counts are set by :meth:`set_intake_counts`."""
        cursor = self._conn.execute(
            "INSERT INTO intake_file (call_id, file_name, sha256, sheet, rows, added, changed,"
            " unchanged, at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
            (call_id, file_name, sha256, sheet, rows, self.at),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def set_intake_counts(self, file_id: int, *, added: int, changed: int, unchanged: int) -> None:
        self._conn.execute(
            "UPDATE intake_file SET added = ?, changed = ?, unchanged = ? WHERE id = ?",
            (added, changed, unchanged, file_id),
        )

    def stored_hashes(self, call_id: str) -> dict[str, str]:
        """reference -> content hash of the applications stored for a call."""
        return _application_hashes(self._conn, call_id)

    def stored_rows(self, call_id: str) -> list[dict[str, Any]]:
        """The stored applications of a call, as rows of :data:`APPLICATION_COLUMNS`."""
        return _application_rows(self._conn, call_id)

    def insert_application(
        self, call_id: str, row: Mapping[str, Any], *, sha256: str, snapshot_id: int, file_id: int
    ) -> None:
        columns = ", ".join(APPLICATION_COLUMNS)
        marks = ", ".join("?" for _ in APPLICATION_COLUMNS)
        self._conn.execute(
            f"INSERT INTO application (call_id, {columns}, content_sha256, snapshot_id,"
            f" intake_file_id, created_at, updated_at) VALUES (?, {marks}, ?, ?, ?, ?, ?)",
            (
                call_id,
                *(row[c] for c in APPLICATION_COLUMNS),
                sha256,
                snapshot_id,
                file_id,
                self.at,
                self.at,
            ),
        )

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

    def set_status(self, call_id: str, reference: str, status: str, reasons_json: str) -> None:
        self._conn.execute(
            "UPDATE application SET status = ?, reasons_json = ?, updated_at = ?"
            " WHERE call_id = ? AND reference = ?",
            (status, reasons_json, self.at, call_id, reference),
        )

    def record_call(self, call_id: str, sha256: str, source_path: str, content: str) -> int:
        """Hold ``call_id`` in the workspace with this definition; return the snapshot id.

        The same content is snapshotted once; a changed definition gets a new snapshot,
        and the workspace points to it from now on (the audit keeps both hashes).
        """
        row = self._conn.execute(
            "SELECT id FROM call_snapshot WHERE call_id = ? AND sha256 = ?", (call_id, sha256)
        ).fetchone()
        if row is None:
            snapshot_id = self._conn.execute(
                "INSERT INTO call_snapshot (call_id, sha256, source_path, content, recorded_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (call_id, sha256, source_path, content, self.at),
            ).lastrowid
            assert snapshot_id is not None
        else:
            snapshot_id = int(row[0])
        current = self._conn.execute(
            "SELECT s.id, s.sha256 FROM workspace_call w"
            " JOIN call_snapshot s ON s.id = w.snapshot_id WHERE w.call_id = ?",
            (call_id,),
        ).fetchone()
        if current is None:
            self._conn.execute(
                "INSERT INTO workspace_call (call_id, snapshot_id, added_at) VALUES (?, ?, ?)",
                (call_id, snapshot_id, self.at),
            )
            self.audit("insert", "call", call_id, after={"sha256": sha256, "source": source_path})
        elif current[0] != snapshot_id:
            self._conn.execute(
                "UPDATE workspace_call SET snapshot_id = ? WHERE call_id = ?",
                (snapshot_id, call_id),
            )
            self.audit(
                "update",
                "call",
                call_id,
                before={"sha256": current[1]},
                after={"sha256": sha256, "source": source_path},
            )
        return snapshot_id


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


class Workspace:
    """An open workspace database. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        migrations: Sequence[Sequence[str]] = MIGRATIONS,
        busy_timeout: float | None = None,
    ) -> Workspace:
        """Open (and, with ``create``, make) the workspace at ``path``; migrate it."""
        if path.is_dir():
            raise InputFileError([Problem(str(path), "is a directory: --db names a database file")])
        if not path.exists():
            if not create:
                raise RefusedError(
                    f"no workspace at {path} yet: run 'slrbcall intake FILE' to start one "
                    "(or pass --db PATH)"
                )
            if not path.parent.exists():
                raise RefusedError(f"{path}: the folder {path.parent} does not exist")
        timeout = busy_timeout if busy_timeout is not None else _busy_timeout()
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise RefusedError(f"{path}: cannot open the workspace ({exc})") from exc
        workspace = cls(conn, path)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":  # pragma: no cover - odd filesystems
                conn.execute("PRAGMA journal_mode = DELETE")
            workspace._migrate(migrations)
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise _busy(path) from exc
            raise InputFileError(
                [Problem(str(path), f"is not a slrbcall workspace ({exc}): pass another --db")]
            ) from exc
        except BaseException:
            conn.close()
            raise
        return workspace

    def _migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        version = self.schema_version
        if version > len(migrations):
            raise RefusedError(
                f"{self.path} was made by a newer slrbcall (schema {version}); "
                f"this one knows schema {len(migrations)}: upgrade slrbcall"
            )
        while version < len(migrations):
            with self._immediate():
                version = self.schema_version  # another process may have migrated meanwhile
                if version >= len(migrations):
                    break
                for statement in migrations[version]:
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {version + 1}")
            version = self.schema_version

    # -- transactions -----------------------------------------------------------------

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _busy(self.path) from exc
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    @contextmanager
    def write(
        self,
        *,
        command: str,
        input_file: str | None = None,
        input_sha256: str | None = None,
    ) -> Iterator[Transaction]:
        """One ``BEGIN IMMEDIATE`` transaction: all of it is stored, or none of it."""
        with self._immediate():
            yield Transaction(
                self._conn, command=command, input_file=input_file, input_sha256=input_sha256
            )

    # -- reading ------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def calls(self) -> list[CallRecord]:
        rows = self._conn.execute(
            "SELECT w.call_id, s.id, s.sha256, s.source_path, s.content, s.recorded_at"
            " FROM workspace_call w JOIN call_snapshot s ON s.id = w.snapshot_id"
            " ORDER BY w.call_id"
        ).fetchall()
        return [CallRecord(*row) for row in rows]

    def audit_rows(self, *, limit: int | None = None) -> list[AuditRow]:
        sql = (
            "SELECT id, at, command, action, entity, entity_key, before_json, after_json,"
            " input_file, input_sha256, tool_version FROM audit ORDER BY id"
        )
        rows = self._conn.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
        return [
            AuditRow(
                id=r[0],
                at=r[1],
                command=r[2],
                action=r[3],
                entity=r[4],
                entity_key=r[5],
                before=json.loads(r[6]) if r[6] else None,
                after=json.loads(r[7]) if r[7] else None,
                input_file=r[8],
                input_sha256=r[9],
                tool_version=r[10],
            )
            for r in rows
        ]

    def stored_hashes(self, call_id: str) -> dict[str, str]:
        """reference -> content hash of the applications stored for a call."""
        return _application_hashes(self._conn, call_id)

    def stored_rows(self, call_id: str) -> list[dict[str, Any]]:
        """The stored applications of a call, as rows of :data:`APPLICATION_COLUMNS`."""
        return _application_rows(self._conn, call_id)

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

    def counts(self) -> dict[str, int]:
        """Rows per table, for ``slrbcall status`` (call snapshots and audit rows)."""
        tables = [
            r[0]
            for r in self._conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return {
            t: int(self._conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables
        }

    def integrity(self) -> str:
        """``ok``, or the first problem ``PRAGMA integrity_check`` reports."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    # -- closing --------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _application_hashes(conn: sqlite3.Connection, call_id: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT reference, content_sha256 FROM application WHERE call_id = ?", (call_id,)
    ).fetchall()
    return {str(reference): str(digest) for reference, digest in rows}


def _application_rows(conn: sqlite3.Connection, call_id: str) -> list[dict[str, Any]]:
    cursor = conn.execute(
        f"SELECT {', '.join(APPLICATION_COLUMNS)} FROM application WHERE call_id = ?"
        " ORDER BY reference",
        (call_id,),
    )
    return [dict(zip(APPLICATION_COLUMNS, row, strict=True)) for row in cursor]


def _busy_timeout() -> float:
    raw = os.environ.get("SLRBCALL_BUSY_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def _busy(path: Path) -> BusyError:
    return BusyError(
        f"{path}: the workspace is busy: another slrbcall command is writing to it; "
        "run this again when it has finished"
    )
