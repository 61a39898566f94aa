"""The workspace on a PostgreSQL server, for a team: the same store through psycopg 3.

``--db postgresql://user@host/database`` names it; the workspace is the schema
``slrbcall`` of that database, or the one a ``schema=NAME`` query parameter names.

* Each write is one transaction. Writers of the same call wait for each other by an
  advisory lock on the call, taken before anything is read; writers of different calls
  never wait. Past the busy timeout a writer gets :class:`BusyError`, as on SQLite.
* The audit chains are per call (:mod:`slrbcall.store.chain`): a row's id is taken
  while its chain is locked, so each chain grows in id order.
* The schema is :mod:`slrbcall.store.postgres_schema`, made at once for a new workspace
  and migrated by the twins of SQLite's migrations, under a lock of the whole workspace.
  It belongs to the role ``slrbcall_owner`` when the login that makes it may create or
  become that role: the officers' logins, members of ``slrbcall_writer``, then cannot
  alter a table, drop or disable a guard, nor delete a row.
* Before every write the guards (triggers, their functions, the views) are compared
  with the schema's own, as on SQLite.
* A server that takes no writes (a standby, or read-only by default), or a login that
  may only read, is found on opening: the workspace is read, and a write is refused
  with one line (exit 5), as a read-only file is; a write the server refuses on the way
  (no writes, a full disk, no privilege) is that one line too.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import psycopg
from psycopg import errors, sql

from slrbcall.errors import (
    EnvironmentProblemError,
    InputFileError,
    Problem,
    RefusedError,
    SlrbcallError,
)
from slrbcall.i18n import _
from slrbcall.records import record_label
from slrbcall.store import postgres_schema as schema
from slrbcall.store.backend import label_of
from slrbcall.store.sqlite import busy, busy_timeout

__all__ = ["DEFAULT_SCHEMA", "PgConnection", "PostgresBackend", "split_url", "workspace_exists"]

#: The schema of a workspace when the URL names none.
DEFAULT_SCHEMA = "slrbcall"

#: The first key of every advisory lock the tool takes ("SLRB"); the second is the
#: call's (a hash of its id), or 0 for the whole workspace (migrations).
_LOCK_SPACE = 0x534C5242 - 2**31
_WHOLE = 0

#: How long a writer sleeps between two tries of a lock another writer holds.
_POLL = 0.02


def split_url(url: str) -> tuple[str, str]:
    """The URL to connect to and the workspace's schema (its ``schema`` parameter,
    which PostgreSQL itself does not know, taken out)."""
    base, _sep, query = url.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    named = [value for key, value in pairs if key == "schema"]
    # Percent-encoded as libpq reads it: a space is %20 (libpq reads no '+' as one, and
    # ``options=-c name=value`` has spaces).
    rest = urlencode([(key, value) for key, value in pairs if key != "schema"], quote_via=quote)
    chosen = named[-1] if named else DEFAULT_SCHEMA
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", chosen):
        raise RefusedError(
            _(
                "schema={schema} in --db: a schema name is lowercase letters, digits and "
                "underscores"
            ).format(schema=repr(chosen))
        )
    return (f"{base}?{rest}" if rest else base), chosen


@cache
def _placeholders(text: str) -> tuple[str, bool]:
    """``text`` with psycopg's placeholders for the store's: ``?`` -> ``%s``, ``?NNN``
    -> ``%(pNNN)s`` (then the parameters go by name), ``%`` -> ``%%``; quoted text is
    left alone. Whether the statement has numbered ones."""
    out: list[str] = []
    numbered = False
    i = 0
    quote: str | None = None
    while i < len(text):
        ch = text[i]
        if quote is not None:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?":
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            if j > i + 1:
                out.append(f"%(p{text[i + 1 : j]})s")
                numbered = True
                i = j
                continue
            out.append("%s")
        else:
            out.append(ch)
        i += 1
    return "".join(out), numbered


def _bind(text: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple[str, Any]:
    translated, numbered = _placeholders(text)
    if numbered and not isinstance(params, Mapping):
        return translated, {f"p{n}": value for n, value in enumerate(params, start=1)}
    return translated, params


class PgConnection:
    """A psycopg connection that takes the store's SQL (``?`` placeholders)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, text: str, params: Sequence[Any] | Mapping[str, Any] = (), /) -> Any:
        translated, bound = _bind(text, params)
        return self.raw.execute(translated, bound or None)

    def executemany(self, text: str, rows: Iterable[Sequence[Any]], /) -> Any:
        cursor = self.raw.cursor()
        translated, numbered = _placeholders(text)
        if numbered:
            rows = [_bind(text, row)[1] for row in rows]
        cursor.executemany(translated, rows)
        return cursor


