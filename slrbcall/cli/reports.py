"""``slrbcall report`` and ``slrbcall export``: the call's figures, for people and as data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup import outcomes_json
from slrbcall.followup.service.settlement import ProjectClosing
from slrbcall.money import format_eur, format_plain
from slrbcall.reports import service as reports_service
from slrbcall.reports.figures import figures_json
from slrbcall.reports.terminal import bars, budget_caption

export_app = typer.Typer(no_args_is_help=True, help="Export the call's data.")


def report(
    ctx: typer.Context,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Also write the board's workbook (sheets, formats, a chart)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The call's key figures: applications, eligibility, funding, by theme and by company.

    Example: slrbcall report --xlsx report.xlsx
    """

    done = reports_service.call_report(settings(ctx), xlsx=xlsx)
    fig = done.figures
    if as_json:
        data = figures_json(fig)
        data["outcomes"] = outcomes_json(done.outcomes) if done.outcomes else None
        data["last_mile"] = _last_mile_json(done.closing)
        emit_json(data)
        return
    console = out_console()
    summary = table("figure", "value", title=f"{fig.call_id}: key figures")
    ratio = f" ({fig.requested_ratio}× the budget)" if fig.requested_ratio is not None else ""
    rows = [
        ("applications", f"{fig.applications} from {fig.companies} housing companies"),
        ("eligible", f"{fig.eligible} ({fig.ineligible} ineligible)"),
        *((f"  ineligible: {code}", str(count)) for code, count in fig.ineligible_reasons),
        (
            "grants",
            f"{eur(fig.grant_min_cents)} to {eur(fig.grant_max_cents)}, "
            f"{fig.duration_months} months",
        ),
        (
            "requested",
            f"{eur(fig.requested_cents)} against a budget of {eur(fig.budget_cents)}{ratio}",
        ),
    ]
    if fig.allocated:
        rows += [
            ("funded", f"{fig.funded} ({fig.funded_full} in full, {fig.funded_partial} partly)"),
            ("awarded", f"{eur(fig.awarded_cents)}; {eur(fig.remainder_cents or 0)} left"),
            ("paid", f"{eur(fig.paid_cents or 0)} (corrections included)"),
            (
                "grants awarded",
                f"average {eur(fig.average_grant_cents)}, median {eur(fig.median_grant_cents)}, "
                f"from {eur(fig.smallest_grant_cents)} to {eur(fig.largest_grant_cents)}",
            ),
        ]
    else:
        rows.append(("funded", "no allocation yet ('slrbcall allocate')"))
    for name, value in rows:
        summary.add_row(text(name), text(value))
    console.print(summary)
    for title, groups in (("By theme", fig.by_theme), ("By housing company", fig.by_company)):
        view = table(
            title.split()[-1],
            "applications",
            "requested",
            "funded",
            "awarded",
            title=title,
            numeric=("applications", "requested", "funded", "awarded"),
        )
        for group in groups:
            view.add_row(
                text(group.label.fr),
                text(group.applications),
                eur(group.requested_cents),
                text(group.funded),
                eur(group.awarded_cents),
            )
        console.print(view)
    chart = table("project", "", "requested (grey) and awarded (green)", title="Per project")
    for reference, requested, awarded in bars(fig.projects):
        bar = text(requested + "\n", "bright_black")
        bar.append(text(awarded, "green"))
        chart.add_row(text(reference), text("asked\ngot"), bar)
    console.print(chart)
    console.print(text(budget_caption(fig)))
    if done.outcomes is not None:
        _print_outcomes(done)
    if done.closing and any(c.claimed_cents or c.settlement for c in done.closing):
        _print_last_mile(done.closing)
    if xlsx is not None:
        console.print(text(f"Wrote {xlsx}."))


