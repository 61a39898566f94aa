"""The budget by line of an application: the budget sheet of the applications workbook,
taken in under the intake's contract, stored exactly in cents, and frozen once decided
(the convention and the settlement: test_budget_convention.py)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call
from slrbcall.intake.budget import budget_breaks, compare_budgets
from slrbcall.model import Application, Budget, Lang

from .conftest import REPO, SHIPPED_CALLS, Invoke, empowerment_text, raw, write_call
from .i18n_check import english_words

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
#: The budget sheet's headers in an English template: the call's labels are in French.
LINES = ["Frais de personnel", "Activités", "Matériel et équipement", "Communication"]
LINES += ["Frais généraux"]
SOURCES = ["Co-financing: Fonds propres", "Co-financing: Commune"]
SOURCES += ["Co-financing: Autres moyens publics"]


def application(reference: str, amount: object) -> dict[str, object]:
    """The cells of one application, by the English template's headers."""
    return {
        "Reference": reference,
        "Housing company": "Log'iris",
        "Partner": "ASBL Les Voisins",
        "Project title": f"Projet {reference}",
        "Theme": "Culture et art",
        "Requested amount": amount,
        "Duration (months)": 12,
        "Start date": dt.date(2024, 1, 1),
        "Language": "fr",
    }


def fill(
    template: Path,
    out: Path,
    applications: Sequence[dict[str, object]],
    budgets: Sequence[Sequence[object]],
    *,
    budget_headers: dict[int, str] | None = None,
) -> Path:
    """The template with ``applications`` (by header) on its first sheet and
    ``budgets`` (reference, title, each line, each source) on its budget sheet."""
    import openpyxl

    book = openpyxl.load_workbook(template)
    first = book.worksheets[0]
    columns = {str(c.value).rstrip(" *"): c.column for c in first[1] if c.value}
    for row, values in enumerate(applications, start=2):
        for header, value in values.items():
            first.cell(row=row, column=columns[header]).value = value
    budget = book.worksheets[1]
    for col, header in (budget_headers or {}).items():
        budget.cell(row=1, column=col).value = header
    for row, values in enumerate(budgets, start=2):
        for col, value in enumerate(values, start=1):
            budget.cell(row=row, column=col).value = value
    book.save(out)
    return out


