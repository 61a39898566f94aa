"""``slrbcall settle`` and ``recovery``: the settlement of a funded project, its letter,
and what came back of a recovery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.common import DocumentLangOption, JsonOption, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.followup import TodayOption, _today
from slrbcall.cli.options import Amount
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup.service import settlement as settlement_service
from slrbcall.followup.service.closing import closing
from slrbcall.followup.settlement import RULE_LABELS, settlement_json
from slrbcall.i18n import _, format_day, language, ngettext
from slrbcall.money import format_eur

__all__ = ["recovery_app", "settle"]

Reference = Annotated[str, typer.Argument(metavar="REF", help="The funded project.")]
NoteOption = Annotated[
    str | None, typer.Option("--note", help="A note: it goes to the audit as the reason.")
]


def settle(
    ctx: typer.Context,
    reference: Reference,
    date: Annotated[
        dt.date | None,
        typer.Option(
            "--date",
            click_type=Day(),
            help="The settlement's date (default: today).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="The letter's folder.")] = Path("settlements"),
    lang: DocumentLangOption = "auto",
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also convert the letter to PDF (needs LibreOffice).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Compute and show; store and render nothing.")
    ] = False,
    note: NoteOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Settle a funded project from its reviewed expenses: admitted = the admitted lines,
    capped by line and by the award; balance = admitted - paid. A positive balance is the
    last payment (on the last unpaid tranche, instead of its planned amount); a negative
    one is a recovery, with a due date. Renders the settlement letter. A project is
    settled once; settling it again renders its letter again.

    Example: slrbcall settle EMP23-03 --date 2025-04-15
    """

    day = _today(today)
    done = settlement_service.settle(
        settings(ctx),
        reference,
        on=date or day,
        today=day,
        out=out,
        lang=lang,
        pdf=pdf,
        dry_run=dry_run,
        note=note,
    )
    s = done.settlement
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "outcome": done.outcome,
                **settlement_json(s),
                "files": list(done.files),
                "pdfs": [p.name for p in done.pdfs],
            }
        )
        return
    console = out_console()
    # The budget lines are the call's words: in French for an officer who reads English.
    in_lang = "nl" if language() == "nl" else "fr"
    lines = {b.key: b.label[in_lang] for b in done.loaded.call.budget_lines}
    claimed, reviewed, admitted = _("claimed"), _("reviewed"), _("admitted")
    view = table(
        _("budget line"),
        claimed,
        reviewed,
        admitted,
        _("rule"),
        title=_("{ref}: settlement on {day}").format(ref=s.reference, day=format_day(s.on)),
        numeric=(claimed, reviewed, admitted),
    )
    for line in s.lines:
        view.add_row(
            text(lines.get(line.key, line.key)),
            eur(line.claimed_cents),
            eur(line.reviewed_cents),
            eur(line.admitted_cents),
            text(_(RULE_LABELS[line.rule]) if line.rule in RULE_LABELS else line.rule or ""),
        )
    console.print(view)
    if s.award_cut_cents:
        figures = _(
            "Award {award}; claimed {claimed}; admitted {admitted} (the lines admit {lines}, "
            "capped by the award); paid {paid}."
        )
    else:
        figures = _("Award {award}; claimed {claimed}; admitted {admitted}; paid {paid}.")
    console.print(
        text(
            figures.format(
                award=format_eur(s.award_cents),
                claimed=format_eur(s.claimed_cents),
                admitted=format_eur(s.admitted_cents),
                lines=format_eur(s.admitted_by_lines_cents),
                paid=format_eur(s.paid_cents),
            )
        )
    )
    if s.last_payment_cents:
        assert s.last_tranche is not None  # a positive balance has its tranche
        planned = s.planned_cents[s.last_tranche - 1]
        console.print(
            text(
                _("Last payment: {amount} as tranche {tranche} (planned: {planned}).").format(
                    amount=format_eur(s.last_payment_cents),
                    tranche=s.last_tranche,
                    planned=format_eur(planned),
                ),
                "green",
            )
        )
    elif s.recovery_cents:
        console.print(
            text(
                _("To recover: {amount}, due by {day}.").format(
                    amount=format_eur(s.recovery_cents),
                    day=format_day(s.recovery_due) if s.recovery_due else None,
                ),
                "yellow",
            )
        )
    else:
        console.print(text(_("Balance: nothing to pay, nothing to recover.")))
    if done.outcome == "already" and dry_run:
        console.print(
            text(_("{ref} was settled on {day}.").format(ref=s.reference, day=format_day(s.on)))
        )
    if dry_run:
        console.print(text(_("Dry run: nothing was stored or rendered.")))
        return
    if done.outcome == "already":
        console.print(
            text(
                _("{ref} was settled on {day}: its letter is rendered again.").format(
                    ref=s.reference, day=format_day(s.on)
                )
            )
        )
    else:
        console.print(
            text(
                _("Recorded the settlement of {ref} (it is in the audit).").format(ref=s.reference)
            )
        )
    pdfs = (
        ngettext(" (and {count} PDF file)", " (and {count} PDF files)", len(done.pdfs)).format(
            count=len(done.pdfs)
        )
        if done.pdfs
        else ""
    )
    console.print(
        text(
            _("Rendered its letter in {folder}: {files}").format(
                folder=out, files=", ".join(done.files)
            )
            + pdfs
            + "."
        )
    )


