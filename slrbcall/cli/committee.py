"""``slrbcall score`` and ``slrbcall ranking``: the committee's marks and the ranked list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.common import (
    DryRunOption,
    JsonOption,
    ReportXlsxOption,
    SheetOption,
    settings,
)
from slrbcall.cli.options import OneOf
from slrbcall.cli.output import emit_json, out_console, table, text
from slrbcall.committee import service as committee_service
from slrbcall.committee.scoring import INCOMPLETE_TREATMENTS, score_line_json

AllowIncomplete = Annotated[
    str | None,
    typer.Option(
        "--allow-incomplete",
        click_type=OneOf(INCOMPLETE_TREATMENTS),
        help="How to treat missing marks: skip-reviewer or zero (default: not scored).",
        show_default=False,
    ),
]


def score(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The marks workbook (wide or long layout).")],
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    report_xlsx: ReportXlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take in the committee's marks: the whole file, or nothing.

    Marks outside 0..maximum, unknown members, references or criteria, and marks from a
    member in conflict are refused, all at once (exit 3). Missing marks are listed.

    Example: slrbcall score scores.xlsx
    """

    result = committee_service.take_scores(
        settings(ctx), file, sheet=sheet, dry_run=dry_run, report_xlsx=report_xlsx
    )
    if as_json:
        emit_json(
            {
                "file": str(result.file),
                "call": result.call_id,
                "sheet": result.sheet,
                "layout": result.layout,
                "marks": result.marks,
                "new": result.added,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "missing": {ref: [list(p) for p in pairs] for ref, pairs in result.missing.items()},
                "dry_run": result.dry_run,
            }
        )
        return
    console = out_console()
    verb = "Would take in" if result.dry_run else "Took in"
    console.print(
        text(
            f"{verb} {result.marks} marks from {result.file.name} (sheet '{result.sheet}', "
            f"{result.layout} layout) for {result.call_id}: {result.added} new, "
            f"{result.changed} changed, {result.unchanged} unchanged."
        )
    )
    if result.missing:
        count = sum(len(p) for p in result.missing.values())
        console.print(
            text(
                f"{count} marks are still missing, for {len(result.missing)} applications: "
                + ", ".join(sorted(result.missing)),
                "yellow",
            )
        )
    else:
        console.print(text("Every eligible application has all its marks."))
    if result.dry_run:
        console.print(text("Dry run: nothing was stored."))


def ranking(
    ctx: typer.Context,
    allow_incomplete: AllowIncomplete = None,
    as_json: JsonOption = False,
) -> None:
    """Show the ranked list: weighted score, spread between members, flags and ties.

    Example: slrbcall ranking
    """

    result = committee_service.ranking(settings(ctx), allow_incomplete=allow_incomplete)
    apps = {a.reference: a for a in result.applications}
    if as_json:
        emit_json(
            [
                {"rank": rank, "tied": tied, **score_line_json(line)}
                for rank, line, tied in result.lines
            ]
        )
        return
    view = table(
        "rank",
        "reference",
        "applicant",
        "title",
        "score",
        "spread",
        "members",
        "flags",
        title=f"{result.loaded.call.id}: ranking",
        numeric=("rank", "score", "spread", "members"),
    )
    for rank, line, tied in result.lines:
        app = apps[line.reference]
        view.add_row(
            text(f"{rank}=" if tied else (rank or "-")),
            text(line.reference),
            text(app.applicant_name),
            text(app.title),
            text(f"{line.score:.2f}" if line.score is not None else "-"),
            text(f"{line.spread:.2f}" if line.spread is not None else "-"),
            text(line.reviewers),
            text(", ".join(line.flags), "yellow" if line.flags else ""),
        )
    out_console().print(view)
