"""The workspace: one SQLite database holding a call's state.

Only this module talks to SQLite. Rules (docs/concepts.md, "Workspace"):

* Schema changes are numbered migrations (:data:`MIGRATIONS`, in
  :mod:`slrbcall.store.migrations`), each applied in its own transaction; ``PRAGMA
  user_version`` records how many have run.
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
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slrbcall import __version__
from slrbcall.errors import BusyError, InputFileError, Problem, RefusedError, SlrbcallError
from slrbcall.settings import current_actor
from slrbcall.store.applications import ApplicationReads, ApplicationWrites, StoredApplication
from slrbcall.store.chain import (
    GENESIS,
    HASHED,
    AuditEntry,
    ChainBreak,
    chain_of,
    digest,
    first_break,
)
from slrbcall.store.decisions import DecisionReads, DecisionWrites
from slrbcall.store.followup import FollowupReads, FollowupWrites
from slrbcall.store.guards import APPLICATION_ID, damage, foreign_reason, guard_problems
from slrbcall.store.migrations import APPLICATION_COLUMNS, MIGRATIONS, Step

__all__ = [
    "APPLICATION_COLUMNS",
    "MIGRATIONS",
    "SQLITE_VERSION",
    "Actor",
    "AuditRow",
    "CallRecord",
    "StoredApplication",
    "Transaction",
    "Workspace",
]

#: The SQLite library this Python runs, as text and as numbers (``slrbcall doctor``).
SQLITE_VERSION: tuple[str, tuple[int, ...]] = (sqlite3.sqlite_version, sqlite3.sqlite_version_info)

#: Seconds a writer waits for another writer before giving up with exit code 4.
DEFAULT_BUSY_TIMEOUT = 10.0
#: The most memory the workspace's page cache may take, in KiB (see Workspace.open).
_CACHE_KIB = 128 * 1024


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


_AUDIT_COLUMNS = (
    "id, at, command, action, entity, entity_key, before_json, after_json,"
    " input_file, input_sha256, tool_version, actor, reason, chain, row_sha256"
)
_AUDIT_INSERT = (
    f"INSERT INTO audit ({', '.join(HASHED)}, prev_sha256, row_sha256)"
    f" VALUES ({', '.join('?' * (len(HASHED) + 2))})"
)


def _audit_rows(rows: Sequence[Sequence[Any]]) -> list[AuditRow]:
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
            actor=r[11],
            reason=r[12],
            chain=r[13],
            row_sha256=r[14],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who writes: an officer's key (or, without a team, the person's name), and
    whether a team's rules apply (docs/concepts.md, "Actors and roles")."""

    key: str
    team: bool = False


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
    actor: str | None = None
    reason: str | None = None
    chain: str = ""  # the call whose chain it is in ('' for the workspace's own)
    row_sha256: str = ""  # the SHA-256 of its content and of the row before it