def _connect(url: str) -> tuple[psycopg.Connection[Any], str]:
    target, name = split_url(url)
    try:
        conn = psycopg.connect(
            target, autocommit=True, connect_timeout=10, application_name="slrbcall"
        )
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EnvironmentProblemError(
            _(
                "{path}: cannot connect to the workspace's server ({error}): check the URL, "
                "the server and your login"
            ).format(path=label_of(url), error=first)
        ) from exc
    return conn, name


def workspace_exists(url: str) -> bool:
    """Whether the schema of ``url`` holds tables (a workspace, or another
    application's, which opening it then refuses), as a file exists or not."""
    conn, name = _connect(url)
    try:
        row = conn.execute("SELECT 1 FROM pg_tables WHERE schemaname = %s", (name,)).fetchone()
        return row is not None
    finally:
        conn.close()


def _has_workspace(conn: psycopg.Connection[Any], name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'slrbcall_workspace'",
        (name,),
    ).fetchone()
    return row is not None


def _lock_key(call: str) -> int:
    """The advisory lock of a call: a 32-bit signed hash of its id (0 is the whole
    workspace's; a call whose hash is 0 shares it, which only makes it wait more)."""
    return zlib.crc32(call.encode()) - 2**31


class PostgresBackend:
    """An open workspace on a server."""

    kind = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any], url: str, name: str, timeout: float):
        self.raw = conn
        self.conn = PgConnection(conn)
        self.label = label_of(url)
        self.schema = name
        self.timeout = timeout
        self._locked: set[str] = set()
        #: Why nothing can be written: a server that refuses writes (a standby, a
        #: read-only default) or a login that may only read; else None.
        self.read_only: SlrbcallError | None = None

    @classmethod
    def open(
        cls,
        url: str,
        *,
        create: bool,
        migrations: Sequence[Sequence[Any]],
        timeout: float | None = None,
    ) -> PostgresBackend:
        conn, name = _connect(url)
        backend = cls(conn, url, name, timeout if timeout is not None else busy_timeout())
        try:
            conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(name)))
            conn.execute(f"SET lock_timeout = {int(backend.timeout * 1000)}")
            if not _has_workspace(conn, name):
                tables = conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
                    (name,),
                ).fetchall()
                if tables:
                    shown = ", ".join(t[0] for t in tables[:5]) + (
                        ", ..." if len(tables) > 5 else ""
                    )
                    raise InputFileError(
                        [
                            Problem(
                                backend.label,
                                _(
                                    "is not a slrbcall workspace: its schema {schema} holds "
                                    "the tables of another application ({tables}); nothing "
                                    "was written to it (pass another schema=NAME)"
                                ).format(schema=name, tables=shown),
                            )
                        ]
                    )
                if not create:
                    raise RefusedError(
                        _(
                            "no workspace at {path} yet: run 'slrbcall intake FILE' to start one"
                        ).format(path=backend.label)
                    )
            backend.read_only = backend._write_refusal()
            if backend.read_only is None:
                backend.migrate(migrations)
            elif backend.schema_version() == 0:
                raise backend.read_only
            elif backend.schema_version() != len(migrations):
                raise RefusedError(
                    _(
                        "{path}: the workspace must be made or upgraded to schema {version}, "
                        "which writes to it; {cause}"
                    ).format(path=backend.label, version=len(migrations), cause=backend.read_only)
                )
        except psycopg.Error as exc:
            conn.close()
            refused = write_refused(backend.label, exc)
            if refused is None:
                raise
            raise refused from exc
        except BaseException:
            conn.close()
            raise
        return backend

    def _write_refusal(self) -> SlrbcallError | None:
        """Why this server or login cannot write the workspace, found before anything is
        written: a server that takes no writes (a standby, or read-only by default), or
        a login that may not add audit rows. None when it can (or when there is no
        workspace yet: then making it says)."""
        row = self.raw.execute("SELECT current_setting('transaction_read_only')").fetchone()
        if row is not None and row[0] == "on":
            return _no_writes(self.label)
        if not _has_workspace(self.raw, self.schema):
            return None
        row = self.raw.execute(
            "SELECT has_table_privilege(format('%%I.audit', %s::text), 'INSERT')",
            (self.schema,),
        ).fetchone()
        if row is not None and not row[0]:
            return EnvironmentProblemError(
                _(
                    "{path}: this login may only read the workspace, so nothing was written "
                    "to it: ask an administrator to grant it the role {role}"
                ).format(path=self.label, role=schema.WRITER_ROLE)
            )
        return None

    # -- the schema --------------------------------------------------------------------

    def schema_version(self) -> int:
        if not _has_workspace(self.raw, self.schema):
            return 0
        return int(self.conn.execute("SELECT schema_version FROM slrbcall_workspace").fetchone()[0])

    def migrate(self, migrations: Sequence[Sequence[Any]]) -> None:
        """Bring the schema to SQLite's number of migrations, by the baseline then the
        twins, under the lock of the whole workspace."""
        target = len(migrations)
        version = self.schema_version()
        if version > target:
            raise RefusedError(
                _(
                    "{path} was made by a newer slrbcall (schema {version}); "
                    "this one knows schema {known}: upgrade slrbcall"
                ).format(path=self.label, version=version, known=target)
            )
        if version == target:
            return
        with self.raw.transaction():
            self._lock(_WHOLE)
            version = self.schema_version()  # another process may have migrated meanwhile
            if version >= target:
                return
            owner = self._owner_role()
            try:
                if version == 0:
                    created = sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        sql.Identifier(self.schema)
                    )
                    if owner is not None:
                        created = sql.SQL("{} AUTHORIZATION {}").format(
                            created, sql.Identifier(owner)
                        )
                    self.raw.execute(created)
                if owner is not None:
                    self.raw.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(owner)))
                steps: list[str] = []
                if version == 0:
                    steps += schema.BASELINE
                    version = schema.BASELINE_VERSION
                for number in range(version + 1, target + 1):
                    steps += schema.MIGRATIONS[number]
                for step in steps:
                    self.raw.execute(step)
                self.raw.execute("UPDATE slrbcall_workspace SET schema_version = %s", (target,))
                if owner is not None:
                    for grant in schema.GRANTS:
                        self.raw.execute(grant.format(schema=f'"{self.schema}"'))
                    self.raw.execute("RESET ROLE")
            except errors.InsufficientPrivilege as exc:
                raise RefusedError(
                    _(
                        "{path}: the workspace's schema needs to be made or upgraded (to "
                        "schema {version}), which this login may not do ({error}): an "
                        "administrator runs 'slrbcall status --db URL' once"
                    ).format(path=self.label, version=target, error=exc.diag.message_primary)
                ) from exc

    def _owner_role(self) -> str | None:
        """``slrbcall_owner`` when this login may become it (creating the two roles when
        it may), else None: then the login owns the schema itself."""
        owner, writer = schema.OWNER_ROLE, schema.WRITER_ROLE
        for role, options in ((owner, "NOLOGIN"), (writer, "NOLOGIN")):
            exists = self.raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if exists.fetchone() is None:
                try:
                    with self.raw.transaction():  # a savepoint: a refusal leaves the rest
                        self.raw.execute(
                            sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role))
                        )
                except (errors.InsufficientPrivilege, errors.DuplicateObject):
                    pass
        member = self.raw.execute(
            "SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            (owner,),
        ).fetchone()
        if member is None:
            return None
        if not member[0]:
            try:
                with self.raw.transaction():
                    self.raw.execute(
                        sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(owner))
                    )
            except errors.InsufficientPrivilege:
                return None
        return owner

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self, call: str | None) -> Iterator[None]:
        """One transaction; with ``call``, its lock first, so that what is read inside
        was committed by the call's writers before."""
        if self.read_only is not None:
            raise self.read_only
        self._locked = set()
        try:
            with self.raw.transaction():
                if call is not None:
                    self.lock_chain(call)
                yield
        except (errors.LockNotAvailable, errors.DeadlockDetected, errors.QueryCanceled) as exc:
            raise busy(self.label) from exc
        except psycopg.Error as exc:
            refused = write_refused(self.label, exc, writing=True)
            if refused is None:
                raise
            raise refused from exc
        finally:
            self._locked = set()

    def lock_chain(self, chain: str) -> None:
        if chain in self._locked:
            return
        self._lock(_lock_key(chain) if chain else _lock_key("\0workspace"))
        self._locked.add(chain)

    def _lock(self, key: int) -> None:
        """The advisory lock ``key`` until the end of the transaction, waiting for it up
        to the busy timeout."""
        deadline = time.monotonic() + self.timeout
        while True:
            row = self.raw.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, key)
            ).fetchone()
            if row is not None and row[0]:
                return
            if time.monotonic() >= deadline:
                raise busy(self.label)
            time.sleep(_POLL)

    def audit_ids(self, count: int) -> list[int]:
        rows = self.raw.execute(
            "SELECT nextval(pg_get_serial_sequence('audit', 'id')) FROM generate_series(1, %s)",
            (count,),
        ).fetchall()
        return [int(r[0]) for r in rows]

    # -- reading -----------------------------------------------------------------------

    def tables(self) -> list[str]:
        rows = self.raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s"
            " AND tablename <> 'slrbcall_workspace' ORDER BY tablename COLLATE \"C\"",
            (self.schema,),
        ).fetchall()
        return [r[0] for r in rows]

    def guard_problems(self) -> list[str]:
        return guard_problems(self.raw, self.schema)

    def owner(self) -> tuple[str, str]:
        """The role the audit and payment tables belong to, and this login."""
        row = self.raw.execute(
            "SELECT tableowner, current_user FROM pg_tables"
            " WHERE schemaname = %s AND tablename = 'audit'",
            (self.schema,),
        ).fetchone()
        return ("", "") if row is None else (str(row[0]), str(row[1]))

    def integrity(self) -> str:
        return "ok"

    def dangling(self) -> list[str]:
        """Rows that name a row no longer there: each foreign key checked by a query of
        its own (the server holds them, unless a superuser turned its checks off)."""
        keys = self.raw.execute(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,"
            " array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
            "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),"
            " array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
            "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)"
            " FROM pg_constraint c WHERE c.contype = 'f'"
            " AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)"
            " ORDER BY 1, 2, c.conname",
            (self.schema,),
        ).fetchall()
        found: list[str] = []
        for table, parent, columns, referenced in keys:
            query = sql.SQL(
                "SELECT 1 FROM {table} t WHERE {present} AND NOT EXISTS"
                " (SELECT 1 FROM {parent} p WHERE {matched}) LIMIT 1"
            ).format(
                table=sql.Identifier(table),
                parent=sql.Identifier(parent),
                present=sql.SQL(" AND ").join(
                    sql.SQL("t.{} IS NOT NULL").format(sql.Identifier(c)) for c in columns
                ),
                matched=sql.SQL(" AND ").join(
                    sql.SQL("p.{} = t.{}").format(sql.Identifier(r), sql.Identifier(c))
                    for c, r in zip(columns, referenced, strict=True)
                ),
            )
            if self.raw.execute(query).fetchone() is not None:
                found.append(
                    _("a row of {table} names a missing row of {parent}").format(
                        table=record_label(table), parent=record_label(parent)
                    )
                )
        return found

    def failure(self, exc: BaseException) -> BaseException | None:
        refused = write_refused(self.label, exc)
        if refused is not None:
            return refused
        if isinstance(exc, psycopg.OperationalError) and self.raw.broken:
            return EnvironmentProblemError(
                _(
                    "{path}: the connection to the workspace's server was lost ({error}); "
                    "nothing of the unfinished command was stored"
                ).format(path=self.label, error=exc)
            )
        return None

    def close(self) -> None:
        self.raw.close()


