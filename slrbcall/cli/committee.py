"""``slrbcall score`` and ``slrbcall ranking``: the committee's marks and the ranked list."""

from __future__ import annotations

from decimal import Decimal
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
from slrbcall.committee.scoring import INCOMPLETE_TREATMENTS, flag_label, score_line_json
from slrbcall.i18n import N_, _, language, ngettext

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
    if result.dry_run:
        took = ngettext(
            "Would take in {count} mark from {file} (sheet '{sheet}', {layout}) for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged.",
            "Would take in {count} marks from {file} (sheet '{sheet}', {layout}) for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged.",
            result.marks,
        )
    else:
        took = ngettext(
            "Took in {count} mark from {file} (sheet '{sheet}', {layout}) for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged.",
            "Took in {count} marks from {file} (sheet '{sheet}', {layout}) for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged.",
            result.marks,
        )
    console.print(
        text(
            took.format(
                count=result.marks,
                file=result.file.name,
                sheet=result.sheet,
                layout=_(_LAYOUTS.get(result.layout, result.layout)),
                call=result.call_id,
                new=result.added,
                changed=result.changed,
                unchanged=result.unchanged,
            )
        )
    )
    if result.missing:
        count = sum(len(p) for p in result.missing.values())
        marks = ngettext(
            "{count} mark is still missing", "{count} marks are still missing", count
        ).format(count=count)
        applications = ngettext(
            "for {count} application", "for {count} applications", len(result.missing)
        ).format(count=len(result.missing))
        console.print(
            text(
                _("{marks}, {applications}: {references}").format(
                    marks=marks,
                    applications=applications,
                    references=", ".join(sorted(result.missing)),
                ),
                "yellow",
            )
        )
    else:
        console.print(text(_("Every eligible application has all its marks.")))
    if result.dry_run:
        console.print(text(_("Dry run: nothing was stored.")))


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
    numeric = (_("rank"), _("score"), _("spread"), _("members"))
    view = table(
        _("rank"),
        _("reference"),
        _("applicant"),
        _("title"),
        _("score"),
        _("spread"),
        _("members"),
        _("flags"),
        title=_("{call}: ranking").format(call=result.loaded.call.id),
        numeric=numeric,
    )
    for rank, line, tied in result.lines:
        app = apps[line.reference]
        view.add_row(
            text(f"{rank}=" if tied else (rank or "-")),
            text(line.reference),
            text(app.applicant_name),
            text(app.title),
            text(decimal_text(line.score)),
            text(decimal_text(line.spread)),
            text(line.reviewers),
            text(", ".join(flag_label(f) for f in line.flags), "yellow" if line.flags else ""),
        )
    out_console().print(view)


#: The layouts of a marks workbook, in words (``wide`` and ``long`` in English).
_LAYOUTS = {"wide": N_("wide layout"), "long": N_("long layout")}


def decimal_text(value: Decimal | None) -> str:
    """A score to two decimals as the officer writes it (``81.50``, ``81,50``); ``-``
    for none."""
    if value is None:
        return "-"
    shown = f"{value:.2f}"
    return shown if language() == "en" else shown.replace(".", ",")
