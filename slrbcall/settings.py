"""The global options of a run, kept light: the CLI builds this before every command."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from slrbcall.resources import calls_dir, templates_dir

__all__ = ["Settings", "default_db_path"]


def default_db_path(option: Path | None = None) -> Path:
    """``--db``, else ``$SLRBCALL_DB``, else ``./slrbcall.db``."""
    if option is not None:
        return option
    env = os.environ.get("SLRBCALL_DB")
    return Path(env) if env else Path("slrbcall.db")


@dataclass(frozen=True, slots=True)
class Settings:
    """The global options: where the workspace, the calls and the templates are."""

    db: Path | None = None
    calls_dir: Path | None = None
    templates_dir: Path | None = None
    call_id: str | None = None

    @property
    def db_path(self) -> Path:
        return default_db_path(self.db)

    @property
    def calls_path(self) -> Path:
        return calls_dir(self.calls_dir)

    @property
    def templates_path(self) -> Path:
        return templates_dir(self.templates_dir)
