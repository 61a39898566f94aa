"""``slrbcall applications``: the stored applications, with status and reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from slrbcall.cli.common import ApplicationReference, JsonOption, settings
from slrbcall.cli.intake import application_json, budget_json
from slrbcall.cli.labels import APPLICATION_STATUSES, label
from slrbcall.cli.notation import day, local
from slrbcall.cli.options import EnumChoice
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.i18n import N_, _, ngettext
from slrbcall.intake import stored as stored_service
from slrbcall.model import ApplicationStatus

if TYPE_CHECKING:
    from slrbcall.cli.tables import Table as CommandTable
    from slrbcall.model import Budget, Call

app = typer.Typer(no_args_is_help=True, help="The stored applications of the call.")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        ApplicationStatus | None,
        typer.Option(
            "--status",
            click_type=EnumChoice(ApplicationStatus),
            help="eligible or ineligible.",
            show_default=False,
        ),
    ] = None,
    applicant: Annotated[
        str | None, typer.Option("--applicant", help="A housing company, by name or key.")
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="A theme key.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the stored applications, with status and reasons.

    Example: slrbcall applications list --status ineligible
    """

    loaded, views = stored_service.list_applications(
        settings(ctx), status=status, applicant=applicant, theme=theme
    )
    if as_json:
        emit_json([application_json(v.application) for v in views])
        return
    call = loaded.call
    themes = {t.key: local(t.label) for t in call.themes}
    view = table(
        _("reference"),
        _("applicant"),
        _("title"),
        _("theme"),
        _("requested"),
        _("status"),
        title=call.id,
        numeric=(_("requested"),),
    )
    for item in views:
        a = item.application
        view.add_row(
            text(a.reference),
            text(a.applicant_name),
            text(a.title),
            text(themes.get(a.theme or "", a.theme_text or "")),
            eur(a.requested_cents),
            text(
                label(APPLICATION_STATUSES, a.status.value),
                "green" if a.status.value == "eligible" else "red",
            ),
        )
    console = out_console()
    console.print(view)
    total = sum(v.application.requested_cents for v in views)
    console.print(
        text(
            ngettext(
                "{count} application, {amount} requested.",
                "{count} applications, {amount} requested.",
                len(views),
            ).format(count=len(views), amount=eur(total))
        )
    )


@app.command()
def show(
    ctx: typer.Context,
    reference: ApplicationReference,
    as_json: JsonOption = False,
) -> None:
    """Show one application: every field, its status and the reasons.

    Example: slrbcall applications show EMP23-04
    """
    from rich.table import Table

    loaded, item = stored_service.show_application(settings(ctx), reference)
    a = item.application
    if as_json:
        emit_json(
            {
                **application_json(a),
                "budget": budget_json(item.budget),
                "file": item.file_name,
                "created_at": item.created_at,
                "updated_at": item.updated_at,
            }
        )
        return
    theme = loaded.call.theme(a.theme) if a.theme else None
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    months = a.duration_months
    rows = [
        (N_("reference"), a.reference),
        (N_("status"), label(APPLICATION_STATUSES, a.status.value)),
        (N_("applicant"), a.applicant_name + (f" ({a.applicant})" if a.applicant else "")),
        (N_("partner"), a.partner or ""),
        (N_("partner BCE/KBO"), a.partner_enterprise_number or ""),
        (N_("partner address"), a.partner_address or ""),
        (N_("partner IBAN"), a.partner_iban or ""),
        (N_("partner represented by"), a.partner_representative or ""),
        *(
            [(N_("second housing company"), a.second_housing_company)]
            if a.second_housing_company
            else []
        ),
        *([(N_("commune"), a.commune)] if a.commune else []),
        (N_("title"), a.title),
        (N_("theme"), local(theme.label) if theme else (a.theme_text or "")),
        (N_("requested"), str(eur(a.requested_cents))),
        (
            N_("duration"),
            ngettext("{count} month", "{count} months", months).format(count=months)
            if months
            else "",
        ),
        (N_("start"), day(a.start_date)),
        (N_("received"), day(a.received_date)),
        (N_("language"), a.language.value),
        (N_("residents targeted"), str(a.residents_targeted or "")),
        (N_("contact"), " ".join(x for x in (a.contact_name, a.contact_email) if x)),
        (N_("summary"), a.summary or ""),
        (
            N_("from"),
            _("{file}, row {row} (stored {at})").format(
                file=item.file_name, row=a.source_row, at=item.updated_at
            ),
        ),
    ]
    for name, value in rows:
        grid.add_row(_(name), text(value))
    for reason in a.reasons:
        grid.add_row(
            _(APPLICATION_STATUSES["ineligible"]), text(f"{reason.message} [{reason.code}]", "red")
        )
    out_console().print(grid)
    if item.budget is not None:
        out_console().print(_budget_table(loaded.call, item.budget))


def _budget_table(call: Call, budget: Budget) -> CommandTable:
    """The planned budget by line: each line of the call, the cost, each co-financing
    source, and the grant it asks for (the cost less the co-financing)."""
    lines = {line.key: local(line.label) for line in call.budget_lines}
    sources = {source.key: local(source.label) for source in call.co_financing}
    planned = dict(budget.lines)
    view = table(_("budget line"), _("planned"), numeric=(_("planned"),))
    for key in [*lines, *(k for k in planned if k not in lines)]:
        view.add_row(text(lines.get(key, key)), eur(planned.get(key, 0)))
    view.add_row(text(_("total cost"), "bold"), eur(budget.total_cents))
    for key, cents in budget.co_financing:
        view.add_row(
            text(_("co-financing: {source}").format(source=sources.get(key, key))), eur(cents)
        )
    view.add_row(text(_("grant requested"), "bold"), eur(budget.grant_cents))
    return view
