"""The call's report for the board, as an Excel workbook with a native bar chart.

Sheets (:data:`SHEETS`, named in the officer's language): *Summary* (the key figures,
label and value), *Applications*, *Ranking*, *Allocation*, *By theme*, *By company*,
*Chart* (requested against awarded per project, as an Excel clustered bar chart over a
small table), *Payments* and *Outcomes* (:mod:`.followup_sheets`). Every header, label
and code shown is in the officer's language (:mod:`slrbcall.i18n`). The tables and how
they print are :mod:`slrbcall.sheets.tables`: the summary on one portrait page; the
ranking, the decisions, the payments and the outcomes on landscape pages; every page
headed by the call's title and the sheet's name, and footed by the report's day and
its page number.

The promises of :mod:`slrbcall.sheets.write` hold for every cell (DESIGN.md §8):
text from users is always a text cell, never a formula, whatever it starts with
(``=``, ``+``, ``-``, ``@``, a tab); control characters are stripped and the cell
limit is kept; numbers are exact (money goes in as euro Decimals, never floats) and
carry the euro format; the file is written atomically. No cell holds a formula,
not even the totals: they are computed here, exactly, in cents.

openpyxl is imported inside the functions, so that ``slrbcall --help`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from slrbcall.allocation.codes import decision_label, reason_label
from slrbcall.committee.scoring import ScoreLine, flag_label, rank
from slrbcall.i18n import N_, _, format_day, language
from slrbcall.intake.eligibility import eligibility_label
from slrbcall.model import Application, Call, Localized
from slrbcall.money import cents_from_decimal, decimal_from_text, to_decimal
from slrbcall.reports.figures import GroupFigures, KeyFigures, ProjectRow
from slrbcall.reports.followup_sheets import (
    BoardFollowup,
    followup_summary,
    write_outcomes,
    write_payments,
)
from slrbcall.sheets.tables import WIDE, Column, Extent, Value, set_printing, write_table
from slrbcall.sheets.write import AUTHOR, check_suffix, write_atomic

__all__ = ["SHEETS", "write_report"]

#: The sheets of the report, in workbook order (each is named in the officer's language).
SHEETS = (
    N_("Summary"),
    N_("Applications"),
    N_("Ranking"),
    N_("Allocation"),
    N_("By theme"),
    N_("By company"),
    N_("Chart"),
    N_("Payments"),
    N_("Outcomes"),
)


#: The columns under the chart: their width in characters, and in centimetres (75
#: pixels at 96 per inch); the height of a row (15 points) in centimetres.
_CHART_COLUMN = 10
_CHART_COLUMN_CM = 1.98
_ROW_CM = 0.53


def shown_name(text: Localized) -> str:
    """A name (a housing company, a theme) as the officer reads it: in French or in
    Dutch; in English both, ``fr / nl`` (once when they are the same)."""
    code = language()
    if code in ("fr", "nl"):
        return text[code]
    return text.fr if text.fr == text.nl else f"{text.fr} / {text.nl}"


def shown_label(text: Localized) -> str:
    """A label of the call (a criterion, a milestone, its title) as the officer reads
    it: in Dutch or in French; in English, the French one."""
    return text.nl if language() == "nl" else text.fr


def _euro(cents: int | None) -> Decimal | None:
    return None if cents is None else to_decimal(cents)


def _euro_text(text: object) -> Decimal | None:
    """A plain decimal string from the allocation's JSON (``"44058.00"``) as euro."""
    if not isinstance(text, str):
        return None
    return to_decimal(cents_from_decimal(decimal_from_text(text)))


# -- the sheets --------------------------------------------------------------------------


def _milestone_rows(call: Call) -> list[tuple[str, Value]]:
    rows = []
    for milestone in call.milestones:
        label = _("Milestone: {label}").format(label=shown_label(milestone.label))
        if milestone.date is not None:
            rows.append((label, Value(milestone.date, "date")))
        elif milestone.month is not None:
            year, month = (int(part) for part in milestone.month.split("-"))
            rows.append((label, Value(dt.date(year, month, 1), "month")))
    return rows


