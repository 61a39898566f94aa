"""``slrbcall justify``, ``justification review/decide/show`` and ``template
justification``: the expenses a funded project justifies, and the officer's review."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from slrbcall.cli.common import (
    DryRunOption,
    JsonOption,
    OutputOption,
    ReportXlsxOption,
    SheetOption,
    TemplateLangOption,
    settings,
)
from slrbcall.cli.followup import OnlyReference, TodayOption, _today
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup.justification import Decision
from slrbcall.followup.service import justification as justification_service
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.followup.justification import Expense, Review
    from slrbcall.followup.service.justification import JustificationIntake, ReviewIntake

__all__ = ["justification_app", "justification_template", "justify"]


def _expense_json(expense: Expense) -> dict[str, Any]:
    return {
        "reference": expense.reference,
        "budget_line": expense.budget_line,
        "supplier": expense.supplier,
        "invoice_number": expense.invoice_number,
        "invoice_date": expense.invoice_date.isoformat(),
        "paid_on": expense.paid_on.isoformat(),
        "amount": plain_money(expense.amount_cents),
        "claimed": plain_money(expense.claimed_cents),
        "cofinanced_by": expense.cofinanced_by,
        "attachment": expense.attachment,
        "attachment_sha256": expense.attachment_sha256,
        "version": expense.version,
    }


def _taken_json(done: JustificationIntake | ReviewIntake) -> dict[str, Any]:
    """What a take of a justification or review workbook did, as JSON."""
    return {
        "file": str(done.file),
        "call": done.call_id,
        "sheet": done.sheet,
        "rows": done.rows,
        "new": len(done.added),
        "changed": len(done.changed),
        "unchanged": done.unchanged,
        "left_out": done.left_out,
        "dry_run": done.dry_run,
    }


def _taken(done: JustificationIntake | ReviewIntake, what: str) -> str:
    verb = "Would take in" if done.dry_run else "Took in"
    return (
        f"{verb} {done.rows} {what} from {done.file.name} (sheet '{done.sheet}') for "
        f"{done.call_id}: {len(done.added)} new, {len(done.changed)} changed, "
        f"{done.unchanged} unchanged"
    )


def justify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The justification workbook.")],
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    report_xlsx: ReportXlsxOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take in a justification workbook under the intake contract: every problem at once
    (exit 3) and nothing stored, or every expense stored. Refused: an invoice claimed
    twice or by two projects, a date outside the project's period, an attachment missing
    beside the workbook or whose SHA-256 differs. The same file again changes nothing.

    Example: slrbcall justify justification-EMP23-03.xlsx
    """

    done = justification_service.take_justification(
        settings(ctx),
        file,
        today=_today(today),
        sheet=sheet,
        dry_run=dry_run,
        report_xlsx=report_xlsx,
    )
    if as_json:
        emit_json(
            _taken_json(done)
            | {
                "claimed": plain_money(done.claimed_cents),
                "expenses": [_expense_json(e) for e in (*done.added, *done.changed)],
            }
        )
        return
    console = out_console()
    console.print(text(_taken(done, "expenses") + f"; {format_eur(done.claimed_cents)} claimed."))
    if done.changed:
        console.print(
            text(
                "A changed expense is a new version of it, to be reviewed again: "
                + ", ".join(f"{e.reference} {e.invoice_number}" for e in done.changed)
                + ".",
                "yellow",
            )
        )
    if done.left_out:
        console.print(text(f"{done.left_out} rows without an expense were left out."))
    if done.dry_run:
        console.print(text("Dry run: nothing was stored."))


def justification_template(
    ctx: typer.Context,
    output: OutputOption,
    reference: Annotated[
        str | None, typer.Argument(metavar="[REF]", help="The project (or --all).")
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="One workbook for every funded project.")
    ] = False,
    lang: TemplateLangOption = "fr",
) -> None:
    """Write the justification workbook of a funded project (or of all, with --all): a
    row per expense (budget line, supplier, invoice number and date, payment date,
    amount, share claimed, attachment and its SHA-256), those taken in so far first.

    Example: slrbcall template justification EMP23-03 -o justification-EMP23-03.xlsx
    """

    if (reference is None) == (not every):
        raise click.UsageError("name one project (REF), or pass --all", ctx)
    loaded, rows = justification_service.write_justification_template(
        settings(ctx), output, reference=reference, lang=lang
    )
    out_console().print(
        text(
            f"Wrote {output} for {loaded.call.id} ({rows} rows): fill in the expenses, put "
            f"the supporting documents beside it, then 'slrbcall justify {output}'."
        )
    )


