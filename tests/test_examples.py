"""The shipped examples: the example registry, and each shipped call run end to end on
its example data, its documents read back whole (no blank, no draft, no English)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from slrbcall.calls.definition import load_registry
from slrbcall.documents.check import _texts
from slrbcall.model import OrgKind

from .conftest import REPO, SHIPPED_CALLS, Invoke

EXAMPLES = REPO / "examples"
COHESION = EXAMPLES / "cohesion-sociale-2021"
#: Words of the tool's own English that must never reach a document.
ENGLISH = {"the", "and", "with", "which", "funded", "awarded", "applicant", "none", "null"}
#: What a document left unfinished would show.
UNFINISHED = ("……", "[Projet de clause", "[Ontwerpclausule", "draft", "TO FILL IN", "{{", "{%")


def document_text(path: Path) -> str:
    """Every paragraph of the document: body, tables and footers, read back."""
    return "\n".join(text for _, text in _texts(path))


def assert_finished(text: str) -> None:
    for mark in UNFINISHED:
        assert mark not in text, mark
    words = {word.casefold() for word in re.findall(r"[A-Za-z]+", text)}
    assert not words & ENGLISH, words & ENGLISH


def test_the_example_registry_is_the_shipped_one_with_made_up_facts() -> None:
    shipped = load_registry(SHIPPED_CALLS)
    example = load_registry(EXAMPLES)
    assert example.illustrative
    assert not shipped.illustrative
    assert [(o.key, o.kind, o.name, o.communes) for o in example.organisations] == [
        (o.key, o.kind, o.name, o.communes) for o in shipped.organisations
    ]
    for org in example.organisations:
        if org.kind.value != "non_profit":
            assert org.enterprise_number is not None
            assert org.enterprise_number.startswith("0000.")  # no enterprise has one
            assert org.representatives
    companies = example.of_kind(OrgKind.HOUSING_COMPANY)
    assert all(o.iban and o.iban.startswith("BE") for o in companies)


@pytest.fixture(scope="module")
def cohesion(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A calls folder with the example registry, and a workspace path, for the PCS call."""
    from slrbcall.demo import example_calls

    folder = tmp_path_factory.mktemp("cohesion")
    return example_calls(SHIPPED_CALLS, folder / "calls"), folder / "ws.db"


