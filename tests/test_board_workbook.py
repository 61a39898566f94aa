"""The board's workbook (``slrbcall report --xlsx``) in the officer's language, with its
Payments and Outcomes sheets, and as it prints.

The workbook is read back with openpyxl; the printing is checked by converting it to
PDF with LibreOffice and counting each sheet's pages. One conversion holds every sheet:
each page's header names its sheet (``&A``), so ``pdftotext`` tells which pages belong to
which sheet. That checks the very file the officer gets, in one LibreOffice run, rather
than a copy cut into one workbook per sheet.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.committee.scoring import ScoreLine
from slrbcall.demo import DemoResult, run_settlement_demo
from slrbcall.followup import Payment, Report, funded_projects, outcome_figures, tranche_states
from slrbcall.followup.service.closing import ProjectClosing
from slrbcall.followup.service.payments import ProjectPayments
from slrbcall.i18n import use_language
from slrbcall.model import Application, ApplicationStatus, Lang, Reason
from slrbcall.money import format_plain
from slrbcall.reports.excel import SHEETS, write_report
from slrbcall.reports.figures import key_figures
from slrbcall.reports.followup_sheets import BoardFollowup
from slrbcall.settings import Settings
from slrbcall.sheets.write import AMOUNT_FORMAT, DATE_FORMAT

from .conftest import REPO, Invoke
from .i18n_check import english_words

CALLS = REPO / "calls"
#: The call's title, as the pages' headers give it.
TITLE = "Appel à projets Empowerment 2023"


@pytest.fixture
def settled_db(demo_db: Path, tmp_path: Path) -> Path:
    """The demo's workspace, followed up, with EMP23-03 and EMP23-05 settled."""
    run_settlement_demo(Settings(db=demo_db), out=tmp_path / "settlements")
    return demo_db


def report(cli: Invoke, db: Path, out: Path, *before: str) -> Any:
    import openpyxl

    result = cli(*before, "--db", db, "report", "--xlsx", out)
    assert result.exit_code == 0, result
    return openpyxl.load_workbook(out)


def rows_of(sheet: Any) -> dict[str, list[Any]]:
    """The rows of a table by their first cell (a reference, a label, the total)."""
    return {
        str(row[0].value): [c.value for c in row]
        for row in sheet.iter_rows(min_row=2)
        if row[0].value is not None
    }


def header(sheet: Any) -> list[Any]:
    return [c.value for c in sheet[1]]


# -- in French and in Dutch ------------------------------------------------------------

NAMES = {
    "fr": [
        "Résumé",
        "Candidatures",
        "Classement",
        "Répartition",
        "Par thème",
        "Par SISP",
        "Graphique",
        "Paiements",
        "Résultats",
    ],
    "nl": [
        "Samenvatting",
        "Aanvragen",
        "Rangschikking",
        "Verdeling",
        "Per thema",
        "Per OVM",
        "Grafiek",
        "Betalingen",
        "Resultaten",
    ],
}
FUNDED_IN_FULL = {"fr": "financé en totalité", "nl": "volledig gesubsidieerd"}
EXPLANATION = {"fr": "Explication", "nl": "Toelichting"}


