"""`slrbcall report` and `slrbcall export 360giving` on the shipped example."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from .conftest import REPO, Invoke, empowerment_text, write_call

EXAMPLES = REPO / "examples"


@pytest.fixture
def db(demo_db: Path) -> Path:
    """The demo's workspace: run 2 in force (EMP23-01 funded from the reserve in EMP23-07's
    place), followed up."""
    return demo_db


def test_report_states_the_acceptance_figures(cli: Invoke, db: Path) -> None:
    data = json.loads(cli("--db", db, "report", "--json").stdout)
    assert data["applications"]["received"] == 15
    assert data["applications"]["companies"] == 13
    assert data["decisions"]["funded"] == 6
    assert data["grant"] == {"minimum": "10000.00", "maximum": "65000.00", "duration_months": 12}
    assert (data["money"]["requested"], data["money"]["budget"]) == ("650000.00", "255000.00")
    assert data["money"]["awarded"] == "247500.00"
    assert data["money"]["remainder"] == "7500.00"
    by_theme = data["by_theme"]
    assert sum(int(g["requested"].split(".")[0]) for g in by_theme) == 650000


def test_report_for_people_and_the_workbook(cli: Invoke, db: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "report.xlsx"
    result = cli("--db", db, "report", "--xlsx", out)
    assert result.exit_code == 0, result
    assert "15 from 13 housing companies" in result.stdout
    assert "€ 650,000.00 against a budget of € 255,000.00 (2.55× the budget)" in result.stdout
    assert "6 (6 in full, 0 partly)" in result.stdout
    book = openpyxl.load_workbook(out)
    assert "Summary" in book.sheetnames
    assert any(sheet._charts for sheet in book.worksheets)


def test_export_360giving_json_and_csv(cli: Invoke, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "grants.json"
    result = cli("--db", db, "export", "360giving", "-o", out, "--prefix", "360G-test")
    assert result.exit_code == 0, result
    assert result.stdout.strip() == f"Wrote 6 grants to {out}."
    grants = json.loads(out.read_text(encoding="utf-8"))["grants"]
    assert len(grants) == 6
    assert all(g["id"].startswith("360G-test-empowerment-2023-EMP23-") for g in grants)
    assert sorted(g["amountAwarded"] for g in grants) == [30000, 35000, 41500, 44000, 45000, 52000]
    csv_out = tmp_path / "grants.csv"
    assert cli("--db", db, "export", "360giving", "-o", csv_out).exit_code == 0
    with csv_out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert {row["Currency"] for row in rows} == {"EUR"}


def test_the_open_data_speaks_one_language(cli: Invoke, tmp_path: Path) -> None:
    """A call that does not name its open data's language: the export asks for one,
    and --lang names every organisation and the programme in it, whatever each
    project's language."""
    open_data = (
        "\nopen_data:                     # the 360Giving export names every organisation in "
        "one language\n  language: fr\n"
    )
    folder = tmp_path / "calls"
    write_call(folder, empowerment_text(**{open_data: ""}))
    out = tmp_path / "demo"
    assert cli("--calls-dir", folder, "demo", "--out", out).exit_code == 0
    args = ("--calls-dir", folder, "--db", out / "slrbcall.db", "export", "360giving")
    refused = cli(*args, "-o", tmp_path / "grants.json")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: the open data of empowerment-2023 speaks one language: pass --lang nl or "
        "--lang fr, or set 'open_data: {language: nl}' in the call's definition\n"
    )
    assert not (tmp_path / "grants.json").exists()
    done = cli(*args, "-o", tmp_path / "grants.json", "--lang", "nl")
    assert done.exit_code == 0, done
    grants = json.loads((tmp_path / "grants.json").read_text(encoding="utf-8"))["grants"]
    funders = {g["fundingOrganization"][0]["name"] for g in grants}
    assert funders == {"Brusselse Gewestelijke Huisvestingsmaatschappij"}
    assert {g["grantProgramme"][0]["title"] for g in grants} == {"Projectoproep Empowerment 2023"}
    molenbeek = next(g for g in grants if g["id"].endswith("EMP23-09"))
    assert molenbeek["recipientOrganization"][0]["name"] == "Molenbeekse Huisvesting"
    assert molenbeek["recipientOrganization"][0]["alternateName"] == "Le Logement Molenbeekois"


def test_export_refuses_another_format(cli: Invoke, db: Path, tmp_path: Path) -> None:
    result = cli("--db", db, "export", "360giving", "-o", tmp_path / "grants.xlsx")
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == f"Error: {tmp_path / 'grants.xlsx'}: name a .json or a .csv file"
    )


def test_report_shows_the_outcomes_after_monitoring(cli: Invoke, db: Path) -> None:
    data = json.loads(cli("--db", db, "report", "--json").stdout)
    totals = data["outcomes"]["totals"]
    # The call's published outcome: about 200 residents involved, nearly 100 trained,
    # 45 activities per project on average.
    assert totals["residents_involved"] == 202
    assert totals["residents_trained"] == 98
    assert totals["average_activities"] == "45.0"
    digital = next(p for p in data["outcomes"]["projects"] if p["reference"] == "EMP23-03")
    assert digital["participants"] > 60