# -- recoveries ----------------------------------------------------------------------------

recovery_app = typer.Typer(no_args_is_help=True, help="What comes back of a recovery.")


@recovery_app.command("record")
def record(
    ctx: typer.Context,
    reference: Reference,
    amount: Annotated[
        int,
        typer.Option(
            "--amount", click_type=Amount(minimum_cents=1), help="The amount that came back."
        ),
    ],
    date: Annotated[dt.date, typer.Option("--date", click_type=Day(), help="When it came back.")],
    note: NoteOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record what came back of a settled project's recovery. Refused: more than is still
    due, a date before the settlement or after today.

    Example: slrbcall recovery record EMP23-05 --amount 6000 --date 2025-05-12
    """

    done = settlement_service.record_recovery(
        settings(ctx),
        reference,
        amount_cents=amount,
        on=date,
        today=_today(today),
        note=note,
    )
    if as_json:
        emit_json(
            {
                "call": done.call_id,
                "reference": done.reference,
                "number": done.number,
                "date": done.on.isoformat(),
                "amount": plain_money(done.amount_cents),
                "due": plain_money(done.due_cents),
                "recovered": plain_money(done.recovered_cents),
                "outstanding": plain_money(done.outstanding_cents),
            }
        )
        return
    out_console().print(
        text(
            _(
                "Recorded {amount} back from {ref} on {day}: {recovered} of {due} recovered, "
                "{outstanding} still due."
            ).format(
                amount=format_eur(done.amount_cents),
                ref=done.reference,
                day=format_day(done.on),
                recovered=format_eur(done.recovered_cents),
                due=format_eur(done.due_cents),
                outstanding=format_eur(done.outstanding_cents),
            )
        )
    )


@recovery_app.command("list")
def listing(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the settled projects with a recovery: what is due, by when, what came back.

    Example: slrbcall recovery list
    """

    found = [
        c
        for c in closing(settings(ctx))
        if c.settlement is not None and c.settlement.recovery_cents
    ]
    if as_json:
        emit_json(
            [
                {
                    "reference": c.reference,
                    "due": plain_money(c.settlement.recovery_cents),
                    "due_by": c.settlement.recovery_due.isoformat()
                    if c.settlement.recovery_due
                    else None,
                    "recovered": plain_money(c.recovered_cents),
                    "outstanding": plain_money(c.settlement.recovery_cents - c.recovered_cents),
                }
                for c in found
                if c.settlement is not None
            ]
        )
        return
    due, recovered, outstanding = _("due"), _("recovered"), _("outstanding")
    view = table(
        _("project"),
        due,
        _("by"),
        recovered,
        outstanding,
        numeric=(due, recovered, outstanding),
    )
    for c in found:
        assert c.settlement is not None
        view.add_row(
            text(c.reference),
            eur(c.settlement.recovery_cents),
            text(format_day(c.settlement.recovery_due) if c.settlement.recovery_due else None),
            eur(c.recovered_cents),
            eur(c.settlement.recovery_cents - c.recovered_cents),
        )
    out_console().print(view)
