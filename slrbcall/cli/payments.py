"""``slrbcall payments`` and ``template payments``: the tranches of the funded projects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.cli.common import JsonOption, ProjectReference, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.followup import (
    _STYLE,
    DryRun,
    OnlyReference,
    Output,
    ReasonOption,
    ReportXlsx,
    Sheet,
    TemplateLang,
    TodayOption,
    _today,
)
from slrbcall.cli.options import Amount, WholeNumber
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup import TrancheStatus, condition_label, status_label
from slrbcall.followup.service import corrections as corrections_service
from slrbcall.followup.service import payments as payments_service
from slrbcall.i18n import _, clauses, format_day, language, ngettext
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.followup import PaymentEntry, ProposedPayment, TrancheState
    from slrbcall.followup.service.payments import RecordedPayment

__all__ = ["payments_app", "payments_template"]

# -- payments ----------------------------------------------------------------------------

# Its help is the callback's docstring: `slrbcall payments` alone lists the tranches.
payments_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


def _tranche_json(state: TrancheState, proposed: ProposedPayment | None) -> dict[str, Any]:
    due, payment = state.due, state.payment
    return {
        "number": due.number,
        "percent": str(due.percent),
        "amount": plain_money(due.amount_cents),
        "condition": due.condition,
        "label": {"nl": due.label.nl, "fr": due.label.fr},
        "payable_from": due.payable_from.isoformat() if due.payable_from else None,
        "expected": due.expected.isoformat() if due.expected else None,
        "status": state.status.value,
        "paid_on": payment.paid_on.isoformat() if payment else None,
        "paid": plain_money(payment.amount_cents) if payment else None,
        "forced": payment.forced if payment else False,
        "corrections": payment.corrections if payment else 0,
        "waiting_for": list(state.waiting_for),
        "proposed": None
        if proposed is None
        else {
            "paid_on": proposed.payment.paid_on.isoformat(),
            "amount": plain_money(proposed.payment.amount_cents),
            "proposed_by": proposed.proposed_by,
        },
    }


@payments_app.callback()
def payments(
    ctx: typer.Context,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """List each funded project's tranches: paid, due (its condition is met) or blocked
    (and what it waits for). 'payments record' and 'payments take' record payments.

    Example: slrbcall payments
    """
    if ctx.invoked_subcommand is not None:
        return

    view = payments_service.payments(settings(ctx), today=_today(today))
    if as_json:
        emit_json(
            {
                "call": view.loaded.call.id,
                "today": view.today.isoformat(),
                "awarded": plain_money(view.awarded_cents),
                "paid": plain_money(view.paid_cents),
                "projects": [
                    {
                        "reference": p.project.reference,
                        "title": p.project.title,
                        "award": plain_money(p.project.award_cents),
                        "decided": plain_money(p.project.decided),
                        "amendment": p.project.amendment or None,
                        "paid": plain_money(p.paid_cents),
                        "tranches": [
                            _tranche_json(t, view.proposed(p.project.reference, t.due.number))
                            for t in p.tranches
                        ],
                    }
                    for p in view.projects
                ],
            }
        )
        return
    number, amount = _("tranche"), _("amount")
    listing = table(
        _("project"),
        number,
        _("condition"),
        amount,
        _("status"),
        _("paid on / waiting for"),
        title=_("{call}: payments on {day}").format(
            call=view.loaded.call.id, day=format_day(view.today)
        ),
        numeric=(number, amount),
    )
    for project in view.projects:
        for state in project.tranches:
            if state.status is TrancheStatus.PAID and state.payment is not None:
                detail = _("{day}: {amount}").format(
                    day=format_day(state.payment.paid_on),
                    amount=format_eur(state.payment.amount_cents),
                )
                if state.payment.forced:
                    detail += _(" (forced)")
                if state.payment.corrections:
                    detail += _(" (corrected)")
            elif state.status is TrancheStatus.CANCELLED and project.project.amendment:
                detail = _("by amendment {number}").format(number=project.project.amendment)
            elif state.status is TrancheStatus.CANCELLED:
                detail = _("by the settlement")  # its balance went on another tranche
            else:
                detail = clauses(state.waiting_for)
                if state.payment is not None:  # reversed
                    detail = clauses((_("payment reversed"), *state.waiting_for))
            proposed = view.proposed(project.project.reference, state.due.number)
            if proposed is not None:
                detail = _("proposed by {who}: {amount} on {day}, awaiting approval").format(
                    who=proposed.proposed_by,
                    amount=format_eur(proposed.payment.amount_cents),
                    day=format_day(proposed.payment.paid_on),
                )
            listing.add_row(
                text(f"{project.project.reference} {project.project.title}"),
                text(state.due.number),
                text(condition_label(state.due.condition, language())),
                eur(state.due.amount_cents),
                text(status_label(state.status.value), _STYLE[state.status.value]),
                text(detail),
            )
    console = out_console()
    console.print(listing)
    to_pay = view.awarded_cents - view.paid_cents
    console.print(
        text(
            _("Awarded {awarded}, paid {paid}, to pay {to_pay}.").format(
                awarded=format_eur(view.awarded_cents),
                paid=format_eur(view.paid_cents),
                to_pay=format_eur(to_pay),
            )
        )
    )
    for project in view.projects:
        if project.project.amendment:
            console.print(
                text(
                    _(
                        "{ref}: amendment {number} sets its award to {award} (decided: {decided})."
                    ).format(
                        ref=project.project.reference,
                        number=project.project.amendment,
                        award=format_eur(project.project.award_cents),
                        decided=format_eur(project.project.decided),
                    )
                )
            )


Tranche = Annotated[
    int,
    typer.Option("--tranche", click_type=WholeNumber(1, 99), help="The tranche's number."),
]


def _recorded_json(done: RecordedPayment) -> dict[str, Any]:
    """A payment recorded, proposed or approved, as JSON."""
    return {
        "call": done.call_id,
        "reference": done.payment.reference,
        "tranche": done.payment.tranche,
        "paid_on": done.payment.paid_on.isoformat(),
        "amount": plain_money(done.payment.amount_cents),
        "forced": done.payment.forced,
        "overridden": list(done.overridden),
        "paid": plain_money(done.paid_cents),
        "award": plain_money(done.award_cents),
        "proposed": done.proposed,
        "proposed_by": done.proposed_by,
        "approved_by": done.approved_by,
    }


@payments_app.command("record")
def record_payment(
    ctx: typer.Context,
    reference: ProjectReference,
    tranche: Tranche,
    date: Annotated[dt.date, typer.Option("--date", click_type=Day(), help="The payment date.")],
    amount: Annotated[
        int | None,
        typer.Option(
            "--amount",
            click_type=Amount(minimum_cents=1),
            help="The amount in euro (default: the tranche's amount).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Pay although the tranche's condition is not met.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why --force: it goes to the audit.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the payment of a tranche.

    Refused: a tranche paid twice, a total above the award, a date before the project's
    start or after today. Paying before the tranche's condition is met (signature,
    reports) needs --force and --reason.

    Example: slrbcall payments record EMP23-03 --tranche 1 --date 2024-01-15
    """

    done = payments_service.record_payment(
        settings(ctx),
        reference,
        tranche=tranche,
        paid_on=date,
        today=_today(today),
        amount_cents=amount,
        force=force,
        reason=reason,
        note=note,
    )
    if as_json:
        emit_json(_recorded_json(done))
        return
    console = out_console()
    if done.proposed:
        console.print(
            text(
                _(
                    "Proposed the payment of tranche {tranche} of {ref}: {amount} on {day}. It "
                    "is above the call's threshold: it is paid once another approver approves "
                    "it ('slrbcall payments approve {ref} --tranche {tranche}')."
                ).format(
                    tranche=done.payment.tranche,
                    ref=done.payment.reference,
                    amount=format_eur(done.payment.amount_cents),
                    day=format_day(done.payment.paid_on),
                )
            )
        )
        return
    console.print(
        text(
            _(
                "Recorded the payment of tranche {tranche} of {ref}: {amount} on {day}. Paid so "
                "far: {paid} of {award}."
            ).format(
                tranche=done.payment.tranche,
                ref=done.payment.reference,
                amount=format_eur(done.payment.amount_cents),
                day=format_day(done.payment.paid_on),
                paid=format_eur(done.paid_cents),
                award=format_eur(done.award_cents),
            )
        )
    )
    if done.overridden:
        console.print(
            text(
                _("Forced past: {what}. The reason is in the audit.").format(
                    what=clauses(done.overridden)
                ),
                "yellow",
            )
        )