def shown_texts(path: Path, book: Any, skip: str) -> Iterator[tuple[str, str]]:
    """Every text the officer reads in the workbook, with where it is: sheet names, cells
    (but the column headed ``skip``), page headers and footers, the chart's texts and the
    workbook's title."""
    yield "title", book.properties.title
    for sheet in book.worksheets:
        yield "sheet name", sheet.title
        skipped = {c.column for c in sheet[1] if c.value == skip}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.column not in skipped:
                    yield f"{sheet.title}!{cell.coordinate}", cell.value
        for part in (sheet.oddHeader, sheet.oddFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    yield f"{sheet.title} header or footer", side.text
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/charts/"):
                xml = archive.read(name).decode("utf-8")
                for text in re.findall(r"<a:t>([^<]*)</a:t>", xml):
                    yield name, text


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("code", ["fr", "nl"])
def test_the_board_workbook_is_in_the_officers_language(
    cli: Invoke, settled_db: Path, tmp_path: Path, code: str
) -> None:
    """No English word in the sheets' names, headers, labels, codes, page headers and
    footers, or the chart; decisions shown through their labels; amounts and dates stay
    numbers and dates. The explanation of each decision is left out: it is the sentence
    stored with the allocation run, read in the officer's language through the
    allocation's own wording (its tests check that)."""
    out = tmp_path / "report.xlsx"
    book = report(cli, settled_db, out, "--lang", code)
    assert book.sheetnames == NAMES[code]
    found = [
        (where, text, english_words(text))
        for where, text in shown_texts(out, book, EXPLANATION[code])
        if english_words(text)
    ]
    assert found == []
    summary, allocation, payments, outcomes = (book.worksheets[i] for i in (0, 3, 7, 8))
    decisions = Counter(row[7] for row in rows_of(allocation).values())
    assert decisions[FUNDED_IN_FULL[code]] == 6
    amounts = [c for c in allocation["F"][1:] if c.value is not None]
    assert amounts
    assert all(c.number_format == AMOUNT_FORMAT for c in amounts)
    assert all(isinstance(c.value, int | float) for c in amounts)
    settled = rows_of(outcomes)["EMP23-05"]
    assert settled[10] == dt.datetime(2025, 4, 15)
    assert outcomes["K4"].number_format == DATE_FORMAT
    assert settled[14] == -6_000
    assert rows_of(payments)["EMP23-03"][2] == 43_200
    assert summary["B3"].number_format == DATE_FORMAT  # the report's day
    pages = {"fr": "Page &P sur &N", "nl": "Pagina &P van &N"}[code]
    assert {s.oddFooter.right.text for s in book.worksheets} == {pages}


def test_every_code_the_workbook_shows_has_a_label() -> None:
    """A code without a label would be shown as it is stored, in English."""
    from slrbcall.allocation.codes import Decision, ReasonCode, decision_label, reason_label
    from slrbcall.committee.scoring import (
        FLAG_CONFLICT_EXCLUDED,
        FLAG_DISAGREEMENT,
        FLAG_INCOMPLETE,
        flag_label,
    )
    from slrbcall.followup import TrancheStatus, status_label
    from slrbcall.followup.model import _SHOWN
    from slrbcall.intake.eligibility import _REASON_LABELS, REASON_ORDER

    assert set(_REASON_LABELS) == set(REASON_ORDER)
    assert {s.value for s in TrancheStatus} <= set(_SHOWN)
    use_language("en")  # the English label is the code itself
    for code in Decision:
        assert decision_label(code) == code.value
    for reason in ReasonCode:
        assert reason_label(reason) == reason.value
    for flag in (FLAG_CONFLICT_EXCLUDED, FLAG_DISAGREEMENT, FLAG_INCOMPLETE):
        assert flag_label(flag) == flag
    assert status_label("paid") == "paid"
    assert ApplicationStatus.INELIGIBLE.label == "ineligible"


# -- in English: the follow-up sheets and the print settings -----------------------------


def test_the_payments_sheet_counts_corrections_and_amendments(
    cli: Invoke, demo_db: Path, tmp_path: Path
) -> None:
    """Per project and tranche: the amount (as the amendment in force sets it) and where
    it stands; paid as corrected, due and blocked; the totals below."""
    corrected = cli(
        "--db", demo_db, "payments", "correct", "EMP23-09", "--tranche", "1",
        "--amount", "25000", "--reason", "bank statement",
    )  # fmt: skip
    assert corrected.exit_code == 0, corrected
    amended = cli(
        "--db", demo_db, "amend", "EMP23-14", "--amount", "50000",
        "--reason", "a second building", "--date", "2024-09-01",
    )  # fmt: skip
    assert amended.exit_code == 0, amended
    book = report(cli, demo_db, tmp_path / "report.xlsx")
    payments = book["Payments"]
    assert header(payments) == [
        "Reference", "Title", "Award",
        "Tranche 1", "Tranche 1: status",
        "Tranche 2", "Tranche 2: status",
        "Tranche 3", "Tranche 3: status",
        "Paid", "Due", "Blocked", "Amendment", "Corrections",
    ]  # fmt: skip
    rows = rows_of(payments)
    assert rows["EMP23-09"] == [
        "EMP23-09", "Mimosa 1080", 52_000,
        26_000, "paid", 15_600, "due", 10_400, "blocked",
        25_000, 15_600, 10_400, None, 1,
    ]  # fmt: skip
    # € 22,000 paid of € 44,000; the € 28,000 left of € 50,000 is split 30:20.
    assert rows["EMP23-14"] == [
        "EMP23-14", "Samen sterk, alleenstaande ouders", 50_000,
        22_000, "paid", 16_800, "due", 11_200, "blocked",
        22_000, 16_800, 11_200, 1, None,
    ]  # fmt: skip
    projects = [r for ref, r in rows.items() if ref.startswith("EMP23-")]
    total = rows["Total"]
    for column in (2, 3, 5, 7, 9, 10, 11):
        assert total[column] == sum(r[column] for r in projects)
    # Nothing corrected to another amount but EMP23-09: paid + due + blocked = award.
    for row in projects:
        if row[0] != "EMP23-09":
            assert row[9] + row[10] + row[11] == row[2], row[0]
    assert payments["C2"].number_format == AMOUNT_FORMAT
    notes = [c.value for c in payments["A"] if isinstance(c.value, str)]
    assert notes[-1].startswith(f"As of {dt.date.today().isoformat()}. Amounts as the")


def test_the_outcomes_sheet_gives_the_settlement_where_settled(
    cli: Invoke, settled_db: Path, tmp_path: Path
) -> None:
    book = report(cli, settled_db, tmp_path / "report.xlsx")
    outcomes = book["Outcomes"]
    assert header(outcomes) == [
        "Reference", "Title", "Residents targeted", "Residents involved",
        "Residents trained", "Activities", "Participants", "Reach", "Reports",
        "Latest report", "Settled on", "Claimed", "Admitted", "Paid", "Balance",
        "Recovered",
    ]  # fmt: skip
    rows = rows_of(outcomes)
    settled = {ref: row[10:] for ref, row in rows.items() if row[10] is not None}
    assert set(settled) == {"EMP23-03", "EMP23-05"}
    day = dt.datetime(2025, 4, 15)
    # EMP23-03: € 43,200 admitted and paid; EMP23-05: € 27,200 admitted, € 6,000 to repay.
    assert settled["EMP23-03"][0] == day
    assert settled["EMP23-03"][2:5] == [43_200, 43_200, 0]
    assert settled["EMP23-05"] == [day, 32_660, 27_200, 33_200, -6_000, 0]
    assert all(v is None for row in rows.values() if row[0] == "EMP23-01" for v in row[10:])
    assert sum(r[3] for ref, r in rows.items() if ref.startswith("EMP23-")) == 202
    assert rows["Total"][3] == 202  # residents involved: the call's published outcome
    assert rows["Total"][14] == -6_000
    assert outcomes["H2"].number_format == "0.0%"
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    assert summary["Residents involved"] == 202
    assert summary["Tranches paid (corrections included)"] == sum(
        r[9] for ref, r in rows_of(book["Payments"]).items() if ref.startswith("EMP23-")
    )


def test_every_sheet_is_set_up_for_a4_pages(cli: Invoke, demo_db: Path, tmp_path: Path) -> None:
    book = report(cli, demo_db, tmp_path / "report.xlsx")
    portrait = {"Summary", "By theme", "By company"}
    printed_columns = {"Applications": "L", "Allocation": "K", "Payments": "N", "Outcomes": "P"}
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == ("portrait" if sheet.title in portrait else "landscape")
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 1), sheet.title
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.left.text == TITLE
        assert sheet.oddHeader.right.text == "&A"
        assert sheet.oddFooter.left.text == f"Report made on {dt.date.today().isoformat()}"
        assert sheet.oddFooter.right.text == "Page &P of &N"
        assert sheet.page_margins.left == pytest.approx(0.4)
        if sheet.title in printed_columns:
            # The long sentences (summaries, explanations) are for the screen only.
            area = str(sheet.print_area)
            assert re.search(rf"\$A\$1:\${printed_columns[sheet.title]}\$\d+$", area), area
    assert book["Allocation"]["M1"].value == "Explanation"  # in the workbook, not printed


