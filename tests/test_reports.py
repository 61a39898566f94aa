"""The call's key figures, the terminal chart, and the board's Excel workbook.

The figures are checked on literal data (the shipped Empowerment 2023 call and the
shipped registry) and, as an acceptance test, on the shipped example the demo runs on.
The workbook is checked by reading it back with openpyxl: sheets, numbers, formats,
the chart, and that no cell anywhere holds a formula.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.calls.registry import Registry
from slrbcall.committee.scoring import ScoreLine
from slrbcall.demo import DemoResult
from slrbcall.errors import RefusedError
from slrbcall.model import Application, ApplicationStatus, Call, Lang, Localized, Reason
from slrbcall.money import format_plain
from slrbcall.reports.excel import SHEETS, write_report
from slrbcall.reports.figures import (
    KeyFigures,
    ProjectRow,
    figures_json,
    key_figures,
    median_cents,
    round_cents,
)
from slrbcall.reports.terminal import bars, budget_caption
from slrbcall.sheets.write import AMOUNT_FORMAT, DATE_FORMAT

CALLS = Path(__file__).resolve().parent.parent / "calls"
EURO = 100  # cents
HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+32 2 123 45 67",
    "-5",
    "@SUM(A1)",
    "\t=1+1",
)


@pytest.fixture(scope="module")
def call() -> Call:
    return load_call(CALLS / "empowerment-2023.yaml").call


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(CALLS)


@pytest.fixture(scope="module")
def demo(demo_run: DemoResult) -> DemoResult:
    """The session's demo run (see conftest.py); read, never changed."""
    return demo_run


def app(
    reference: str,
    requested: int,
    *,
    applicant: str | None = "logiris",
    theme: str | None = "culture-art",
    title: str | None = None,
    reasons: Sequence[str] = (),
    **fields: Any,
) -> Application:
    """An application asking ``requested`` euro; ineligible when it has reasons."""
    return Application(
        reference=reference,
        applicant=applicant,
        applicant_name=fields.pop("applicant_name", applicant or "Société Inconnue"),
        title=title or f"Project {reference}",
        requested_cents=requested * EURO,
        language=fields.pop("language", Lang.FR),
        theme=theme,
        theme_text=fields.pop("theme_text", theme),
        status=ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE,
        reasons=tuple(Reason(code, f"because of {code}") for code in reasons),
        **fields,
    )


def line(
    reference: str, requested: int, amount: int, decision: str, rank: int | None = 1
) -> dict[str, Any]:
    """An allocation line as the run's JSON gives it (euro amounts)."""
    return {
        "reference": reference,
        "rank": rank,
        "score": "80.0000" if rank else "0",
        "requested": format_plain(requested * EURO),
        "amount": format_plain(amount * EURO),
        "decision": decision,
        "reason": "funded" if amount else "does_not_fit",
        "remaining_before": None,
        "remaining_after": None,
        "tie_break_key": None,
        "explanation": f"{reference}: {decision}.",
        "facts": {},
    }


def assert_adds_up(fig: KeyFigures) -> None:
    """The invariants: by theme and by company each add up to the totals; the budget."""
    for groups in (fig.by_theme, fig.by_company):
        assert sum(g.applications for g in groups) == fig.applications
        assert sum(g.requested_cents for g in groups) == fig.requested_cents
        assert sum(g.funded for g in groups) == fig.funded
        assert sum(g.awarded_cents for g in groups) == fig.awarded_cents
    assert sum(p.awarded_cents for p in fig.projects) == fig.awarded_cents
    assert fig.awarded_cents <= fig.budget_cents
    if fig.allocated:
        assert fig.remainder_cents is not None
        assert fig.awarded_cents + fig.remainder_cents == fig.budget_cents
    assert fig.funded == fig.funded_full + fig.funded_partial


# -- key figures on the shipped example (acceptance) -------------------------------------


@pytest.fixture(scope="module")
def demo_figures(demo: DemoResult, registry: Registry) -> KeyFigures:
    return key_figures(
        call=demo.allocation.loaded.call,
        applications=demo.intake.applications,
        lines=demo.allocation.result.to_json()["lines"],
        registry=registry,
    )


