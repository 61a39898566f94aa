"""The planned budget after the decision: the convention prints it, in its language and
on one page, and the settlement admits no more on a line than it planned."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from slrbcall.calls.definition import load_call
from slrbcall.documents.context import budget_keys
from slrbcall.documents.render import Renderer
from slrbcall.documents.sample import sample_context
from slrbcall.followup.settlement import line_figures

from .conftest import REPO, SHIPPED_CALLS
from .test_documents_cli import document_text

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call


# -- the convention ---------------------------------------------------------------------


def budget_table(path: Path) -> list[list[str]]:
    """The rows of the document's budget table (the one headed by the budget line)."""
    from docx import Document

    for table in Document(str(path)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][0] in ("Poste budgétaire", "Begrotingspost"):
            return rows
    return []


def test_the_convention_prints_the_budget_by_line_in_its_language(demo_run: Any) -> None:
    folder = demo_run.out_dir / "conventions"
    dutch = folder / "empowerment-2023_EMP23-03_convention_nl.docx"
    assert budget_table(dutch) == [
        ["Begrotingspost", "Voorzien bedrag"],
        ["Personeelskosten", "€\u00a023.000,00"],
        ["Activiteiten", "€\u00a05.600,00"],
        ["Materiaal en uitrusting", "€\u00a09.700,00"],
        ["Communicatie", "€\u00a04.500,00"],
        ["Algemene kosten", "€\u00a04.000,00"],
        ["Totale kosten van het project", "€\u00a046.800,00"],
        ["Cofinanciering: Gemeente", "€\u00a01.800,00"],
        ["Gevraagde subsidie", "€\u00a045.000,00"],
    ]
    text = document_text(dutch)
    assert "De begroting van het project hieronder maakt deel uit van deze overeenkomst" in text
    french = folder / "empowerment-2023_EMP23-09_convention_fr.docx"
    assert budget_table(french) == [
        ["Poste budgétaire", "Montant prévu"],
        ["Frais de personnel", "30\u202f250,00\u00a0€"],
        ["Activités", "11\u202f000,00\u00a0€"],
        ["Matériel et équipement", "6\u202f600,00\u00a0€"],
        ["Communication", "2\u202f750,00\u00a0€"],
        ["Frais généraux", "4\u202f400,00\u00a0€"],
        ["Coût total du projet", "55\u202f000,00\u00a0€"],
        ["Cofinancement\u00a0: Fonds propres", "3\u202f000,00\u00a0€"],
        ["Subvention demandée", "52\u202f000,00\u00a0€"],
    ]
    for path in folder.glob("*.docx"):
        text = document_text(path)
        assert "{{" not in text, path.name
        assert "{%" not in text, path.name
        assert budget_table(path), path.name  # every funded project planned a budget


def render(context: dict[str, Any], lang: str, out: Path) -> Path:
    out.write_bytes(Renderer(REPO / "templates" / f"convention.{lang}.docx").render(context))
    return out


def test_a_convention_without_a_budget_prints_no_table(tmp_path: Path) -> None:
    context = sample_context("convention", "fr") | budget_keys(CALL, None, 52_000_00, "fr")
    path = render(context, "fr", tmp_path / "convention.docx")
    assert budget_table(path) == []
    assert "fait partie de la présente convention" not in document_text(path)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_budget_for_more_than_the_award_says_so(tmp_path: Path, lang: str) -> None:
    context = sample_context("convention", lang)
    context |= {"amount_cents": 40_000_00, "budget_award_differs": True}
    text = document_text(render(context, lang, tmp_path / "convention.docx"))
    expected = {
        "fr": "pour une subvention demandée de 52\u202f000,00\u00a0€\u00a0; la subvention "
        "octroyée est celle de l'article 2.",
        "nl": "voor een gevraagde subsidie van €\u00a052.000,00; de toegekende subsidie is die "
        "van artikel 2.",
    }[lang]
    assert expected in text


def test_the_budget_table_is_never_split_across_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever stands before it, the table and its sentence move to the next page whole
    (LibreOffice reads Word's 'keep with next' on the rows' paragraphs)."""
    monkeypatch.delenv("SLRBCALL_SOFFICE")
    from slrbcall.documents.libreoffice import find_libreoffice
    from slrbcall.documents.pdf import convert_to_pdf

    soffice = find_libreoffice()
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("needs LibreOffice (soffice) and pdftotext (poppler-utils); CI installs both")
    documents = []
    for length in range(0, 40, 3):  # the summary pushes the table down, a few lines at a time
        context = sample_context("convention", "fr")
        context["summary"] = "Un lieu pour les mères seules de Molenbeek. " * (length * 3)
        documents.append(render(context, "fr", tmp_path / f"convention-{length:02d}.docx"))
    for pdf in convert_to_pdf(documents, out_dir=tmp_path / "pdf", soffice=soffice, timeout=300):
        pages = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout.split("\f")
        holding = [i for i, page in enumerate(pages) if "Poste budgétaire" in page]
        assert len(holding) == 1, pdf.name
        page = pages[holding[0]]
        assert "Subvention demandée" in page, pdf.name
        assert "fait partie de la présente convention" in " ".join(page.split()), pdf.name


# -- the settlement ---------------------------------------------------------------------


def test_the_settlement_admits_no_more_on_a_line_than_its_budget_planned() -> None:
    reviewed = {
        "personnel": 24_000_00,
        "activities": 7_000_00,
        "communication": 5_000_00,
        "material": 1_000_00,
        "overheads": 3_000_00,
    }
    planned = {
        "personnel": 23_000_00,
        "activities": 9_000_00,
        "communication": 6_000_00,
        "overheads": 4_000_00,
    }
    figures = line_figures(
        CALL, award_cents=45_000_00, claimed=reviewed, reviewed=reviewed, planned=planned
    )
    assert [(f.key, f.admitted_cents, f.rule) for f in figures] == [
        ("personnel", 23_000_00, "planned"),  # cut to what the convention planned
        ("activities", 7_000_00, None),
        ("material", 0, "planned"),  # planned at nothing
        ("communication", 4_500_00, "cap"),  # the call's cap cuts first
        ("overheads", 3_000_00, None),  # within 10 % of 34,500 admitted direct
    ]
    without = line_figures(CALL, award_cents=45_000_00, claimed=reviewed, reviewed=reviewed)
    assert [f.admitted_cents for f in without] == [
        24_000_00,
        7_000_00,
        1_000_00,
        4_500_00,
        3_000_00,
    ]