@export_app.command("360giving")
def giving360(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The file: .json or .csv.")],
    prefix: Annotated[
        str, typer.Option("--prefix", help="The identifier prefix 360Giving issued (360G-...).")
    ] = "360G-slrb",
    award_date: Annotated[
        dt.date | None,
        typer.Option(
            "--award-date",
            click_type=Day(),
            help="The award date (default: the call's).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export the funded grants in the 360Giving Data Standard (JSON or CSV).

    Example: slrbcall export 360giving -o grants.json --prefix 360G-slrb
    """

    count = reports_service.export_360giving(
        settings(ctx), output, prefix=prefix, award_date=award_date
    )
    out_console().print(text(f"Wrote {count} grants to {output}."))


def _print_outcomes(done: Any) -> None:
    """The outcomes of the funded projects, from their latest monitoring reports."""
    outcomes = done.outcomes
    themes = {t.key: t.label.fr for t in done.loaded.call.themes}
    view = table(
        "project",
        "targeted",
        "involved",
        "trained",
        "activities",
        "participants",
        "reach",
        title="Outcomes (latest report of each project)",
        numeric=("targeted", "involved", "trained", "activities", "participants", "reach"),
    )
    for item in outcomes.projects:
        report = item.report
        view.add_row(
            text(item.project.reference),
            text(item.project.residents_targeted or "-"),
            text(report.residents_involved if report else "-"),
            text(report.residents_trained if report else "-"),
            text(report.activities if report else "-"),
            text(report.participants if report else "-"),
            text(f"{item.reach_percent} %" if item.reach_percent is not None else "-"),
        )
    totals = outcomes.totals
    view.add_row(
        text("total", "bold"),
        text(totals.residents_targeted),
        text(totals.residents_involved),
        text(totals.residents_trained),
        text(totals.activities),
        text(totals.participants),
        text(f"{totals.reach_percent} %" if totals.reach_percent is not None else "-"),
    )
    console = out_console()
    console.print(view)
    console.print(
        text(
            f"{totals.reporting} of {totals.projects} projects reported: on average "
            f"{totals.average_involved} residents involved, {totals.average_trained} trained "
            f"and {totals.average_activities} activities per project."
        )
    )
    by_theme = table(
        "theme",
        "projects",
        "involved",
        "trained",
        "activities",
        title="Outcomes by theme",
        numeric=("projects", "involved", "trained", "activities"),
    )
    for key, group in outcomes.by_theme.items():
        by_theme.add_row(
            text(themes.get(key or "", key or "-")),
            text(group.projects),
            text(group.residents_involved),
            text(group.residents_trained),
            text(group.activities),
        )
    console.print(by_theme)


def _last_mile_json(found: tuple[ProjectClosing, ...] | None) -> list[dict[str, Any]] | None:
    """Per funded project: claimed, admitted, paid, balance (once settled), recovered."""
    if found is None:
        return None
    return [
        {
            "reference": c.reference,
            "claimed": plain_money(c.claimed_cents),
            "admitted": plain_money(c.admitted_cents),
            "paid": plain_money(c.paid_cents),
            "balance": None if c.balance_cents is None else format_plain(c.balance_cents),
            "recovered": plain_money(c.recovered_cents),
            "settled_on": c.settlement.on.isoformat() if c.settlement else None,
        }
        for c in found
    ]


def _print_last_mile(found: tuple[ProjectClosing, ...]) -> None:
    """What each funded project justified, was admitted, paid and repaid."""
    view = table(
        "project",
        "claimed",
        "admitted",
        "paid",
        "balance",
        "recovered",
        "settled",
        title="Justification and settlement",
        numeric=("claimed", "admitted", "paid", "balance", "recovered"),
    )
    for c in found:
        view.add_row(
            text(c.reference),
            eur(c.claimed_cents),
            eur(c.admitted_cents),
            eur(c.paid_cents),
            text("" if c.balance_cents is None else signed_eur(c.balance_cents)),
            eur(c.recovered_cents),
            text(c.settlement.on if c.settlement else "not yet"),
        )
    out_console().print(view)
    console = out_console()
    console.print(
        text(
            "Admitted: as settled, or what the reviews admit so far (before the rules by "
            "line and the award). Balance, once settled: still to pay, or (negative) still "
            "to recover."
        )
    )


def signed_eur(cents: int) -> str:
    """``- € 6,000.00``, ``+ € 7,200.00`` or ``€ 0.00``."""
    sign = "- " if cents < 0 else "+ " if cents > 0 else ""
    return sign + format_eur(abs(cents))