def test_shipped_example_key_figures(demo_figures: KeyFigures) -> None:
    fig = demo_figures
    assert (fig.applications, fig.companies) == (15, 13)
    assert (fig.eligible, fig.ineligible) == (15, 0)
    assert (fig.funded, fig.funded_full, fig.funded_partial, fig.not_funded) == (6, 6, 0, 9)
    assert (fig.grant_min_cents, fig.grant_max_cents) == (10_000 * EURO, 65_000 * EURO)
    assert fig.duration_months == 12
    assert fig.requested_cents == 650_000 * EURO
    assert fig.budget_cents == 255_000 * EURO
    assert fig.requested_ratio == Decimal("2.55")
    assert fig.awarded_cents == 251_000 * EURO
    assert fig.remainder_cents == 4_000 * EURO
    assert fig.smallest_grant_cents == 30_000 * EURO
    assert fig.largest_grant_cents == 52_000 * EURO
    # 251,000 / 6 = 41,833.333... -> 41,833.33; median of 38,500 41,500 | 44,000 45,000.
    assert fig.average_grant_cents == 4_183_333
    assert fig.median_grant_cents == 42_750 * EURO
    assert_adds_up(fig)


def test_shipped_example_by_theme_and_company(demo_figures: KeyFigures) -> None:
    themes = [(g.key, g.applications, g.funded) for g in demo_figures.by_theme]
    assert themes == [
        ("sustainable-food", 4, 2),
        ("single-parenthood", 3, 2),
        ("digital-divide", 4, 1),
        ("culture-art", 4, 1),
    ]
    names = [g.label.fr for g in demo_figures.by_company]
    assert names[:3] == ["Binhôme", "Comensia", "En Bord de Soignes"]
    assert len(names) == 13
    logiris = next(g for g in demo_figures.by_company if g.key == "logiris")
    assert (logiris.applications, logiris.requested_cents) == (2, 60_000 * EURO)


def test_shipped_example_json(demo_figures: KeyFigures) -> None:
    data = figures_json(demo_figures)
    assert list(data) == [
        "call",
        "applications",
        "decisions",
        "grant",
        "money",
        "grants",
        "by_theme",
        "by_company",
        "projects",
    ]
    assert data["money"] == {
        "budget": "255000.00",
        "requested": "650000.00",
        "requested_eligible": "650000.00",
        "requested_ratio": "2.55",
        "requested_eligible_ratio": "2.55",
        "awarded": "251000.00",
        "remainder": "4000.00",
        "paid": None,
    }
    assert data["grant"] == {"minimum": "10000.00", "maximum": "65000.00", "duration_months": 12}
    assert data["projects"][0]["reference"] == "EMP23-09"
    assert data["projects"][0]["awarded"] == "52000.00"
    assert not list(_floats(data))


def _floats(value: object) -> Iterator[object]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, list):
        for item in value:
            yield from _floats(item)


# -- key figures on literal data ---------------------------------------------------------


def test_ineligible_reasons_count_each_code(call: Call, registry: Registry) -> None:
    applications = [
        app("A", 20_000),
        app("B", 80_000, reasons=("amount_out_of_range", "partner_missing")),
        app("C", 30_000, reasons=("partner_missing",)),
    ]
    fig = key_figures(call=call, applications=applications, lines=None, registry=registry)
    assert fig.ineligible_reasons == (("amount_out_of_range", 1), ("partner_missing", 2))
    assert (fig.eligible, fig.ineligible, fig.undecided) == (1, 2, 1)
    assert fig.requested_cents == 130_000 * EURO
    assert fig.requested_eligible_cents == 20_000 * EURO
    assert fig.requested_eligible_ratio == Decimal("0.08")  # 20,000 / 255,000 = 0.0784...


def test_nothing_allocated_yet(call: Call, registry: Registry) -> None:
    applications = [app("A", 20_000), app("B", 30_000, applicant="comensia")]
    fig = key_figures(call=call, applications=applications, lines=None, registry=registry)
    assert not fig.allocated
    assert (fig.funded, fig.not_funded, fig.undecided) == (0, 0, 2)
    assert fig.awarded_cents == 0
    assert fig.remainder_cents is None
    assert fig.average_grant_cents is None
    assert fig.median_grant_cents is None
    assert [p.decision for p in fig.projects] == [None, None]
    assert_adds_up(fig)


