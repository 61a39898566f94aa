"""The justification workbook: its template, and ``slrbcall justify`` under the intake
contract, with one hostile workbook per way it is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.sheets.read import read_workbook

from .conftest import Invoke, Result, empowerment_text, write_call

pytestmark = pytest.mark.both_backends

D = dt.date
HEADER = [
    "Reference",
    "Budget line",
    "Supplier",
    "Invoice number",
    "Invoice date",
    "Payment date",
    "Invoice amount",
    "Claimed from the grant",
    "Co-financed by",
    "Attachment",
    "Attachment SHA-256",
]


def expense(**fields: Any) -> list[Any]:
    """One row of the workbook: an EMP23-03 salary slip, with ``fields`` changed."""
    values = {
        "reference": "EMP23-03",
        "line": "personnel",
        "supplier": "Sociaal secretariaat Voorbeeld",
        "invoice": "LON-2024-06",
        "dated": D(2024, 6, 30),
        "paid": D(2024, 7, 5),
        "amount": 11300,
        "claimed": None,
        "source": None,
        "attachment": None,
        "sha": None,
    } | fields
    return list(values.values())


Workbook = Callable[..., Path]


@pytest.fixture
def workbook(make_xlsx: Callable[..., Path]) -> Workbook:
    """``workbook(*rows)``: a justification workbook of those rows, beside its files."""
    return lambda *rows, name="justification.xlsx": make_xlsx(
        [HEADER, *rows], name=name, sheet="Expenses"
    )


@pytest.fixture
def justify(cli: Invoke, demo_db: Path) -> Callable[..., Result]:
    """``slrbcall justify FILE ...`` on a copy of the demo's workspace, on 10 March 2025."""
    return lambda path, *args: cli("--db", demo_db, "justify", path, "--today", "2025-03-10", *args)


def claimed(cli: Invoke, db: Path, reference: str = "EMP23-03") -> str:
    result = cli("--db", db, "justification", "show", reference, "--json")
    assert result.exit_code == 0, result
    (project,) = json.loads(result.stdout)["projects"]
    return f"{project['claimed']} in {len(project['expenses'])}"


def refused(result: Result, tmp_path: Path) -> list[str]:
    """The problem lines of a refused file (exit 3), the folder shown as ``DIR``."""
    assert result.exit_code == 3, result
    assert result.stdout == ""
    lines = result.stderr.replace(str(tmp_path), "DIR").splitlines()
    assert lines[-1].endswith("; nothing was stored.")
    return lines[:-1]


# -- taking it in -----------------------------------------------------------------------


def test_a_justification_is_taken_in_once(
    cli: Invoke, justify: Callable[..., Result], workbook: Workbook, demo_db: Path, tmp_path: Path
) -> None:
    (tmp_path / "slip-06.pdf").write_bytes(b"%PDF-1.4 slip")
    path = workbook(
        expense(attachment="slip-06.pdf"),
        expense(line="Personeelskosten", invoice="LON-2024-12", dated=D(2024, 12, 31)),
        expense(
            line="Activités",
            supplier="Buurthuis Voorbeeld vzw",
            invoice="2024/031",
            amount="6.000,00",
            claimed=4200,
            source="Gemeente",
        ),
    )
    first = justify(path)
    assert (first.exit_code, first.stdout) == (
        0,
        "Took in 3 expenses from justification.xlsx (sheet 'Expenses') for empowerment-2023: "
        "3 new, 0 changed, 0 unchanged; € 26,800.00 claimed.\n",
    )
    again = justify(path)
    assert again.stdout == (
        "Took in 3 expenses from justification.xlsx (sheet 'Expenses') for empowerment-2023: "
        "0 new, 0 changed, 3 unchanged; € 0.00 claimed.\n"
    )
    shown = json.loads(cli("--db", demo_db, "justification", "show", "EMP23-03", "--json").stdout)
    expenses = {e["invoice_number"]: e for e in shown["projects"][0]["expenses"]}
    assert expenses["2024/031"] | {"review": None} == {
        "reference": "EMP23-03",
        "budget_line": "activities",
        "supplier": "Buurthuis Voorbeeld vzw",
        "invoice_number": "2024/031",
        "invoice_date": "2024-06-30",
        "paid_on": "2024-07-05",
        "amount": "6000.00",
        "claimed": "4200.00",
        "cofinanced_by": "commune",
        "attachment": None,
        "attachment_sha256": None,
        "version": 1,
        "review": None,
    }
    assert (
        expenses["LON-2024-06"]["attachment_sha256"] == hashlib.sha256(b"%PDF-1.4 slip").hexdigest()
    )


