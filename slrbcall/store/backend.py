"""What the workspace asks of a database: the interface both backends give.

:class:`~slrbcall.store.core.Workspace` and its query modules speak one SQL, with ``?``
placeholders, through a :class:`Connection`; what differs between SQLite and
PostgreSQL (opening, migrating, the write transaction and its locks, the guards, the
ids of new audit rows) is a :class:`Backend`: :mod:`slrbcall.store.sqlite` or
:mod:`slrbcall.store.postgres`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from slrbcall.errors import SlrbcallError

__all__ = ["Backend", "Connection", "Cursor", "integrity_errors", "is_server", "label_of"]


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A DB-API connection whose placeholders are ``?`` (and ``?NNN``)."""

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any: ...


class Backend(Protocol):
    """One open database and the operations that differ between the backends."""

    #: ``sqlite`` or ``postgresql``.
    kind: str
    #: The workspace as messages name it: its path, or its URL without a password.
    label: str
    #: Why nothing can be written (a read-only or full disk, a server that refuses
    #: writes), for a workspace opened for reading only; else None.
    read_only: SlrbcallError | None

    @property
    def conn(self) -> Connection: ...

    def schema_version(self) -> int: ...

    def migrate(self, migrations: Sequence[Sequence[Any]]) -> None: ...

    def transaction(self, call: str | None) -> AbstractContextManager[None]:
        """One write transaction: all or nothing; ``call`` is locked against other
        writers of it (on SQLite, every writer waits for every other). A workspace
        that cannot be written raises :attr:`read_only`, or the reason found on the
        way (exit 5)."""
        ...

    def lock_chain(self, chain: str) -> None:
        """Inside a transaction: hold the audit chain ``chain`` until its end."""
        ...

    def audit_ids(self, count: int) -> Sequence[int]:
        """Inside a transaction: ids for ``count`` new audit rows, increasing."""
        ...

    def tables(self) -> list[str]: ...

    def guard_problems(self) -> list[str]: ...

    def integrity(self) -> str: ...

    def dangling(self) -> list[str]:
        """Rows that name a row no longer there (a foreign key got past), one line each."""
        ...

    def owner(self) -> tuple[str, str]:
        """The role that owns the tables, and this login (a file: two empty names)."""
        ...

    def failure(self, exc: BaseException) -> BaseException | None:
        """What an unexpected error leaving a ``with`` block means, as a user's error
        (a damaged file, altered guards), or None for a bug."""
        ...

    def close(self) -> None: ...


def is_server(location: Path | str) -> bool:
    """Whether ``--db`` names a PostgreSQL server (a ``postgresql://`` URL), not a file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def label_of(location: Path | str) -> str:
    """How messages name a workspace: its path, or its URL without its password."""
    if not is_server(location):
        return str(location)
    text = str(location)
    scheme, _, rest = text.partition("://")
    credentials, at, host = rest.partition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return re.sub(r"(password=)[^&]*", r"\1***", f"{scheme}://{credentials}{at}{host}")


def integrity_errors() -> tuple[type[Exception], ...]:
    """What the drivers raise when a constraint or a guard refuses a row: SQLite's
    IntegrityError, and psycopg's when it is installed."""
    import sqlite3  # noqa: PLC0415 (the drivers' exceptions, for callers that meet both)

    found: list[type[Exception]] = [sqlite3.IntegrityError]
    try:
        import psycopg  # noqa: PLC0415 (loaded only when a server workspace is used)
    except ImportError:  # pragma: no cover - the [postgres] extra is not installed
        return tuple(found)
    return (*found, psycopg.IntegrityError)
