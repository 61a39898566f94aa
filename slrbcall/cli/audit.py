"""``slrbcall audit verify`` and ``audit show``: check and read the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from slrbcall import workspace as workspace_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.labels import AUDIT_ACTIONS, AUDIT_ENTITIES, label
from slrbcall.cli.notation import number
from slrbcall.cli.options import WholeNumber
from slrbcall.cli.output import emit_json, out_console, table, text
from slrbcall.i18n import _, format_day, ngettext

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
            _(
                "The audit trail of {path} holds: {rows} in {chains}, each row as it was recorded."
            ).format(path=done.path, rows=_rows(done.rows), chains=_chains(len(done.heads)))
        )
    )
    last = _("last row")
    heads = table(_("chain"), last, "SHA-256", numeric=(last,))
    for chain, (row_id, sha) in done.heads.items():
        heads.add_row(text(chain or _("(workspace)")), text(row_id), text(sha))
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
    heading = _("row")
    view = table(
        heading,
        _("when (UTC)"),
        _("who"),
        _("command"),
        _("what"),
        _("key"),
        _("why"),
        numeric=(heading,),
    )
    for row in found.rows:
        view.add_row(
            text(row.id),
            text(_moment(row.at)),
            text(row.actor or "-"),
            text(row.command),
            text(f"{label(AUDIT_ACTIONS, row.action)} {label(AUDIT_ENTITIES, row.entity)}"),
            text(row.entity_key or ""),
            text(row.reason or ""),
        )
    out_console().print(view)


def _rows(count: int) -> str:
    return ngettext("{count} row", "{count} rows", count).format(count=number(count))


def _chains(count: int) -> str:
    return ngettext("{count} chain", "{count} chains", count).format(count=number(count))


def _moment(at: str) -> str:
    """A stored moment (ISO 8601, UTC) to the second, its day as the officer reads one;
    the time stays in UTC, as the column's header says."""
    shown = at.replace("T", " ")[:19]
    try:
        day = dt.date.fromisoformat(shown[:10])
    except ValueError:
        return shown
    return f"{format_day(day)}{shown[10:]}"