class Transaction(ApplicationWrites, DecisionWrites, FollowupWrites):
    """One write transaction; it records its own audit rows."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        command: str,
        input_file: str | None,
        input_sha256: str | None,
        actor: str,
        reason: str | None = None,
        team: bool = False,
        call: str | None = None,
    ) -> None:
        self._conn = conn
        self.call = call
        self.command = command
        self.input_file = input_file
        self.input_sha256 = input_sha256
        self.actor = actor
        self.reason = reason
        #: Whether the actor is an officer of a team (four eyes apply).
        self.team = team
        self.at = _now()
        #: The digest of the last row of each audit chain this transaction appends to.
        self._heads: dict[str, str] = {}
        self._next_audit_id: int | None = None

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
        """One audit row: what changed (``before``/``after``), by this transaction's command."""
        self.audit_many([(action, entity, key, before, after)])

    def audit_many(self, entries: Sequence[AuditEntry]) -> None:
        """Many audit rows at once: (action, entity, key, before, after) each.

        Every row names this transaction's actor and, where the command asked for one,
        its reason, and joins the hash chain of its call (:mod:`slrbcall.store.chain`).
        """
        if not entries:
            return
        rows = []
        for row_id, (action, entity, key, before, after) in zip(
            self._audit_ids(len(entries)), entries, strict=True
        ):
            chain = chain_of(key) if key is not None else (self.call or "")
            prev = self._heads[chain] if chain in self._heads else self._head(chain)
            fields = (
                row_id,
                chain,
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
                self.actor,
                self.reason,
            )
            own = digest(fields, prev)
            self._heads[chain] = own
            rows.append((*fields, prev, own))
        self._conn.executemany(_AUDIT_INSERT, rows)

    def _audit_ids(self, count: int) -> range:
        """Ids for ``count`` new audit rows: the chain's digests cover them. The write
        lock is held, so no other writer takes them."""
        if self._next_audit_id is None:
            row = self._conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchone()
            self._next_audit_id = int(row[0])
        first = self._next_audit_id
        self._next_audit_id += count
        return range(first, first + count)

    def _head(self, chain: str) -> str:
        """The digest of the last row of ``chain`` (:data:`GENESIS` for a new one), after
        checking it: a trail whose last row was edited by hand is not written on."""
        row = self._conn.execute(
            f"SELECT {', '.join(HASHED)}, prev_sha256, row_sha256 FROM audit"
            " WHERE chain = ? ORDER BY id DESC LIMIT 1",
            (chain,),
        ).fetchone()
        if row is None:
            return GENESIS
        width = len(HASHED)
        if digest(row[:width], row[width]) != row[width + 1]:
            raise RefusedError(
                f"audit row {row[0]} was changed outside slrbcall, so nothing is written "
                "to the workspace: restore its last copy ('slrbcall audit verify' checks "
                "the whole trail)"
            )
        return str(row[width + 1])

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