def test_a_dry_run_stores_nothing(
    cli: Invoke, justify: Callable[..., Result], workbook: Workbook, demo_db: Path
) -> None:
    result = justify(workbook(expense()), "--dry-run")
    assert result.stdout == (
        "Would take in 1 expense from justification.xlsx (sheet 'Expenses') for "
        "empowerment-2023: 1 new, 0 changed, 0 unchanged; € 11,300.00 claimed.\n"
        "Dry run: nothing was stored.\n"
    )
    assert claimed(cli, demo_db) == "0.00 in 0"


def test_a_changed_row_is_a_new_version_of_its_expense(
    cli: Invoke, justify: Callable[..., Result], workbook: Workbook, demo_db: Path
) -> None:
    assert justify(workbook(expense())).exit_code == 0
    result = justify(workbook(expense(amount=11500, claimed=11300), name="again.xlsx"))
    assert result.stdout == (
        "Took in 1 expense from again.xlsx (sheet 'Expenses') for empowerment-2023: 0 new, "
        "1 changed, 0 unchanged; € 11,300.00 claimed.\n"
        "A changed expense is a new version of it, to be reviewed again: EMP23-03 "
        "LON-2024-06.\n"
    )
    shown = json.loads(cli("--db", demo_db, "justification", "show", "--json").stdout)
    (found,) = [e for p in shown["projects"] for e in p["expenses"]]
    assert (found["amount"], found["version"]) == ("11500.00", 2)


# -- hostile workbooks --------------------------------------------------------------------


def test_an_invoice_claimed_twice_is_refused(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    path = workbook(expense(), expense(supplier="SOCIAAL Secretariaat voorbeeld ", claimed=500))
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 3, column D ('Invoice number'): invoice "
        "'LON-2024-06' of 'SOCIAAL Secretariaat voorbeeld' is claimed again (also on row 2): "
        "an invoice is claimed once, by one project"
    ]


def test_an_invoice_claimed_by_two_projects_is_refused(
    cli: Invoke,
    justify: Callable[..., Result],
    workbook: Workbook,
    demo_db: Path,
    tmp_path: Path,
) -> None:
    path = workbook(expense(), expense(reference="EMP23-05"))
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 3, column D ('Invoice number'): invoice "
        "'LON-2024-06' of 'Sociaal secretariaat Voorbeeld' is claimed by EMP23-03 and by "
        "EMP23-05 (also on row 2): an invoice is claimed once, by one project"
    ]
    assert justify(workbook(expense())).exit_code == 0
    later = justify(workbook(expense(reference="EMP23-05"), name="other.xlsx"))
    assert refused(later, tmp_path) == [
        "other.xlsx: sheet 'Expenses', row 2, column A ('Reference'): invoice 'LON-2024-06' "
        "of 'Sociaal secretariaat Voorbeeld' is already claimed by EMP23-03 "
        "(justification.xlsx: sheet 'Expenses', row 2): an invoice is claimed once, by one "
        "project"
    ]
    assert claimed(cli, demo_db, "EMP23-05") == "0.00 in 0"


