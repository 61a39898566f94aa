"""The global options of a run, kept light: the CLI builds this before every command."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from slrbcall.resources import calls_dir, templates_dir

__all__ = ["Settings", "current_actor", "default_db"]

#: How ``--db`` names a PostgreSQL server rather than a file.
SERVER_SCHEMES = ("postgresql://", "postgres://")


def default_db(option: Path | str | None = None) -> Path | str:
    """``--db``, else ``$SLRBCALL_DB``, else ``./slrbcall.db``: a file's path, or a
    ``postgresql://`` URL (kept as text: a path would fold its ``//``)."""
    chosen = option if option is not None else os.environ.get("SLRBCALL_DB") or "slrbcall.db"
    if isinstance(chosen, str) and chosen.startswith(SERVER_SCHEMES):
        return chosen
    return Path(chosen)


def current_actor() -> str:
    """Who is running the tool: ``$SLRBCALL_ACTOR``, else the login, else ``unknown``.

    Every audit row names its actor. Until the workspace has a list of officers, the
    actor is the person at the keyboard, as the operating system knows them.
    """
    env = os.environ.get("SLRBCALL_ACTOR", "").strip()
    if env:
        return env[:200]
    try:
        login = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no login name on this machine (a container)
        login = ""
    return login[:200] or "unknown"


@dataclass(frozen=True, slots=True)
class Settings:
    """The global options: where the workspace, the calls and the templates are."""

    db: Path | str | None = None
    calls_dir: Path | None = None
    templates_dir: Path | None = None
    call_id: str | None = None
    #: ``--as KEY``: who writes (docs/concepts.md, "Actors and roles").
    actor: str | None = None
    #: Whether the officers of ``officers.yaml`` apply; the demo's own scratch
    #: workspace is one person's, whatever the calls folder holds.
    team: bool = True

    @property
    def db_location(self) -> Path | str:
        """The workspace: a file's path, or a PostgreSQL server's URL."""
        return default_db(self.db)

    @property
    def calls_path(self) -> Path:
        return calls_dir(self.calls_dir)

    @property
    def templates_path(self) -> Path:
        return templates_dir(self.templates_dir)