def _summary_rows(
    fig: KeyFigures, call: Call, generated: dt.date, followup: Sequence[tuple[str, object]]
) -> list[tuple[str, object]]:
    """The key figures, label and value; ``followup`` (payments, outcomes) goes before
    the call's milestones."""
    not_yet = _("not allocated yet")

    def grant(cents: int | None) -> object:
        return Value(_euro(cents), "amount") if cents is not None else not_yet

    rows: list[tuple[str, object]] = [
        (_("Call"), _("{call}: {title}").format(call=call.id, title=shown_name(call.title))),
        (_("Report made on"), Value(generated, "date")),
        (_("Budget"), Value(_euro(fig.budget_cents), "amount")),
        (_("Grant minimum"), Value(_euro(fig.grant_min_cents), "amount")),
        (_("Grant maximum"), Value(_euro(fig.grant_max_cents), "amount")),
        (_("Project duration (months)"), Value(fig.duration_months, "count")),
        (_("Applications received"), Value(fig.applications, "count")),
        (_("Housing companies that applied"), Value(fig.companies, "count")),
        (_("Eligible applications"), Value(fig.eligible, "count")),
        (_("Ineligible applications"), Value(fig.ineligible, "count")),
    ]
    rows += [
        (_("Ineligible: {reason}").format(reason=eligibility_label(code)), Value(n, "count"))
        for code, n in fig.ineligible_reasons
    ]
    rows += [
        (_("Total requested"), Value(_euro(fig.requested_cents), "amount")),
        (_("Requested ÷ budget"), Value(fig.requested_ratio, "ratio")),
        (
            _("Requested by eligible applications"),
            Value(_euro(fig.requested_eligible_cents), "amount"),
        ),
        (_("Requested by eligible ÷ budget"), Value(fig.requested_eligible_ratio, "ratio")),
        (_("Allocated"), _("yes") if fig.allocated else _("no")),
        (_("Funded projects"), Value(fig.funded, "count")),
        (_("Funded in full"), Value(fig.funded_full, "count")),
        (_("Funded in part"), Value(fig.funded_partial, "count")),
        (_("Not funded"), Value(fig.not_funded, "count")),
        (_("Total awarded"), Value(_euro(fig.awarded_cents), "amount")),
        (_("Remainder of the budget"), grant(fig.remainder_cents)),
        (_("Average grant"), grant(fig.average_grant_cents)),
        (_("Median grant"), grant(fig.median_grant_cents)),
        (_("Smallest grant"), grant(fig.smallest_grant_cents)),
        (_("Largest grant"), grant(fig.largest_grant_cents)),
    ]
    if fig.undecided:
        rows.append((_("Eligible, not decided"), Value(fig.undecided, "count")))
    rows += followup
    rows += _milestone_rows(call)
    return rows


def _application_rows(
    applications: Sequence[Application], projects: Mapping[str, ProjectRow]
) -> list[list[object]]:
    rows: list[list[object]] = []
    for a in sorted(applications, key=lambda a: a.reference):
        project = projects.get(a.reference)
        rows.append(
            [
                a.reference,
                a.title,
                shown_name(project.company) if project else a.applicant_name,
                a.partner,
                shown_name(project.theme) if project else a.theme_text,
                _euro(a.requested_cents),
                a.duration_months,
                a.start_date,
                a.language.value,
                a.residents_targeted,
                a.status.label,
                ", ".join(eligibility_label(r.code) for r in a.reasons) or None,
                a.applicant_name,
                a.summary,
                "\n".join(r.message for r in a.reasons) or None,
            ]
        )
    return rows


def _application_columns() -> tuple[Column, ...]:
    return (
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Housing company")),
        Column(_("Partner")),
        Column(_("Theme")),
        Column(_("Requested"), "amount"),
        Column(_("Duration (months)"), "count"),
        Column(_("Start date"), "date"),
        Column(_("Language")),
        Column(_("Residents targeted"), "count"),
        Column(_("Status")),
        Column(_("Reason codes")),
        # For the screen: what the applicant wrote, and the long texts.
        Column(_("Applicant as written"), printed=False),
        Column(_("Summary"), width=WIDE, printed=False),
        Column(_("Reasons"), width=WIDE, printed=False),
    )


