"""``slrbcall status`` and ``workspace copy``: what the workspace holds, and its copy."""

from __future__ import annotations

from typing import Annotated

import typer

from slrbcall import workspace as workspace_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.labels import FILE_STATES, RECORDS, label
from slrbcall.cli.notation import number
from slrbcall.cli.output import emit_json, out_console, table, text
from slrbcall.i18n import _, format_moment, ngettext


def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show what the workspace holds: its calls, their definitions, its records.

    Example: slrbcall status --db grants.db
    """

    result = workspace_service.workspace_status(settings(ctx))
    if as_json:
        emit_json(
            {
                "workspace": str(result.path),
                "exists": result.exists,
                "schema_version": result.schema_version,
                "calls": [
                    {
                        "id": c.call_id,
                        "sha256": c.sha256,
                        "recorded_at": c.recorded_at,
                        "file": c.source_path,
                        "file_state": c.file_state,
                    }
                    for c in result.calls
                ],
                "counts": result.counts,
                "last_change": result.last_change,
            }
        )
        return
    console = out_console()
    if not result.exists:
        console.print(
            text(
                _("No workspace at {path} yet: 'slrbcall intake FILE' starts one.").format(
                    path=result.path
                )
            )
        )
        return
    console.print(
        text(
            _("Workspace {path} (schema {version})").format(
                path=result.path, version=result.schema_version
            )
        )
    )
    calls = table(_("call"), _("definition"), _("recorded"), _("file now"))
    styles = {"same": "green", "changed": "yellow", "missing": "red"}
    for held in result.calls:
        calls.add_row(
            text(held.call_id),
            text(held.sha256[:12]),
            text(format_moment(held.recorded_at)),
            text(label(FILE_STATES, held.file_state), styles[held.file_state]),
        )
    console.print(calls)
    counts = table(_("records"), _("rows"), numeric=(_("rows"),))
    for name, count in result.counts.items():
        counts.add_row(text(label(RECORDS, name)), text(number(count)))
    console.print(counts)
    if any(c.file_state == "changed" for c in result.calls):
        console.print(
            text(
                _(
                    "A call definition was edited after it was used: the stored records were "
                    "checked against the earlier version."
                ),
                "yellow",
            )
        )
    if result.last_change:
        console.print(text(_("Last change: {at}").format(at=format_moment(result.last_change))))


workspace_app = typer.Typer(no_args_is_help=True)


@workspace_app.command()
def copy(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="PATH|URL",
            help="The new workspace: a file, or a postgresql:// URL (its schema empty).",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Copy the workspace (--db) into a new one, row for row: from a file to a PostgreSQL
    server or back. The copy is checked: the same rows in every table, every audit chain
    holding and ending as in the original.

    Example: slrbcall workspace copy --to postgresql://slrb@db.example/grants
    """

    done = workspace_service.copy_workspace(settings(ctx), to)
    if as_json:
        emit_json(
            {
                "from": done.source,
                "to": done.target,
                "counts": done.counts,
                "chains": [
                    {"chain": chain, "last_row": row_id, "sha256": sha}
                    for chain, (row_id, sha) in done.heads.items()
                ],
            }
        )
        return
    rows, tables, chains = sum(done.counts.values()), len(done.counts), len(done.heads)
    out_console().print(
        text(
            _(
                "Copied {source} to {target}: {rows} in {tables}, the same in both; {chains}."
            ).format(
                source=done.source,
                target=done.target,
                rows=ngettext("{count} row", "{count} rows", rows).format(count=number(rows)),
                tables=ngettext("{count} table", "{count} tables", tables).format(
                    count=number(tables)
                ),
                chains=ngettext(
                    "{count} audit chain holds and ends as in the original",
                    "{count} audit chains hold and end as in the original",
                    chains,
                ).format(count=number(chains)),
            )
        )
    )
