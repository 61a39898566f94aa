"""Where the shipped calls, templates and examples are, and which folder wins.

They live once at the top of the source tree and are copied into the wheel under
``slrbcall/_data``; both layouts are found here. A user's own ``calls/`` or
``templates/`` folder in the working directory takes precedence over the shipped
one, and an explicit ``--calls-dir`` / ``--templates-dir`` over both.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["calls_dir", "examples_dir", "shipped_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The shipped folder ``name`` (calls, templates or examples)."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name  # a source checkout or an editable install


def _chosen(name: str, option: Path | None) -> Path:
    if option is not None:
        return option
    local = Path.cwd() / name
    if local.is_dir():
        return local
    return shipped_dir(name)


def calls_dir(option: Path | None = None) -> Path:
    return _chosen("calls", option)


def templates_dir(option: Path | None = None) -> Path:
    return _chosen("templates", option)


def examples_dir() -> Path:
    return shipped_dir("examples")