@payments_app.command("correct")
def correct_payment(
    ctx: typer.Context,
    reference: ProjectReference,
    tranche: Tranche,
    amount: Annotated[
        int,
        typer.Option(
            "--amount",
            click_type=Amount(),
            help="The amount that was really paid, in euro (0 reverses the payment).",
        ),
    ],
    reason: ReasonOption,
    date: Annotated[
        dt.date | None,
        typer.Option(
            "--date",
            click_type=Day(),
            help="The date it was really paid (default: as recorded).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a recorded payment: a new entry with the right amount (and date) and its
    reason; the wrong entry stays in the history ('payments history') and the audit.
    --amount 0 reverses a payment recorded by mistake.

    Example: slrbcall payments correct EMP23-03 --tranche 1 --amount 48000 --reason typo
    """

    done = corrections_service.correct_payment(
        settings(ctx),
        reference,
        tranche=tranche,
        amount_cents=amount,
        reason=reason,
        today=_today(today),
        paid_on=date,
        note=note,
    )
    entry = done.entry
    if as_json:
        emit_json(
            {
                "call": done.call_id,
                "reference": entry.reference,
                "tranche": entry.tranche,
                "correction": entry.number,
                "kind": entry.kind,
                "before": {
                    "paid_on": done.before.paid_on.isoformat(),
                    "amount": plain_money(done.before.amount_cents),
                },
                "paid_on": entry.paid_on.isoformat(),
                "amount": plain_money(entry.amount_cents),
                "difference": _signed(entry.difference_cents),
                "paid": plain_money(done.paid_cents),
                "award": plain_money(done.award_cents),
            }
        )
        return
    if entry.kind == "reversal":
        said = _(
            "Reversed the payment of tranche {tranche} of {ref} (was {before} on {before_day}; "
            "correction {number}: {difference}). Paid so far: {paid} of {award}."
        )
    else:
        said = _(
            "Corrected the payment of tranche {tranche} of {ref} to {amount} on {day} (was "
            "{before} on {before_day}; correction {number}: {difference}). Paid so far: {paid} "
            "of {award}."
        )
    out_console().print(
        text(
            said.format(
                tranche=entry.tranche,
                ref=entry.reference,
                amount=format_eur(entry.amount_cents),
                day=format_day(entry.paid_on),
                before=format_eur(done.before.amount_cents),
                before_day=format_day(done.before.paid_on),
                number=entry.number,
                difference=_signed_eur(entry.difference_cents),
                paid=format_eur(done.paid_cents),
                award=format_eur(done.award_cents),
            )
        )
    )


def _signed(cents: int) -> str:
    """A signed amount in JSON: ``"-43200.00"``, ``"43200.00"``."""
    return ("-" if cents < 0 else "") + str(plain_money(abs(cents)))


def _signed_eur(cents: int) -> str:
    return ("- " if cents < 0 else "+ ") + format_eur(abs(cents))


def _entry_json(entry: PaymentEntry) -> dict[str, Any]:
    return {
        "tranche": entry.tranche,
        "entry": entry.number,
        "kind": entry.kind,
        "paid_on": entry.paid_on.isoformat(),
        "amount": plain_money(entry.amount_cents),
        "difference": _signed(entry.difference_cents),
        "forced": entry.forced,
        "reason": entry.reason,
        "note": entry.note,
        "recorded_at": entry.recorded_at,
    }


@payments_app.command("history")
def history(
    ctx: typer.Context,
    reference: OnlyReference = None,
    as_json: JsonOption = False,
) -> None:
    """Show every payment entry of each funded project (or of REF), in order: each
    payment as recorded, then its corrections and reversals with their reasons. The
    entries add up to what was paid.

    Example: slrbcall payments history EMP23-03
    """

    found = corrections_service.payment_history(settings(ctx), reference)
    if as_json:
        emit_json(
            {
                "call": found.loaded.call.id,
                "paid": plain_money(found.paid_cents),
                "projects": [
                    {
                        "reference": p.project.reference,
                        "award": plain_money(p.project.award_cents),
                        "paid": plain_money(p.paid_cents),
                        "entries": [_entry_json(e) for e in p.entries],
                    }
                    for p in found.projects
                ],
            }
        )
        return
    number, amount, difference = _("tranche"), _("amount"), _("difference")
    view = table(
        _("project"),
        number,
        _("entry"),
        _("date"),
        amount,
        difference,
        _("reason / note"),
        _("recorded"),
        title=_("{call}: payment history").format(call=found.loaded.call.id),
        numeric=(number, amount, difference),
    )
    for project in found.projects:
        for e in project.entries:
            view.add_row(
                text(e.reference),
                text(e.tranche),
                text(
                    status_label("payment")
                    if e.number == 0
                    else f"{status_label(e.kind)} {e.number}"
                ),
                text(format_day(e.paid_on)),
                eur(e.amount_cents),
                text("" if e.number == 0 else _signed_eur(e.difference_cents)),
                text(e.reason or e.note or ""),
                text(e.recorded_at),
            )
    console = out_console()
    console.print(view)
    console.print(
        text(_("Paid: {paid} (the sum of the entries).").format(paid=format_eur(found.paid_cents)))
    )


@payments_app.command("take")
def take_payments(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The payments workbook.")],
    sheet: Sheet = None,
    dry_run: DryRun = False,
    report_xlsx: ReportXlsx = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take in a payments workbook under the intake contract: every problem at once
    (exit 3) and nothing stored, or every payment stored. The same file again changes
    nothing.

    Example: slrbcall payments take paiements.xlsx
    """

    done = payments_service.take_payments(
        settings(ctx),
        file,
        today=_today(today),
        sheet=sheet,
        dry_run=dry_run,
        report_xlsx=report_xlsx,
    )
    if as_json:
        emit_json(
            {
                "file": str(done.file),
                "call": done.call_id,
                "sheet": done.sheet,
                "rows": done.rows,
                "new": len(done.added),
                "unchanged": done.unchanged,
                "left_out": done.left_out,
                "payments": [
                    {
                        "reference": p.reference,
                        "tranche": p.tranche,
                        "paid_on": p.paid_on.isoformat(),
                        "amount": plain_money(p.amount_cents),
                    }
                    for p in done.added
                ],
                "proposed": [
                    {"reference": p.reference, "tranche": p.tranche} for p in done.proposed
                ],
                "dry_run": done.dry_run,
            }
        )
        return
    total = sum(p.amount_cents for p in done.added)
    if done.dry_run:
        took = ngettext(
            "Would take in {count} payment from {file} (sheet '{sheet}') for {call}: {new} new "
            "({total}), {unchanged} already recorded.",
            "Would take in {count} payments from {file} (sheet '{sheet}') for {call}: {new} new "
            "({total}), {unchanged} already recorded.",
            done.rows,
        )
    else:
        took = ngettext(
            "Took in {count} payment from {file} (sheet '{sheet}') for {call}: {new} new "
            "({total}), {unchanged} already recorded.",
            "Took in {count} payments from {file} (sheet '{sheet}') for {call}: {new} new "
            "({total}), {unchanged} already recorded.",
            done.rows,
        )
    console = out_console()
    console.print(
        text(
            took.format(
                count=done.rows,
                file=done.file.name,
                sheet=done.sheet,
                call=done.call_id,
                new=len(done.added),
                total=format_eur(total),
                unchanged=done.unchanged,
            )
        )
    )
    if done.proposed:
        console.print(
            text(
                ngettext(
                    "{count} of them is above the call's threshold and proposed: it is paid "
                    "once another approver approves it ('slrbcall payments approve REF "
                    "--tranche N').",
                    "{count} of them are above the call's threshold and proposed: they are "
                    "paid once another approver approves them ('slrbcall payments approve REF "
                    "--tranche N').",
                    len(done.proposed),
                ).format(count=len(done.proposed))
            )
        )
    if done.left_out:
        console.print(
            text(
                ngettext(
                    "{count} row without a payment date was left out.",
                    "{count} rows without a payment date were left out.",
                    done.left_out,
                ).format(count=done.left_out)
            )
        )
    if done.dry_run:
        console.print(text(_("Dry run: nothing was stored.")))


def payments_template(ctx: typer.Context, output: Output, lang: TemplateLang = None) -> None:
    """Write the payments workbook: a row per tranche not paid yet, to fill in with the
    payment dates.

    Example: slrbcall template payments -o paiements.xlsx
    """

    loaded, rows = payments_service.write_payments_template(
        settings(ctx), output, lang=lang or language()
    )
    out_console().print(
        text(
            ngettext(
                "Wrote {file} for {call} ({count} tranche to pay): fill in the payment dates, "
                "then 'slrbcall payments take {file}'.",
                "Wrote {file} for {call} ({count} tranches to pay): fill in the payment dates, "
                "then 'slrbcall payments take {file}'.",
                rows,
            ).format(file=output, call=loaded.call.id, count=rows)
        )
    )


@payments_app.command("approve")
def approve_payment(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="REF", help="The funded project.")],
    tranche: Tranche,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a payment proposed above the call's threshold: from now on it is paid.
    The approver is never who proposed it (four eyes).

    Example: slrbcall --as sofie payments approve EMP23-09 --tranche 1
    """

    done = payments_service.approve_payment(
        settings(ctx), reference, tranche=tranche, today=_today(today)
    )
    if as_json:
        emit_json(_recorded_json(done))
        return
    out_console().print(
        text(
            _(
                "Approved the payment of tranche {tranche} of {ref} proposed by {who}: {amount} "
                "on {day}. Paid so far: {paid} of {award}."
            ).format(
                tranche=done.payment.tranche,
                ref=done.payment.reference,
                who=done.proposed_by,
                amount=format_eur(done.payment.amount_cents),
                day=format_day(done.payment.paid_on),
                paid=format_eur(done.paid_cents),
                award=format_eur(done.award_cents),
            )
        )
    )