def test_the_social_cohesion_call_runs_end_to_end(
    cli: Invoke, cohesion: tuple[Path, Path], tmp_path: Path
) -> None:
    calls, db = cohesion
    run = ("--db", db, "--calls-dir", calls, "--call", "cohesion-sociale-2021")
    template = cli(*run, "template", "applications", "-o", tmp_path / "blank.xlsx")
    assert template.exit_code == 0, template
    taken = cli(*run, "intake", COHESION / "applications.xlsx", "--json")
    assert taken.exit_code == 0, taken
    assert json.loads(taken.stdout)["eligible"] == 6
    scored = cli(*run, "score", COHESION / "scores.xlsx")
    assert scored.exit_code == 0, scored
    ranked = json.loads(cli(*run, "ranking", "--json").stdout)
    assert [line["reference"] for line in ranked][:2] == ["PCS21-01", "PCS21-02"]
    allocated = cli(*run, "allocate", "--budget", "1000000", "--json")
    assert allocated.exit_code == 0, allocated
    decisions = {
        line["reference"]: line["decision"] for line in json.loads(allocated.stdout)["lines"]
    }
    assert decisions == {
        "PCS21-01": "funded_full",
        "PCS21-02": "funded_full",
        "PCS21-03": "funded_full",
        "PCS21-04": "funded_partial",
        "PCS21-05": "not_funded",
        "PCS21-06": "not_funded",
    }
    assert cli(*run, "allocations", "adopt", "1").exit_code == 0
    out = tmp_path / "conventions"
    conventions = cli(
        *run, "render-conventions", "--out", out, "--lang", "both", "--strict",
        "--date", "2021-12-15",
    )  # fmt: skip
    assert conventions.exit_code == 0, conventions
    assert conventions.stderr == ""  # no blank
    fr = document_text(out / "cohesion-sociale-2021_PCS21-01_convention_fr.docx")
    nl = document_text(out / "cohesion-sociale-2021_PCS21-01_convention_nl.docx")
    for text in (fr, nl):
        assert_finished(text)
    for expected in (
        "1. Société du Logement de la Région de Bruxelles-Capitale",
        "2. Foyer Schaerbeekois, n° BCE 0000.001.285",
        "ci-après «\u00a0le bénéficiaire\u00a0»",
        "3. Everecity, n° BCE",
        "ci-après «\u00a0la deuxième société immobilière de service public\u00a0»",
        "4. ASBL Schaerbeek Ensemble",
        "5. Schaerbeek, n° BCE",
        "ci-après «\u00a0la commune\u00a0»",
        "dans le cadre des projets de cohésion sociale 2021-2026",
        "au bénéficiaire, Foyer Schaerbeekois.",
        "Le projet dure 60 mois, du 1er janvier 2022 au 31 décembre 2026.",
        "Pour Everecity (la deuxième société immobilière de service public),",
        "Pour Schaerbeek (la commune),",
        "EXEMPLE, données fictives – Projets de cohésion sociale 2021-2026 – PCS21-01",
    ):
        assert expected in fr, expected
    for expected in (
        "2. Schaarbeekse Haard, KBO-nr.",
        "3. Everecity, KBO-nr.",
        "5. Schaarbeek, KBO-nr.",
        "in het kader van de sociale cohesieprojecten 2021-2026",
    ):
        assert expected in nl, expected
    outbox = tmp_path / "outbox"
    letters = cli(*run, "render-letters", "--out", outbox, "--strict", "--date", "2021-12-15")
    assert letters.exit_code == 0, letters
    refusal = document_text(outbox / "cohesion-sociale-2021_PCS21-05_letter-refusal_fr.docx")
    assert_finished(refusal)
    assert "Le dernier projet financé a obtenu un score de 74,25 sur 100." in refusal
    partial = document_text(outbox / "cohesion-sociale-2021_PCS21-04_letter-award_nl.docx")
    assert_finished(partial)
    assert "Het krijgt een gedeeltelijke subsidie van €\u00a0150.000,00." in partial


def test_the_demo_s_documents_come_out_whole(demo_run: Any) -> None:
    """Rendered with the example registry, the Empowerment conventions and letters keep
    no blank: the demo's own rendering warned about none."""
    assert demo_run.conventions.warnings == ()
    assert demo_run.letters.warnings == ()
    folder = demo_run.conventions.out_dir
    for path in sorted(folder.glob("*.docx")):
        assert_finished(document_text(path))
    text = document_text(folder / "empowerment-2023_EMP23-07_convention_nl.docx")
    assert "aan de begunstigde, Brusselse Woning." in text  # December: before it withdrew
    assert "De subsidie wordt gestort op rekening BE" in text
    assert "in het kader van de projectoproep Empowerment 2023" in text
    for path in sorted(demo_run.letters.out_dir.glob("*.docx")):
        assert_finished(document_text(path))


def test_a_convention_of_each_shipped_call_without_the_example_registry_names_its_blanks(
    cli: Invoke, demo_db: Path, tmp_path: Path
) -> None:
    """With the shipped registry (verified facts only), the same convention keeps blanks:
    they are named, and --strict refuses."""
    done = cli(
        "--db", demo_db, "--calls-dir", SHIPPED_CALLS, "render-conventions", "--only",
        "EMP23-03", "--out", tmp_path / "c", "--strict",
    )  # fmt: skip
    assert done.exit_code == 3
    assert "no IBAN for Lojega (housing company), who receives the grant" in done.stderr
