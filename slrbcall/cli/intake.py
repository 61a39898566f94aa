"""``slrbcall intake``: take in the applications of a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.cli.common import (
    DryRunOption,
    JsonOption,
    ReportXlsxOption,
    SheetOption,
    settings,
)
from slrbcall.cli.notation import number
from slrbcall.cli.output import emit_json, err_console, eur, out_console, plain_money, table, text
from slrbcall.i18n import _, ngettext
from slrbcall.intake import service as intake_service
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.model import Application, Budget

#: Files with at least this many rows show a progress bar (on stderr, never with --json).
PROGRESS_FROM = 5000
#: Warnings printed at most; a bulk file can raise thousands, which --json lists.
WARNINGS_SHOWN = 50


def intake(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A spreadsheet: .xlsx, .xlsm, .ods, .xls or .csv.")],
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    report_xlsx: ReportXlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take in the applications of a spreadsheet: the whole file, or nothing.

    Every unreadable cell is reported at once (exit 3, nothing stored). Readable
    applications that break the call's rules are stored as ineligible, with reasons.
    Taking in the same data again changes nothing.

    Example: slrbcall intake applications.xlsx --call empowerment-2023
    """

    with _progress(enabled=not as_json) as on_row:
        result = intake_service.intake(
            settings(ctx),
            file,
            sheet=sheet,
            dry_run=dry_run,
            report_xlsx=report_xlsx,
            on_row=on_row,
        )
    apps = result.applications
    eligible = len(apps) - len(result.ineligible)
    if as_json:
        emit_json(
            {
                "file": str(result.file),
                "call": result.call_id,
                "sheet": result.sheet,
                "dry_run": result.dry_run,
                "rows": result.rows,
                "new": list(result.added),
                "changed": list(result.changed),
                "unchanged": len(result.unchanged),
                "status_changed": list(result.status_moves),
                "eligible": eligible,
                "ineligible": len(result.ineligible),
                "budget_sheet": result.budget_sheet,
                "budgets_recorded": list(result.budgets_changed),
                "applications": [
                    application_json(a) | {"budget": budget_json(result.budgets.get(a.reference))}
                    for a in apps
                ],
                "warnings": list(result.warnings),
            }
        )
        return
    console = out_console()
    took = (
        ngettext(
            "Would take in {count} application from {file} (sheet '{sheet}') for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged; {eligible} eligible, "
            "{ineligible} ineligible.",
            "Would take in {count} applications from {file} (sheet '{sheet}') for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged; {eligible} eligible, "
            "{ineligible} ineligible.",
            result.rows,
        )
        if result.dry_run
        else ngettext(
            "Took in {count} application from {file} (sheet '{sheet}') for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged; {eligible} eligible, "
            "{ineligible} ineligible.",
            "Took in {count} applications from {file} (sheet '{sheet}') for {call}: "
            "{new} new, {changed} changed, {unchanged} unchanged; {eligible} eligible, "
            "{ineligible} ineligible.",
            result.rows,
        )
    )
    console.print(
        text(
            took.format(
                count=number(result.rows),
                file=result.file.name,
                sheet=result.sheet,
                call=result.call_id,
                new=number(len(result.added)),
                changed=number(len(result.changed)),
                unchanged=number(len(result.unchanged)),
                eligible=number(eligible),
                ineligible=number(len(result.ineligible)),
            )
        )
    )
    if result.budget_sheet is not None:
        budgets = list(result.budgets.values())
        console.print(
            text(
                ngettext(
                    "Budgets by line from sheet '{sheet}': {count} application has one, "
                    "{recorded} recorded now; {total} of planned costs, {co_financing} "
                    "co-financed.",
                    "Budgets by line from sheet '{sheet}': {count} applications have one, "
                    "{recorded} recorded now; {total} of planned costs, {co_financing} "
                    "co-financed.",
                    len(budgets),
                ).format(
                    sheet=result.budget_sheet,
                    count=number(len(budgets)),
                    recorded=number(len(result.budgets_changed)),
                    total=format_eur(sum(b.total_cents for b in budgets)),
                    co_financing=format_eur(sum(b.co_financing_cents for b in budgets)),
                )
            )
        )
    if result.ineligible:
        view = table(
            _("reference"),
            _("applicant"),
            _("requested"),
            _("why it is ineligible"),
            numeric=(_("requested"),),
        )
        for app in result.ineligible:
            view.add_row(
                text(app.reference),
                text(app.applicant_name),
                eur(app.requested_cents),
                text(intake_service.reasons_text(app.reasons)),
            )
        console.print(view)
    if result.status_moves:
        console.print(
            text(
                _("Status changed for stored applications: {references}").format(
                    references=", ".join(result.status_moves)
                )
            )
        )
    for warning in result.warnings[:WARNINGS_SHOWN]:
        console.print(text(_("Warning: {message}").format(message=warning), "yellow"))
    if len(result.warnings) > WARNINGS_SHOWN:
        more = len(result.warnings) - WARNINGS_SHOWN
        console.print(
            text(
                ngettext(
                    "Warning: {count} more warning; --json lists them all.",
                    "Warning: {count} more warnings; --json lists them all.",
                    more,
                ).format(count=number(more)),
                "yellow",
            )
        )
    if result.dry_run:
        console.print(text(_("Dry run: nothing was stored.")))
    else:
        console.print(text(_("Stored in {path}.").format(path=result.db_path)))


def application_json(app: Application) -> dict[str, Any]:
    return {
        "reference": app.reference,
        "status": app.status.value,
        "reasons": [{"code": r.code, "message": r.message} for r in app.reasons],
        "applicant": app.applicant,
        "applicant_name": app.applicant_name,
        "partner": app.partner,
        "partner_enterprise_number": app.partner_enterprise_number,
        "partner_address": app.partner_address,
        "partner_iban": app.partner_iban,
        "partner_representative": app.partner_representative,
        "second_housing_company": app.second_housing_company,
        "commune": app.commune,
        "title": app.title,
        "theme": app.theme,
        "theme_text": app.theme_text,
        "requested_amount": plain_money(app.requested_cents),
        "duration_months": app.duration_months,
        "start_date": app.start_date.isoformat() if app.start_date else None,
        "language": app.language.value,
        "residents_targeted": app.residents_targeted,
        "contact_name": app.contact_name,
        "contact_email": app.contact_email,
        "summary": app.summary,
        "received_date": app.received_date.isoformat() if app.received_date else None,
        "row": app.source_row,
    }


def budget_json(budget: Budget | None) -> dict[str, Any] | None:
    """An application's planned budget, money as plain decimal strings (None without)."""
    if budget is None:
        return None
    return {
        "lines": {key: plain_money(cents) for key, cents in budget.lines},
        "co_financing": {key: plain_money(cents) for key, cents in budget.co_financing},
        "total": plain_money(budget.total_cents),
        "grant": plain_money(budget.grant_cents),
    }


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback that shows a bar on stderr once a file is large."""
    if not enabled:
        yield None
        return
    state: dict[str, Any] = {}

    def on_row(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if "bar" not in state:
            from rich.progress import Progress

            bar = Progress(console=err_console(), transient=True)
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(_("Reading rows"), total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield on_row
    finally:
        if "bar" in state:
            state["bar"].stop()
