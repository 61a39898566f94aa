"""The call's report for the board, as an Excel workbook with a native bar chart.

Sheets: *Summary* (the key figures, label and value), *Applications*, *Ranking*,
*Allocation*, *By theme*, *By company* and *Chart* (requested against awarded per
project, as an Excel clustered bar chart over a small table). Every sheet is one
table: a bold header row, frozen, with an autofilter over the data; totals, where
there are any, stand below the filtered range so that sorting leaves them in place.

The promises of :mod:`slrbcall.sheets.write` hold for every cell (DESIGN.md §8):
text from users is always a text cell, never a formula, whatever it starts with
(``=``, ``+``, ``-``, ``@``, a tab); control characters are stripped and the cell
limit is kept; numbers are exact (money goes in as euro Decimals, never floats) and
carry :data:`AMOUNT_FORMAT`; the file is written atomically. No cell holds a formula,
not even the totals: they are computed here, exactly, in cents.

openpyxl is imported inside the functions, so that ``slrbcall --help`` starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from slrbcall.committee.scoring import ScoreLine, rank
from slrbcall.model import Application, Call, Localized
from slrbcall.money import cents_from_decimal, decimal_from_text, to_decimal
from slrbcall.reports.figures import GroupFigures, KeyFigures, ProjectRow
from slrbcall.sheets.write import (
    AMOUNT_FORMAT,
    AUTHOR,
    COUNT_FORMAT,
    DATE_FORMAT,
    check_suffix,
    put_text,
    put_value,
    write_atomic,
)

__all__ = ["SHEETS", "write_report"]

#: The sheets of the report, in workbook order.
SHEETS = ("Summary", "Applications", "Ranking", "Allocation", "By theme", "By company", "Chart")

_SCORE_FORMAT = "0.00"
_RATIO_FORMAT = "0.00"
_MONTH_FORMAT = "MM/YYYY"
_MIN_WIDTH = 8
_MAX_WIDTH = 60
_WIDE = 80  # explanations and reasons: long sentences, wrapped


@dataclass(frozen=True, slots=True)
class _Column:
    """One column of a table: its header, the kind of its values, a fixed width."""

    title: str
    kind: str = "text"  # text, amount, count, score, ratio, date, month
    width: int | None = None  # None: from the content


@dataclass(frozen=True, slots=True)
class _Cell:
    """A value with a kind of its own (the Summary mixes kinds in one column)."""

    value: object
    kind: str


def _both(text: Localized) -> str:
    """A bilingual label: ``fr / nl``, or once when both are the same."""
    return text.fr if text.fr == text.nl else f"{text.fr} / {text.nl}"


def _euro(cents: int | None) -> Decimal | None:
    return None if cents is None else to_decimal(cents)


def _euro_text(text: object) -> Decimal | None:
    """A plain decimal string from the allocation's JSON (``"44058.00"``) as euro."""
    if not isinstance(text, str):
        return None
    return to_decimal(cents_from_decimal(decimal_from_text(text)))


# -- writing tables ----------------------------------------------------------------------


def _format_of(kind: str) -> str | None:

    return {
        "amount": AMOUNT_FORMAT,
        "count": COUNT_FORMAT,
        "score": _SCORE_FORMAT,
        "ratio": _RATIO_FORMAT,
        "date": DATE_FORMAT,
        "month": _MONTH_FORMAT,
    }.get(kind)


def _shown_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Decimal | int):
        return len(f"{value:,}") + 3  # separators and the euro sign
    return max((len(line) for line in str(value).split("\n")), default=0)


