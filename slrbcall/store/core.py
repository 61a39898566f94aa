"""The workspace: the state of the calls, in one SQLite file or on a PostgreSQL server.

Only this package talks to the databases. Rules (docs/concepts.md, "Workspace"):

* Schema changes are numbered migrations (:data:`MIGRATIONS`, in
  :mod:`slrbcall.store.migrations`; their PostgreSQL twins in
  :mod:`slrbcall.store.postgres_schema`), each applied in its own transaction.
* Every write is one transaction (:meth:`Workspace.write`): all of it is stored, or
  none. Writers of the same call wait for each other, up to the busy timeout, then get
  :class:`BusyError` (on SQLite every writer waits for every other).
* The ``audit`` table is append-only (triggers refuse UPDATE and DELETE) and chained by
  SHA-256 (:mod:`slrbcall.store.chain`).
* Money is integer cents.

What differs between the backends is a :class:`~slrbcall.store.backend.Backend`:
:mod:`slrbcall.store.sqlite` (the default) or :mod:`slrbcall.store.postgres`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from slrbcall import __version__
from slrbcall.errors import RefusedError, SlrbcallError
from slrbcall.i18n import _, format_day
from slrbcall.settings import current_actor
from slrbcall.store.applications import ApplicationReads, ApplicationWrites, StoredApplication
from slrbcall.store.backend import Backend, Connection, is_server
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
from slrbcall.store.guards import refusal
from slrbcall.store.migrations import APPLICATION_COLUMNS, MIGRATIONS, Step
from slrbcall.store.settlement import SettlementReads, SettlementWrites
from slrbcall.store.sqlite import SQLITE_VERSION, SqliteBackend

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
    """A call the workspace holds, and the snapshot of its definition: its hash, the file
    it was read from and when (not its text: a workspace of years holds hundreds)."""

    call_id: str
    snapshot_id: int
    sha256: str
    source_path: str
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


class Transaction(ApplicationWrites, DecisionWrites, FollowupWrites, SettlementWrites):
    """One write transaction; it records its own audit rows."""

    def __init__(
        self,
        conn: Connection,
        backend: Backend,
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
        self._backend = backend
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

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
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
        chains = [
            chain_of(key) if key is not None else (self.call or "") for _, _, key, _, _ in entries
        ]
        for chain in dict.fromkeys(chains):
            if chain not in self._heads:
                # The chain is held (on PostgreSQL, locked) before its head is read and
                # before the new rows take their ids, so each chain grows in id order.
                self._backend.lock_chain(chain)
                self._heads[chain] = self._head(chain)
        rows = []
        ids = self._backend.audit_ids(len(entries))
        for row_id, chain, (action, entity, key, before, after) in zip(
            ids, chains, entries, strict=True
        ):
            prev = self._heads[chain]
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
                _(
                    "audit row {row} was changed outside slrbcall, so nothing is written "
                    "to the workspace: restore its last copy ('slrbcall audit verify' checks "
                    "the whole trail)"
                ).format(row=row[0])
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
            snapshot_id = int(
                self._conn.execute(
                    "INSERT INTO call_snapshot (call_id, sha256, source_path, content,"
                    " recorded_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    (call_id, sha256, source_path, content, self.at),
                ).fetchone()[0]
            )
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


class Workspace(ApplicationReads, DecisionReads, FollowupReads, SettlementReads):
    """An open workspace: a SQLite file, or a schema on a PostgreSQL server. Use
    :meth:`open`; close it (or use ``with``)."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._conn = backend.conn
        self.label = backend.label

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: Path | str,
        *,
        create: bool = True,
        migrations: Sequence[Sequence[Step]] = MIGRATIONS,
        busy_timeout: float | None = None,
    ) -> Workspace:
        """Open (and, with ``create``, make) the workspace at ``location`` (a file, or a
        ``postgresql://`` URL); migrate it."""
        if is_server(location):
            return cls(
                _postgres().PostgresBackend.open(
                    str(location), create=create, migrations=migrations, timeout=busy_timeout
                )
            )
        return cls(
            SqliteBackend.open(
                Path(location), create=create, migrations=migrations, timeout=busy_timeout
            )
        )

    @staticmethod
    def exists(location: Path | str) -> bool:
        """Whether a workspace is at ``location`` (for a server: its schema exists)."""
        if is_server(location):
            return bool(_postgres().workspace_exists(str(location)))
        return Path(location).exists()

    @property
    def kind(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._backend.kind

    # -- transactions -----------------------------------------------------------------

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
        """One write transaction: all of it is stored, or none of it.

        Its audit rows name ``actor`` (by default who runs the tool, see
        :func:`~slrbcall.settings.current_actor`) and ``reason``. ``call`` is the call
        it writes to: writers of the same call wait for each other (on SQLite, every
        writer waits). Insertions of applications not audited yet are audited before
        the commit.
        """
        if not isinstance(actor, Actor):
            actor = Actor(actor or current_actor())
        try:
            with self._backend.transaction(call):
                guards = self.guard_problems()
                if guards:
                    raise _altered(self.label, guards)
                tx = Transaction(
                    self._conn,
                    self._backend,
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
        except Exception as exc:
            refused = refusal(self.label, exc)
            if refused is None:
                raise
            raise refused from exc

    def check_writable(self) -> None:
        """Raise what :meth:`write` would raise before it writes anything: the workspace is
        read-only (a file on a read-only or full disk, a server that refuses writes), or
        its guards were altered. For a command that makes files before it records them
        (documents), so that it makes none it cannot record."""
        refusal = self._backend.read_only
        if refusal is not None:
            raise refusal
        guards = self.guard_problems()
        if guards:
            raise _altered(self.label, guards)

    def _join_team(self, tx: Transaction) -> None:
        """A workspace written by a team's officer is a team's from then on: its four
        eyes never lapse because ``officers.yaml`` went missing."""
        since = self.team_since()
        if tx.team and since is None:
            joined = self._conn.execute(
                "INSERT INTO team (id, since, first_actor) VALUES (1, ?, ?)"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                (tx.at, tx.actor),
            ).fetchone()
            if joined is not None:
                tx.audit("event", "team", None, after={"first_actor": tx.actor})
        elif not tx.team and since is not None:
            raise RefusedError(
                _(
                    "{path}: this workspace is a team's since {day}, and its officers.yaml "
                    "was not found: run slrbcall with the calls folder that holds the team's "
                    "officers.yaml (--calls-dir)"
                ).format(path=self.label, day=_day(since))
            )

    # -- reading ------------------------------------------------------------------------

    def team_since(self) -> str | None:
        """When the workspace became a team's (its first write by an officer), or None."""
        row = self._conn.execute("SELECT since FROM team").fetchone()
        return None if row is None else str(row[0])

    def held_calls(self) -> dict[str, str]:
        """call id -> definition hash, of every call the workspace holds (without the
        definitions' text: a workspace of years holds hundreds)."""
        rows = self._conn.execute(
            "SELECT w.call_id, s.sha256 FROM workspace_call w"
            " JOIN call_snapshot s ON s.id = w.snapshot_id ORDER BY w.call_id"
        ).fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    def calls(self) -> list[CallRecord]:
        rows = self._conn.execute(
            "SELECT w.call_id, s.id, s.sha256, s.source_path, s.recorded_at"
            " FROM workspace_call w JOIN call_snapshot s ON s.id = w.snapshot_id"
            " ORDER BY w.call_id"
        ).fetchall()
        return [CallRecord(*row) for row in rows]

    def audit_rows(self, *, limit: int | None = None) -> list[AuditRow]:
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit ORDER BY id"
        rows = self._conn.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
        return _audit_rows(rows)

    def audit_trail(
        self,
        *,
        key: str | None = None,
        actor: str | None = None,
        entity: str | None = None,
        last: int | None = None,
    ) -> list[AuditRow]:
        """The audit rows, oldest first: of one key (and the keys below it, ``key/...``),
        of one actor, of one kind of entity (``application``), or any of them together;
        the ``last`` ones only when given."""
        where, params = _key_filter(key)
        if actor is not None:
            where.append("actor = ?")
            params.append(actor)
        if entity is not None:
            where.append("entity = ?")
            params.append(entity)
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

    def audit_events(self, entity: str, call_id: str) -> list[AuditRow]:
        """The audit rows of one kind (``entity``: ``document``, ``notification``, ...)
        whose key is in call ``call_id`` (``call/...``), oldest first."""
        rows = self._conn.execute(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE entity = ?"
            " AND entity_key > ? AND entity_key < ? ORDER BY id",
            (entity, call_id + "/", call_id + "0"),  # the keys 'call/...' ('0' follows '/')
        ).fetchall()
        return _audit_rows(rows)

    def counts(self) -> dict[str, int]:
        """Rows per table, for ``slrbcall status`` (call snapshots and audit rows)."""
        tables = self._backend.tables()
        if not tables:
            return {}
        # One statement for every table: on a server, one round trip instead of two dozen.
        row = self._conn.execute(
            "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
        ).fetchone()
        return {t: int(n) for t, n in zip(tables, row, strict=True)}

    def guard_problems(self) -> list[str]:
        """The guards (triggers and views) that differ from what the migrations made."""
        return self._backend.guard_problems()

    def integrity(self) -> str:
        """``ok``, or the first problem the database's own check reports."""
        return self._backend.integrity()

    def owner(self) -> tuple[str, str]:
        """On a server: the role that owns the tables, and this login."""
        return self._backend.owner()

    @property
    def schema_version(self) -> int:
        return self._backend.schema_version()

    def dangling(self) -> list[str]:
        """Rows that name a row no longer there: a decision of a deleted run, an adoption
        of a deleted run, a mark of a deleted application (foreign keys turned off, or
        checks disabled on a server, to get past them)."""
        return self._backend.dangling()

    # -- closing --------------------------------------------------------------------

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        # One place for a damaged file or altered guards, wherever it was noticed: a
        # clear line, not a traceback (every use of a workspace is a ``with`` block).
        # An unexpected error is a bug, and keeps its traceback, unless the backend
        # finds the damage showing or a guard's view was dropped by hand.
        failure: BaseException | None = None
        if isinstance(exc, Exception) and not isinstance(exc, SlrbcallError):
            failure = self._backend.failure(exc)
            if failure is None:
                altered = self.guard_problems()
                failure = _altered(self.label, altered) if altered else None
        self.close()
        if failure is not None:
            raise failure from exc


def _key_filter(key: str | None) -> tuple[list[str], list[Any]]:
    """The condition on ``entity_key`` of the rows of ``key`` and of the keys below it
    (``key/...``): a range of the key's index ('0' follows '/')."""
    if key is None:
        return [], []
    return ["entity_key = ? OR (entity_key > ? AND entity_key < ?)"], [key, key + "/", key + "0"]


def _day(moment: str) -> str:
    """The day of a stored moment (ISO 8601) as the officer reads it."""
    try:
        return format_day(dt.date.fromisoformat(moment[:10]))
    except ValueError:
        return moment[:10]


def _altered(label: str, guards: Sequence[str]) -> RefusedError:
    return RefusedError(
        _(
            "{path}: the workspace's guards were altered outside slrbcall "
            "({guards}), so nothing is written to it: restore the last "
            "copy of the workspace ('slrbcall doctor' lists what differs)"
        ).format(path=label, guards="; ".join(guards))
    )


def _postgres() -> ModuleType:
    """:mod:`slrbcall.store.postgres`, loaded for a server workspace only."""
    import slrbcall.store.postgres  # noqa: PLC0415 (it loads psycopg, for a server only)

    return slrbcall.store.postgres
