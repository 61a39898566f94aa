"""The follow-up of funded projects: ``timeline``, ``payments``, ``followup``, ``monitor``,
``template monitoring`` / ``template payments`` and ``calls renew``.

Registered by :mod:`slrbcall.cli.app` (docs/followup.md lists the lines). Commands that
depend on the day take ``--today`` (for scripts and tests); it defaults to today.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.errors import RefusedError
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.followup import TimelineItem, TrancheState
    from slrbcall.services.followup import OutcomeReport

__all__ = [
    "followup_app",
    "monitor",
    "monitoring",
    "payments_app",
    "payments_template",
    "renew",
    "timeline",
]

TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="DATE",
        help="Count from this day instead of today (2024-06-20 or 20/06/2024).",
        show_default=False,
    ),
]
Lang = Annotated[str, typer.Option("--lang", help="Language of the labels: nl or fr.")]
TemplateLang = Annotated[
    str, typer.Option("--lang", help="Language of the headers and instructions: nl, fr or en.")
]
Output = Annotated[Path, typer.Option("-o", "--output", help="The workbook to write (.xlsx).")]
Sheet = Annotated[str | None, typer.Option("--sheet", help="The sheet to read.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check, store nothing.")]
ReportXlsx = Annotated[
    Path | None,
    typer.Option("--report-xlsx", help="On problems, also write a copy with the bad cells marked."),
]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_STYLE = {"overdue": "red", "due-within": "yellow", "done": "green", "later": "", "due": "yellow"}
_STYLE |= {"paid": "green", "blocked": "red"}


def parse_day(value: str, option: str) -> dt.date:
    """A day typed on the command line: ``2024-06-20`` or ``20/06/2024``."""
    try:
        if _ISO.fullmatch(value):
            return dt.date.fromisoformat(value)
        if found := _DMY.fullmatch(value):
            day, month, year = (int(part) for part in found.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise typer.BadParameter(
        f"not a date: {value!r} (write 2024-06-20 or 20/06/2024)", param_hint=option
    )


def _today(value: str | None) -> dt.date:
    return parse_day(value, "--today") if value else dt.date.today()


def _money(value: str, option: str) -> int:
    from slrbcall.money import AmountError, parse_amount

    try:
        return parse_amount(value)
    except AmountError as exc:
        raise RefusedError(f"{option}: {exc}") from None


# -- timeline ----------------------------------------------------------------------------


def _when(item: TimelineItem) -> str:
    return item.month if item.month else item.due.isoformat()


def _item_json(item: TimelineItem, lang: str) -> dict[str, Any]:
    return {
        "date": item.due.isoformat(),
        "until": item.until.isoformat(),
        "month": item.month,
        "kind": item.kind.value,
        "key": item.key,
        "label": item.label[lang],
        "reference": item.reference,
        "title": item.title,
        "status": item.status.value,
        "done_on": item.done_on.isoformat() if item.done_on else None,
        "amount": plain_money(item.amount_cents),
    }


def timeline(
    ctx: typer.Context,
    within: Annotated[
        int, typer.Option("--within", min=0, help="Days ahead that count as due soon.")
    ] = 30,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Also write the timeline as an iCalendar file (.ics)."),
    ] = None,
    lang: Lang = "fr",
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the call's steps and each funded project's due dates: signature, interim
    interview, questionnaire, reports and tranches, as overdue, due within N days, done
    or later.

    Example: slrbcall timeline --within 30 --ics suivi.ics
    """
    from slrbcall.followup import ItemStatus
    from slrbcall.services import followup as service

    if lang not in ("nl", "fr"):
        raise RefusedError(f"--lang must be nl or fr, not '{lang}'")
    result = service.timeline(settings(ctx), today=_today(today), within=within)
    found = result.timeline
    if ics is not None:
        service.write_timeline_ics(result, ics, lang=lang)
    counts = {status.value: found.count(status) for status in ItemStatus}
    if as_json:
        emit_json(
            {
                "call": result.loaded.call.id,
                "today": found.today.isoformat(),
                "within": found.within,
                "counts": counts,
                "undated": list(found.undated),
                "ics": str(ics) if ics else None,
                "items": [_item_json(item, lang) for item in found.items],
            }
        )
        return
    view = table(
        "date",
        "status",
        "project",
        "what",
        "amount",
        title=f"{result.loaded.call.id}: timeline on {found.today}",
        numeric=("amount",),
    )
    for item in found.items:
        status = item.status.value + (f" {item.done_on}" if item.done_on else "")
        project = f"{item.reference} {item.title}" if item.reference else "(call)"
        view.add_row(
            text(_when(item)),
            text(status, _STYLE[item.status.value]),
            text(project),
            text(item.label[lang]),
            eur(item.amount_cents),
        )
    console = out_console()
    console.print(view)
    console.print(
        text(
            f"On {found.today}: {counts['overdue']} overdue, {counts['due-within']} due within "
            f"{found.within} days, {counts['done']} done, {counts['later']} later."
        )
    )
    if found.undated:
        console.print(
            text(
                "No start date, so no due dates: " + ", ".join(found.undated) + ".",
                "yellow",
            )
        )
    if ics is not None:
        console.print(text(f"Wrote {ics} ({len(found.items)} events): import it into your agenda."))