def _table(
    sheet: Any,
    columns: Sequence[_Column],
    rows: Iterable[Sequence[object]],
    *,
    totals: Sequence[object] | None = None,
) -> None:
    """Write a header and ``rows`` to ``sheet``: bold frozen header, autofilter, formats.

    A value may be a :class:`_Cell` to give it a kind of its own. ``totals`` go one
    row below the data, in bold, outside the autofilter.
    """
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    bold = Font(bold=True)
    widths = [len(c.title) for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        put_text(cell, column.title)
        cell.font = bold
    count = 0
    for row_number, values in enumerate(rows, start=2):
        count += 1
        _put_row(sheet, row_number, columns, values, widths)
    last_column = get_column_letter(len(columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    if totals is not None:
        _put_row(sheet, count + 2, columns, totals, widths)
        for index in range(1, len(columns) + 1):
            sheet.cell(row=count + 2, column=index).font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        width = column.width or min(_MAX_WIDTH, max(_MIN_WIDTH, widths[index - 1] + 2))
        sheet.column_dimensions[letter].width = width
        if column.width == _WIDE:
            for row_number in range(2, count + 2):
                sheet.cell(row=row_number, column=index).alignment = wrap


def _put_row(
    sheet: Any,
    row_number: int,
    columns: Sequence[_Column],
    values: Sequence[object],
    widths: list[int],
) -> None:

    for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
        kind = column.kind
        if isinstance(value, _Cell):
            kind, value = value.kind, value.value
        cell = sheet.cell(row=row_number, column=index)
        put_value(cell, value)
        number_format = _format_of(kind)
        if number_format is not None and value is not None and not isinstance(value, str):
            cell.number_format = number_format
        widths[index - 1] = max(widths[index - 1], _shown_length(value))


# -- the sheets --------------------------------------------------------------------------


def _milestone_rows(call: Call) -> list[tuple[str, _Cell]]:
    rows = []
    for milestone in call.milestones:
        label = f"Milestone: {milestone.label.fr}"
        if milestone.date is not None:
            rows.append((label, _Cell(milestone.date, "date")))
        elif milestone.month is not None:
            year, month = (int(part) for part in milestone.month.split("-"))
            rows.append((label, _Cell(dt.date(year, month, 1), "month")))
    return rows


def _summary_rows(fig: KeyFigures, call: Call, generated: dt.date) -> list[tuple[str, object]]:
    not_yet = "not allocated yet"

    def grant(cents: int | None) -> object:
        return _Cell(_euro(cents), "amount") if cents is not None else not_yet

    rows: list[tuple[str, object]] = [
        ("Call", f"{call.id}: {_both(call.title)}"),
        ("Report made on", _Cell(generated, "date")),
        ("Budget", _Cell(_euro(fig.budget_cents), "amount")),
        ("Grant minimum", _Cell(_euro(fig.grant_min_cents), "amount")),
        ("Grant maximum", _Cell(_euro(fig.grant_max_cents), "amount")),
        ("Project duration (months)", _Cell(fig.duration_months, "count")),
        ("Applications received", _Cell(fig.applications, "count")),
        ("Housing companies that applied", _Cell(fig.companies, "count")),
        ("Eligible applications", _Cell(fig.eligible, "count")),
        ("Ineligible applications", _Cell(fig.ineligible, "count")),
    ]
    rows += [(f"Ineligible: {code}", _Cell(n, "count")) for code, n in fig.ineligible_reasons]
    rows += [
        ("Total requested", _Cell(_euro(fig.requested_cents), "amount")),
        ("Requested ÷ budget", _Cell(fig.requested_ratio, "ratio")),
        (
            "Requested by eligible applications",
            _Cell(_euro(fig.requested_eligible_cents), "amount"),
        ),
        ("Requested by eligible ÷ budget", _Cell(fig.requested_eligible_ratio, "ratio")),
        ("Allocated", "yes" if fig.allocated else "no"),
        ("Funded projects", _Cell(fig.funded, "count")),
        ("Funded in full", _Cell(fig.funded_full, "count")),
        ("Funded in part", _Cell(fig.funded_partial, "count")),
        ("Not funded", _Cell(fig.not_funded, "count")),
        ("Total awarded", _Cell(_euro(fig.awarded_cents), "amount")),
        ("Remainder of the budget", grant(fig.remainder_cents)),
        ("Average grant", grant(fig.average_grant_cents)),
        ("Median grant", grant(fig.median_grant_cents)),
        ("Smallest grant", grant(fig.smallest_grant_cents)),
        ("Largest grant", grant(fig.largest_grant_cents)),
    ]
    if fig.undecided:
        rows.append(("Eligible, not decided", _Cell(fig.undecided, "count")))
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
                _both(project.company) if project else a.applicant_name,
                a.applicant_name,
                a.partner,
                _both(project.theme) if project else a.theme_text,
                _euro(a.requested_cents),
                a.duration_months,
                a.start_date,
                a.language.value,
                a.residents_targeted,
                a.summary,
                a.status.value,
                ", ".join(r.code for r in a.reasons) or None,
                "\n".join(r.message for r in a.reasons) or None,
            ]
        )
    return rows


_APPLICATION_COLUMNS = (
    _Column("Reference"),
    _Column("Title"),
    _Column("Housing company"),
    _Column("Applicant as written"),
    _Column("Partner"),
    _Column("Theme"),
    _Column("Requested", "amount"),
    _Column("Duration (months)", "count"),
    _Column("Start date", "date"),
    _Column("Language"),
    _Column("Residents targeted", "count"),
    _Column("Summary", width=_WIDE),
    _Column("Status"),
    _Column("Reason codes"),
    _Column("Reasons", width=_WIDE),
)


def _ranking(
    sheet: Any, call: Call, score_lines: Sequence[ScoreLine], titles: Mapping[str, str]
) -> None:
    columns = [
        _Column("Rank", "count"),
        _Column("Reference"),
        _Column("Title"),
        _Column("Score", "score"),
        _Column("Spread", "score"),
        _Column("Reviewers", "count"),
        _Column("Flags"),
        _Column("Missing marks", "count"),
        _Column("Treatment of missing marks", width=_WIDE),
        *(_Column(c.label.fr, "score") for c in call.criteria),
    ]
    rows = [
        [
            position,
            line.reference,
            titles.get(line.reference),
            line.score,
            line.spread,
            line.reviewers,
            ", ".join(line.flags) or None,
            len(line.missing),
            line.treatment,
            *(line.criterion_scores.get(c.key) for c in call.criteria),
        ]
        for position, line, _tied in rank(score_lines)
    ]
    _table(sheet, columns, rows)


_ALLOCATION_COLUMNS = (
    _Column("Rank", "count"),
    _Column("Reference"),
    _Column("Title"),
    _Column("Housing company"),
    _Column("Score", "score"),
    _Column("Requested", "amount"),
    _Column("Awarded", "amount"),
    _Column("Decision"),
    _Column("Reason"),
    _Column("Remaining before", "amount"),
    _Column("Remaining after", "amount"),
    _Column("Tie-break key"),
    _Column("Explanation", width=_WIDE),
)


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
                _both(project.company) if project else None,
                Decimal(score) if isinstance(score, str) and line.get("rank") else None,
                _euro_text(line.get("requested")),
                _euro_text(line.get("amount")),
                line.get("decision"),
                line.get("reason"),
                _euro_text(line.get("remaining_before")),
                _euro_text(line.get("remaining_after")),
                line.get("tie_break_key"),
                line.get("explanation"),
            ]
        )
    return rows


