"""The settlement: the issue's worked example with exact output, the letters read back in
both languages, the last payment, recoveries, and what a settled project refuses."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from slrbcall.demo import run_settlement_demo
from slrbcall.settings import Settings

from .conftest import INTEGRITY, Invoke, Result, raw
from .test_review import EXAMPLES, decide_in

Cli = Callable[..., Result]

pytestmark = pytest.mark.both_backends

#: The officer decides otherwise of EMP23-03: € 30,000 admitted instead of € 43,200.
THIRTY_THOUSAND = {
    "LON-2024-12": ("partiellement admis", 7300, "partly_eligible", "Mi-temps"),
    "F-2024-0117": ("rejeté", None, "voucher_missing", None),
    "OH-2024": ("partiellement admis", 2700, "partly_eligible", None),
}


@pytest.fixture
def reviewed(cli: Invoke, demo_db: Path) -> Cli:
    """The demo's workspace (EMP23-03: € 45,000, tranches 1 and 2 paid, € 36,000) with the
    example's expenses of EMP23-03 and EMP23-05 taken in and the example's review."""

    def run(*args: str | Path) -> Result:
        return cli("--db", demo_db, *args)

    for reference in ("EMP23-03", "EMP23-05"):
        taken = run("justify", EXAMPLES / f"{reference}.xlsx", "--today", "2025-04-30")
        assert taken.exit_code == 0, taken
    assert run("justification", "decide", EXAMPLES / "review.xlsx").exit_code == 0
    return run


def letter_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


# -- the worked example -------------------------------------------------------------------


def test_43200_admitted_makes_the_last_payment_7200(reviewed: Cli, tmp_path: Path) -> None:
    out = tmp_path / "settlements"
    result = reviewed(
        "settle", "EMP23-03", "--date", "2025-04-15", "--today", "2025-04-30", "--out", out
    )
    assert result.exit_code == 0, result
    assert "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n" == (
        "EMP23-03: settlement on 2025-04-15\n"
        "┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━┓\n"
        "┃ budget line            ┃     claimed ┃    reviewed ┃    admitted ┃ rule ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━┩\n"
        "│ Frais de personnel     │ € 22,600.00 │ € 22,600.00 │ € 22,600.00 │      │\n"
        "│ Activités              │  € 4,550.00 │  € 4,200.00 │  € 4,200.00 │      │\n"
        "│ Matériel et équipement │  € 9,680.00 │  € 8,000.00 │  € 8,000.00 │      │\n"
        "│ Communication          │  € 5,500.00 │  € 5,500.00 │  € 4,500.00 │ cap  │\n"
        "│ Frais généraux         │  € 3,900.00 │  € 3,900.00 │  € 3,900.00 │      │\n"
        "└────────────────────────┴─────────────┴─────────────┴─────────────┴──────┘\n"
        "Award € 45,000.00; claimed € 46,230.00; admitted € 43,200.00; paid € 36,000.00.\n"
        "Last payment: € 7,200.00 as tranche 3 (planned: € 9,000.00).\n"
        "Recorded the settlement of EMP23-03 (it is in the audit).\n"
        f"Rendered its letter in {out}: empowerment-2023_EMP23-03_settlement_nl.docx.\n"
    )
    payments = json.loads(reviewed("payments", "--today", "2025-04-30", "--json").stdout)
    (project,) = [p for p in payments["projects"] if p["reference"] == "EMP23-03"]
    assert [(t["amount"], t["status"]) for t in project["tranches"]] == [
        ("22500.00", "paid"),
        ("13500.00", "paid"),
        ("7200.00", "blocked"),
    ]
    assert project["award"] == "43200.00"
    more = reviewed(
        "payments", "record", "EMP23-03", "--tranche", "3", "--date", "2025-04-25",
        "--amount", "9000", "--force", "--reason", "as planned", "--today", "2025-04-30",
    )  # fmt: skip
    assert more.stderr == (
        "Error: cannot pay tranche 3 of EMP23-03: paying € 9,000.00 would bring the project's "
        "payments to € 45,000.00, above its award of € 43,200.00\n"
    )
    assert reviewed(
        "followup", "record", "EMP23-03", "--milestone", "final_report", "--date",
        "2025-03-20", "--today", "2025-04-30",
    ).exit_code == 0  # fmt: skip
    last = reviewed(
        "payments", "record", "EMP23-03", "--tranche", "3", "--date", "2025-04-25",
        "--today", "2025-04-30",
    )  # fmt: skip
    assert last.stdout == (
        "Recorded the payment of tranche 3 of EMP23-03: € 7,200.00 on 2025-04-25. Paid so "
        "far: € 43,200.00 of € 43,200.00.\n"
    )


def test_30000_admitted_makes_6000_to_recover(
    reviewed: Cli, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The letters' line names the output folder: however long the temporary folder's
    # path is, the line is read whole.
    monkeypatch.setenv("COLUMNS", "400")
    changed = decide_in(EXAMPLES / "review.xlsx", THIRTY_THOUSAND, out=tmp_path / "review.xlsx")
    taken = reviewed("justification", "decide", changed)
    assert "0 new, 3 changed, 10 unchanged" in taken.stdout
    out = tmp_path / "settlements"
    result = reviewed(
        "settle", "EMP23-03", "--date", "2025-04-15", "--today", "2025-04-30", "--out", out,
        "--lang", "both",
    )  # fmt: skip
    assert result.exit_code == 0, result
    said = result.stdout.splitlines()
    assert said[4:9] == [
        "│ Frais de personnel     │ € 22,600.00 │ € 18,600.00 │ € 18,600.00 │      │",
        "│ Activités              │  € 4,550.00 │  € 4,200.00 │  € 4,200.00 │      │",
        "│ Matériel et équipement │  € 9,680.00 │      € 0.00 │      € 0.00 │      │",
        "│ Communication          │  € 5,500.00 │  € 5,500.00 │  € 4,500.00 │ cap  │",
        "│ Frais généraux         │  € 3,900.00 │  € 2,700.00 │  € 2,700.00 │      │",
    ]
    assert said[10:] == [
        "Award € 45,000.00; claimed € 46,230.00; admitted € 30,000.00; paid € 36,000.00.",
        "To recover: € 6,000.00, due by 2025-05-15.",
        "Recorded the settlement of EMP23-03 (it is in the audit).",
        f"Rendered its letter in {out}: empowerment-2023_EMP23-03_settlement_nl.docx, "
        "empowerment-2023_EMP23-03_settlement_fr.docx.",
    ]
    nl = letter_text(out / "empowerment-2023_EMP23-03_settlement_nl.docx")
    fr = letter_text(out / "empowerment-2023_EMP23-03_settlement_fr.docx")
    for text in (nl, fr):
        assert "{{" not in text
        assert "{%" not in text
    assert "het aanvaarde bedrag € 30.000,00 (dertigduizend euro)" in nl
    assert "U hebt € 6.000,00 meer ontvangen dan het aanvaarde bedrag" in nl
    assert "(zesduizend euro) terug te betalen uiterlijk op 15 mei 2025" in nl
    assert (
        "– Voorbeeld Computers bv, factuur F-2024-0117 (Materiaal en uitrusting): verworpen, "
        "€ 0,00 aanvaard van € 9.680,00. Het bewijsstuk ontbreekt of is onleesbaar."
    ) in nl
    assert "Tegen deze beslissing kunt u bij de Raad van State" in nl
    assert "een beroep tot nietigverklaring instellen binnen zestig (60) dagen" in nl
    assert "Brusselse Ombudsman" in nl
    assert "le montant admis est de 30 000,00 € (trente mille euros)" in fr
    assert "rembourser 6 000,00 € (six mille euros) au plus tard le 15 mai 2025" in fr
    assert (
        "– Restaurant Voorbeeld, facture T-889 (Activités) : rejeté, 0,00 € admis sur "
        "350,00 €. La dépense ne sert pas l'objet du projet. Repas d'équipe"
    ) in fr
    assert "recours en annulation contre cette décision devant le Conseil d'État" in fr
    assert "Médiateur bruxellois" in fr
    assert "plafond du poste" in fr
    recovery = json.loads(reviewed("recovery", "list", "--json").stdout)
    assert recovery == [
        {
            "reference": "EMP23-03",
            "due": "6000.00",
            "due_by": "2025-05-15",
            "recovered": "0.00",
            "outstanding": "6000.00",
        }
    ]


def test_the_settlement_json_is_exact(reviewed: Cli) -> None:
    result = reviewed(
        "settle", "EMP23-05", "--date", "2025-04-15", "--today", "2025-04-30", "--dry-run",
        "--json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data == {
        "call": "empowerment-2023",
        "outcome": "dry-run",
        "reference": "EMP23-05",
        "date": "2025-04-15",
        "award": "41500.00",
        "claimed": "32660.00",
        "lines": [
            {
                "line": "personnel",
                "claimed": "18000.00",
                "reviewed": "13800.00",
                "admitted": "13800.00",
                "rule": None,
            },
            {
                "line": "activities",
                "claimed": "3200.00",
                "reviewed": "3200.00",
                "admitted": "3200.00",
                "rule": None,
            },
            {
                "line": "material",
                "claimed": "7260.00",
                "reviewed": "6000.00",
                "admitted": "6000.00",
                "rule": None,
            },
            {
                "line": "communication",
                "claimed": "1800.00",
                "reviewed": "1800.00",
                "admitted": "1800.00",
                "rule": None,
            },
            {
                "line": "overheads",
                "claimed": "2400.00",
                "reviewed": "2400.00",
                "admitted": "2400.00",
                "rule": None,
            },
        ],
        "admitted_by_lines": "27200.00",
        "admitted": "27200.00",
        "paid": "33200.00",
        "balance": "-6000.00",
        "last_payment": "0.00",
        "last_tranche": None,
        "recovery": "6000.00",
        "recovery_due": "2025-05-15",
        "tranches": [
            {"number": 1, "planned": "20750.00", "amount": "20750.00"},
            {"number": 2, "planned": "12450.00", "amount": "12450.00"},
            {"number": 3, "planned": "8300.00", "amount": "0.00"},
        ],
        "files": [],
        "pdfs": [],
    }


def test_the_demo_step_settles_both(demo_db: Path, tmp_path: Path) -> None:
    done = run_settlement_demo(Settings(db=demo_db), out=tmp_path / "settlements")
    paid, owes = (x.settlement for x in done.settled)
    assert (paid.reference, paid.admitted_cents, paid.last_payment_cents) == (
        "EMP23-03",
        43_200_00,
        7_200_00,
    )
    assert (owes.reference, owes.admitted_cents, owes.recovery_cents, owes.recovery_due) == (
        "EMP23-05",
        27_200_00,
        6_000_00,
        dt.date(2025, 5, 15),
    )
    assert done.last_payment.payment.amount_cents == 7_200_00
    assert [f for x in done.settled for f in x.files] == [
        "empowerment-2023_EMP23-03_settlement_nl.docx",
        "empowerment-2023_EMP23-05_settlement_fr.docx",
    ]


# -- recoveries ----------------------------------------------------------------------------


def test_a_recovery_is_recorded_up_to_what_is_due(reviewed: Cli, tmp_path: Path) -> None:
    assert reviewed(
        "settle", "EMP23-05", "--date", "2025-04-15", "--today", "2025-04-30", "--out",
        tmp_path,
    ).exit_code == 0  # fmt: skip
    first = reviewed(
        "recovery", "record", "EMP23-05", "--amount", "2000", "--date", "2025-05-02",
        "--today", "2025-05-20",
    )  # fmt: skip
    assert first.stdout == (
        "Recorded € 2,000.00 back from EMP23-05 on 2025-05-02: € 2,000.00 of € 6,000.00 "
        "recovered, € 4,000.00 still due.\n"
    )
    too_much = reviewed(
        "recovery", "record", "EMP23-05", "--amount", "4000,01", "--date", "2025-04-14",
        "--today", "2025-05-20",
    )  # fmt: skip
    assert too_much.stderr == (
        "Error: cannot record a recovery of EMP23-05: € 4,000.01 is more than the € 4,000.00 "
        "still due (of € 6,000.00); the date 2025-04-14 is before the settlement (2025-04-15)\n"
    )
    nothing = reviewed(
        "recovery", "record", "EMP23-03", "--amount", "10", "--date", "2025-05-02",
        "--today", "2025-05-20",
    )  # fmt: skip
    assert nothing.stderr == (
        "Error: EMP23-03 is not settled: there is no recovery to record (settle it with "
        "'slrbcall settle EMP23-03')\n"
    )
    assert (
        reviewed(
            "recovery", "record", "EMP23-05", "--amount", "-5", "--date", "2025-05-02"
        ).exit_code
        == 2
    )


# -- what a settlement refuses, and what a settled project refuses ------------------------


def test_a_project_is_settled_once_its_expenses_are_reviewed(
    cli: Invoke, demo_db: Path, tmp_path: Path
) -> None:
    taken = cli("--db", demo_db, "justify", EXAMPLES / "EMP23-03.xlsx", "--today", "2025-04-30")
    assert taken.exit_code == 0
    result = cli("--db", demo_db, "settle", "EMP23-03", "--today", "2025-04-30")
    assert result.stderr == (
        "Error: cannot settle EMP23-03: 7 expenses of EMP23-03 are not reviewed yet (invoice "
        "'2024/031' of 'Buurthuis Voorbeeld vzw', invoice 'D-4471' of 'Drukkerij Voorbeeld', "
        "invoice 'F-2024-0117' of 'Voorbeeld Computers bv', invoice 'LON-2024-06' of "
        "'Sociaal secretariaat Voorbeeld', invoice 'LON-2024-12' of 'Sociaal secretariaat "
        "Voorbeeld', ...): review them first ('slrbcall justification review -o FILE')\n"
    )
    later = cli(
        "--db", demo_db, "settle", "EMP23-03", "--date", "2025-05-01", "--today", "2025-04-30"
    )
    assert later.stderr == "Error: the settlement date 2025-05-01 is after today (2025-04-30)\n"
    assert cli("--db", demo_db, "settle", "EMP23-02").exit_code == 1


def test_a_settled_project_takes_no_more_expenses_reviews_or_amendments(
    reviewed: Cli, demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "settlements"
    settle = ("settle", "EMP23-03", "--date", "2025-04-15", "--today", "2025-04-30", "--out", out)
    assert reviewed(*settle).exit_code == 0
    again = reviewed(*settle)
    assert again.stdout.splitlines()[-2:] == [
        "EMP23-03 was settled on 2025-04-15: its letter is rendered again.",
        f"Rendered its letter in {out}: empowerment-2023_EMP23-03_settlement_nl.docx.",
    ]
    justified = reviewed("justify", EXAMPLES / "EMP23-03.xlsx", "--today", "2025-04-30")
    assert justified.exit_code == 3
    assert justified.stderr.splitlines()[0].endswith(
        "('Referentie *'): EMP23-03 was settled on 2025-04-15: a settled project takes no "
        "more expenses"
    )
    decided = reviewed("justification", "decide", EXAMPLES / "review.xlsx")
    assert "EMP23-03 was settled on 2025-04-15: its expenses are reviewed no more" in decided.stderr
    amended = reviewed("amend", "EMP23-03", "--amount", "40000", "--reason", "x")
    assert amended.stderr == (
        "Error: cannot amend EMP23-03: it was settled on 2025-04-15, and the convention of a "
        "settled project is amended no more\n"
    )
    with raw(demo_db) as conn:
        with pytest.raises(INTEGRITY, match="settlements are kept"):
            conn.execute("UPDATE settlement SET admitted_cents = 0")
        with pytest.raises(INTEGRITY, match="expenses are kept"):
            conn.execute("DELETE FROM expense")
    history = reviewed("history", "EMP23-03").stdout
    assert "settle" in history


# -- the follow-up and the open data ------------------------------------------------------


@pytest.fixture
def settled(reviewed: Cli, tmp_path: Path) -> Cli:
    """Both example projects settled on 2025-04-15, EMP23-03's last tranche paid, and
    € 2,000 of EMP23-05's € 6,000 back on 2025-05-02."""
    for reference in ("EMP23-03", "EMP23-05"):
        done = reviewed(
            "settle", reference, "--date", "2025-04-15", "--today", "2025-04-30", "--out",
            tmp_path / "settlements",
        )  # fmt: skip
        assert done.exit_code == 0, done
    for step in (
        ("followup", "record", "EMP23-03", "--milestone", "final_report", "--date", "2025-03-20"),
        ("payments", "record", "EMP23-03", "--tranche", "3", "--date", "2025-04-25"),
        ("recovery", "record", "EMP23-05", "--amount", "2000", "--date", "2025-05-02"),
    ):
        done = reviewed(*step, "--today", "2025-05-20")
        assert done.exit_code == 0, done
    return reviewed