# -- payments ----------------------------------------------------------------------------

# Its help is the callback's docstring: `slrbcall payments` alone lists the tranches.
payments_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


def _tranche_json(state: TrancheState) -> dict[str, Any]:
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
        "waiting_for": list(state.waiting_for),
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
    from slrbcall.services import followup as service

    view = service.payments(settings(ctx), today=_today(today))
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
                        "paid": plain_money(p.paid_cents),
                        "tranches": [_tranche_json(t) for t in p.tranches],
                    }
                    for p in view.projects
                ],
            }
        )
        return
    listing = table(
        "project",
        "tranche",
        "condition",
        "amount",
        "status",
        "paid on / waiting for",
        title=f"{view.loaded.call.id}: payments on {view.today}",
        numeric=("tranche", "amount"),
    )
    for project in view.projects:
        for state in project.tranches:
            if state.payment is not None:
                detail = f"{state.payment.paid_on}: {format_eur(state.payment.amount_cents)}"
                if state.payment.forced:
                    detail += " (forced)"
            else:
                detail = "; ".join(state.waiting_for)
            listing.add_row(
                text(f"{project.project.reference} {project.project.title}"),
                text(state.due.number),
                text(state.due.condition),
                eur(state.due.amount_cents),
                text(state.status.value, _STYLE[state.status.value]),
                text(detail),
            )
    console = out_console()
    console.print(listing)
    to_pay = view.awarded_cents - view.paid_cents
    console.print(
        text(
            f"Awarded {format_eur(view.awarded_cents)}, paid {format_eur(view.paid_cents)}, "
            f"to pay {format_eur(to_pay)}."
        )
    )


