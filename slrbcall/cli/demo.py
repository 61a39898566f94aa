"""``slrbcall demo``: the whole pipeline on the shipped example, in a fresh workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.output import emit_json, eur, out_console, table, text


def demo(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Empty folder for the demo's files. Default: a new temporary folder.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run every stage on the shipped example call, in a fresh workspace, and tell the story.

    Example: slrbcall demo --out demo-run
    """
    from slrbcall import services

    result = services.run_demo(settings(ctx), out=out)
    if as_json:
        emit_json(
            {
                "out": str(result.out_dir),
                "workspace": str(result.db_path),
                "calls": [item.call.id for item in result.calls],
                "schema_version": result.status.schema_version,
                "counts": result.status.counts,
            }
        )
        return
    console = out_console()
    console.print(text(f"1. Validated {len(result.calls)} call definitions:", "bold"))
    view = table("call", "budget", "grants", "months", "themes", numeric=("budget",))
    for item in result.calls:
        call = item.call
        view.add_row(
            text(call.id),
            eur(call.budget_cents),
            text(f"{eur(call.grant_min_cents)} - {eur(call.grant_max_cents)}"),
            text(call.duration_months),
            text(", ".join(t.label.fr for t in call.themes)),
        )
    console.print(view)
    console.print(
        text(
            f"2. Recorded them in a fresh workspace {result.db_path} "
            f"(schema {result.status.schema_version}, "
            f"{result.status.counts.get('audit', 0)} audit rows)",
            "bold",
        )
    )
    console.print(text(f"Files are in {result.out_dir}"))
