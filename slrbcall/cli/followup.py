"""The follow-up of funded projects: ``timeline``, ``followup``, ``monitor`` and
``template monitoring``; the payments are in :mod:`slrbcall.cli.payments` and
``calls renew`` in :mod:`slrbcall.cli.renew`.

Commands that depend on the day take ``--today`` (for scripts and tests); it defaults
to today. The shared options and parsers below are used by those modules too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.cli.common import (
    DryRunOption,
    JsonOption,
    OutputOption,
    ProjectReference,
    ReportXlsxOption,
    SheetOption,
    TemplateLangOption,
    settings,
)
from slrbcall.cli.dates import Day
from slrbcall.cli.options import OneOf, Reference, WholeNumber
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.errors import RefusedError
from slrbcall.followup import ItemStatus, OutcomeTotals, outcomes_json
from slrbcall.followup.service import corrections as corrections_service
from slrbcall.followup.service import monitoring as monitoring_service
from slrbcall.followup.service import payments as payments_service
from slrbcall.followup.service import state as followup_service
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.followup import TimelineItem, TrancheDue
    from slrbcall.followup.service.monitoring import OutcomeReport

__all__ = [
    "OnlyReference",
    "ReasonOption",
    "followup_app",
    "monitor",
    "monitoring",
    "timeline",
]

TodayOption = Annotated[
    dt.date | None,
    typer.Option(
        "--today",
        click_type=Day(),
        help="Count from this day instead of today (2024-06-20 or 20/06/2024).",
        show_default=False,
    ),
]
#: The optional project of the commands that list every project's entries.
OnlyReference = Annotated[
    str | None,
    typer.Argument(metavar="[REF]", click_type=Reference(), help="Only this project."),
]
Lang = Annotated[
    str,
    typer.Option("--lang", click_type=OneOf(("nl", "fr")), help="Language of the labels."),
]
TemplateLang = TemplateLangOption
Output = OutputOption
Sheet = SheetOption
DryRun = DryRunOption
ReportXlsx = ReportXlsxOption

_STYLE = {"overdue": "red", "due-within": "yellow", "done": "green", "later": "", "due": "yellow"}
_STYLE |= {"paid": "green", "blocked": "red", "cancelled": "bright_black"}


def _today(value: dt.date | None) -> dt.date:
    return dt.date.today() if value is None else value


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
        int,
        typer.Option(
            "--within",
            click_type=WholeNumber(0, 36_500, unit="days"),
            help="Days ahead that count as due soon, from 0 to 36500.",
        ),
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
    interview, questionnaire, reports and tranches, and the last day of each notified
    decision's appeal period ('slrbcall notified'), as overdue, due within N days, done
    or later.

    Example: slrbcall timeline --within 30 --ics suivi.ics
    """

    result = followup_service.timeline(settings(ctx), today=_today(today), within=within)
    found = result.timeline
    if ics is not None:
        followup_service.write_timeline_ics(result, ics, lang=lang)
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


# -- milestones, reports and outcomes ------------------------------------------------------

followup_app = typer.Typer(
    no_args_is_help=True,
    help="Record the projects' milestones; show their reports and the outcome figures.",
)