@payments_app.command("record")
def record_payment(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="REF", help="The funded project.")],
    tranche: Annotated[int, typer.Option("--tranche", min=1, help="The tranche's number.")],
    date: Annotated[str, typer.Option("--date", metavar="DATE", help="The payment date.")],
    amount: Annotated[
        str | None,
        typer.Option("--amount", help="The amount in euro (default: the tranche's amount)."),
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
    from slrbcall.services import followup as service

    done = service.record_payment(
        settings(ctx),
        reference,
        tranche=tranche,
        paid_on=parse_day(date, "--date"),
        today=_today(today),
        amount_cents=_money(amount, "--amount") if amount is not None else None,
        force=force,
        reason=reason,
        note=note,
    )
    if as_json:
        emit_json(
            {
                "call": done.call_id,
                "reference": done.payment.reference,
                "tranche": done.payment.tranche,
                "paid_on": done.payment.paid_on.isoformat(),
                "amount": plain_money(done.payment.amount_cents),
                "forced": done.payment.forced,
                "overridden": list(done.overridden),
                "paid": plain_money(done.paid_cents),
                "award": plain_money(done.award_cents),
            }
        )
        return
    console = out_console()
    console.print(
        text(
            f"Recorded the payment of tranche {done.payment.tranche} of "
            f"{done.payment.reference}: {format_eur(done.payment.amount_cents)} on "
            f"{done.payment.paid_on}. Paid so far: {format_eur(done.paid_cents)} of "
            f"{format_eur(done.award_cents)}."
        )
    )
    if done.overridden:
        console.print(
            text(
                "Forced past: " + "; ".join(done.overridden) + ". The reason is in the audit.",
                "yellow",
            )
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
    from slrbcall.services import followup as service

    done = service.take_payments(
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
                "dry_run": done.dry_run,
            }
        )
        return
    verb = "Would take in" if done.dry_run else "Took in"
    total = sum(p.amount_cents for p in done.added)
    console = out_console()
    console.print(
        text(
            f"{verb} {done.rows} payments from {done.file.name} (sheet '{done.sheet}') for "
            f"{done.call_id}: {len(done.added)} new ({format_eur(total)}), {done.unchanged} "
            "already recorded."
        )
    )
    if done.left_out:
        console.print(text(f"{done.left_out} rows without a payment date were left out."))
    if done.dry_run:
        console.print(text("Dry run: nothing was stored."))


def payments_template(ctx: typer.Context, output: Output, lang: TemplateLang = "fr") -> None:
    """Write the payments workbook: a row per tranche not paid yet, to fill in with the
    payment dates.

    Example: slrbcall template payments -o paiements.xlsx
    """
    from slrbcall.services import followup as service

    loaded, rows = service.write_payments_template(settings(ctx), output, lang=lang)
    out_console().print(
        text(
            f"Wrote {output} for {loaded.call.id} ({rows} tranches to pay): fill in the "
            f"payment dates, then 'slrbcall payments take {output}'."
        )
    )


# -- milestones, reports and outcomes ------------------------------------------------------

followup_app = typer.Typer(
    no_args_is_help=True,
    help="Record the projects' milestones; show their reports and the outcome figures.",
)


@followup_app.command("record")
def record_milestone(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="REF", help="The funded project.")],
    milestone: Annotated[
        str,
        typer.Option(
            "--milestone",
            metavar="KEY",
            help="signature, interim_report, yearly_report:N, final_report, or a deadline "
            "of the call (e.g. questionnaire).",
        ),
    ],
    date: Annotated[str, typer.Option("--date", metavar="DATE", help="When it was reached.")],
    note: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a project reached a milestone: the convention signed, a report
    received, an interview held. Tranches waiting for it become payable.

    Example: slrbcall followup record EMP23-03 --milestone signature --date 2023-12-15
    """
    from slrbcall.services import followup as service

    done = service.record_milestone(
        settings(ctx),
        reference,
        key=milestone,
        on=parse_day(date, "--date"),
        today=_today(today),
        note=note,
    )
    if as_json:
        emit_json(
            {
                "call": done.call_id,
                "reference": done.reference,
                "milestone": done.key,
                "date": done.on.isoformat(),
                "outcome": done.outcome,
                "previous": done.previous.isoformat() if done.previous else None,
                "now_due": [t.number for t in done.now_due],
            }
        )
        return
    console = out_console()
    if done.outcome == "unchanged":
        console.print(text(f"{done.reference}: '{done.key}' was already recorded on {done.on}."))
    elif done.previous is not None:
        console.print(
            text(f"{done.reference}: '{done.key}' moved from {done.previous} to {done.on}.")
        )
    else:
        console.print(text(f"{done.reference}: recorded '{done.key}' on {done.on}."))
    for due in done.now_due:
        console.print(
            text(f"Tranche {due.number} ({format_eur(due.amount_cents)}) can now be paid.", "green")
        )


def _outcomes_table(report: OutcomeReport) -> None:
    from slrbcall.followup import OutcomeTotals

    found = report.outcomes
    console = out_console()
    per_project = table(
        "project",
        "theme",
        "report",
        "targeted",
        "involved",
        "trained",
        "activities",
        "participants",
        "reach",
        "deliverables",
        title=f"{report.loaded.call.id}: outcomes (latest report of each project)",
        numeric=("targeted", "involved", "trained", "activities", "participants", "reach"),
    )

    def number(value: object) -> str:
        return "-" if value is None else str(value)

    for outcome in found.projects:
        latest = outcome.report
        per_project.add_row(
            text(f"{outcome.project.reference} {outcome.project.title}"),
            text(outcome.project.theme or "-"),
            text(f"{latest.report_date} ({outcome.reports})" if latest else "none"),
            text(number(outcome.project.residents_targeted)),
            text(number(latest.residents_involved if latest else None)),
            text(number(latest.residents_trained if latest else None)),
            text(number(latest.activities if latest else None)),
            text(number(latest.participants if latest else None)),
            text(f"{outcome.reach_percent}%" if outcome.reach_percent is not None else "-"),
            text(", ".join(latest.deliverable_kinds) if latest else ""),
        )
    console.print(per_project)
    groups = table(
        "group",
        "projects",
        "targeted",
        "involved",
        "trained",
        "activities",
        "avg activities",
        "participants",
        "reach",
        title="Totals and averages per reporting project",
        numeric=(
            "projects",
            "targeted",
            "involved",
            "trained",
            "activities",
            "avg activities",
            "participants",
            "reach",
        ),
    )

    def row(name: str, totals: OutcomeTotals) -> None:
        groups.add_row(
            text(name),
            text(f"{totals.reporting}/{totals.projects}"),
            text(totals.residents_targeted),
            text(totals.residents_involved),
            text(totals.residents_trained),
            text(totals.activities),
            text(number(totals.average_activities)),
            text(totals.participants),
            text(f"{totals.reach_percent}%" if totals.reach_percent is not None else "-"),
        )

    for theme, totals in found.by_theme.items():
        row(theme or "(no theme)", totals)
    row("all projects", found.totals)
    console.print(groups)
    if found.not_reported:
        console.print(text("No report yet: " + ", ".join(found.not_reported) + ".", "yellow"))


@followup_app.command("outcomes")
def outcomes(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the outcome figures: residents involved and trained, activities, participants
    and deliverables of each funded project (its latest report), by theme and in total,
    against the residents the applications targeted.

    Example: slrbcall followup outcomes
    """
    from slrbcall.followup import outcomes_json
    from slrbcall.services import followup as service

    report = service.outcomes(settings(ctx))
    if as_json:
        emit_json({"call": report.loaded.call.id, **outcomes_json(report.outcomes)})
        return
    _outcomes_table(report)