@pytest.fixture
def template(cli: Invoke, tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    result = cli(
        "--call", "empowerment-2023", "template", "applications", "-o", path, "--lang", "en"
    )
    assert result.exit_code == 0, result
    return path


#: EMP-01 asks € 45,000: € 46,800 of costs less € 1,800 from the commune.
GOOD = ["EMP-01", None, 23000, 5600, 9700, 4500, 4000, None, 1800, None]


def intake(cli: Invoke, db: Path | str, path: Path, *options: str) -> Any:
    return cli("--db", db, "--call", "empowerment-2023", "intake", path, *options)


def stored(db: Path | str, sql: str) -> list[tuple[Any, ...]]:
    with raw(db) as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


BUDGET_ROWS = (
    "SELECT reference, version, kind, key, amount_cents FROM application_budget"
    " ORDER BY reference, version, id"
)


# -- the template -----------------------------------------------------------------------


def test_the_template_has_a_budget_sheet_by_line(template: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["Applications", "Budget by line", "Instructions", "Lists"]
    sheet = book["Budget by line"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["Reference *", "Project title", *LINES, *SOURCES]
    notes = {cell.value: cell.comment.text if cell.comment else "" for cell in sheet[1]}
    assert notes["Communication"] == "At most 10% of the requested amount."
    assert notes["Frais généraux"] == (
        "At most 10% of the direct costs (Frais de personnel, Activités, "
        "Matériel et équipement, Communication)."
    )
    instructions = [row[0] for row in book["Instructions"].iter_rows(values_only=True)]
    assert (
        "The budget lines less the co-financing must equal the requested amount; each line "
        "keeps the rule in the note of its header."
    ) in instructions


@pytest.mark.needs_catalogs
@pytest.mark.parametrize(
    ("lang", "sheets", "first", "source"),
    [
        (
            "fr",
            ["Candidatures", "Budget par poste", "Instructions", "Listes"],
            "Frais de personnel",
            "Cofinancement\u202f: Fonds propres",
        ),
        (
            "nl",
            ["Aanvragen", "Begroting per post", "Instructies", "Lijsten"],
            "Personeelskosten",
            "Cofinanciering: Eigen middelen",
        ),
    ],
)
def test_the_budget_sheet_is_named_in_the_template_s_language(
    cli: Invoke, tmp_path: Path, lang: str, sheets: list[str], first: str, source: str
) -> None:
    import openpyxl

    path = tmp_path / f"{lang}.xlsx"
    assert (
        cli(
            "--call", "empowerment-2023", "template", "applications", "-o", path, "--lang", lang
        ).exit_code
        == 0
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == sheets
    headers = [cell.value for cell in book[sheets[1]][1]]
    assert headers[2] == first
    assert headers[7] == source


def test_a_call_without_budget_lines_has_no_budget_sheet_and_takes_none(
    cli: Invoke, tmp_path: Path, db: Path
) -> None:
    import openpyxl

    text = empowerment_text()
    text = text[: text.index("budget_lines:")] + "illustrative: [scoring]\n"
    calls = tmp_path / "calls"
    write_call(calls, text)
    path = tmp_path / "template.xlsx"
    args = ("--calls-dir", calls, "--call", "empowerment-2023")
    assert cli(*args, "template", "applications", "-o", path, "--lang", "en").exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Applications", "Instructions", "Lists"]
    # A sheet that looks like a budget is not read: the call has no lines.
    book.create_sheet("Budget by line").append(["Reference", *LINES])
    book["Budget by line"].append(["EMP-01", "not an amount"])
    first = book["Applications"]
    columns = {str(c.value).rstrip(" *"): c.column for c in first[1] if c.value}
    for header, value in application("EMP-01", 45000).items():
        first.cell(row=2, column=columns[header]).value = value
    book.save(path)
    result = cli(*args, "--db", db, "intake", path)
    assert result.exit_code == 0, result
    assert "Budgets by line" not in result.stdout
    assert stored(db, "SELECT count(*) FROM application_budget") == [(0,)]


# -- the round trip ---------------------------------------------------------------------


@pytest.mark.both_backends
def test_a_filled_template_is_taken_in_with_its_budget_and_again_changes_nothing(
    cli: Invoke, template: Path, tmp_path: Path, db: Path | str
) -> None:
    path = fill(
        template,
        tmp_path / "filled.xlsx",
        [application("EMP-01", 45000), application("EMP-02", "30.000,50")],
        [GOOD, ["EMP-02", "Projet EMP-02", "20.000,50", "6000", 2000, None, "2000"]],
    )
    result = intake(cli, db, path)
    assert result.exit_code == 0, result
    assert result.stdout.splitlines()[:2] == [
        "Took in 2 applications from filled.xlsx (sheet 'Applications') for empowerment-2023: "
        "2 new, 0 changed, 0 unchanged; 2 eligible, 0 ineligible.",
        "Budgets by line from sheet 'Budget by line': 2 applications have one, 2 recorded now; "
        "€ 76,800.50 of planned costs, € 1,800.00 co-financed.",
    ]
    rows = stored(db, BUDGET_ROWS)
    assert rows == [
        ("EMP-01", 1, "line", "personnel", 2_300_000),
        ("EMP-01", 1, "line", "activities", 560_000),
        ("EMP-01", 1, "line", "material", 970_000),
        ("EMP-01", 1, "line", "communication", 450_000),
        ("EMP-01", 1, "line", "overheads", 400_000),
        ("EMP-01", 1, "co_financing", "commune", 180_000),
        ("EMP-02", 1, "line", "personnel", 2_000_050),
        ("EMP-02", 1, "line", "activities", 600_000),
        ("EMP-02", 1, "line", "material", 200_000),
        ("EMP-02", 1, "line", "overheads", 200_000),
    ]
    audit = stored(db, "SELECT count(*) FROM audit")
    again = intake(cli, db, path, "--json")
    assert again.exit_code == 0, again
    data = json.loads(again.stdout)
    assert (data["new"], data["changed"], data["unchanged"]) == ([], [], 2)
    assert data["budget_sheet"] == "Budget by line"
    assert data["budgets_recorded"] == []
    assert data["applications"][0]["budget"] == {
        "lines": {
            "personnel": "23000.00",
            "activities": "5600.00",
            "material": "9700.00",
            "communication": "4500.00",
            "overheads": "4000.00",
        },
        "co_financing": {"commune": "1800.00"},
        "total": "46800.00",
        "grant": "45000.00",
    }
    assert stored(db, BUDGET_ROWS) == rows
    # The intake file is recorded; the applications and their budgets are not touched.
    assert stored(db, "SELECT count(*) FROM audit") == audit
    shown = cli("--db", db, "--call", "empowerment-2023", "applications", "show", "EMP-02")
    assert shown.stdout.splitlines()[-11:] == [
        "┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┓",
        "┃ budget line            ┃     planned ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━┩",
        "│ Frais de personnel     │ € 20,000.50 │",
        "│ Activités              │  € 6,000.00 │",
        "│ Matériel et équipement │  € 2,000.00 │",
        "│ Communication          │      € 0.00 │",
        "│ Frais généraux         │  € 2,000.00 │",
        "│ total cost             │ € 30,000.50 │",
        "│ grant requested        │ € 30,000.50 │",
        "└────────────────────────┴─────────────┘",
    ]


@pytest.mark.both_backends
def test_a_changed_budget_is_a_new_version_and_the_application_is_changed(
    cli: Invoke, template: Path, tmp_path: Path, db: Path | str
) -> None:
    first = fill(template, tmp_path / "a.xlsx", [application("EMP-01", 45000)], [GOOD])
    assert intake(cli, db, first).exit_code == 0
    moved = [*GOOD[:2], 22000, 6600, *GOOD[4:]]  # € 1,000 from personnel to activities
    second = fill(template, tmp_path / "b.xlsx", [application("EMP-01", 45000)], [moved])
    result = intake(cli, db, second)
    assert result.exit_code == 0, result
    assert "0 new, 1 changed, 0 unchanged" in result.stdout
    assert "1 application has one, 1 recorded now" in result.stdout
    versions = stored(
        db,
        "SELECT version, key, amount_cents FROM application_budget"
        " WHERE key IN ('personnel', 'activities') ORDER BY version, key",
    )
    assert versions == [
        (1, "activities", 560_000),
        (1, "personnel", 2_300_000),
        (2, "activities", 660_000),
        (2, "personnel", 2_200_000),
    ]
    [(after,)] = stored(
        db,
        "SELECT after_json FROM audit WHERE entity = 'application_budget' ORDER BY id DESC LIMIT 1",
    )
    assert json.loads(after)["version"] == 2
    assert json.loads(after)["lines"]["activities"] == 660_000


def test_a_file_without_the_budget_sheet_keeps_the_stored_budget(
    cli: Invoke, template: Path, tmp_path: Path, db: Path, make_xlsx: Callable[..., Path]
) -> None:
    assert (
        intake(
            cli, db, fill(template, tmp_path / "a.xlsx", [application("EMP-01", 45000)], [GOOD])
        ).exit_code
        == 0
    )
    values = application("EMP-01", 45000)
    same = make_xlsx([list(values), list(values.values())])
    result = intake(cli, db, same)
    assert result.exit_code == 0, result
    assert "0 changed, 1 unchanged" in result.stdout
    assert len(stored(db, BUDGET_ROWS)) == 6
    # A new requested amount leaves the stored budget asking for another grant: refused.
    values["Requested amount"] = 46000
    other = make_xlsx([list(values), list(values.values())], name="other.xlsx")
    result = intake(cli, db, other)
    assert result.exit_code == 3, result
    assert result.stderr.splitlines() == [
        "other.xlsx: sheet 'Applications', row 2, column F ('Requested amount'): the budget "
        "stored for EMP-01 asks the grant for € 45,000.00, not the € 46,000.00 now requested: "
        "give its budget again on the budget sheet, or put back the amount",
        "1 problem; nothing was stored.",
    ]


def test_an_application_without_a_budget_row_is_named(
    cli: Invoke, template: Path, tmp_path: Path, db: Path
) -> None:
    path = fill(
        template,
        tmp_path / "filled.xlsx",
        [application("EMP-01", 45000), application("EMP-02", 30000)],
        [GOOD, ["EMP-02", "Projet EMP-02"]],  # its reference alone: no budget
    )
    result = intake(cli, db, path)
    assert result.exit_code == 0, result
    assert (
        "Warning: 1 application of the file has no budget on sheet 'Budget by line' (EMP-02): "
        "its convention will print none"
    ) in result.stdout


# -- hostile budget sheets ----------------------------------------------------------------

SHEET = "filled.xlsx: sheet 'Budget by line', row 2"
SUM_RULE = "the lines less the co-financing must equal the requested amount"
WHERE_REQUESTED = "(requested on sheet 'Applications', row 2)"

HOSTILE = [
    pytest.param(
        [*GOOD, 250],
        {11: "Frais de déplacement"},
        [
            "filled.xlsx: sheet 'Budget by line', row 1, column K ('Frais de déplacement'): "
            "'Frais de déplacement' is neither a budget line nor a co-financing source of "
            "empowerment-2023 (did you mean 'Frais de personnel'?): its lines are 'Frais de "
            "personnel', 'Activités', 'Matériel et équipement', 'Communication', 'Frais "
            "généraux', its sources 'Fonds propres', 'Commune', 'Autres moyens publics'",
        ],
        id="unknown-line",
    ),
    pytest.param(
        [*GOOD[:5], 5000, 3500, *GOOD[7:]],
        {},
        [
            f"{SHEET}, column F ('Communication'): € 5,000.00 is above this line's cap, 10% of "
            "the requested amount: € 4,500.00",
        ],
        id="over-cap",
    ),
    pytest.param(
        [*GOOD[:2], 22000, *GOOD[3:6], 5000, *GOOD[7:]],
        {},
        [
            f"{SHEET}, column G ('Frais généraux'): € 5,000.00 is above 10% of the direct "
            "costs planned (€ 41,800.00): at most € 4,180.00 on this line",
        ],
        id="over-share",
    ),
    pytest.param(
        [*GOOD[:2], 24000, *GOOD[3:]],
        {},
        [
            f"{SHEET}: the lines add up to € 47,800.00 and the co-financing to € 1,800.00, so "
            f"the budget asks the grant for € 46,000.00, not the € 45,000.00 requested: "
            f"{SUM_RULE} {WHERE_REQUESTED}",
        ],
        id="sum-mismatch",
    ),
    pytest.param(
        [*GOOD[:8], None, None],
        {},
        [
            f"{SHEET}: the lines add up to € 46,800.00, not the € 45,000.00 requested: "
            f"{SUM_RULE} {WHERE_REQUESTED}",
        ],
        id="co-financing-left-out",
    ),
    pytest.param(
        [*GOOD[:2], -23000, *GOOD[3:]],
        {},
        [f"{SHEET}, column C ('Frais de personnel'): amounts cannot be negative: -23000"],
        id="negative",
    ),
    pytest.param(
        [*GOOD[:3], "ca 6k", *GOOD[4:]],
        {},
        [
            f"{SHEET}, column D ('Activités'): not an amount: 'ca 6k' (write e.g. 44058 or "
            "44.058,00)",
        ],
        id="non-numeric",
    ),
    pytest.param(
        [*GOOD[:3], "5,600", *GOOD[4:]],
        {},
        [
            f"{SHEET}, column D ('Activités'): ambiguous amount: '5,600' could be thousands or "
            "decimals: 5.600 or 5,60 (write the one you mean)",
        ],
        id="ambiguous-text",
    ),
    pytest.param(
        [*GOOD[:4], Decimal("9699.995"), *GOOD[5:]],
        {},
        [
            f"{SHEET}, column E ('Matériel et équipement'): more than two decimals: 9699.995 "
            "(amounts are in euro and cents)",
        ],
        id="float-ish-number",
    ),
]


@pytest.mark.parametrize(("row", "headers", "expected"), HOSTILE)
def test_a_hostile_budget_sheet_is_refused_whole(
    cli: Invoke,
    template: Path,
    tmp_path: Path,
    db: Path,
    row: list[object],
    headers: dict[int, str],
    expected: list[str],
) -> None:
    path = fill(
        template,
        tmp_path / "filled.xlsx",
        [application("EMP-01", 45000)],
        [row],
        budget_headers=headers,
    )
    result = intake(cli, db, path)
    assert result.exit_code == 3, result
    lines = result.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == ("1 problem; nothing was stored.")
    assert not db.exists()


def test_every_problem_of_the_budget_sheet_is_told_at_once_with_the_applications(
    cli: Invoke, template: Path, tmp_path: Path, db: Path
) -> None:
    path = fill(
        template,
        tmp_path / "filled.xlsx",
        [application("EMP-01", 45000), application("EMP-02", "ca 50k")],
        [
            [*GOOD[:5], 6000, *GOOD[6:]],
            ["EMP-01", None, 100],
            ["EMP-09", None, 100],
            [None, None, "1,500"],
            ["EMP-02", None, 100],
        ],
    )
    result = intake(cli, db, path)
    assert result.exit_code == 3, result
    assert result.stderr.splitlines() == [
        "filled.xlsx: sheet 'Applications', row 3, column J ('Requested amount *'): not an "
        "amount: 'ca 50k' (write e.g. 44058 or 44.058,00)",
        f"{SHEET}: the lines add up to € 48,300.00 and the co-financing to € 1,800.00, so the "
        f"budget asks the grant for € 46,500.00, not the € 45,000.00 requested: {SUM_RULE} "
        f"{WHERE_REQUESTED}",
        f"{SHEET}, column F ('Communication'): € 6,000.00 is above this line's cap, 10% of the "
        "requested amount: € 4,500.00",
        "filled.xlsx: sheet 'Budget by line', row 3, column A ('Reference *'): the reference "
        "'EMP-01' is also on row 2: each application has one row of budget",
        "filled.xlsx: sheet 'Budget by line', row 4, column A ('Reference *'): no application "
        "'EMP-09' on sheet 'Applications': a budget goes with an application of the same file",
        "filled.xlsx: sheet 'Budget by line', row 5, column A ('Reference *'): empty: each row "
        "of the budget names the reference of its application",
        "filled.xlsx: sheet 'Budget by line', row 5, column C ('Frais de personnel'): ambiguous "
        "amount: '1,500' could be thousands or decimals: 1.500 or 1,50 (write the one you mean)",
        "7 problems; nothing was stored.",
    ]
    assert not db.exists()


def test_a_hidden_budget_row_is_refused(
    cli: Invoke, template: Path, tmp_path: Path, db: Path
) -> None:
    import openpyxl

    path = fill(template, tmp_path / "filled.xlsx", [application("EMP-01", 45000)], [GOOD])
    book = openpyxl.load_workbook(path)
    book.worksheets[1].row_dimensions[2].hidden = True
    book.save(path)
    result = intake(cli, db, path)
    assert result.exit_code == 3, result
    assert result.stderr.splitlines() == [
        f"{SHEET}: this row is hidden: show it (or delete it) so that what is taken in is what "
        "people see",
        "1 problem; nothing was stored.",
    ]


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_problems_of_a_budget_sheet_are_in_the_officer_s_language(
    cli: Invoke, tmp_path: Path, db: Path, lang: str
) -> None:
    template = tmp_path / "template.xlsx"
    assert (
        cli(
            "--call", "empowerment-2023", "template", "applications", "-o", template, "--lang", "en"
        ).exit_code
        == 0
    )
    path = fill(
        template,
        tmp_path / "filled.xlsx",
        [application("EMP-01", 45000)],
        [[*GOOD[:5], 6000, 6000, *GOOD[7:]], ["EMP-09", None, 1], [None, None, -1]],
        budget_headers={11: "Frais de déplacement"},
    )
    import openpyxl

    book = openpyxl.load_workbook(path)
    book.worksheets[1].cell(row=2, column=11).value = 100
    book.save(path)
    result = cli("--lang", lang, "--db", db, "--call", "empowerment-2023", "intake", path)
    assert result.exit_code == 3, result
    lines = result.stderr.splitlines()
    assert len(lines) == 8, result.stderr
    for line in lines:
        found = english_words(
            line,
            also=["costs", "financing", "co", "grant", "above"],
            data=[*LINES, *SOURCES, "Frais de déplacement"],
        )
        assert found == [], line


# -- a decided application --------------------------------------------------------------


def example_with_budget(tmp_path: Path, reference: str, column: int, value: object) -> Path:
    """The shipped example workbook with one cell of one budget row changed."""
    import openpyxl

    book = openpyxl.load_workbook(REPO / "examples" / "applications.xlsx")
    sheet = book.worksheets[1]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == reference)
    sheet.cell(row=row, column=column).value = value
    path = tmp_path / "applications.xlsx"
    book.save(path)
    return path


@pytest.mark.both_backends
def test_a_decided_application_s_budget_cannot_change(
    cli: Invoke, demo_db: Path | str, tmp_path: Path
) -> None:
    # EMP23-03 is funded and paid; its budget moves € 1,000 from personnel to activities.
    path = example_with_budget(tmp_path, "EMP23-03", 3, 22000)
    import openpyxl

    book = openpyxl.load_workbook(path)
    book.worksheets[1]["D4"] = 6600
    book.save(path)
    audit = stored(demo_db, "SELECT count(*) FROM audit")
    result = cli("--db", demo_db, "intake", path)
    assert result.exit_code == 3, result
    assert result.stderr.splitlines() == [
        "applications.xlsx: sheet 'Budget par poste', row 4: EMP23-03 was decided (adopted run "
        "2): its budget may no longer change; put back the decided amounts, and record a change "
        "of the award with 'slrbcall amend EMP23-03'",
        "1 problem; nothing was stored.",
    ]
    assert stored(demo_db, "SELECT count(*) FROM audit") == audit
    # The example as it was changes nothing.
    result = cli("--db", demo_db, "intake", REPO / "examples" / "applications.xlsx")
    assert result.exit_code == 0, result
    assert "0 new, 0 changed, 15 unchanged" in result.stdout
    assert "15 applications have one, 0 recorded now" in result.stdout


# -- a file saved by LibreOffice ----------------------------------------------------------


def libreoffice_calc() -> Path:
    from slrbcall.documents.libreoffice import find_libreoffice

    soffice = find_libreoffice()
    if soffice is None:
        pytest.skip("needs LibreOffice (soffice); CI installs it")
    program = soffice.resolve().parent
    if sys.platform.startswith("linux") and not (program / "libsclo.so").exists():
        pytest.skip("needs LibreOffice Calc (libreoffice-calc); CI installs it")
    return soffice


def convert(soffice: Path, source: Path, to: str, out: Path) -> Path:
    """``source`` saved by LibreOffice as ``to`` (ods or xlsx) into ``out``."""
    out.mkdir(exist_ok=True)
    profile = (out.parent / "lo-profile").as_uri()
    subprocess.run(
        [
            str(soffice),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{source.stem}.{to}"


def test_a_budget_saved_by_libreoffice_is_the_same_budget(
    cli: Invoke, template: Path, tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLRBCALL_SOFFICE")  # conftest hides LibreOffice from other tests
    soffice = libreoffice_calc()
    filled = fill(
        template,
        tmp_path / "filled.xlsx",
        [application("EMP-01", 45000), application("EMP-02", "30.000,50")],
        [GOOD, ["EMP-02", "Projet EMP-02", Decimal("20000.50"), "6.000", 2000, None, 2000]],
    )
    ods = convert(soffice, filled, "ods", tmp_path / "ods")
    result = intake(cli, db, ods)
    assert result.exit_code == 0, result
    assert "2 applications have one, 2 recorded now" in result.stdout
    rows = stored(db, BUDGET_ROWS)
    assert ("EMP-02", 1, "line", "personnel", 2_000_050) in rows
    assert len(rows) == 10
    back = convert(soffice, ods, "xlsx", tmp_path / "xlsx")
    result = intake(cli, db, back)
    assert result.exit_code == 0, result
    assert "0 new, 0 changed, 2 unchanged" in result.stdout
    assert stored(db, BUDGET_ROWS) == rows


# -- exact in cents -----------------------------------------------------------------------


@st.composite
def balanced_budgets(draw: st.DrawFn) -> tuple[int, dict[str, int], dict[str, int]]:
    """A request and a budget that keeps every rule of the call: communication within
    10 % of the request, overheads within 10 % of the direct lines, lines less
    co-financing equal to the request, in cents."""
    requested = draw(st.integers(10_000_00, 65_000_00))
    sources = {
        key: draw(st.integers(0, 5_000_00)) for key in ("own-funds", "commune", "other-public")
    }
    cost = requested + sum(sources.values())
    overheads = draw(st.integers(0, cost // 11))
    communication = draw(st.integers(0, min(requested // 10, cost - overheads)))
    rest = cost - overheads - communication
    personnel = draw(st.integers(0, rest))
    activities = draw(st.integers(0, rest - personnel))
    lines = {
        "personnel": personnel,
        "activities": activities,
        "material": rest - personnel - activities,
        "communication": communication,
        "overheads": overheads,
    }
    return requested, lines, sources


def _cell(cents: int, as_text: bool) -> object:
    """An amount as a numeric cell, or as Belgian text (``12.345,67``)."""
    if cents == 0:
        return None
    euros, rest = divmod(cents, 100)
    if as_text:
        return f"{euros:,}".replace(",", ".") + f",{rest:02d}"
    return Decimal(cents) / 100


@hypothesis_settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=balanced_budgets(), as_text=st.booleans())
def test_stored_line_amounts_sum_exactly_in_cents(
    cli: Invoke,
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    budget: tuple[int, dict[str, int], dict[str, int]],
    as_text: bool,
) -> None:
    requested, lines, sources = budget
    folder = tmp_path_factory.mktemp("exact")
    row = ["EMP-01", None, *(_cell(c, as_text) for c in lines.values())]
    row += [_cell(c, not as_text) for c in sources.values()]
    path = fill(
        template, folder / "filled.xlsx", [application("EMP-01", _cell(requested, as_text))], [row]
    )
    db = folder / "ws.db"
    result = intake(cli, db, path)
    assert result.exit_code == 0, result
    rows = stored(db, BUDGET_ROWS)
    planned = {key: cents for _ref, _v, kind, key, cents in rows if kind == "line"}
    co_financed = {key: cents for _ref, _v, kind, key, cents in rows if kind == "co_financing"}
    assert planned == {k: c for k, c in lines.items() if c}
    assert co_financed == {k: c for k, c in sources.items() if c}
    assert sum(planned.values()) - sum(co_financed.values()) == requested
    [(requested_cents,)] = stored(db, "SELECT requested_cents FROM application")
    assert requested_cents == requested


# -- the rules, as pure functions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "co_financing", "requested", "broken"),
    [
        pytest.param({"personnel": 45_000_00}, {}, 45_000_00, [], id="one-line"),
        pytest.param(
            {"communication": 4_500_01, "personnel": 40_499_99},
            {},
            45_000_00,
            ["communication"],
            id="a-cent-over-the-cap",
        ),
        pytest.param(
            {"overheads": 1_000_00},
            {},
            1_000_00,
            ["overheads"],
            id="overheads-without-direct-costs",
        ),
        pytest.param(
            {"personnel": 10_000_00}, {"own-funds": 10_000_00}, 0, [], id="all-co-financed"
        ),
    ],
)
def test_the_rules_a_budget_keeps(
    lines: dict[str, int], co_financing: dict[str, int], requested: int, broken: list[str | None]
) -> None:
    budget = Budget(tuple(lines.items()), tuple(co_financing.items()))
    assert [key for key, _message in budget_breaks(budget, CALL, requested)] == broken


PLAN = Budget((("personnel", 45_000_00),))
OTHER = Budget((("personnel", 44_000_00), ("activities", 1_000_00)))


@pytest.mark.parametrize(
    ("given", "stored", "decided", "outcome"),
    [
        pytest.param(PLAN, None, False, ("store", ""), id="a-first-budget"),
        pytest.param(PLAN, PLAN, False, ("", ""), id="the-same-again"),
        pytest.param(OTHER, PLAN, False, ("store", ""), id="other-amounts"),
        pytest.param(None, PLAN, False, ("", ""), id="no-row-keeps-it"),
        pytest.param(OTHER, PLAN, True, ("", "frozen"), id="decided-and-changed"),
        pytest.param(PLAN, None, True, ("", "frozen"), id="decided-and-given-a-first"),
        pytest.param(PLAN, PLAN, True, ("", ""), id="decided-and-the-same"),
    ],
)
def test_what_a_file_s_budgets_change(
    given: Budget | None, stored: Budget | None, decided: bool, outcome: tuple[str, str]
) -> None:
    app = Application("EMP-01", "logiris", "Log'iris", "Projet", 45_000_00, Lang.FR)
    changes = compare_budgets(
        [app],
        {} if given is None else {"EMP-01": given},
        {} if stored is None else {"EMP-01": stored},
        frozen={"EMP-01"} if decided else set(),
    )
    assert ("store" if changes.to_store else "", "frozen" if changes.frozen else "") == outcome
    assert changes.stale == ()
    assert changes.in_force == {"EMP-01": given or stored}


def test_a_stored_budget_that_no_longer_asks_the_request_is_stale() -> None:
    app = Application("EMP-01", "logiris", "Log'iris", "Projet", 46_000_00, Lang.FR)
    changes = compare_budgets([app], {}, {"EMP-01": PLAN}, frozen=set())
    assert changes.stale == ("EMP-01",)
