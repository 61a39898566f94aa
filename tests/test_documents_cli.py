"""Conventions and letters through the command line, read back like a reader would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Invoke


@pytest.fixture
def db(demo_db: Path) -> Path:
    """The demo's workspace: its decision in force is run 2 (EMP23-07 withdrew in January
    2024, EMP23-01 was funded from the reserve)."""
    return demo_db


def document_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def test_conventions_of_the_funded_projects(cli: Invoke, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "conventions"
    result = cli("--db", db, "render-conventions", "--out", out, "--date", "2024-01-15", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    assert len(data["files"]) == 6  # one per funded project, in its own language
    assert not [f for f in data["files"] if "EMP23-07" in f]  # withdrawn
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["file"] for entry in manifest["files"]} == set(data["files"])
    text = document_text(out / "empowerment-2023_EMP23-09_convention_fr.docx")
    assert "Mimosa 1080" in text
    assert "52\u202f000,00\u00a0€ (cinquante-deux mille euros)" in text
    assert "du 1er janvier 2024 au 31 décembre 2024" in text
    assert "26\u202f000,00\u00a0€" in text  # the first tranche, 50 %
    assert "Fait à Bruxelles, le 15 janvier 2024" in text
    assert "{{" not in text
    assert "{%" not in text
    dutch = document_text(out / "empowerment-2023_EMP23-14_convention_nl.docx")
    assert "€\u00a044.000,00 (vierenveertigduizend euro)" in dutch
    assert "van 1 januari 2024 tot 31 december 2024" in dutch
    reserve = document_text(out / "empowerment-2023_EMP23-01_convention_fr.docx")
    assert "35\u202f000,00\u00a0€ (trente-cinq mille euros)" in reserve
    assert "17\u202f500,00\u00a0€" in reserve  # the first tranche, 50 %


def test_letters_for_every_application(cli: Invoke, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    result = cli("--db", db, "render-letters", "--out", out, "--date", "2024-01-15", "--json")
    assert result.exit_code == 0, result
    files = json.loads(result.stdout)["files"]
    assert len(files) == 14  # every application but the withdrawn EMP23-07
    assert sum("letter-award" in f for f in files) == 6
    assert sum("letter-reserve" in f for f in files) == 8  # the call keeps a reserve list
    reserve = document_text(out / "empowerment-2023_EMP23-13_letter-reserve_fr.docx")
    assert "liste de réserve de l'appel, à la place 1 sur 8." in reserve
    assert "Le projet est classé 7e sur 15, avec un score de 70,05 sur 100." in reserve
    assert (
        "lorsque son tour est venu sur la liste de réserve, il ne restait que "
        "42\u202f500,00\u00a0€ des moyens disponibles après une renonciation."
    ) in reserve
    assert "La liste de réserve est valable jusqu'au 30 juin 2024." in reserve
    assert "Nous vous informerons si des moyens sont libérés pour votre projet." in reserve
    dutch = document_text(out / "empowerment-2023_EMP23-15_letter-reserve_nl.docx")
    assert "op de reservelijst van de oproep, op plaats 7 van 8." in dutch
    assert "De reservelijst is geldig tot 30 juni 2024." in dutch
    assert "{{" not in reserve + dutch


def test_after_the_reserve_s_validity_the_letters_are_refusals(
    cli: Invoke, db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "outbox"
    result = cli("--db", db, "render-letters", "--out", out, "--date", "2024-07-01", "--json")
    files = json.loads(result.stdout)["files"]
    assert sum("letter-refusal" in f for f in files) == 8
    assert not [f for f in files if "letter-reserve" in f]
    refusal = document_text(out / "empowerment-2023_EMP23-13_letter-refusal_fr.docx")
    assert "Le projet est classé 7e sur 15, avec un score de 70,05 sur 100." in refusal
    assert "il ne restait que 42\u202f500,00\u00a0€ des moyens disponibles" in refusal
    assert "liste de réserve est valable" not in refusal


def test_after_a_reallocation_letters_follow_the_new_decision(
    cli: Invoke, scored_db: Path, tmp_path: Path
) -> None:
    """The reserve project funded by the reallocation gets an award letter; the withdrawn
    one gets nothing; the others stay on the reserve, renumbered."""
    import shutil

    db = tmp_path / "ws.db"
    shutil.copy(scored_db, db)
    call = ("--db", db, "--call", "empowerment-2023")
    assert cli(*call, "allocate").exit_code == 0
    assert cli(*call, "allocations", "adopt", "1").exit_code == 0
    assert cli(
        *call, "withdraw", "EMP23-07", "--date", "2024-03-01", "--reason", "closed",
        "--today", "2024-03-02",
    ).exit_code == 0  # fmt: skip
    refused = cli(*call, "render-letters", "--out", tmp_path / "x", "--only", "EMP23-07")
    assert refused.exit_code == 1
    assert (
        refused.stderr.strip() == "Error: EMP23-07 was withdrawn: it gets no convention or letter"
    )
    assert cli(*call, "reallocate", "--today", "2024-03-02").exit_code == 0
    assert cli(*call, "allocations", "adopt", "2").exit_code == 0
    out = tmp_path / "outbox"
    result = cli(*call, "render-letters", "--out", out, "--date", "2024-03-05", "--json")
    files = json.loads(result.stdout)["files"]
    assert len(files) == 14
    assert "empowerment-2023_EMP23-01_letter-award_fr.docx" in files
    assert not [f for f in files if "EMP23-07" in f]
    award = document_text(out / "empowerment-2023_EMP23-01_letter-award_fr.docx")
    assert "une subvention de 35\u202f000,00\u00a0€ (trente-cinq mille euros)" in award
    reserve = document_text(out / "empowerment-2023_EMP23-04_letter-reserve_fr.docx")
    assert "à la place 2 sur 8." in reserve


def test_both_languages_and_one_reference(cli: Invoke, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "one"
    result = cli(
        "--db",
        db,
        "render-conventions",
        "--out",
        out,
        "--only",
        "EMP23-03",
        "--lang",
        "both",
        "--json",
    )
    assert json.loads(result.stdout)["files"] == [
        "empowerment-2023_EMP23-03_convention_nl.docx",
        "empowerment-2023_EMP23-03_convention_fr.docx",
    ]


def test_context_for_template_authors(cli: Invoke, db: Path) -> None:
    result = cli(
        "--db", db, "render-conventions", "--context", "EMP23-03", "--lang", "fr", "--json"
    )
    assert result.exit_code == 0, result
    (context,) = json.loads(result.stdout)
    assert context["amount_words"] == "quarante-cinq mille euros"
    assert context["theme_label"] == "Fracture numérique"


def test_without_an_allocation(cli: Invoke, tmp_path: Path) -> None:
    from .conftest import REPO

    db = tmp_path / "ws.db"
    assert (
        cli(
            "--db",
            db,
            "--call",
            "empowerment-2023",
            "intake",
            REPO / "examples" / "applications.xlsx",
        ).exit_code
        == 0
    )
    result = cli("--db", db, "render-conventions", "--out", tmp_path / "c")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no allocation for empowerment-2023 yet: run 'slrbcall allocate --budget AMOUNT'"
    )
    assert not (tmp_path / "c").exists()


def test_pdf_without_libreoffice(
    cli: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLRBCALL_SOFFICE", "")
    result = cli("--db", db, "render-conventions", "--out", tmp_path / "c", "--pdf")
    assert result.exit_code == 5
    assert result.stderr.startswith(
        "Error: --pdf needs LibreOffice, which was not found: install LibreOffice"
    )
    assert not (tmp_path / "c").exists()


def test_templates_init_and_check(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    assert cli("templates", "init", folder).exit_code == 0
    assert (folder / "convention.fr.docx").exists()
    result = cli("--templates-dir", folder, "templates", "check")
    assert result.exit_code == 0, result
    assert result.stdout.strip() == "12 templates checked: no problem."
    again = cli("templates", "init", folder)
    assert again.exit_code == 1
    (folder / "letter-award.nl.docx").unlink()
    broken = cli("--templates-dir", folder, "templates", "check")
    assert broken.exit_code == 3
    assert "letter-award.nl.docx" in broken.stderr


def test_each_blank_is_named_and_strict_refuses(cli: Invoke, db: Path, tmp_path: Path) -> None:
    """The shipped registry holds no enterprise number nor account for the companies:
    each blank is a line, and --strict writes nothing."""
    out = tmp_path / "strict"
    args = ("--db", db, "render-conventions", "--only", "EMP23-09", "--date", "2023-12-15")
    refused = cli(*args, "--out", out, "--strict")
    assert refused.exit_code == 3
    name = "empowerment-2023_EMP23-09_convention_fr.docx"
    lines = refused.stderr.splitlines()
    assert lines[0] == (
        f"{name}: no enterprise number (BCE/KBO) for Société du Logement de la Région de"
        " Bruxelles-Capitale (authority)"
    )
    assert (
        f"{name}: no IBAN for Le Logement Molenbeekois (housing company), who receives the grant"
        in lines
    )
    assert lines[-1] == f"{len(lines) - 1} problems; nothing was stored."
    assert not out.exists()
    rendered = cli(*args, "--out", out, "--json")
    assert rendered.exit_code == 0, rendered
    warnings = json.loads(rendered.stdout)["warnings"]
    assert warnings == lines[:-1]
    assert refused.stderr.count("\n") - 1 == rendered.stderr.count("Warning: ")


def test_a_letter_is_addressed_signed_and_says_how_to_appeal(
    cli: Invoke, db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "outbox"
    args = ("--db", db, "render-letters", "--out", out, "--date", "2023-12-15", "--lang", "both")
    assert cli(*args, "--only", "EMP23-13").exit_code == 0
    fr = document_text(out / "empowerment-2023_EMP23-13_letter-reserve_fr.docx")
    for expected in (
        "À l'attention de Porteur du projet EMP23-13",
        "Comensia",
        "Par sa décision du 5\u00a0décembre 2023, le conseil d'administration de la SLRB",
        "dans le cadre de l'appel à projets Empowerment 2023",
        # run 2 is in force: EMP23-01 was funded from the reserve after a withdrawal
        "Le dernier projet financé a obtenu un score de 69,65 sur 100.",
        "Renforcement du pouvoir d'agir\u00a0: ",
        "devant le Conseil d'État, rue de la Science 33, 1040 Bruxelles, dans un délai de"
        " soixante (60) jours à compter de sa notification",
        "le Médiateur bruxellois, place de la Vieille Halle aux Blés 1, 1000 Bruxelles",
        "plaintes@ombuds.brussels",
        "Pour toute question, vous pouvez contacter Jan Voorbeeld",
        "Jeanne Exemple\nDirectrice générale",
        "Copie\u00a0: ASBL Murs Vivants",
    ):
        assert expected.replace("5\u00a0décembre", "5 décembre") in fr, expected
    nl = document_text(out / "empowerment-2023_EMP23-13_letter-reserve_nl.docx")
    for expected in (
        "Ter attentie van Porteur du projet EMP23-13",
        "Bij beslissing van 5 december 2023 heeft de raad van bestuur van de BGHM",
        "bij de Raad van State, Wetenschapsstraat 33, 1040 Brussel, een beroep tot"
        " nietigverklaring instellen binnen zestig (60) dagen na de kennisgeving ervan",
        "de Brusselse Ombudsman, Oud Korenhuis 1, 1000 Brussel",
        "Kopie: ASBL Murs Vivants",
    ):
        assert expected in nl, expected
    assert "Description" not in nl