class Workspace(ApplicationReads, DecisionReads, FollowupReads):
    """An open workspace database. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        migrations: Sequence[Sequence[Step]] = MIGRATIONS,
    ) -> None:
        self._conn = conn
        self.path = path
        self._migrations = migrations

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        migrations: Sequence[Sequence[Step]] = MIGRATIONS,
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
        workspace = cls(conn, path, migrations)
        try:
            # Before anything is written (WAL mode is written in the header): never turn
            # another application's database into a workspace.
            foreign = foreign_reason(conn)
            if foreign is not None:
                conn.close()
                raise InputFileError(
                    [
                        Problem(
                            str(path),
                            f"is not a slrbcall workspace: {foreign}; nothing was written to "
                            "it (pass another --db)",
                        )
                    ]
                )
            conn.execute("PRAGMA foreign_keys = ON")
            # Pages are cached as they are used, up to 128 MiB (SQLite's default is
            # 2 MiB): a large intake's transaction then stays in memory until its
            # commit, rather than being spilled to the log and read back.
            conn.execute(f"PRAGMA cache_size = {-_CACHE_KIB}")
            mode = _journal_mode_wal(conn, timeout)
            if mode is None or str(mode[0]).lower() != "wal":  # pragma: no cover - odd filesystems
                conn.execute("PRAGMA journal_mode = DELETE")
            workspace._migrate(migrations)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise _busy(path) from exc
            found = damage(exc)
            if found and _sqlite_header(path):
                raise _damaged(path, found) from exc
            raise InputFileError(
                [Problem(str(path), f"is not a slrbcall workspace ({exc}): pass another --db")]
            ) from exc
        except BaseException:
            conn.close()
            raise
        return workspace

    def _migrate(self, migrations: Sequence[Sequence[Step]]) -> None:
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
                for step in migrations[version]:
                    if isinstance(step, str):
                        self._conn.execute(step)
                    else:
                        step(self._conn)
                self._conn.execute(f"PRAGMA user_version = {version + 1}")
            version = self.schema_version
        if int(self._conn.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            with self._immediate():  # a new workspace, or one made before headers were written
                self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

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
        call: str | None = None,
        actor: Actor | str | None = None,
        reason: str | None = None,
    ) -> Iterator[Transaction]:
        """One ``BEGIN IMMEDIATE`` transaction: all of it is stored, or none of it.

        Its audit rows name ``actor`` (by default who runs the tool, see
        :func:`~slrbcall.settings.current_actor`) and ``reason``. ``call`` is the call
        it writes to. Insertions of applications not audited yet are audited before
        the commit.
        """
        if not isinstance(actor, Actor):
            actor = Actor(actor or current_actor())
        with self._immediate():
            guards = self.guard_problems()
            if guards:
                raise _altered(self.path, guards)
            tx = Transaction(
                self._conn,
                command=command,
                input_file=input_file,
                input_sha256=input_sha256,
                actor=actor.key,
                reason=reason,
                team=actor.team,
                call=call,
            )
            self._join_team(tx)
            yield tx
            tx.audit_insertions()

    def _join_team(self, tx: Transaction) -> None:
        """A workspace written by a team's officer is a team's from then on: its four
        eyes never lapse because ``officers.yaml`` went missing."""
        since = self.team_since()
        if tx.team and since is None:
            self._conn.execute(
                "INSERT INTO team (id, since, first_actor) VALUES (1, ?, ?)", (tx.at, tx.actor)
            )
            tx.audit("event", "team", None, after={"first_actor": tx.actor})
        elif not tx.team and since is not None:
            raise RefusedError(
                f"{self.path}: this workspace is a team's since {since[:10]}, and its "
                "officers.yaml was not found: run slrbcall with the calls folder that holds "
                "the team's officers.yaml (--calls-dir)"
            )

    # -- reading ------------------------------------------------------------------------

    def team_since(self) -> str | None:
        """When the workspace became a team's (its first write by an officer), or None."""
        row = self._conn.execute("SELECT since FROM team").fetchone()
        return None if row is None else str(row[0])

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def held_calls(self) -> dict[str, str]:
        """call id -> definition hash, of every call the workspace holds."""
        return {record.call_id: record.sha256 for record in self.calls()}

    def calls(self) -> list[CallRecord]:
        rows = self._conn.execute(
            "SELECT w.call_id, s.id, s.sha256, s.source_path, s.content, s.recorded_at"
            " FROM workspace_call w JOIN call_snapshot s ON s.id = w.snapshot_id"
            " ORDER BY w.call_id"
        ).fetchall()
        return [CallRecord(*row) for row in rows]

    def audit_rows(self, *, limit: int | None = None) -> list[AuditRow]:
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit ORDER BY id"
        rows = self._conn.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
        return _audit_rows(rows)

    def audit_trail(
        self, *, key: str | None = None, actor: str | None = None, last: int | None = None
    ) -> list[AuditRow]:
        """The audit rows, oldest first: of one key (and the keys below it, ``key/...``),
        of one actor, or both; the ``last`` ones only when given."""
        where, params = _key_filter(key)
        if actor is not None:
            where.append("actor = ?")
            params.append(actor)
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(f"({w})" for w in where)
        if last is None:
            return _audit_rows(self._conn.execute(sql + " ORDER BY id", params).fetchall())
        rows = self._conn.execute(sql + f" ORDER BY id DESC LIMIT {int(last)}", params)
        return _audit_rows(rows.fetchall()[::-1])

    def last_change(self) -> str | None:
        """When the workspace last changed: the time of its last audit row."""
        row = self._conn.execute("SELECT at FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def verify_audit(self) -> ChainBreak | None:
        """The first audit row whose hash chain does not hold, or None (every row as it
        was recorded, none removed or added but at the end of a chain)."""
        cursor = self._conn.execute(
            f"SELECT {', '.join(HASHED)}, prev_sha256, row_sha256 FROM audit ORDER BY id"
        )
        return first_break(cursor)

    def audit_heads(self) -> dict[str, tuple[int, str]]:
        """chain -> (id, digest) of its last row: what an auditor notes down, so that a
        later check also finds rows removed from the end of a chain."""
        rows = self._conn.execute(
            "SELECT a.chain, a.id, a.row_sha256 FROM audit a"
            " WHERE a.id = (SELECT max(b.id) FROM audit b WHERE b.chain = a.chain)"
            " ORDER BY a.chain"
        ).fetchall()
        return {str(r[0]): (int(r[1]), str(r[2])) for r in rows}

    def audit_of(self, call_id: str, reference: str) -> list[AuditRow]:
        """The audit rows of one application, oldest first, and of the call's decisions.

        An application's own rows have its key (``call/REF``) or start with it
        (``call/REF/...``: its marks, milestones, payments, reports); the call's runs
        and adoptions are rows of the whole call, which every application's history
        shares.
        """
        own, params = _key_filter(f"{call_id}/{reference}")
        # The call's runs and adoptions: the chain's rows of those two entities.
        rows = self._conn.execute(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE {own[0]}"
            f" UNION SELECT {_AUDIT_COLUMNS} FROM audit WHERE chain = ?"
            " AND entity IN ('allocation_run', 'allocation_adoption')"
            " ORDER BY 1",
            (*params, call_id),
        ).fetchall()
        return _audit_rows(rows)

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

    def guard_problems(self) -> list[str]:
        """The guards (triggers and views) that differ from what the migrations made."""
        return guard_problems(self._conn, self._migrations, self.schema_version)

    def integrity(self) -> str:
        """``ok``, or the first problem ``PRAGMA integrity_check`` reports."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    # -- closing --------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        # One place for a damaged file, wherever it was noticed: a clear line, not a
        # traceback (every use of a workspace is a ``with`` block). An unexpected error
        # on a file whose pages fail SQLite's own check is the damage showing; on a sound
        # file it is a bug, and keeps its traceback.
        found = damage(exc) if exc is not None else None
        altered: list[str] = []
        if found is None and isinstance(exc, Exception) and not isinstance(exc, SlrbcallError):
            found = self._damage_found()
            if found is None:  # a guard's view dropped by hand fails the reads that use it
                altered = self.guard_problems()
        self.close()
        if exc is not None and found is not None:
            raise _damaged(self.path, found) from exc
        if exc is not None and altered:
            raise _altered(self.path, altered) from exc

    def _damage_found(self) -> str | None:
        try:
            state = self.integrity()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None if state == "ok" else state


def _key_filter(key: str | None) -> tuple[list[str], list[Any]]:
    """The condition on ``entity_key`` of the rows of ``key`` and of the keys below it
    (``key/...``): a range of the key's index ('0' follows '/')."""
    if key is None:
        return [], []
    return ["entity_key = ? OR (entity_key > ? AND entity_key < ?)"], [key, key + "/", key + "0"]


def _journal_mode_wal(conn: sqlite3.Connection, timeout: float) -> Any:
    """``PRAGMA journal_mode = WAL``, retried for up to ``timeout`` seconds.

    Turning a new database to WAL needs it to itself, and SQLite answers "database is
    locked" at once, without its busy handler, while another connection opens it
    (two intakes started together into a new workspace): the switch is tried again
    until the other has done it.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _altered(path: Path, guards: Sequence[str]) -> RefusedError:
    return RefusedError(
        f"{path}: the workspace's guards were altered outside slrbcall "
        f"({'; '.join(guards)}), so nothing is written to it: restore the last "
        "copy of the workspace ('slrbcall doctor' lists what differs)"
    )


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts as every SQLite database does: then it is damaged, not
    some other kind of file."""
    try:
        with path.open("rb") as file:
            return file.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _damaged(path: Path, exc: BaseException | str) -> InputFileError:
    return InputFileError(
        [
            Problem(
                str(path),
                f"the workspace is damaged ({exc}): restore its last copy; "
                "'slrbcall doctor' checks a workspace",
            )
        ]
    )


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