def test_unknown_theme_and_unmatched_applicant_get_rows_of_their_own(
    call: Call, registry: Registry
) -> None:
    applications = [
        app("A", 20_000, theme="digital-divide"),
        app("B", 30_000, theme=None, theme_text="Sport", reasons=("theme_unknown",)),
        app("C", 40_000, applicant=None, applicant_name="Zèbre SA", reasons=("applicant",)),
        app("D", 50_000, applicant=None, applicant_name="Abeille SA", reasons=("applicant",)),
        app("E", 60_000, theme="sustainable-food", applicant="binhome"),
    ]
    fig = key_figures(call=call, applications=applications, lines=None, registry=registry)
    assert [g.key for g in fig.by_theme] == [
        "sustainable-food",
        "digital-divide",
        "culture-art",
        None,
    ]
    assert fig.by_theme[-1].label.fr == "(thème inconnu)"
    assert [(g.key, g.label.fr) for g in fig.by_company] == [
        (None, "Abeille SA"),
        ("binhome", "Binhôme"),
        ("logiris", "Log'iris"),
        (None, "Zèbre SA"),
    ]
    assert fig.companies == 2  # unmatched names are not housing companies
    assert next(p for p in fig.projects if p.reference == "B").theme.fr == "Sport"
    assert_adds_up(fig)


def test_decisions_partial_and_order(call: Call, registry: Registry) -> None:
    applications = [
        app("A", 50_000, applicant="comensia"),
        app("B", 40_000, theme="digital-divide"),
        app("C", 65_000, theme="digital-divide"),
        app("D", 80_000, reasons=("amount_out_of_range",)),
    ]
    lines = [
        line("B", 40_000, 40_000, "funded_full", rank=1),
        line("A", 50_000, 25_000, "funded_partial", rank=2),
        line("C", 65_000, 0, "not_funded", rank=3),
        line("D", 80_000, 0, "ineligible", rank=None),
    ]
    fig = key_figures(
        call=call, applications=applications, lines=lines, registry=registry,
        budget_cents=65_000 * EURO,
    )  # fmt: skip
    assert (fig.funded, fig.funded_full, fig.funded_partial, fig.not_funded) == (2, 1, 1, 1)
    assert fig.awarded_cents == 65_000 * EURO
    assert fig.remainder_cents == 0
    assert [p.reference for p in fig.projects] == ["B", "A", "C", "D"]
    assert [p.rank for p in fig.projects] == [1, 2, 3, None]
    digital = next(g for g in fig.by_theme if g.key == "digital-divide")
    assert (digital.applications, digital.funded, digital.awarded_cents) == (2, 1, 40_000 * EURO)
    assert_adds_up(fig)


@pytest.mark.parametrize(
    ("amounts", "median"),
    [
        pytest.param([], None, id="none"),
        pytest.param([5], 5, id="one"),
        pytest.param([3, 1, 2], 2, id="odd"),
        pytest.param([1_000_000, 1_000_001], 1_000_000, id="even-half-to-even-down"),
        pytest.param([1_000_001, 1_000_002], 1_000_002, id="even-half-to-even-up"),
        pytest.param([10, 20, 30, 40], 25, id="even-exact"),
    ],
)
def test_median_of_grants(amounts: list[int], median: int | None) -> None:
    assert median_cents(amounts) == median


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (Fraction(5, 2), 2),
        (Fraction(7, 2), 4),
        (Fraction(251_000_00, 6), 4_183_333),
        (Fraction(10, 3), 3),
        (Fraction(11, 3), 4),
    ],
)
def test_round_cents_half_even(value: Fraction, cents: int) -> None:
    assert round_cents(value) == cents


def test_a_line_for_an_unknown_application_is_refused(call: Call, registry: Registry) -> None:
    with pytest.raises(RefusedError, match="has a line for X, which the workspace does not hold"):
        key_figures(
            call=call,
            applications=[app("A", 20_000)],
            lines=[line("X", 20_000, 20_000, "funded_full")],
            registry=registry,
        )


def test_awards_above_the_budget_are_refused(call: Call, registry: Registry) -> None:
    with pytest.raises(RefusedError, match=r"more than the budget of € 30,000\.00"):
        key_figures(
            call=call,
            applications=[app("A", 20_000), app("B", 20_000)],
            lines=[
                line("A", 20_000, 20_000, "funded_full"),
                line("B", 20_000, 20_000, "funded_full", rank=2),
            ],
            registry=registry,
            budget_cents=30_000 * EURO,
        )


