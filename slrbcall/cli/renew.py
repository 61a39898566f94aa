"""``slrbcall calls renew``: draft the next call from an existing one."""

from __future__ import annotations

from typing import Annotated

import typer

from slrbcall.calls import service as calls_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.options import WholeNumber
from slrbcall.cli.output import emit_json, out_console, text
from slrbcall.i18n import _, ngettext

__all__ = ["renew"]

# -- the next call -------------------------------------------------------------------------


def renew(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="ID", help="The call to start from.")],
    new_id: Annotated[str, typer.Option("--id", help="The new call's id (its file name).")],
    duration: Annotated[
        int,
        typer.Option(
            "--duration",
            click_type=WholeNumber(1, 240, unit="months"),
            help="The projects' duration in months, from 1 to 240.",
        ),
    ],
    years: Annotated[
        int | None,
        typer.Option(
            "--years",
            click_type=WholeNumber(-100, 100, unit="years"),
            help="Move the dates by this many years, from -100 to 100 (default: from the two ids).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Draft the next call from an existing one: dates moved to the new year, the new
    duration (with yearly tranches and a yearly report for multi-year projects), and the
    open questions (budget, grant range, criteria, committee) marked TO FILL IN. Writes
    <new id>.yaml into the calls folder in use, never over an existing file.

    Example: slrbcall calls renew empowerment-2023 --id empowerment-2025 --duration 36
    """

    done = calls_service.renew_call(
        settings(ctx), source, new_id=new_id, duration_months=duration, years=years
    )
    renewal = done.renewal
    if as_json:
        emit_json(
            {
                "file": str(done.path),
                "call": renewal.new_id,
                "from": renewal.source_id,
                "shift_years": renewal.shift_years,
                "duration_months": renewal.duration_months,
                "multi_year": renewal.multi_year,
                "to_fill_in": list(renewal.to_fill_in),
            }
        )
        return
    console = out_console()
    moved = ngettext(
        "dates moved by {count} year", "dates moved by {count} years", renewal.shift_years
    ).format(count=renewal.shift_years)
    months = ngettext(
        "projects of {count} month", "projects of {count} months", renewal.duration_months
    ).format(count=renewal.duration_months)
    console.print(
        text(
            (
                _("Wrote {file} from {call}: {years}, {months} with yearly tranches and reports.")
                if renewal.multi_year
                else _("Wrote {file} from {call}: {years}, {months}.")
            ).format(file=done.path, call=renewal.source_id, years=moved, months=months)
        )
    )
    console.print(
        text(
            _(
                "To fill in (marked '# TO FILL IN'): {keys}. Then: slrbcall calls validate {file}"
            ).format(keys=", ".join(renewal.to_fill_in), file=done.path),
            "yellow",
        )
    )
