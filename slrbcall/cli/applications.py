"""``slrbcall applications``: the stored applications, with status and reasons."""

from __future__ import annotations

from typing import Annotated

import typer

from slrbcall.cli.common import ApplicationReference, JsonOption, settings
from slrbcall.cli.intake import application_json
from slrbcall.cli.options import EnumChoice
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.intake import service as intake_service
from slrbcall.model import ApplicationStatus

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

    loaded, views = intake_service.list_applications(
        settings(ctx), status=status, applicant=applicant, theme=theme
    )
    if as_json:
        emit_json([application_json(v.application) for v in views])
        return
    call = loaded.call
    themes = {t.key: t.label.fr for t in call.themes}
    view = table(
        "reference",
        "applicant",
        "title",
        "theme",
        "requested",
        "status",
        title=call.id,
        numeric=("requested",),
    )
    for item in views:
        a = item.application
        view.add_row(
            text(a.reference),
            text(a.applicant_name),
            text(a.title),
            text(themes.get(a.theme or "", a.theme_text or "")),
            eur(a.requested_cents),
            text(a.status.value, "green" if a.status.value == "eligible" else "red"),
        )
    console = out_console()
    console.print(view)
    total = sum(v.application.requested_cents for v in views)
    console.print(text(f"{len(views)} applications, {eur(total)} requested."))


@app.command()
def show(
    ctx: typer.Context,
    reference: ApplicationReference,
    as_json: JsonOption = False,
) -> None:
    """Show one application: every field, its status and the reasons.

    Example: slrbcall applications show EMP-2023-04
    """
    from rich.table import Table

    loaded, item = intake_service.show_application(settings(ctx), reference)
    a = item.application
    if as_json:
        emit_json(
            {
                **application_json(a),
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
    rows = [
        ("reference", a.reference),
        ("status", a.status.value),
        ("applicant", a.applicant_name + (f" ({a.applicant})" if a.applicant else "")),
        ("partner", a.partner or ""),
        ("partner BCE/KBO", a.partner_enterprise_number or ""),
        ("partner address", a.partner_address or ""),
        ("partner IBAN", a.partner_iban or ""),
        ("partner represented by", a.partner_representative or ""),
        *(
            [("second housing company", a.second_housing_company)]
            if a.second_housing_company
            else []
        ),
        *([("commune", a.commune)] if a.commune else []),
        ("title", a.title),
        ("theme", theme.label.fr if theme else (a.theme_text or "")),
        ("requested", str(eur(a.requested_cents))),
        ("duration", f"{a.duration_months} months" if a.duration_months else ""),
        ("start", a.start_date.isoformat() if a.start_date else ""),
        ("received", a.received_date.isoformat() if a.received_date else ""),
        ("language", a.language.value),
        ("residents targeted", str(a.residents_targeted or "")),
        ("contact", " ".join(x for x in (a.contact_name, a.contact_email) if x)),
        ("summary", a.summary or ""),
        ("from", f"{item.file_name}, row {a.source_row} (stored {item.updated_at})"),
    ]
    for name, value in rows:
        grid.add_row(name, text(value))
    for reason in a.reasons:
        grid.add_row("ineligible", text(f"{reason.message} [{reason.code}]", "red"))
    out_console().print(grid)
