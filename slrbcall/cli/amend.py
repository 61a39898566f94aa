"""``slrbcall amend`` and ``render-amendments``: amendments to the conventions of funded
projects (avenant / aanhangsel)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import click
import typer

from slrbcall.cli.common import DocumentLangOption, JsonOption, ProjectReference, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.options import Amount, Percents, Shares
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup.service import amendments as amendments_service
from slrbcall.money import format_eur

__all__ = ["amend", "render_amendments"]


def amend(
    ctx: typer.Context,
    reference: ProjectReference,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="Why the convention is amended: it goes in the amendment and the audit.",
            show_default=False,
        ),
    ],
    amount: Annotated[
        int | None,
        typer.Option(
            "--amount",
            click_type=Amount(minimum_cents=1),
            help="The new award in euro.",
            show_default=False,
        ),
    ] = None,
    end_date: Annotated[
        dt.date | None,
        typer.Option(
            "--end-date", click_type=Day(), help="The project's new end date.", show_default=False
        ),
    ] = None,
    tranches: Annotated[
        Shares | None,
        typer.Option(
            "--tranches",
            click_type=Percents(),
            help="The shares of the unpaid tranches, in percent, adding up to 100 "
            "(default: the call's).",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        dt.date | None,
        typer.Option(
            "--date",
            click_type=Day(),
            help="The amendment's date (default: today).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record an amendment to the convention of a funded project: a new award, end date
    or split of the unpaid tranches. Paid tranches stay as paid; what is left of the
    award is spread over the unpaid ones. The amended award is the most the project may
    be paid; it is never below what was paid.

    Example: slrbcall amend EMP23-03 --amount 50000 --reason "second building added"
    """

    if amount is None and end_date is None and tranches is None:
        raise click.UsageError(
            "say what the amendment changes: --amount, --end-date or --tranches", ctx
        )
    done = amendments_service.amend(
        settings(ctx),
        reference,
        reason=reason,
        on=date or dt.date.today(),
        amount_cents=amount,
        end=end_date,
        shares=tranches.percents if tranches else None,
    )
    amendment, before, after = done.amendment, done.before, done.after
    paid = set(amendment.paid_tranches)
    if as_json:
        emit_json(
            {
                "call": done.call_id,
                "reference": amendment.reference,
                "amendment": amendment.number,
                "date": amendment.on.isoformat(),
                "award": {
                    "before": plain_money(amendment.previous_amount_cents),
                    "after": plain_money(amendment.amount_cents),
                },
                "end_date": {
                    "before": before.end.isoformat() if before.end else None,
                    "after": after.end.isoformat() if after.end else None,
                },
                "paid": plain_money(amendment.paid_cents),
                "tranches": [
                    {
                        "number": t.number,
                        "amount": plain_money(t.amount_cents),
                        "paid": t.number in paid,
                    }
                    for t in done.tranches
                ],
                "reason": amendment.reason,
            }
        )
        return
    console = out_console()
    changes = []
    if amendment.amount_cents != amendment.previous_amount_cents:
        changes.append(
            f"award {format_eur(amendment.previous_amount_cents)} -> "
            f"{format_eur(amendment.amount_cents)}"
        )
    if before.end != after.end:
        changes.append(f"end {before.end} -> {after.end}")
    if not changes:
        changes.append("the unpaid tranches")
    console.print(
        text(
            f"Recorded amendment {amendment.number} of {amendment.reference} on {amendment.on}: "
            + ", ".join(changes)
            + f". Paid so far: {format_eur(amendment.paid_cents)}."
        )
    )
    view = table("tranche", "condition", "amount", "", numeric=("tranche", "amount"))
    for tranche in done.tranches:
        view.add_row(
            text(tranche.number),
            text(tranche.condition),
            eur(tranche.amount_cents),
            text(
                "paid"
                if tranche.number in paid
                else "cancelled"
                if tranche.amount_cents == 0
                else ""
            ),
        )
    console.print(view)
    console.print(
        text(
            f"Render it with 'slrbcall render-amendments --only {amendment.reference}'.",
        )
    )


def render_amendments(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The output folder.")] = Path("amendments"),
    lang: DocumentLangOption = "auto",
    only: Annotated[
        str | None, typer.Option("--only", help="Only this project's amendments.")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also convert them to PDF (needs LibreOffice).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Render the amendments to the conventions of the adopted decision (avenant /
    aanhangsel, DOCX): what changes, the new tranches, the reason, the signatures.

    Example: slrbcall render-amendments --out amendments --lang both --pdf
    """

    done = amendments_service.render_amendments(
        settings(ctx), out=out, lang=lang, only=only, pdf=pdf
    )
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "out": str(done.out_dir),
                "files": list(done.files),
                "pdfs": [p.name for p in done.pdfs],
                "manifest": str(done.manifest),
            }
        )
        return
    console = out_console()
    console.print(
        text(
            f"Rendered {len(done.files)} amendments of {done.loaded.call.id} in {done.out_dir}"
            + (f", and {len(done.pdfs)} PDF files" if done.pdfs else "")
            + "."
        )
    )
    for name in done.files:
        console.print(text(f"  {name}"))
    console.print(text(f"Manifest with SHA-256 of each file: {done.manifest}"))
