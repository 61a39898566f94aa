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
from slrbcall.cli.documents import Strict, manifest_line, pdf_files
from slrbcall.cli.options import Amount, Percents, Shares
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text, warn
from slrbcall.followup import condition_label, status_label
from slrbcall.followup.service import amendments as amendments_service
from slrbcall.i18n import _, format_day, language, ngettext
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
            _("say what the amendment changes: --amount, --end-date or --tranches"), ctx
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
            _("award {before} -> {after}").format(
                before=format_eur(amendment.previous_amount_cents),
                after=format_eur(amendment.amount_cents),
            )
        )
    if before.end != after.end:
        changes.append(
            _("end {before} -> {after}").format(
                before=format_day(before.end) if before.end else None,
                after=format_day(after.end) if after.end else None,
            )
        )
    if not changes:
        changes.append(_("the unpaid tranches"))
    console.print(
        text(
            _(
                "Recorded amendment {number} of {ref} on {day}: {changes}. Paid so far: {paid}."
            ).format(
                number=amendment.number,
                ref=amendment.reference,
                day=format_day(amendment.on),
                changes=", ".join(changes),
                paid=format_eur(amendment.paid_cents),
            )
        )
    )
    tranche_header, amount_header = _("tranche"), _("amount")
    view = table(
        tranche_header,
        _("condition"),
        amount_header,
        "",
        numeric=(tranche_header, amount_header),
    )
    for tranche in done.tranches:
        view.add_row(
            text(tranche.number),
            text(condition_label(tranche.condition, language())),
            eur(tranche.amount_cents),
            text(
                status_label("paid")
                if tranche.number in paid
                else status_label("cancelled")
                if tranche.amount_cents == 0
                else ""
            ),
        )
    console.print(view)
    console.print(
        text(
            _("Render it with 'slrbcall render-amendments --only {ref}'.").format(
                ref=amendment.reference
            ),
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
    strict: Strict = False,
    as_json: JsonOption = False,
) -> None:
    """Render the amendments to the conventions of the adopted decision (avenant /
    aanhangsel, DOCX): what changes, the new tranches, the reason, the signatures.
    Each blank an amendment would keep is named on stderr, one line per blank and per
    amendment; --strict refuses to render while one is left.

    Example: slrbcall render-amendments --out amendments --lang both --pdf
    """

    done = amendments_service.render_amendments(
        settings(ctx), out=out, lang=lang, only=only, pdf=pdf, strict=strict
    )
    warn(done.warnings)
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "out": str(done.out_dir),
                "files": list(done.files),
                "pdfs": [p.name for p in done.pdfs],
                "manifest": str(done.manifest),
                "warnings": list(done.warnings),
            }
        )
        return
    console = out_console()
    console.print(
        text(
            ngettext(
                "Rendered {count} amendment of {call} in {folder}",
                "Rendered {count} amendments of {call} in {folder}",
                len(done.files),
            ).format(count=len(done.files), call=done.loaded.call.id, folder=done.out_dir)
            + pdf_files(len(done.pdfs))
            + "."
        )
    )
    for name in done.files:
        console.print(text(f"  {name}"))
    console.print(text(manifest_line(done.manifest)))
