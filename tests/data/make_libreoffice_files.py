"""Rebuild the LibreOffice-saved workbooks in this folder (see README.md).

Run from the repository root: ``.venv/bin/python tests/data/make_libreoffice_files.py``.
It writes source workbooks with openpyxl in a temporary folder, has LibreOffice
save the first as .ods, then that .ods as .xlsx, and the second as a legacy .xls,
so every file here is LibreOffice's own output. Needs ``soffice`` on PATH.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEM = "libreoffice-applications-fr"
LEGACY = "libreoffice-legacy"
HEADER = [
    "Référence",
    "Société de logement",
    "Partenaire",
    "Titre du projet",
    "Thème",
    "Montant demandé",
    "Durée (mois)",
    "Date de début",
    "Langue",
    "Habitants visés",
    "Contact",
    "E-mail",
]
# Applicants are real Brussels housing companies (SISP); partners, titles,
# contacts and e-mail addresses are invented for the tests.
ROWS = [
    [
        "EMP23-001",
        "Log'iris",
        "ASBL Potagers en Partage",
        "Potagers partagés au pied des immeubles",
        "Alimentation durable",
        44058,
        12,
        datetime.date(2024, 1, 1),
        "fr",
        120,
        "Claire Dubois",
        "c.dubois@example.org",
    ],
    [
        "EMP23-002",
        "Foyer Schaerbeekois",
        "ASBL Parents Solo Ensemble",
        "Un relais pour les familles monoparentales",
        "Monoparentalité",
        38500.5,
        12,
        datetime.date(2024, 1, 15),
        "fr",
        60,
        "Karim El Amrani",
        "k.elamrani@example.org",
    ],
    [
        "EMP23-003",
        "Binhôme",
        "ASBL Clés Numériques",
        "L’atelier des clés numériques",
        "Fracture numérique",
        25000,
        12,
        datetime.date(2024, 2, 1),
        "fr",
        85,
        "Anne Peeters",
        "a.peeters@example.org",
    ],
]
# Excel's code for "44.058,00 €" in French (Belgium): [$€-80C] names the locale.
AMOUNT_FORMAT = "#,##0.00\\ [$€-80C]"
DATE_FORMAT = "dd/mm/yyyy"


def write_source(path: Path) -> None:
    import openpyxl
    from openpyxl.packaging.custom import StringProperty

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Candidatures"
    sheet.append(["Appel à projets Empowerment 2023 — candidatures reçues"])
    sheet.append(["SLRB – Direction de l’Action sociale, situation au 30/09/2023"])
    sheet.merge_cells("A1:L1")
    sheet.append(HEADER)
    for values in ROWS:
        sheet.append(values)
    for row in range(4, 4 + len(ROWS)):
        sheet[f"F{row}"].number_format = AMOUNT_FORMAT
        sheet[f"H{row}"].number_format = DATE_FORMAT
    book.properties.title = "Candidatures Empowerment 2023"
    book.custom_doc_props.append(StringProperty(name="slrbcall.call", value="empowerment-2023"))
    book.save(path)


def write_legacy_source(path: Path) -> None:
    """A small sheet for the .xls tests: exact numbers, text digits, errors, a hidden row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Feuil1"
    sheet.append(["Référence", "Montant demandé", "Calcul"])
    sheet.append(["00123", 44058.1, "=1/0"])
    sheet.append(["00124", 12, "=B3*2"])
    sheet.append(["Total", "=SUM(B2:B3)", "=NA()"])
    sheet.row_dimensions[3].hidden = True
    sheet.merge_cells("A6:B6")
    sheet["A6"] = "fusion"
    book.save(path)


def convert(source: Path, target_format: str, outdir: Path, profile: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = outdir / f"{source.stem}.{target_format}"
    if not result.exists():
        raise SystemExit(f"LibreOffice did not write {result}")
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        profile = work / "lo-profile"
        source = work / "source" / f"{STEM}.xlsx"
        source.parent.mkdir()
        write_source(source)
        ods = convert(source, "ods", work / "ods", profile)
        xlsx = convert(ods, "xlsx", work / "xlsx", profile)
        legacy = work / "source" / f"{LEGACY}.xlsx"
        write_legacy_source(legacy)
        xls = convert(legacy, "xls", work / "xls", profile)
        for made in (ods, xlsx, xls):
            shutil.copyfile(made, HERE / made.name)
            print(f"wrote {HERE / made.name}")


if __name__ == "__main__":
    main()
