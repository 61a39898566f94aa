"""``slrbcall template``: blank workbooks that people fill in and the tool reads back."""

from __future__ import annotations

import typer

from slrbcall.cli.common import OutputOption, TemplateLangOption, settings
from slrbcall.cli.followup import monitoring
from slrbcall.cli.justification import justification_template
from slrbcall.cli.output import out_console, text
from slrbcall.cli.payments import payments_template
from slrbcall.committee import service as committee_service
from slrbcall.intake import service as intake_service

app = typer.Typer(no_args_is_help=True, help="Write blank workbooks to fill in.")

Output = OutputOption


@app.command()
def applications(
    ctx: typer.Context,
    output: Output,
    lang: TemplateLangOption = "fr",
) -> None:
    """Write the applications workbook: headers, instructions, drop-down lists.

    Example: slrbcall template applications -o candidatures.xlsx --lang fr
    """

    loaded = intake_service.write_applications_template(settings(ctx), output, lang=lang)
    out_console().print(
        text(f"Wrote {output} for {loaded.call.id}: fill it in, then 'slrbcall intake {output}'.")
    )


@app.command()
def scores(
    ctx: typer.Context,
    output: Output,
    lang: TemplateLangOption = "fr",
) -> None:
    """Write the marking workbook: a row per eligible application and committee member.

    Members with a declared link to the applicant or the partner are left out, and
    listed as conflicts.

    Example: slrbcall template scores -o notes.xlsx
    """

    loaded, left_out = committee_service.write_scores_template(settings(ctx), output, lang=lang)
    console = out_console()
    console.print(
        text(
            f"Wrote {output} for {loaded.call.id}: fill in the marks, "
            f"then 'slrbcall score {output}'."
        )
    )
    for reference, member in left_out:
        console.print(text(f"Conflict of interest: {member} does not mark {reference}."))


# The follow-up's templates are written by the follow-up's commands.
app.command()(monitoring)
app.command("payments")(payments_template)
app.command("justification")(justification_template)