# -- the review ---------------------------------------------------------------------------

justification_app = typer.Typer(
    no_args_is_help=True,
    help="The officer's review of the expenses justified.",
)


@justification_app.command("review")
def review(
    ctx: typer.Context,
    output: OutputOption,
    reference: OnlyReference = None,
    lang: TemplateLangOption = "fr",
) -> None:
    """Write the officer's review workbook: a row per expense claimed by the projects not
    settled yet (or by REF), each to be admitted, partly admitted or rejected with a
    reason code. Take it back with 'justification decide'.

    Example: slrbcall justification review -o examen.xlsx
    """

    loaded, rows = justification_service.write_review_template(
        settings(ctx), output, reference=reference, lang=lang
    )
    out_console().print(
        text(
            f"Wrote {output} for {loaded.call.id} ({rows} expenses): decide each, then "
            f"'slrbcall justification decide {output}'."
        )
    )


_DECIDED = {
    Decision.ADMITTED: "admitted",
    Decision.PARTLY_ADMITTED: "partly",
    Decision.REJECTED: "rejected",
}


def _review_json(review: Review) -> dict[str, Any]:
    return {
        "reference": review.reference,
        "supplier": review.identity[0],
        "invoice": review.identity[1],
        "decision": review.decision.value,
        "admitted": plain_money(review.admitted_cents),
        "reason": review.reason,
        "comment": review.comment,
    }


@justification_app.command("decide")
def decide(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The review workbook.")],
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    report_xlsx: ReportXlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take in the officer's review workbook under the intake contract: each expense
    admitted, partly admitted or rejected, always with a reason code. The same file
    again changes nothing; a changed decision is a new review (the earlier one is kept).

    Example: slrbcall justification decide examen.xlsx
    """

    done = justification_service.take_review(
        settings(ctx), file, sheet=sheet, dry_run=dry_run, report_xlsx=report_xlsx
    )
    if as_json:
        emit_json(
            _taken_json(done) | {"reviews": [_review_json(r) for r in (*done.added, *done.changed)]}
        )
        return
    console = out_console()
    console.print(text(_taken(done, "decisions") + "."))
    if done.left_out:
        console.print(text(f"{done.left_out} expenses without a decision were left out."))
    if done.dry_run:
        console.print(text("Dry run: nothing was stored."))


@justification_app.command("show")
def show(
    ctx: typer.Context,
    reference: OnlyReference = None,
    as_json: JsonOption = False,
) -> None:
    """Show the expenses claimed by each funded project (or by REF), with the review of
    each: what was claimed, what the officer admitted, and what is still to review.

    Example: slrbcall justification show EMP23-03
    """

    found = justification_service.justification_view(settings(ctx), reference)
    if as_json:
        emit_json(
            {
                "call": found.call_id,
                "projects": [
                    {
                        "reference": p.reference,
                        "claimed": plain_money(p.claimed_cents),
                        "admitted": plain_money(p.admitted_cents),
                        "to_review": p.to_review,
                        "settled_on": p.settled_on.isoformat() if p.settled_on else None,
                        "expenses": [
                            {
                                **_expense_json(e),
                                "review": None if r is None else _review_json(r),
                            }
                            for e, r in p.expenses
                        ],
                    }
                    for p in found.projects
                ],
            }
        )
        return
    console = out_console()
    for project in found.projects:
        if not project.expenses:
            continue
        view = table(
            "line",
            "supplier",
            "invoice",
            "claimed",
            "decision",
            "admitted",
            "reason",
            title=f"{project.reference}: expenses claimed",
            numeric=("claimed", "admitted"),
        )
        for expense, decided in project.expenses:
            view.add_row(
                text(expense.budget_line),
                text(expense.supplier),
                text(expense.invoice_number),
                eur(expense.claimed_cents),
                text(_DECIDED[decided.decision] if decided else "to review"),
                eur(decided.admitted_cents if decided else None),
                text(decided.reason if decided else ""),
            )
        console.print(view)
    for project in found.projects:
        state = (
            f"settled on {project.settled_on}"
            if project.settled_on
            else f"{project.to_review} to review"
        )
        console.print(
            text(
                f"{project.reference}: {format_eur(project.claimed_cents)} claimed, "
                f"{format_eur(project.admitted_cents)} admitted so far; {state}."
            )
        )
