"""Small pieces shared by the command modules."""

from __future__ import annotations

from typing import Annotated

import typer

from slrbcall.settings import Settings

__all__ = ["JsonOption", "settings"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def settings(ctx: typer.Context) -> Settings:
    """The global options of this invocation."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