# -- printed through LibreOffice ---------------------------------------------------------


def big_call_workbook(path: Path, count: int) -> None:
    """A call with ``count`` applications (a few ineligible, most funded, some paid,
    reported and partly settled), as wide as real data: long titles, both languages."""
    call = load_call(CALLS / "empowerment-2023.yaml").call
    registry = load_registry(CALLS)
    companies = ["logiris", "comensia", "everecity", "binhome", "lojega", "foyer-du-sud"]
    themes = [t.key for t in call.themes]
    applications = []
    for i in range(count):
        reasons = ("amount_above_maximum", "partner_missing") if i % 20 == 7 else ()
        applications.append(
            Application(
                reference=f"BIG24-{i:03d}",
                applicant=companies[i % len(companies)],
                applicant_name=companies[i % len(companies)],
                title=f"Projet de quartier n° {i} : ateliers et rencontres avec les habitants",
                requested_cents=(20_000 + 250 * i) * 100,
                language=Lang.FR if i % 3 else Lang.NL,
                theme=themes[i % len(themes)],
                theme_text=themes[i % len(themes)],
                partner=f"ASBL Partenaire du projet {i}",
                start_date=dt.date(2024, 1, 1),
                duration_months=12,
                residents_targeted=40 + i % 30,
                summary="Un long résumé du projet. " * 20,
                status=ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE,
                reasons=tuple(Reason(code, f"because of {code}") for code in reasons),
            )
        )
    eligible = [a for a in applications if a.status is ApplicationStatus.ELIGIBLE]
    lines = []
    for rank, a in enumerate(eligible, start=1):
        funded = rank <= len(eligible) * 3 // 4
        amount = a.requested_cents if funded else 0
        lines.append(
            {
                "reference": a.reference,
                "rank": rank,
                "score": format(Decimal(9000 - rank * 7) / 100, "f"),
                "requested": format_plain(a.requested_cents),
                "amount": format_plain(amount),
                "decision": "funded_full" if funded else "not_funded",
                "reason": "funded" if funded else "does_not_fit",
                "remaining_before": format_plain(10**11),
                "remaining_after": format_plain(10**11 - amount),
                "tie_break_key": None,
                "explanation": "A long sentence that explains the decision. " * 4,
            }
        )
    lines += [
        {"reference": a.reference, "rank": None, "score": "0", "requested": "1.00",
         "amount": "0.00", "decision": "ineligible", "reason": "ineligible"}
        for a in applications if a.status is ApplicationStatus.INELIGIBLE
    ]  # fmt: skip
    fig = key_figures(
        call=call, applications=applications, lines=lines, registry=registry, budget_cents=10**11
    )
    scores = [
        ScoreLine(
            reference=a.reference,
            score=Decimal(80),
            spread=Decimal(5),
            reviewers=5,
            criterion_scores={c.key: Decimal(80) for c in call.criteria},
        )
        for a in eligible
    ]
    projects = funded_projects(call, applications, lines)
    paid = [Payment(p.reference, 1, dt.date(2024, 2, 1), p.award_cents // 2) for p in projects[::2]]
    reports = [Report(p.reference, dt.date(2024, 6, 30), 30, 10, 20, 45) for p in projects[::3]]
    followup = BoardFollowup(
        payments=tuple(
            ProjectPayments(
                p,
                tranche_states(call, p, payments=paid, milestones=(), today=dt.date(2024, 7, 1)),
            )
            for p in projects
        ),
        outcomes=outcome_figures(projects, reports),
        closing=tuple(ProjectClosing(p.reference, 0, 0, 0, None, 0, None) for p in projects),
    )
    write_report(
        path,
        fig,
        call=call,
        applications=applications,
        score_lines=scores,
        lines=lines,
        generated=dt.date(2024, 7, 1),
        followup=followup,
    )


def printed_pages(pdf: Path, title: str, names: Sequence[str]) -> Counter[str]:
    """How many pages of ``pdf`` each sheet takes: each page's header is ``title``, then
    the name of its sheet, at the end of the same line (wherever the line comes in the
    text)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    heading = re.compile(rf"^\s*{re.escape(title)}\s{{2,}}(.+?)\s*$", re.MULTILINE)
    pages: Counter[str] = Counter()
    for page in text.split("\f")[:-1]:  # a form feed ends every page
        found = heading.findall(page)
        assert len(found) == 1, page[:500]
        name = re.split(r"\s{2,}", found[0])[-1]  # a chart's label may stand between
        assert name in names, found
        pages[name] += 1
    return pages


def libreoffice() -> Path:
    """LibreOffice with Calc, or the test is skipped (CI installs both, and poppler)."""
    from slrbcall.documents.libreoffice import find_libreoffice

    soffice = find_libreoffice()
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("needs LibreOffice (soffice) and pdftotext (poppler-utils); CI installs both")
    program = soffice.resolve().parent
    if sys.platform.startswith("linux") and not (program / "libsclo.so").exists():
        pytest.skip("needs LibreOffice Calc (libreoffice-calc); CI installs it")
    return soffice


def test_the_workbook_prints_on_few_pages(
    cli: Invoke,
    demo_run: DemoResult,
    settled_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The summary on one page; every other sheet on at most one page per 40 projects
    (its rows), rounded up; the demo's workbooks (at the decision, and followed up and
    settled) on one page per sheet."""
    monkeypatch.delenv("SLRBCALL_SOFFICE")  # conftest hides LibreOffice from other tests
    soffice = libreoffice()
    from slrbcall.documents.pdf import convert_to_pdf

    count = 101
    big = tmp_path / "big.xlsx"
    big_call_workbook(big, count)
    demo = tmp_path / "demo.xlsx"
    shutil.copy(demo_run.out_dir / "report.xlsx", demo)
    followed = tmp_path / "followed.xlsx"
    report(cli, settled_db, followed)
    pdfs = convert_to_pdf(
        [big, demo, followed], out_dir=tmp_path / "pdf", soffice=soffice, timeout=300
    )

    import openpyxl

    for workbook, pdf in zip((big, demo, followed), pdfs, strict=True):
        book = openpyxl.load_workbook(workbook)
        pages = printed_pages(pdf, TITLE, book.sheetnames)
        assert set(pages) == set(book.sheetnames), workbook.name
        for sheet in book.worksheets:
            if sheet.title == "Summary":
                allowed = 1
            elif workbook == big:
                allowed = math.ceil(count / 40)
            else:
                allowed = 1
            assert pages[sheet.title] <= allowed, (workbook.name, sheet.title, pages)
    big_pages = printed_pages(pdfs[0], TITLE, SHEETS)
    assert big_pages["Summary"] == 1
    assert big_pages["Applications"] >= 2  # 101 rows do not fit on one readable page