def test_the_timeline_shows_justifications_and_recoveries(settled: Cli) -> None:
    data = json.loads(settled("timeline", "--today", "2025-05-20", "--json").stdout)
    closing = [
        (i["reference"], i["key"], i["date"], i["status"], i["done_on"], i["amount"])
        for i in data["items"]
        if i["key"] in ("justification", "recovery")
    ]
    assert closing == [
        ("EMP23-01", "justification", "2025-03-31", "overdue", None, None),
        ("EMP23-03", "justification", "2025-03-31", "done", "2025-04-15", None),
        ("EMP23-05", "justification", "2025-03-31", "done", "2025-04-15", None),
        ("EMP23-09", "justification", "2025-03-31", "overdue", None, None),
        ("EMP23-12", "justification", "2025-03-31", "overdue", None, None),
        ("EMP23-14", "justification", "2025-03-31", "overdue", None, None),
        ("EMP23-05", "recovery", "2025-05-15", "overdue", None, "4000.00"),
    ]


def test_the_report_gives_the_last_mile_per_project(settled: Cli) -> None:
    data = json.loads(settled("report", "--json").stdout)["last_mile"]
    assert data[1:3] == [
        {
            "reference": "EMP23-03",
            "claimed": "46230.00",
            "admitted": "43200.00",
            "paid": "43200.00",
            "balance": "0.00",
            "recovered": "0.00",
            "settled_on": "2025-04-15",
        },
        {
            "reference": "EMP23-05",
            "claimed": "32660.00",
            "admitted": "27200.00",
            "paid": "33200.00",
            "balance": "-4000.00",
            "recovered": "2000.00",
            "settled_on": "2025-04-15",
        },
    ]
    assert data[0] == {
        "reference": "EMP23-01",
        "claimed": "0.00",
        "admitted": "0.00",
        "paid": "28000.00",
        "balance": None,
        "recovered": "0.00",
        "settled_on": None,
    }
    shown = " ".join(settled("report").stdout.split())
    assert "Justification and settlement" in shown
    assert "- € 4,000.00" in shown


