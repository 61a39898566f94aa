"""Workbooks saved by LibreOffice itself (tests/data/README.md says how they were made)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from slrbcall.sheets import (
    Format,
    Sheet,
    choose_sheet,
    clean_text,
    find_header,
    normalise_header,
    read_amount,
    read_date,
    read_identifier,
    read_int,
)
from slrbcall.sheets.read import read_workbook

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = [
    pytest.param(DATA / "libreoffice-applications-fr.xlsx", Format.XLSX, id="xlsx"),
    pytest.param(DATA / "libreoffice-applications-fr.ods", Format.ODS, id="ods"),
]
# A caller's alias table, as intake will build one: normalised header -> field.
FIELDS = {
    "reference": "reference",
    "societe de logement": "applicant",
    "partenaire": "partner",
    "titre du projet": "title",
    "theme": "theme",
    "montant demande": "amount",
    "duree": "duration",
    "date de debut": "start",
    "langue": "language",
    "habitants vises": "residents",
    "contact": "contact",
}
REQUIRED = ["reference", "applicant", "title", "theme", "amount", "duration", "start"]


def recognise(sheet: Sheet) -> bool:
    return any(
        isinstance(cell.value, str) and normalise_header(cell.value) == "montant demande"
        for row in sheet.rows[:30]
        for cell in row
    )


@pytest.mark.parametrize(("path", "fmt"), FILES)
def test_libreoffice_workbook_reads_end_to_end(path: Path, fmt: Format) -> None:
    workbook = read_workbook(path)
    assert workbook.format is fmt
    assert workbook.properties["title"] == "Candidatures Empowerment 2023"
    assert workbook.properties["slrbcall.call"] == "empowerment-2023"

    sheet = choose_sheet(workbook, recognise=recognise, requested=None)
    assert sheet.name == "Candidatures"
    assert sheet.merged_ranges == ("A1:L1",)
    assert sheet.hidden_rows == frozenset()

    header = find_header(sheet, match=FIELDS.get, required=REQUIRED)
    assert header.row == 3
    assert header.columns["amount"] == 6
    assert header.label(7) == "Durée (mois)"
    assert header.ignored == ((12, "E-mail"),)

    data = [row for row in sheet.rows if row[0].row > header.row]
    read = [
        (
            read_identifier(row[header.columns["reference"] - 1]),
            clean_text(row[header.columns["applicant"] - 1]),
            clean_text(row[header.columns["title"] - 1]),
            read_amount(row[header.columns["amount"] - 1]),
            read_int(row[header.columns["duration"] - 1]),
            read_date(row[header.columns["start"] - 1], date1904=workbook.date1904),
            read_int(row[header.columns["residents"] - 1]),
        )
        for row in data
    ]
    assert read == [
        (
            "EMP23-001",
            "Log'iris",
            "Potagers partagés au pied des immeubles",
            4_405_800,
            12,
            datetime.date(2024, 1, 1),
            120,
        ),
        (
            "EMP23-002",
            "Foyer Schaerbeekois",
            "Un relais pour les familles monoparentales",
            3_850_050,
            12,
            datetime.date(2024, 1, 15),
            60,
        ),
        (
            "EMP23-003",
            "Binhôme",
            "L’atelier des clés numériques",
            2_500_000,
            12,
            datetime.date(2024, 2, 1),
            85,
        ),
    ]
    assert [row[0].row for row in data] == [4, 5, 6]
    assert sheet.where(5, 6, header.label(6)) == (
        f"{path.name}: sheet 'Candidatures', row 5, column F ('Montant demandé')"
    )