_COMPANIES = ("logiris", "comensia", "binhome", None)
_THEMES = ("sustainable-food", "digital-divide", "culture-art", None)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_COMPANIES),
            st.sampled_from(_THEMES),
            st.integers(min_value=1, max_value=80_000),
            st.sampled_from(("funded_full", "funded_partial", "not_funded", "none")),
        ),
        max_size=12,
    )
)
def test_totals_always_add_up(rows: list[tuple[str | None, str | None, int, str]]) -> None:
    call = load_call(CALLS / "empowerment-2023.yaml").call
    registry = load_registry(CALLS)
    applications, lines = [], []
    for number, (company, theme, requested, decision) in enumerate(rows):
        reference = f"R{number:02d}"
        applications.append(
            app(
                reference,
                requested,
                applicant=company,
                theme=theme,
                applicant_name=f"N{number % 3}",
            )
        )
        if decision != "none":
            amount = {"funded_full": requested, "funded_partial": requested // 2}.get(decision, 0)
            lines.append(line(reference, requested, amount, decision, rank=number + 1))
    awarded = sum(Decimal(ln["amount"]) for ln in lines)
    fig = key_figures(
        call=call,
        applications=applications,
        lines=lines,
        registry=registry,
        budget_cents=int(awarded * 100) + 1,
    )
    assert_adds_up(fig)


# -- the terminal chart ------------------------------------------------------------------


def row(reference: str, requested: int, awarded: int) -> ProjectRow:
    return ProjectRow(
        reference=reference,
        title=reference,
        company=Localized(nl=reference, fr=reference),
        theme=Localized(nl=reference, fr=reference),
        requested_cents=requested,
        awarded_cents=awarded,
        decision=None,
        rank=None,
    )


def test_bars_are_scaled_to_the_largest_request_in_eighths() -> None:
    rows = [row("A", 400, 400), row("B", 250, 100), row("C", 1, 0), row("D", 0, 0)]
    assert bars(rows, width=4) == [
        ("A", "████", "████"),
        ("B", "██▌", "█"),  # 250 × 32 / 400 = 20 eighths; 100 → 8 eighths
        ("C", "▏", ""),  # never below one eighth for a non-zero amount
        ("D", "", ""),
    ]


def test_bars_round_down_and_fill_the_default_width() -> None:
    rows = [row("A", 65_000_00, 0), row("B", 52_000_00, 51_999_99)]
    result = bars(rows)
    assert result[0][1] == "█" * 40
    assert result[1][1] == "█" * 32  # 52,000 / 65,000 × 40 = 32 exactly
    assert result[1][2] == "█" * 31 + "▉"  # just under 32: 255 eighths, rounded down
    assert bars([], width=10) == []
    with pytest.raises(ValueError, match="width must be at least 1"):
        bars(rows, width=0)


def test_budget_caption(demo_figures: KeyFigures) -> None:
    assert budget_caption(demo_figures) == (
        "Budget € 255,000.00 · requested € 650,000.00 (2.55× the budget) · "
        "awarded € 251,000.00 · left € 4,000.00"
    )


# -- the Excel report --------------------------------------------------------------------


def load(path: Path) -> Any:
    import openpyxl

    return openpyxl.load_workbook(path)


def assert_no_formula(path: Path) -> None:
    """No cell holds a formula: neither as openpyxl reads it nor in the sheet XML."""
    book = load(path)
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(?:\w+:)?f[ >]", archive.read(name)), name


def summary_of(book: Any) -> dict[str, Any]:
    return {r[0].value: r[1] for r in book["Summary"].iter_rows(min_row=2)}


def test_report_of_the_shipped_example(
    demo: DemoResult, demo_figures: KeyFigures, tmp_path: Path
) -> None:
    path = tmp_path / "report.xlsx"
    write_report(
        path,
        demo_figures,
        call=demo.allocation.loaded.call,
        applications=demo.intake.applications,
        score_lines=[score for _, score, _ in demo.ranking.lines],
        lines=demo.allocation.result.to_json()["lines"],
        generated=dt.date(2024, 1, 15),
    )
    book = load(path)
    assert book.sheetnames == list(SHEETS)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
    summary = summary_of(book)
    assert summary["Budget"].value == 255_000
    assert summary["Budget"].number_format == AMOUNT_FORMAT
    assert summary["Total requested"].value == 650_000
    assert summary["Total awarded"].value == 251_000
    assert summary["Remainder of the budget"].value == 4_000
    assert summary["Requested ÷ budget"].value == pytest.approx(2.55)
    assert summary["Applications received"].value == 15
    assert summary["Housing companies that applied"].value == 13
    assert summary["Funded projects"].value == 6
    assert summary["Report made on"].value == dt.datetime(2024, 1, 15)
    assert summary["Report made on"].number_format == DATE_FORMAT
    assert summary["Milestone: Octroi et signature des conventions"].value == dt.datetime(
        2023, 12, 1
    )

    allocation = book["Allocation"]
    assert allocation.auto_filter.ref == "A1:M16"
    first = [cell.value for cell in allocation[2]]
    assert first[:4] == [
        1,
        "EMP23-09",
        "Mimosa 1080",
        "Le Logement Molenbeekois / Molenbeekse Huisvesting",
    ]
    assert allocation["G2"].value == 52_000
    assert allocation["G2"].number_format == AMOUNT_FORMAT
    assert sum(allocation.cell(row=r, column=7).value for r in range(2, 17)) == 251_000

    themes = book["By theme"]
    assert themes.auto_filter.ref == "A1:E5"  # the total row stays out of the filter
    assert [c.value for c in themes[6]] == ["Total", 15, 650_000, 6, 251_000]
    assert sum(themes.cell(row=r, column=5).value for r in range(2, 6)) == 251_000
    companies = book["By company"]
    assert [c.value for c in companies[15]] == ["Total", 15, 650_000, 6, 251_000]

    ranking = book["Ranking"]
    assert [c.value for c in ranking[1]][:4] == ["Rank", "Reference", "Title", "Score"]
    assert ranking["B2"].value == "EMP23-09"
    assert ranking["D2"].value == pytest.approx(91.05)

    chart_sheet = book["Chart"]
    assert len(chart_sheet._charts) == 1
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode("utf-8")
    assert "barChart" in xml
    assert '<grouping val="clustered"/>' in xml
    for text in ("Requested and awarded, by project", "Project", "Euro"):
        assert f">{text}<" in xml
    assert "<f>'Chart'!$A$2:$A$16</f>" in xml  # the projects
    assert "<f>'Chart'!$B$2:$B$16</f>" in xml  # requested
    assert "<f>'Chart'!$C$2:$C$16</f>" in xml  # awarded
    assert_no_formula(path)


def test_text_that_looks_like_a_formula_stays_text(
    call: Call, registry: Registry, tmp_path: Path
) -> None:
    applications = [
        app(
            f"R{number}",
            20_000,
            title=title,
            partner=title,
            summary=title + "\x07",
            applicant=None if number == 3 else "logiris",
            applicant_name=title,
        )
        for number, title in enumerate(HOSTILE)
    ]
    lines = [
        line(a.reference, 20_000, 20_000, "funded_full", rank=n + 1)
        for n, a in enumerate(applications)
    ]
    lines[0]["explanation"] = "=1+1"
    fig = key_figures(call=call, applications=applications, lines=lines, registry=registry)
    scores = [
        ScoreLine(reference=a.reference, score=Decimal("70"), flags=("=x",)) for a in applications
    ]
    path = tmp_path / "report.xlsx"
    write_report(path, fig, call=call, applications=applications, score_lines=scores, lines=lines)

    book = load(path)
    titles = {c.value: c for c in book["Applications"]["B"][1:]}
    assert set(titles) == set(HOSTILE)
    for cell in titles.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix
    summaries = [c.value for c in book["Applications"]["N"][1:]]
    assert set(summaries) == set(HOSTILE)  # the control character is stripped
    assert {c.value for c in book["Allocation"]["C"][1:]} == set(HOSTILE)
    assert book["Allocation"]["M2"].value == "=1+1"
    assert book["Ranking"]["G2"].value == "=x"
    assert "@SUM(A1)" in {c.value for c in book["By company"]["A"]}
    assert_no_formula(path)


def test_report_before_any_allocation(call: Call, registry: Registry, tmp_path: Path) -> None:
    applications = [app("A", 20_000), app("B", 30_000, reasons=("partner_missing",))]
    fig = key_figures(call=call, applications=applications, lines=None, registry=registry)
    path = tmp_path / "report.xlsx"
    write_report(path, fig, call=call, applications=applications, score_lines=[], lines=None)
    book = load(path)
    assert book["Allocation"].max_row == 1
    summary = summary_of(book)
    assert summary["Allocated"].value == "no"
    assert summary["Remainder of the budget"].value == "not allocated yet"
    assert summary["Ineligible: partner_missing"].value == 1
    assert len(book["Chart"]._charts) == 1
    assert_no_formula(path)


def test_report_refuses_a_name_without_xlsx_and_writes_nothing(
    demo_figures: KeyFigures, call: Call, tmp_path: Path
) -> None:
    with pytest.raises(RefusedError, match=r"name it with \.xlsx"):
        write_report(
            tmp_path / "report.csv",
            demo_figures,
            call=call,
            applications=[],
            score_lines=[],
            lines=None,
        )
    with pytest.raises(RefusedError, match="does not exist"):
        write_report(
            tmp_path / "missing" / "report.xlsx",
            demo_figures,
            call=call,
            applications=[],
            score_lines=[],
            lines=None,
        )
    assert list(tmp_path.iterdir()) == []