def _ranking(
    sheet: Any, call: Call, score_lines: Sequence[ScoreLine], titles: Mapping[str, str]
) -> Extent:
    columns = [
        Column(_("Rank"), "count"),
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Score"), "score"),
        Column(_("Spread"), "score"),
        Column(_("Reviewers"), "count"),
        Column(_("Flags")),
        Column(_("Missing marks"), "count"),
        *(Column(shown_label(c.label), "score") for c in call.criteria),
        Column(_("Treatment of missing marks"), width=WIDE, printed=False),
    ]
    rows = [
        [
            position,
            line.reference,
            titles.get(line.reference),
            line.score,
            line.spread,
            line.reviewers,
            ", ".join(flag_label(f) for f in line.flags) or None,
            len(line.missing),
            *(line.criterion_scores.get(c.key) for c in call.criteria),
            line.treatment,
        ]
        for position, line, _tied in rank(score_lines)
    ]
    return write_table(sheet, columns, rows)


def _allocation_columns() -> tuple[Column, ...]:
    return (
        Column(_("Rank"), "count"),
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Housing company")),
        Column(_("Score"), "score"),
        Column(_("Requested"), "amount"),
        Column(_("Awarded"), "amount"),
        Column(_("Decision")),
        Column(_("Reason")),
        Column(_("Remaining before"), "amount"),
        Column(_("Remaining after"), "amount"),
        # For the screen: the tie-break key and the decision in words.
        Column(_("Tie-break key"), printed=False),
        Column(_("Explanation"), width=WIDE, printed=False),
    )


def _code(value: object, label: Callable[[str], str]) -> str | None:
    """A stored code (a decision, a reason) as the officer reads it."""
    return None if value is None else label(str(value))


def _allocation_rows(
    lines: Sequence[Mapping[str, Any]], projects: Mapping[str, ProjectRow]
) -> list[list[object]]:
    rows: list[list[object]] = []
    for line in lines:
        reference = str(line["reference"])
        project = projects.get(reference)
        score = line.get("score")
        rows.append(
            [
                line.get("rank"),
                reference,
                project.title if project else None,
                shown_name(project.company) if project else None,
                Decimal(score) if isinstance(score, str) and line.get("rank") else None,
                _euro_text(line.get("requested")),
                _euro_text(line.get("amount")),
                _code(line.get("decision"), decision_label),
                _code(line.get("reason"), reason_label),
                _euro_text(line.get("remaining_before")),
                _euro_text(line.get("remaining_after")),
                line.get("tie_break_key"),
                line.get("explanation"),
            ]
        )
    return rows


def _groups(sheet: Any, first: str, groups: Sequence[GroupFigures], fig: KeyFigures) -> Extent:
    columns = [
        Column(first),
        Column(_("Applications"), "count"),
        Column(_("Requested"), "amount"),
        Column(_("Funded"), "count"),
        Column(_("Awarded"), "amount"),
    ]
    rows = [
        [
            shown_name(g.label),
            g.applications,
            _euro(g.requested_cents),
            g.funded,
            _euro(g.awarded_cents),
        ]
        for g in groups
    ]
    totals = [
        _("Total"),
        fig.applications,
        _euro(fig.requested_cents),
        fig.funded,
        _euro(fig.awarded_cents),
    ]
    return write_table(sheet, columns, rows, totals=totals)


