"""A throwaway PostgreSQL cluster for the tests and the benches: a temporary folder, a
local socket, no TCP port, stopped and removed at the end.

As root, the server runs as the ``postgres`` user (PostgreSQL refuses to run as root).
Also a script: ``python tests/pgserver.py start FOLDER`` prints the cluster's URL and
``stop FOLDER`` stops it (``.ci/run`` uses both).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

__all__ = ["PgServer", "bindir", "start", "stop", "throwaway_cluster"]

#: The cluster's superuser; the tests' URL connects as it.
SUPERUSER = "postgres"


def bindir() -> Path | None:
    """Where the server's programs are: ``pg_ctl`` on PATH, else Debian's folder."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=_version)
    return versions[-1].parent if versions else None


def _version(path: Path) -> int:
    part = path.parent.parent.name
    return int(part) if part.isdigit() else 0


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", _server_user(), "--", *command]


def _server_user() -> str:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "nobody"
    return "postgres"


def start(folder: Path) -> str:
    """Make and start a cluster in ``folder`` (created); return its URL."""
    programs = bindir()
    if programs is None:
        raise RuntimeError("PostgreSQL's programs (pg_ctl, initdb) are not installed")
    folder.mkdir(parents=True, exist_ok=True)
    data, socket = folder / "data", folder / "socket"
    socket.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam(_server_user())
        for path in (folder, socket):
            os.chown(path, user.pw_uid, user.pw_gid)
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_server_user(
            [
                str(programs / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    options = (
        f"-k {socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        " -c full_page_writes=off -c max_connections=60"
    )
    subprocess.run(
        _as_server_user(
            [
                str(programs / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    return f"postgresql:///postgres?host={quote(str(socket), safe='')}&user={SUPERUSER}"


def stop(folder: Path) -> None:
    """Stop the cluster of ``folder`` and remove the folder."""
    programs = bindir()
    if programs is not None and (folder / "data" / "postmaster.pid").exists():
        subprocess.run(
            _as_server_user(
                [str(programs / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"]
            ),
            check=False,
            capture_output=True,
        )
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A cluster for the length of the block; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="slrbcall-pg-"))
    try:
        yield start(folder)
    finally:
        stop(folder)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where))
    else:
        stop(where)


class PgServer:
    """A server the tests make databases on: each test's workspace is a database of its
    own (made from a template database when it is a copy), dropped at the end."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.admin = psycopg.connect(url, autocommit=True)
        self.made: list[str] = []

    def url_of(self, database: str) -> str:
        base, _, query = self.url.partition("?")
        root = base.rsplit("/", 1)[0]
        return f"{root}/{database}" + (f"?{query}" if query else "")

    def database_of(self, url: str) -> str:
        return url.partition("?")[0].rsplit("/", 1)[1]

    def new(self, *, template: str | None = None, url: str | None = None) -> str:
        """A new empty database (or a copy of the database of ``template``), named
        after ``url`` when given (that database is dropped first); its URL."""
        if url is not None:
            name = self.database_of(url)
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            name = f"slrbcall_test_{os.getpid()}_{len(self.made) + 1}"
        source = f' TEMPLATE "{self.database_of(template)}"' if template else ""
        self.admin.execute(f'CREATE DATABASE "{name}"{source}')
        self.made.append(name)
        return self.url_of(name)

    def close(self) -> None:
        for name in self.made:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.close()