def write_refused(
    label: str, exc: BaseException, *, writing: bool = False
) -> EnvironmentProblemError | None:
    """Why the server refused to store a write, when ``exc`` says it did: it takes no
    writes, its disk is full, or (``writing``: in a write transaction) this login may
    not write; None for any other error."""
    if isinstance(exc, errors.ReadOnlySqlTransaction):
        return _no_writes(label)
    if isinstance(exc, errors.InsufficientResources):  # disk full, out of memory, ...
        return EnvironmentProblemError(
            _(
                "{path}: the server cannot store more ({error}), so nothing was written to "
                "the workspace: ask its administrator to free some space"
            ).format(path=label, error=_first_line(exc))
        )
    if writing and isinstance(exc, errors.InsufficientPrivilege):
        return EnvironmentProblemError(
            _(
                "{path}: this login may not write to the workspace ({error}), so nothing was "
                "written to it: ask an administrator to grant it the role {role}"
            ).format(path=label, error=_first_line(exc), role=schema.WRITER_ROLE)
        )
    return None


def _no_writes(label: str) -> EnvironmentProblemError:
    return EnvironmentProblemError(
        _(
            "{path}: the server takes no writes (a standby, or read-only by default), so "
            "nothing was written to the workspace: point --db at the primary server"
        ).format(path=label)
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def guard_problems(conn: psycopg.Connection[Any], name: str) -> list[str]:
    """Each guard (trigger, function, view) that is missing, changed, disabled or added."""
    problems: list[str] = []
    space = "(SELECT oid FROM pg_namespace WHERE nspname = %s)"
    found = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT t.tgname, c.relname, p.proname, t.tgtype, t.tgenabled, t.tgargs"
            " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_proc p ON p.oid = t.tgfoid"
            f" WHERE c.relnamespace = {space} AND NOT t.tgisinternal",
            (name,),
        )
    }
    for trigger in sorted(schema.TRIGGERS.values(), key=lambda t: t.name):
        if trigger.name not in found:
            problems.append(_("the trigger {name} is missing").format(name=trigger.name))
            continue
        table, function, tgtype, enabled, args = found[trigger.name]
        argument = bytes(args).split(b"\0")[0].decode() if bytes(args) else None
        if (table, function, tgtype, argument) != (
            trigger.table,
            trigger.function,
            trigger.tgtype,
            trigger.argument,
        ):
            problems.append(_("the trigger {name} was changed").format(name=trigger.name))
        elif enabled not in ("O", "A"):
            problems.append(_("the trigger {name} is disabled").format(name=trigger.name))
    problems += [
        _("the trigger {name} is not one of slrbcall's").format(name=extra)
        for extra in sorted(set(found) - set(schema.TRIGGERS))
    ]
    functions = dict(
        conn.execute(f"SELECT proname, prosrc FROM pg_proc WHERE pronamespace = {space}", (name,))
    )
    expected = {**schema.FUNCTIONS, **schema.HELPERS}
    for function, body in sorted(expected.items()):
        if function not in functions:
            problems.append(_("the function {name} is missing").format(name=function))
        elif functions[function] != body:
            problems.append(_("the function {name} was changed").format(name=function))
    problems += [
        _("the function {name} is not one of slrbcall's").format(name=extra)
        for extra in sorted(set(functions) - set(expected))
    ]
    problems += _view_problems(conn, name)
    return problems