@followup_app.command("reports")
def reports(
    ctx: typer.Context,
    reference: Annotated[
        str | None, typer.Argument(metavar="[REF]", help="Only this project.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show every monitoring report of each project, oldest first: its progress over time.

    Example: slrbcall followup reports EMP23-03
    """
    from slrbcall.services import followup as service

    report = service.outcomes(settings(ctx))
    history = {
        ref: found for ref, found in report.history.items() if reference is None or ref == reference
    }
    if reference is not None and not history:
        raise RefusedError(f"no monitoring report of '{reference}' in {report.loaded.call.id}")
    if as_json:
        emit_json(
            {
                ref: [
                    {
                        "report_date": r.report_date.isoformat(),
                        "residents_involved": r.residents_involved,
                        "residents_trained": r.residents_trained,
                        "activities": r.activities,
                        "participants": r.participants,
                        "deliverables": r.deliverables,
                        "deliverable_kinds": list(r.deliverable_kinds),
                        "remarks": r.remarks,
                    }
                    for r in found
                ]
                for ref, found in history.items()
            }
        )
        return
    view = table(
        "project",
        "report date",
        "involved",
        "trained",
        "activities",
        "participants",
        "deliverables",
        title=f"{report.loaded.call.id}: monitoring reports",
        numeric=("involved", "trained", "activities", "participants"),
    )
    for ref, found in history.items():
        for r in found:
            view.add_row(
                text(ref),
                text(r.report_date.isoformat()),
                text("-" if r.residents_involved is None else r.residents_involved),
                text("-" if r.residents_trained is None else r.residents_trained),
                text("-" if r.activities is None else r.activities),
                text("-" if r.participants is None else r.participants),
                text(r.deliverables or ""),
            )
    out_console().print(view)


# -- monitoring ----------------------------------------------------------------------------


def monitor(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The monitoring workbook.")],
    sheet: Sheet = None,
    dry_run: DryRun = False,
    report_xlsx: ReportXlsx = None,
    as_json: JsonOption = False,
) -> None:
    """Take in the projects' monitoring reports under the intake contract: every problem
    at once (exit 3) and nothing stored. A report of a new date is kept beside the
    earlier ones; the same file again changes nothing. More residents trained than
    involved is a warning: the report is stored.

    Example: slrbcall monitor suivi.xlsx
    """
    from slrbcall.services import followup as service

    done = service.take_monitoring(
        settings(ctx), file, sheet=sheet, dry_run=dry_run, report_xlsx=report_xlsx
    )
    if as_json:
        emit_json(
            {
                "file": str(done.file),
                "call": done.call_id,
                "sheet": done.sheet,
                "reports": done.reports,
                "new": done.added,
                "changed": done.changed,
                "unchanged": done.unchanged,
                "left_out": done.left_out,
                "warnings": list(done.warnings),
                "dry_run": done.dry_run,
            }
        )
        return
    console = out_console()
    verb = "Would take in" if done.dry_run else "Took in"
    console.print(
        text(
            f"{verb} {done.reports} reports from {done.file.name} (sheet '{done.sheet}') for "
            f"{done.call_id}: {done.added} new, {done.changed} changed, "
            f"{done.unchanged} unchanged."
        )
    )
    if done.left_out:
        console.print(text(f"{done.left_out} rows without a report were left out."))
    for warning in done.warnings:
        console.print(text(f"Warning: {warning}", "yellow"))
    if done.dry_run:
        console.print(text("Dry run: nothing was stored."))


def monitoring(ctx: typer.Context, output: Output, lang: TemplateLang = "fr") -> None:
    """Write the monitoring workbook: a row per funded project, for its report (residents
    involved and trained, activities, participants, deliverables, remarks, report date).

    Example: slrbcall template monitoring -o suivi.xlsx
    """
    from slrbcall.services import followup as service

    loaded, rows = service.write_monitoring_template(settings(ctx), output, lang=lang)
    out_console().print(
        text(
            f"Wrote {output} for {loaded.call.id} ({rows} funded projects): fill in the "
            f"reports, then 'slrbcall monitor {output}'."
        )
    )


# -- the next call -------------------------------------------------------------------------


def renew(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="ID", help="The call to start from.")],
    new_id: Annotated[str, typer.Option("--id", help="The new call's id (its file name).")],
    duration: Annotated[
        int, typer.Option("--duration", min=1, max=240, help="The projects' duration in months.")
    ],
    years: Annotated[
        int | None,
        typer.Option(
            "--years", help="Move the dates by this many years (default: from the two ids)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Draft the next call from an existing one: dates moved to the new year, the new
    duration (with yearly tranches and a yearly report for multi-year projects), and the
    open questions (budget, grant range, criteria, committee) marked TO FILL IN. Writes
    <new id>.yaml into the calls folder in use, never over an existing file.

    Example: slrbcall calls renew empowerment-2023 --id empowerment-2025 --duration 36
    """
    from slrbcall.services import followup as service

    done = service.renew_call(
        settings(ctx), source, new_id=new_id, duration_months=duration, years=years
    )
    renewal = done.renewal
    if as_json:
        emit_json(
            {
                "file": str(done.path),
                "call": renewal.new_id,
                "from": renewal.source_id,
                "shift_years": renewal.shift_years,
                "duration_months": renewal.duration_months,
                "multi_year": renewal.multi_year,
                "to_fill_in": list(renewal.to_fill_in),
            }
        )
        return
    console = out_console()
    console.print(
        text(
            f"Wrote {done.path} from {renewal.source_id}: dates moved by "
            f"{renewal.shift_years} years, projects of {renewal.duration_months} months"
            + (" with yearly tranches and reports." if renewal.multi_year else ".")
        )
    )
    console.print(
        text(
            "To fill in (marked '# TO FILL IN'): " + ", ".join(renewal.to_fill_in) + ". "
            f"Then: slrbcall calls validate {done.path}",
            "yellow",
        )
    )