def test_dates_outside_the_project_s_period_are_refused(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    path = workbook(
        expense(dated=D(2023, 12, 20), paid=D(2023, 12, 28)),
        expense(invoice="LON-2025-01", dated=D(2025, 1, 31), paid=D(2025, 4, 1)),
        expense(invoice="LON-2024-12", dated=D(2024, 12, 31), paid=D(2025, 3, 12)),
    )
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 2, column E ('Invoice date'): the invoice "
        "date 2023-12-20 is outside the project's period (2024-01-01 to 2024-12-31)",
        "justification.xlsx: sheet 'Expenses', row 2, column F ('Payment date'): the payment "
        "date 2023-12-28 is before the project's start (2024-01-01)",
        "justification.xlsx: sheet 'Expenses', row 3, column E ('Invoice date'): the invoice "
        "date 2025-01-31 is outside the project's period (2024-01-01 to 2024-12-31)",
        "justification.xlsx: sheet 'Expenses', row 3, column F ('Payment date'): the payment "
        "date 2025-04-01 is after the justification deadline (2025-03-31)",
        "justification.xlsx: sheet 'Expenses', row 4, column F ('Payment date'): the payment "
        "date 2025-03-12 is after today (2025-03-10)",
    ]


def test_a_missing_attachment_is_refused(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    path = workbook(expense(attachment="slip-06.pdf"))
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 2, column J ('Attachment'): no file "
        "'slip-06.pdf' beside the workbook (in DIR): put the supporting document there, or "
        "leave the cell empty"
    ]


def test_an_attachment_whose_hash_differs_is_refused(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    (tmp_path / "slip-06.pdf").write_bytes(b"%PDF-1.4 the slip sent")
    listed = hashlib.sha256(b"%PDF-1.4 the slip scanned").hexdigest()
    found = hashlib.sha256(b"%PDF-1.4 the slip sent").hexdigest()
    path = workbook(expense(attachment="slip-06.pdf", sha=listed.upper()))
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 2, column K ('Attachment SHA-256'): the "
        f"SHA-256 of 'slip-06.pdf' is {found}, not {listed}: the file is not the one listed"
    ]


def test_an_attachment_changed_since_it_was_taken_in_is_refused(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    (tmp_path / "slip-06.pdf").write_bytes(b"%PDF-1.4 first")
    path = workbook(expense(attachment="slip-06.pdf"))
    assert justify(path).exit_code == 0
    first = hashlib.sha256(b"%PDF-1.4 first").hexdigest()
    (tmp_path / "slip-06.pdf").write_bytes(b"%PDF-1.4 replaced")
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 2, column J ('Attachment'): 'slip-06.pdf' "
        f"changed since it was taken in (its SHA-256 was {first}): a voucher is kept as it "
        "was; name the new file differently"
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param(-5, "amounts cannot be negative: -5", id="number"),
        pytest.param(
            "-5", "amounts cannot carry a sign: '-5' (write e.g. 44058 or 44.058,00)", id="text"
        ),
    ],
)
def test_a_negative_amount_is_refused(
    justify: Callable[..., Result],
    workbook: Workbook,
    tmp_path: Path,
    amount: object,
    message: str,
) -> None:
    assert refused(justify(workbook(expense(amount=amount))), tmp_path) == [
        f"justification.xlsx: sheet 'Expenses', row 2, column G ('Invoice amount'): {message}"
    ]