def _view_problems(conn: psycopg.Connection[Any], name: str) -> list[str]:
    """The views that differ from the schema's: each compared, as the server words it,
    with a temporary view made from the expected text (and dropped at once)."""
    views = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT viewname, definition FROM pg_views WHERE schemaname = %s", (name,)
        )
    }
    problems = [
        _("the view {name} is missing").format(name=view)
        for view in sorted(set(schema.VIEWS) - set(views))
    ] + [
        _("the view {name} is not one of slrbcall's").format(name=extra)
        for extra in sorted(set(views) - set(schema.VIEWS))
    ]
    present = sorted(set(schema.VIEWS) & set(views))
    if not present:
        return problems
    wording: dict[str, str] = {}
    try:
        with conn.transaction(force_rollback=True):
            for view in present:
                conn.execute(
                    f"CREATE TEMPORARY VIEW slrbcall_expected_{view} AS {schema.VIEWS[view]}"
                )
                row = conn.execute(
                    "SELECT pg_get_viewdef(%s::regclass)", (f"slrbcall_expected_{view}",)
                ).fetchone()
                wording[view] = str(row[0]) if row else ""
    except errors.ReadOnlySqlTransaction:
        # A server that takes no writes (a standby) makes no temporary view either: the
        # wording cannot be compared there, and nothing is written there to guard.
        return problems
    except psycopg.Error:  # a table a view reads was altered: the view cannot be compared
        return [*problems, _("the views cannot be compared with the schema's (a table changed)")]
    problems += [
        _("the view {name} was changed").format(name=view)
        for view in present
        if views[view] != wording[view]
    ]
    return problems
