"""``slrbcall audit verify`` and ``audit show``: check and read the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from slrbcall import workspace as workspace_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.options import WholeNumber
from slrbcall.cli.output import emit_json, out_console, table, text

app = typer.Typer(no_args_is_help=True)


@app.command()
def verify(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check the audit trail's hash chains: every row as it was recorded, none removed
    or added. Names the first row that does not hold and exits with 1.

    Prints the last row of each chain: note them down, and a later check also finds
    rows removed from the end of a chain.

    Example: slrbcall audit verify
    """

    done = workspace_service.verify_audit(settings(ctx))
    if as_json:
        emit_json(
            {
                "workspace": str(done.path),
                "rows": done.rows,
                "holds": True,
                "chains": [
                    {"chain": chain, "last_row": row_id, "sha256": sha}
                    for chain, (row_id, sha) in done.heads.items()
                ],
            }
        )
        return
    console = out_console()
    console.print(
        text(
            f"The audit trail of {done.path} holds: {done.rows} rows in {len(done.heads)} "
            "chains, each row as it was recorded."
        )
    )
    heads = table("chain", "last row", "SHA-256", numeric=("last row",))
    for chain, (row_id, sha) in done.heads.items():
        heads.add_row(text(chain or "(workspace)"), text(row_id), text(sha))
    console.print(heads)


@app.command()
def show(
    ctx: typer.Context,
    reference: Annotated[
        str | None,
        typer.Option("--ref", metavar="REF", help="Only the rows of this application."),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", metavar="KEY", help="Only the rows of this actor.")
    ] = None,
    last: Annotated[
        int,
        typer.Option(
            "--last",
            click_type=WholeNumber(0, 10_000_000),
            help="Only the last N rows (0: all of them).",
        ),
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """Show the audit trail, oldest first: when, who, which command, what changed and
    why (the last 100 rows unless --last says otherwise).

    Example: slrbcall audit show --ref EMP23-07 --actor sofie
    """

    found = workspace_service.audit_trail(
        settings(ctx), reference=reference, actor=actor, last=last or None
    )
    if as_json:
        emit_json(
            [
                {
                    "id": row.id,
                    "at": row.at,
                    "actor": row.actor,
                    "command": row.command,
                    "action": row.action,
                    "entity": row.entity,
                    "key": row.entity_key,
                    "before": row.before,
                    "after": row.after,
                    "reason": row.reason,
                    "input_file": row.input_file,
                    "input_sha256": row.input_sha256,
                    "tool_version": row.tool_version,
                    "chain": row.chain,
                    "sha256": row.row_sha256,
                }
                for row in found.rows
            ]
        )
        return
    view = table("row", "when (UTC)", "who", "command", "what", "key", "why", numeric=("row",))
    for row in found.rows:
        view.add_row(
            text(row.id),
            text(row.at.replace("T", " ")[:19]),
            text(row.actor or "-"),
            text(row.command),
            text(f"{row.action} {row.entity}"),
            text(row.entity_key or ""),
            text(row.reason or ""),
        )
    out_console().print(view)