def _chart(sheet: Any, fig: KeyFigures) -> Extent:
    """The project table and, beside it, a clustered bar chart drawn from it."""
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    columns = [
        Column(_("Project")),
        Column(_("Requested"), "amount"),
        Column(_("Awarded"), "amount"),
    ]
    rows = [[p.reference, _euro(p.requested_cents), _euro(p.awarded_cents)] for p in fig.projects]
    extent = write_table(sheet, columns, rows)
    chart = BarChart()
    chart.type = "bar"  # horizontal: the references read as labels down the side
    chart.grouping = "clustered"
    chart.title = _("Requested and awarded, by project")
    chart.x_axis.title = _("Project")
    chart.y_axis.title = _("Euro")
    # Recent Excel hides axes that do not say otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    # First project on top, as in the table; the amounts' axis then stays below.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = None
    last = len(rows) + 1
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.height = max(8.0, 0.6 * len(rows) + 3)
    chart.width = 22.0
    chart.legend.position = "b"
    sheet.add_chart(chart, "E2")
    # The chart stands beside the table, from E2, over columns of a known width (Excel
    # and LibreOffice differ on the default one): the print area takes it in.
    under = math.ceil(chart.width / _CHART_COLUMN_CM)
    for index in range(5, 5 + under):
        sheet.column_dimensions[get_column_letter(index)].width = _CHART_COLUMN
    rows_under = math.ceil(chart.height / _ROW_CM)
    return Extent(extent.data_rows, max(extent.last_row, 2 + rows_under), 4 + under)


def write_report(
    path: Path,
    fig: KeyFigures,
    *,
    call: Call,
    applications: Sequence[Application],
    score_lines: Sequence[ScoreLine],
    lines: Sequence[Mapping[str, Any]] | None,
    generated: dt.date | None = None,
    followup: BoardFollowup | None = None,
) -> None:
    """Write the board's workbook to ``path``, atomically (all of it, or nothing).

    ``fig`` comes from :func:`~slrbcall.reports.figures.key_figures` on the same
    ``applications`` and ``lines`` (the adopted run's JSON lines, or ``None``);
    ``score_lines`` are the committee's scores (empty before scoring); ``followup``
    the funded projects' tranches, outcomes and settlements (``None`` before an
    allocation is adopted: the Payments and Outcomes sheets are then empty).
    ``generated`` is the date printed on the Summary and on every page (today by
    default). Refuses a name without ``.xlsx`` (:class:`~slrbcall.errors.RefusedError`).
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]

    check_suffix(path, (".xlsx",))
    day = generated or dt.date.today()
    projects = {p.reference: p for p in fig.projects}
    book = Workbook()
    book.properties.creator = AUTHOR
    title = shown_label(call.title)
    book.properties.title = _("{title}: key figures").format(title=title)
    first = book.active
    first.title = _(SHEETS[0])
    sheets = {name: book.create_sheet(_(name)) for name in SHEETS[1:]}
    sheets[SHEETS[0]] = first

    summary_rows = _summary_rows(fig, call, day, followup_summary(followup))
    extents = {
        "Summary": write_table(
            first,
            (Column(_("Figure"), widest=60), Column(_("Value"), widest=40)),
            [list(r) for r in summary_rows],
        ),
        "Applications": write_table(
            sheets["Applications"],
            _application_columns(),
            _application_rows(applications, projects),
        ),
        "Ranking": _ranking(
            sheets["Ranking"], call, score_lines, {a.reference: a.title for a in applications}
        ),
        "Allocation": write_table(
            sheets["Allocation"], _allocation_columns(), _allocation_rows(lines or (), projects)
        ),
        "By theme": _groups(sheets["By theme"], _("Theme"), fig.by_theme, fig),
        "By company": _groups(sheets["By company"], _("Housing company"), fig.by_company, fig),
        "Chart": _chart(sheets["Chart"], fig),
        "Payments": write_payments(sheets["Payments"], call, followup, day),
        "Outcomes": write_outcomes(sheets["Outcomes"], followup),
    }
    portrait = {"Summary", "By theme", "By company"}
    footer = _("Report made on {date}").format(date=format_day(day))
    for name, extent in extents.items():
        set_printing(
            sheets[name],
            extent,
            landscape=name not in portrait,
            header=title,
            footer=footer,
            pages_tall=1 if name == "Summary" else None,
        )
    write_atomic(book, path)