@followup_app.command("record")
def record_milestone(
    ctx: typer.Context,
    reference: ProjectReference,
    milestone: Annotated[
        str,
        typer.Option(
            "--milestone",
            metavar="KEY",
            help="signature, interim_report, yearly_report:N, final_report, or a deadline "
            "of the call (e.g. questionnaire).",
        ),
    ],
    date: Annotated[dt.date, typer.Option("--date", click_type=Day(), help="When it was reached.")],
    note: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a project reached a milestone: the convention signed, a report
    received, an interview held. Tranches waiting for it become payable.

    Example: slrbcall followup record EMP23-03 --milestone signature --date 2023-12-15
    """

    done = payments_service.record_milestone(
        settings(ctx),
        reference,
        key=milestone,
        on=date,
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
                "now_due": [t.number for t in done.now_due],
            }
        )
        return
    console = out_console()
    if done.outcome == "unchanged":
        console.print(text(f"{done.reference}: '{done.key}' was already recorded on {done.on}."))
    else:
        console.print(text(f"{done.reference}: recorded '{done.key}' on {done.on}."))
    _now_due(done.now_due)


def _now_due(tranches: Sequence[TrancheDue]) -> None:
    console = out_console()
    for due in tranches:
        console.print(
            text(f"Tranche {due.number} ({format_eur(due.amount_cents)}) can now be paid.", "green")
        )


ReasonOption = Annotated[
    str,
    typer.Option(
        "--reason", help="Why: it goes to the audit and the history (required).", show_default=False
    ),
]


@followup_app.command("correct")
def correct_milestone(
    ctx: typer.Context,
    reference: ProjectReference,
    milestone: Annotated[
        str, typer.Option("--milestone", metavar="KEY", help="The recorded milestone.")
    ],
    date: Annotated[dt.date, typer.Option("--date", click_type=Day(), help="Its right date.")],
    reason: ReasonOption,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct the date of a recorded milestone: a new entry, with its reason; the date
    first recorded stays in the history ('followup milestones') and the audit.

    Example: slrbcall followup correct EMP23-03 --milestone signed --date 18/12/2023 --reason typo
    """

    done = corrections_service.correct_milestone(
        settings(ctx),
        reference,
        key=milestone,
        on=date,
        reason=reason,
        today=_today(today),
        note=note,
    )
    if as_json:
        emit_json(
            {
                "call": done.call_id,
                "reference": done.reference,
                "milestone": done.key,
                "correction": done.number,
                "previous": done.previous.isoformat(),
                "date": done.on.isoformat(),
                "now_due": [t.number for t in done.now_due],
                "paid_before": [
                    {"tranche": p.tranche, "paid_on": p.paid_on.isoformat()}
                    for p in done.paid_before
                ],
            }
        )
        return
    console = out_console()
    console.print(
        text(
            f"{done.reference}: corrected '{done.key}' from {done.previous} to {done.on} "
            f"(correction {done.number}; the reason is in the audit)."
        )
    )
    _now_due(done.now_due)
    for payment in done.paid_before:
        console.print(
            text(
                f"Warning: tranche {payment.tranche} was paid on {payment.paid_on}, before "
                f"'{done.key}' as now dated.",
                "yellow",
            )
        )


@followup_app.command("milestones")
def milestones(
    ctx: typer.Context,
    reference: OnlyReference = None,
    as_json: JsonOption = False,
) -> None:
    """Show the recorded milestones of each funded project (or of REF), each as first
    recorded and then its corrections, with their reasons.

    Example: slrbcall followup milestones EMP23-03
    """

    found = corrections_service.milestone_history(settings(ctx), reference)
    if as_json:
        emit_json(
            {
                "call": found.loaded.call.id,
                "entries": [
                    {
                        "reference": e.reference,
                        "milestone": e.key,
                        "entry": e.number,
                        "date": e.on.isoformat(),
                        "previous": e.previous.isoformat() if e.previous else None,
                        "note": e.note,
                        "reason": e.reason,
                        "recorded_at": e.recorded_at,
                    }
                    for e in found.entries
                ],
            }
        )
        return
    view = table(
        "project",
        "milestone",
        "entry",
        "date",
        "was",
        "reason / note",
        "recorded",
        title=f"{found.loaded.call.id}: milestones",
    )
    for e in found.entries:
        view.add_row(
            text(e.reference),
            text(e.key),
            text("recorded" if e.number == 0 else f"correction {e.number}"),
            text(e.on.isoformat()),
            text(e.previous.isoformat() if e.previous else ""),
            text(e.reason or e.note or ""),
            text(e.recorded_at),
        )
    out_console().print(view)


def _outcomes_table(report: OutcomeReport) -> None:

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

    report = monitoring_service.outcomes(settings(ctx))
    if as_json:
        emit_json({"call": report.loaded.call.id, **outcomes_json(report.outcomes)})
        return
    _outcomes_table(report)


@followup_app.command("reports")
def reports(
    ctx: typer.Context,
    reference: OnlyReference = None,
    as_json: JsonOption = False,
) -> None:
    """Show every monitoring report of each project, oldest first: its progress over time.

    Example: slrbcall followup reports EMP23-03
    """

    report = monitoring_service.outcomes(settings(ctx))
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

    done = monitoring_service.take_monitoring(
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

    loaded, rows = monitoring_service.write_monitoring_template(settings(ctx), output, lang=lang)
    out_console().print(
        text(
            f"Wrote {output} for {loaded.call.id} ({rows} funded projects): fill in the "
            f"reports, then 'slrbcall monitor {output}'."
        )
    )
