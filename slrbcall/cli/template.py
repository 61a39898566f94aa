"""``slrbcall template``: blank workbooks that people fill in and the tool reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.common import settings
from slrbcall.cli.output import out_console, text

app = typer.Typer(no_args_is_help=True, help="Write blank workbooks to fill in.")

Output = Annotated[Path, typer.Option("-o", "--output", help="The workbook to write (.xlsx).")]


@app.command()
def applications(
    ctx: typer.Context,
    output: Output,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the headers and instructions: nl, fr or en.")
    ] = "fr",
) -> None:
    """Write the applications workbook: headers, instructions, drop-down lists.

    Example: slrbcall template applications -o candidatures.xlsx --lang fr
    """
    from slrbcall import services
    from slrbcall.errors import RefusedError

    if lang not in ("nl", "fr", "en"):
        raise RefusedError(f"--lang must be nl, fr or en, not '{lang}'")
    loaded = services.write_applications_template(settings(ctx), output, lang=lang)
    out_console().print(
        text(f"Wrote {output} for {loaded.call.id}: fill it in, then 'slrbcall intake {output}'.")
    )