def test_a_line_unknown_to_the_call_is_refused(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    path = workbook(expense(line="personel"), expense(invoice="X-1", line="Transport"))
    lines = "personnel, activities, material, communication, overheads"
    assert refused(justify(path), tmp_path) == [
        "justification.xlsx: sheet 'Expenses', row 2, column B ('Budget line'): 'personel' "
        f"is not a budget line of empowerment-2023 (did you mean 'personnel'?) (the lines are "
        f"{lines})",
        "justification.xlsx: sheet 'Expenses', row 3, column B ('Budget line'): 'Transport' "
        f"is not a budget line of empowerment-2023 (the lines are {lines})",
    ]


def test_more_problems_at_once(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    path = workbook(
        expense(amount=500, claimed=600, source="the bank"),
        expense(invoice="2", attachment="../../etc/passwd"),
        expense(invoice="3", reference="EMP23-07"),
        expense(invoice="4", reference="EMP23-02", sha="0" * 64),
        expense(invoice="5", amount=0),
    )
    funded = "EMP23-01, EMP23-03, EMP23-05, EMP23-09, EMP23-12, EMP23-14"
    sheet = "justification.xlsx: sheet 'Expenses'"
    assert refused(justify(path), tmp_path) == [
        f"{sheet}, row 2, column H ('Claimed from the grant'): € 600.00 claimed is more than "
        "the invoice's € 500.00",
        f"{sheet}, row 2, column I ('Co-financed by'): 'the bank' is not a co-financing source "
        "of empowerment-2023 (the sources are own-funds, commune, other-public)",
        f"{sheet}, row 3, column J ('Attachment'): '../../etc/passwd' is not a file of the "
        "workbook's folder: name the file (e.g. facture-017.pdf) and put it beside the workbook",
        f"{sheet}, row 4, column A ('Reference'): 'EMP23-07' is not a funded project of "
        f"empowerment-2023 (the funded projects are {funded})",
        f"{sheet}, row 5, column K ('Attachment SHA-256'): a SHA-256 without an attachment: "
        "name the file it is the hash of",
        f"{sheet}, row 6, column G ('Invoice amount'): an invoice's amount is above zero",
    ]


def test_the_bad_cells_are_marked_in_a_report(
    justify: Callable[..., Result], workbook: Workbook, tmp_path: Path
) -> None:
    report = tmp_path / "report.xlsx"
    result = justify(workbook(expense(line="personel")), "--report-xlsx", report)
    assert result.exit_code == 3
    first = read_workbook(report).sheets[0]
    assert "'personel' is not a budget line" in str(first.rows[1][-1].value)


def test_a_call_without_budget_lines_takes_no_justification(
    cli: Invoke, workbook: Workbook, demo_db: Path, tmp_path: Path
) -> None:
    text = empowerment_text()
    calls = tmp_path / "calls"
    write_call(calls, text[: text.index("budget_lines:")] + "illustrative: []\n")
    result = cli("--db", demo_db, "--calls-dir", calls, "justify", workbook(expense()))
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: empowerment-2023 has no budget lines: its expenses cannot be justified (add "
        "'budget_lines:' to the call's definition, see docs/call-definition.md)\n",
    )


# -- the template ---------------------------------------------------------------------------


def test_the_template_of_one_project(cli: Invoke, demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "justification-EMP23-03.xlsx"
    result = cli(
        "--db", demo_db, "template", "justification", "EMP23-03", "-o", out, "--lang", "nl"
    )
    assert " ".join(result.stdout.split()) == (
        f"Wrote {out} for empowerment-2023 (25 rows): fill in the expenses, put the supporting "
        f"documents beside it, then 'slrbcall justify {out}'."
    )
    book = read_workbook(out)
    sheet = book.sheets[0]
    assert sheet.name == "Uitgaven"
    assert [c.value for c in sheet.rows[0]][:5] == [
        "Referentie *",
        "Projecttitel",
        "Begrotingspost *",
        "Leverancier *",
        "Factuurnummer *",
    ]
    assert [c.value for c in sheet.rows[1]][:2] == ["EMP23-03", "Digitale inclusie"]
    assert book.properties["slrbcall.template"] == "justification"
    taken = cli("--db", demo_db, "justify", out)
    assert taken.stdout.endswith("25 rows without an expense were left out.\n")


def test_the_template_needs_a_project_or_all(cli: Invoke, demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert cli("--db", demo_db, "template", "justification", "-o", out).exit_code == 2
    every = cli("--db", demo_db, "template", "justification", "--all", "-o", out)
    assert every.stdout.startswith(f"Wrote {out} for empowerment-2023 (6 rows)")


def test_every_header_and_alias_is_documented() -> None:
    from slrbcall.followup.justification_sheets import JUSTIFICATION_COLUMNS

    from .conftest import REPO

    doc = (REPO / "docs" / "followup.md").read_text(encoding="utf-8")
    for column in JUSTIFICATION_COLUMNS:
        assert f"`{column.key}`" in doc
        for name in (*column.labels.values(), *column.aliases):
            assert name in doc, f"docs/followup.md does not name the header '{name}'"