def _groups(sheet: Any, first: str, groups: Sequence[GroupFigures], fig: KeyFigures) -> None:
    columns = [
        _Column(first),
        _Column("Applications", "count"),
        _Column("Requested", "amount"),
        _Column("Funded", "count"),
        _Column("Awarded", "amount"),
    ]
    rows = [
        [_both(g.label), g.applications, _euro(g.requested_cents), g.funded, _euro(g.awarded_cents)]
        for g in groups
    ]
    totals = [
        "Total",
        fig.applications,
        _euro(fig.requested_cents),
        fig.funded,
        _euro(fig.awarded_cents),
    ]
    _table(sheet, columns, rows, totals=totals)


def _chart(sheet: Any, fig: KeyFigures) -> None:
    """The project table and, beside it, a clustered bar chart drawn from it."""
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]

    columns = [_Column("Project"), _Column("Requested", "amount"), _Column("Awarded", "amount")]
    rows = [[p.reference, _euro(p.requested_cents), _euro(p.awarded_cents)] for p in fig.projects]
    _table(sheet, columns, rows)
    chart = BarChart()
    chart.type = "bar"  # horizontal: the references read as labels down the side
    chart.grouping = "clustered"
    chart.title = "Requested and awarded, by project"
    chart.x_axis.title = "Project"
    chart.y_axis.title = "Euro"
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
    # Printed (or exported to PDF) on one landscape page, table and chart together.
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1


def write_report(
    path: Path,
    fig: KeyFigures,
    *,
    call: Call,
    applications: Sequence[Application],
    score_lines: Sequence[ScoreLine],
    lines: Sequence[Mapping[str, Any]] | None,
    generated: dt.date | None = None,
) -> None:
    """Write the board's workbook to ``path``, atomically (all of it, or nothing).

    ``fig`` comes from :func:`~slrbcall.reports.figures.key_figures` on the same
    ``applications`` and ``lines`` (the adopted run's JSON lines, or ``None``);
    ``score_lines`` are the committee's scores (empty before scoring). ``generated``
    is the date printed on the Summary (today by default). Refuses a name without
    ``.xlsx`` (:class:`~slrbcall.errors.RefusedError`).
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]

    check_suffix(path, (".xlsx",))
    projects = {p.reference: p for p in fig.projects}
    book = Workbook()
    book.properties.creator = AUTHOR
    book.properties.title = f"{call.title.fr}: key figures"
    summary = book.active
    summary.title = SHEETS[0]
    sheets = {name: book.create_sheet(name) for name in SHEETS[1:]}

    summary_rows = _summary_rows(fig, call, generated or dt.date.today())
    _table(summary, (_Column("Figure"), _Column("Value")), [list(r) for r in summary_rows])
    _table(sheets["Applications"], _APPLICATION_COLUMNS, _application_rows(applications, projects))
    _ranking(sheets["Ranking"], call, score_lines, {a.reference: a.title for a in applications})
    _table(sheets["Allocation"], _ALLOCATION_COLUMNS, _allocation_rows(lines or (), projects))
    _groups(sheets["By theme"], "Theme", fig.by_theme, fig)
    _groups(sheets["By company"], "Housing company", fig.by_company, fig)
    _chart(sheets["Chart"], fig)
    write_atomic(book, path)
