"""Small pieces shared by the command modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.options import OneOf, Reference
from slrbcall.settings import Settings

__all__ = [
    "ApplicationReference",
    "DocumentLangOption",
    "DryRunOption",
    "JsonOption",
    "OutputOption",
    "ProjectReference",
    "ReportXlsxOption",
    "SheetOption",
    "TemplateLangOption",
    "settings",
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
ApplicationReference = Annotated[
    str,
    typer.Argument(metavar="REF", click_type=Reference(), help="The application's reference."),
]
ProjectReference = Annotated[
    str, typer.Argument(metavar="REF", click_type=Reference(), help="The funded project.")
]

# The options of every command that reads a workbook under the intake contract.
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="The sheet to read (default: the one that fits).")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Check and report, store nothing.")]
ReportXlsxOption = Annotated[
    Path | None,
    typer.Option("--report-xlsx", help="On problems, also write a copy with the bad cells marked."),
]

# The options of every command that writes a workbook to fill in.
OutputOption = Annotated[
    Path, typer.Option("-o", "--output", help="The workbook to write (.xlsx).")
]
TemplateLangOption = Annotated[
    str,
    typer.Option(
        "--lang",
        click_type=OneOf(("nl", "fr", "en")),
        help="Language of the headers and instructions: nl, fr or en.",
    ),
]


# The language of the documents a command renders.
DocumentLangOption = Annotated[
    str,
    typer.Option(
        "--lang",
        click_type=OneOf(("nl", "fr", "auto", "both")),
        help="nl, fr, auto (the application's language) or both.",
    ),
]


def settings(ctx: typer.Context) -> Settings:
    """The global options of this invocation."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