def test_the_open_data_gives_what_was_disbursed(settled: Cli, tmp_path: Path) -> None:
    out = tmp_path / "grants.json"
    assert settled("export", "360giving", "-o", out).exit_code == 0
    from decimal import Decimal

    grants = {
        g["id"].removeprefix("360G-slrb-empowerment-2023-"): g
        for g in json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)["grants"]
    }
    assert grants["EMP23-03"]["amountDisbursed"] == Decimal("43200.00")
    assert grants["EMP23-05"]["amountDisbursed"] == Decimal("31200.00")
    assert grants["EMP23-05"]["disbursementTransaction"] == [
        {
            "id": "360G-slrb-empowerment-2023-EMP23-05-payment-1",
            "transactionDate": "2024-01-15",
            "currency": "EUR",
            "value": Decimal("20750.00"),
            "description": "Première tranche à la signature",  # the call's label, in French
        },
        {
            "id": "360G-slrb-empowerment-2023-EMP23-05-payment-2",
            "transactionDate": "2024-07-15",
            "currency": "EUR",
            "value": Decimal("12450.00"),
            "description": "Deuxième tranche après l'entretien intermédiaire",
        },
        {
            "id": "360G-slrb-empowerment-2023-EMP23-05-recovery-1",
            "transactionDate": "2025-05-02",
            "currency": "EUR",
            "value": Decimal("-2000.00"),
            "description": "Remboursement d'un montant non justifié",
        },
    ]
    for grant in grants.values():
        total = sum((t["value"] for t in grant.get("disbursementTransaction", [])), Decimal(0))
        assert total == grant["amountDisbursed"]
    csv_out = tmp_path / "grants.csv"
    assert settled("export", "360giving", "-o", csv_out).exit_code == 0
    assert "Amount Disbursed" in csv_out.read_text(encoding="utf-8").splitlines()[0]


def test_disbursements_that_do_not_add_up_are_refused() -> None:
    from decimal import Decimal

    from slrbcall.reports.giving360 import validate_360

    grant = {
        "Identifier": "g",
        "Title": "t",
        "Description": "d",
        "Currency": "EUR",
        "Amount Awarded": Decimal(10),
        "Amount Disbursed": Decimal(10),
        "Award Date": "2024-01-01",
        "Recipient Org:Identifier": "r",
        "Recipient Org:Name": "R",
        "Funding Org:Identifier": "f",
        "Funding Org:Name": "F",
    }
    moved = {
        "g": [
            {"id": "g-1", "transactionDate": "2024-01-15", "value": Decimal(4)},
            {"id": "g-1", "transactionDate": "15/01/2024", "value": 4.5},
        ],
        "h": [],
    }
    assert validate_360([grant], moved) == [
        "g: transaction g-1: missing or duplicate identifier",
        "g: transaction g-1: the value is not an exact number: 4.5",
        "g: transaction g-1: transactionDate is not an ISO date: '15/01/2024'",
        "g: the disbursement transactions add up to 4, not to the Amount Disbursed (10)",
        "h: disbursement transactions of a grant not in the file",
    ]
