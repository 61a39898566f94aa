"""``slrbcall export``: the call's data for others, in an open standard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.common import settings
from slrbcall.cli.dates import Day
from slrbcall.cli.options import OneOf
from slrbcall.cli.output import out_console, text
from slrbcall.i18n import ngettext
from slrbcall.reports.service.opendata import export_360giving

export_app = typer.Typer(no_args_is_help=True, help="Export the call's data.")


@export_app.command("360giving")
def giving360(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The file: .json or .csv.")],
    prefix: Annotated[
        str, typer.Option("--prefix", help="The identifier prefix 360Giving issued (360G-...).")
    ] = "360G-slrb",
    award_date: Annotated[
        dt.date | None,
        typer.Option(
            "--award-date",
            click_type=Day(),
            help="The award date (default: the call's).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            click_type=OneOf(("nl", "fr")),
            help="The dataset's one language, nl or fr (default: the call's open_data).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export the funded grants in the 360Giving Data Standard (JSON or CSV), in one
    language: the names of the funder, the recipients and the programme.

    Example: slrbcall export 360giving -o grants.json --prefix 360G-slrb --lang fr
    """

    count = export_360giving(settings(ctx), output, prefix=prefix, award_date=award_date, lang=lang)
    out_console().print(
        text(
            ngettext(
                "Wrote {count} grant to {file}.", "Wrote {count} grants to {file}.", count
            ).format(count=count, file=output)
        )
    )
