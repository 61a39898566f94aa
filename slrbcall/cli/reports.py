"""``slrbcall report``: the call's figures, for people and as data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup import outcomes_json
from slrbcall.followup.service.closing import ProjectClosing
from slrbcall.i18n import _, format_day, language, ngettext
from slrbcall.intake.eligibility import eligibility_label
from slrbcall.money import format_eur, format_plain
from slrbcall.reports.figures import figures_json
from slrbcall.reports.service import report as reports_service
from slrbcall.reports.terminal import bars, budget_caption, ratio_text


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
    summary = table(
        _("figure"), _("value"), title=_("{call}: key figures").format(call=fig.call_id)
    )
    rows = [
        (
            _("applications"),
            ngettext(
                "{count} from {companies} housing company",
                "{count} from {companies} housing companies",
                fig.companies,
            ).format(count=fig.applications, companies=fig.companies),
        ),
        (
            _("eligible"),
            _("{count} ({ineligible} ineligible)").format(
                count=fig.eligible, ineligible=fig.ineligible
            ),
        ),
        *(
            (
                "  " + _("ineligible: {reason}").format(reason=eligibility_label(code)),
                str(count),
            )
            for code, count in fig.ineligible_reasons
        ),
        (
            _("grants"),
            ngettext(
                "{smallest} to {largest}, {months} month",
                "{smallest} to {largest}, {months} months",
                fig.duration_months,
            ).format(
                smallest=eur(fig.grant_min_cents),
                largest=eur(fig.grant_max_cents),
                months=fig.duration_months,
            ),
        ),
        (
            _("requested"),
            (
                _("{requested} against a budget of {budget}")
                if fig.requested_ratio is None
                else _("{requested} against a budget of {budget} ({ratio}× the budget)")
            ).format(
                requested=eur(fig.requested_cents),
                budget=eur(fig.budget_cents),
                ratio=None if fig.requested_ratio is None else ratio_text(fig.requested_ratio),
            ),
        ),
    ]
    if fig.allocated:
        rows += [
            (
                _("funded"),
                _("{count} ({full} in full, {partly} partly)").format(
                    count=fig.funded, full=fig.funded_full, partly=fig.funded_partial
                ),
            ),
            (
                _("awarded"),
                _("{awarded}; {left} left").format(
                    awarded=eur(fig.awarded_cents), left=eur(fig.remainder_cents or 0)
                ),
            ),
            (
                _("paid"),
                _("{paid} (corrections included)").format(paid=eur(fig.paid_cents or 0)),
            ),
            (
                _("grants awarded"),
                _("average {average}, median {median}, from {smallest} to {largest}").format(
                    average=eur(fig.average_grant_cents),
                    median=eur(fig.median_grant_cents),
                    smallest=eur(fig.smallest_grant_cents),
                    largest=eur(fig.largest_grant_cents),
                ),
            ),
        ]
    else:
        rows.append((_("funded"), _("no allocation yet ('slrbcall allocate')")))
    for name, value in rows:
        summary.add_row(text(name), text(value))
    console.print(summary)
    groups_of = (
        (_("By theme"), _("theme"), fig.by_theme),
        (_("By housing company"), _("company"), fig.by_company),
    )
    for title, first, groups in groups_of:
        numeric = (_("applications"), _("requested"), _("funded"), _("awarded"))
        view = table(first, *numeric, title=title, numeric=numeric)
        for group in groups:
            view.add_row(
                text(group.label[label_language()]),
                text(group.applications),
                eur(group.requested_cents),
                text(group.funded),
                eur(group.awarded_cents),
            )
        console.print(view)
    chart = table(
        _("project"), "", _("requested (grey) and awarded (green)"), title=_("Per project")
    )
    asked_got = "\n".join((_("asked"), _("got")))
    for reference, requested, awarded in bars(fig.projects):
        bar = text(requested + "\n", "bright_black")
        bar.append(text(awarded, "green"))
        chart.add_row(text(reference), text(asked_got), bar)
    console.print(chart)
    console.print(text(budget_caption(fig)))
    if done.outcomes is not None:
        _print_outcomes(done)
    if done.closing and any(c.claimed_cents or c.settlement for c in done.closing):
        _print_last_mile(done.closing)
    if xlsx is not None:
        console.print(text(_("Wrote {file}.").format(file=xlsx)))


def label_language() -> str:
    """The language of the call's labels the officer reads: Dutch, else French."""
    return "nl" if language() == "nl" else "fr"


def _print_outcomes(done: Any) -> None:
    """The outcomes of the funded projects, from their latest monitoring reports."""
    outcomes = done.outcomes
    themes = {t.key: t.label[label_language()] for t in done.loaded.call.themes}
    numeric = (
        _("targeted"),
        _("involved"),
        _("trained"),
        _("activities"),
        _("participants"),
        _("reach"),
    )
    view = table(
        _("project"),
        *numeric,
        title=_("Outcomes (latest report of each project)"),
        numeric=numeric,
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
            text(_percent(item.reach_percent)),
        )
    totals = outcomes.totals
    view.add_row(
        text(_("total"), "bold"),
        text(totals.residents_targeted),
        text(totals.residents_involved),
        text(totals.residents_trained),
        text(totals.activities),
        text(totals.participants),
        text(_percent(totals.reach_percent)),
    )
    console = out_console()
    console.print(view)
    console.print(
        text(
            ngettext(
                "{reporting} of {projects} project reported: on average {involved} residents "
                "involved, {trained} trained and {activities} activities per project.",
                "{reporting} of {projects} projects reported: on average {involved} residents "
                "involved, {trained} trained and {activities} activities per project.",
                totals.projects,
            ).format(
                reporting=totals.reporting,
                projects=totals.projects,
                involved=ratio_text(totals.average_involved),
                trained=ratio_text(totals.average_trained),
                activities=ratio_text(totals.average_activities),
            )
        )
    )
    counted = (_("projects"), _("involved"), _("trained"), _("activities"))
    by_theme = table(_("theme"), *counted, title=_("Outcomes by theme"), numeric=counted)
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
    numeric = (_("claimed"), _("admitted"), _("paid"), _("balance"), _("recovered"))
    view = table(
        _("project"),
        *numeric,
        _("settled"),
        title=_("Justification and settlement"),
        numeric=numeric,
    )
    for c in found:
        view.add_row(
            text(c.reference),
            eur(c.claimed_cents),
            eur(c.admitted_cents),
            eur(c.paid_cents),
            text("" if c.balance_cents is None else signed_eur(c.balance_cents)),
            eur(c.recovered_cents),
            text(format_day(c.settlement.on) if c.settlement else _("not yet")),
        )
    out_console().print(view)
    console = out_console()
    console.print(
        text(
            _(
                "Admitted: as settled, or what the reviews admit so far (before the rules by "
                "line and the award). Balance, once settled: still to pay, or (negative) still "
                "to recover."
            )
        )
    )


def _percent(value: Decimal | None) -> str:
    """``95.0 %`` (``95,0 %`` in French and Dutch), or ``-`` for none."""
    return "-" if value is None else f"{ratio_text(value)} %"


def signed_eur(cents: int) -> str:
    """``- € 6,000.00``, ``+ € 7,200.00`` or ``€ 0.00``."""
    sign = "- " if cents < 0 else "+ " if cents > 0 else ""
    return sign + format_eur(abs(cents))
