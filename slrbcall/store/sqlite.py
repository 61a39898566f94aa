"""The workspace in one SQLite file: the embedded default, which needs no server.

* Schema changes are numbered migrations, each applied in its own transaction; ``PRAGMA
  user_version`` records how many have run, ``PRAGMA application_id`` says the file is a
  workspace.
* Tables are STRICT with CHECK constraints; foreign keys are on; the journal is WAL.
* Every write is one ``BEGIN IMMEDIATE`` transaction, so a second writer waits up to the
  busy timeout and then gets :class:`BusyError`; a run that dies half-way leaves
  nothing behind.
* A file that cannot be written (read-only, or on a full disk) is opened for reading
  only, and a write says why in one line (exit 5).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from slrbcall.errors import BusyError, InputFileError, Problem, RefusedError, SlrbcallError
from slrbcall.i18n import _
from slrbcall.records import record_label
from slrbcall.store.guards import (
    APPLICATION_ID,
    damage,
    foreign_reason,
    guard_problems,
    unwritable,
)
from slrbcall.store.migrations import Step

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "SQLITE_VERSION",
    "SqliteBackend",
    "busy_timeout",
]

#: The SQLite library this Python runs, as text and as numbers (``slrbcall doctor``).
SQLITE_VERSION: tuple[str, tuple[int, ...]] = (sqlite3.sqlite_version, sqlite3.sqlite_version_info)

#: Seconds a writer waits for another writer before giving up with exit code 4.
DEFAULT_BUSY_TIMEOUT = 10.0
#: The most memory the workspace's page cache may take while writing, in KiB (see
#: SqliteBackend.transaction).
_CACHE_KIB = 128 * 1024


def busy_timeout() -> float:
    """``$SLRBCALL_BUSY_TIMEOUT`` seconds, else :data:`DEFAULT_BUSY_TIMEOUT`."""
    raw = os.environ.get("SLRBCALL_BUSY_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


class SqliteBackend:
    """An open workspace file."""

    kind = "sqlite"

    def __init__(
        self, conn: sqlite3.Connection, path: Path, migrations: Sequence[Sequence[Step]]
    ) -> None:
        self.conn = conn
        self.path = path
        self.label = str(path)
        self.migrations = migrations
        #: Why nothing can be written, for a workspace opened read-only (else None).
        self.read_only: SlrbcallError | None = None

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool,
        migrations: Sequence[Sequence[Step]],
        timeout: float | None = None,
    ) -> SqliteBackend:
        """Open (and, with ``create``, make) the workspace at ``path``; migrate it.

        A workspace that cannot be written (a read-only file, folder or disk, a full
        disk) is opened for reading only: what is stored can still be read, and a write
        says why it cannot be made. A new file that could not become a workspace is
        removed again.
        """
        if path.is_dir():
            raise InputFileError(
                [Problem(str(path), _("is a directory: --db names a database file"))]
            )
        if not path.exists():
            if not create:
                raise RefusedError(
                    _(
                        "no workspace at {path} yet: run 'slrbcall intake FILE' to start one "
                        "(or pass --db PATH)"
                    ).format(path=path)
                )
            if not path.parent.exists():
                raise RefusedError(
                    _("{path}: the folder {folder} does not exist").format(
                        path=path, folder=path.parent
                    )
                )
        timeout = timeout if timeout is not None else busy_timeout()
        created = not path.exists()
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.OperationalError as exc:
            cause = unwritable(path, exc)
            raise cause or RefusedError(
                _("{path}: cannot open the workspace ({error})").format(path=path, error=exc)
            ) from exc
        backend = cls(conn, path, migrations)
        try:
            # Before anything is written (WAL mode is written in the header): never turn
            # another application's database into a workspace.
            foreign = foreign_reason(conn)
            if foreign is not None:
                raise _foreign(path, foreign)
            conn.execute("PRAGMA foreign_keys = ON")
            mode = journal_mode_wal(conn, timeout)
            if mode is None or str(mode[0]).lower() != "wal":  # pragma: no cover - odd filesystems
                conn.execute("PRAGMA journal_mode = DELETE")
            backend.migrate(migrations)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            conn.close()
            cause = unwritable(path, exc)
            if cause is not None and path.stat().st_size > 0:
                # A full disk or a read-only folder: what is stored can still be read.
                return cls._open_read_only(path, migrations, cause)
            if cause is not None:
                if created:  # an empty file that could not become a workspace
                    for made in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                        made.unlink(missing_ok=True)
                raise cause from exc
            if "locked" in str(exc) or "busy" in str(exc):
                raise busy(str(path)) from exc
            found = damage(exc)
            if found and _sqlite_header(path):
                raise damaged(str(path), found) from exc
            raise InputFileError(
                [
                    Problem(
                        str(path),
                        _("is not a slrbcall workspace ({error}): pass another --db").format(
                            error=exc
                        ),
                    )
                ]
            ) from exc
        except BaseException:
            conn.close()
            raise
        return backend

    @classmethod
    def _open_read_only(
        cls, path: Path, migrations: Sequence[Sequence[Step]], cause: SlrbcallError
    ) -> SqliteBackend:
        """The workspace at ``path`` for reading only; writing raises ``cause``.

        A database in WAL mode needs its shared-memory file even to be read, which a
        read-only or full disk cannot make: it is then read as immutable, but only while
        its log holds no change (a run that stopped half-way leaves one), else it would
        be read as it was before that change.
        """
        log = Path(f"{path}-wal")
        modes = ["mode=ro"]
        if not log.exists() or log.stat().st_size == 0:
            modes.append("immutable=1")
        for mode in modes:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
            try:
                conn.execute("PRAGMA user_version").fetchone()  # SQLite opens lazily
            except sqlite3.DatabaseError:
                conn.close()
                continue
            break
        else:
            raise cause
        backend = cls(conn, path, migrations)
        backend.read_only = cause
        try:
            foreign = foreign_reason(conn)
            if foreign is None and backend.schema_version() < len(migrations):
                raise RefusedError(
                    _(
                        "{path}: the workspace was made by an older slrbcall and must be "
                        "upgraded, which writes to it; {cause}"
                    ).format(path=path, cause=cause)
                )
        except BaseException:
            conn.close()
            raise
        if foreign is not None:
            conn.close()
            raise _foreign(path, foreign)
        return backend

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, migrations: Sequence[Sequence[Step]]) -> None:
        version = self.schema_version()
        if version > len(migrations):
            raise RefusedError(
                _(
                    "{path} was made by a newer slrbcall (schema {version}); "
                    "this one knows schema {known}: upgrade slrbcall"
                ).format(path=self.label, version=version, known=len(migrations))
            )
        while version < len(migrations):
            with self.transaction(None):
                version = self.schema_version()  # another process may have migrated meanwhile
                if version >= len(migrations):
                    break
                for step in migrations[version]:
                    if isinstance(step, str):
                        self.conn.execute(step)
                    else:
                        step(self.conn)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")
            version = self.schema_version()
        if int(self.conn.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            with self.transaction(None):  # a new workspace, or one made before headers
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextmanager
    def transaction(self, call: str | None) -> Iterator[None]:
        """``BEGIN IMMEDIATE``: one writer at a time, whatever the call."""
        if self.read_only is not None:
            raise self.read_only
        # A writer's pages are cached as they are used, up to 128 MiB (SQLite's default
        # is 2 MiB): a large intake's transaction then stays in memory until its commit,
        # rather than being spilled to the log and read back. A reader keeps the default:
        # through a cache that grows a page at a time, counting the million rows of an
        # audit trail takes three times as long, and closing it 20 ms more.
        self.conn.execute(f"PRAGMA cache_size = {-_CACHE_KIB}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise (unwritable(self.path, exc) or busy(self.label)) from exc
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                # SQLite has rolled back by itself what it could not write (a full disk).
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

    def lock_chain(self, chain: str) -> None:
        """Nothing to do: the transaction holds the whole file."""

    def audit_ids(self, count: int) -> range:
        first = int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchone()[0])
        return range(first, first + count)

    def tables(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]

    def guard_problems(self) -> list[str]:
        """The triggers and views that differ from what the migrations made."""
        return guard_problems(self.conn, self.migrations, self.schema_version())

    def owner(self) -> tuple[str, str]:
        """A file has no owner role: whoever may write the file may alter it."""
        return ("", "")

    def integrity(self) -> str:
        """``ok``, or the first problem ``PRAGMA integrity_check`` reports."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    def dangling(self) -> list[str]:
        """Rows that name a row no longer there (``PRAGMA foreign_key_check``)."""
        return [
            _("a row of {table} names a missing row of {parent}").format(
                table=record_label(table), parent=record_label(parent)
            )
            for table, _rowid, parent, _key in self.conn.execute("PRAGMA foreign_key_check")
        ]

    def failure(self, exc: BaseException) -> BaseException | None:
        """A file that cannot be written (a full or read-only disk), or a damaged one, as
        one clear line. An unexpected error on a file whose pages fail SQLite's own
        check is the damage showing; on a sound file it is a bug."""
        cause = unwritable(self.path, exc)
        if cause is not None:
            return cause
        found = damage(exc)
        if found is None and isinstance(exc, Exception):
            try:
                state = self.integrity()
            except sqlite3.DatabaseError as error:
                found = str(error)
            else:
                found = None if state == "ok" else state
        return None if found is None else damaged(self.label, found)

    def close(self) -> None:
        self.conn.close()


def journal_mode_wal(conn: sqlite3.Connection, timeout: float) -> Any:
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


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts as every SQLite database does: then it is damaged, not
    some other kind of file."""
    try:
        with path.open("rb") as file:
            return file.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _foreign(path: Path, reason: str) -> InputFileError:
    return InputFileError(
        [
            Problem(
                str(path),
                _(
                    "is not a slrbcall workspace: {reason}; nothing was written to it "
                    "(pass another --db)"
                ).format(reason=reason),
            )
        ]
    )


def damaged(label: str, exc: BaseException | str) -> InputFileError:
    return InputFileError(
        [
            Problem(
                label,
                _(
                    "the workspace is damaged ({error}): restore its last copy; "
                    "'slrbcall doctor' checks a workspace"
                ).format(error=exc),
            )
        ]
    )


def busy(label: str) -> BusyError:
    return BusyError(
        _(
            "{path}: the workspace is busy: another slrbcall command is writing to it; "
            "run this again when it has finished"
        ).format(path=label)
    )
