"""After the award, in the officer's language: payments, the timeline, milestones and
their corrections, amendments, the settlement, the conventions' summary, and the
workspace's and the amounts' refusals, in French and in Dutch with no English left."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from slrbcall.store import Workspace

from .conftest import Invoke, Result
from .i18n_check import english_words
from .test_review import EXAMPLES

pytestmark = pytest.mark.needs_catalogs

LANGS = ("fr", "nl")
TODAY = ("--today", "2025-03-10")
#: What the officer types and reads as keys: milestones and conditions (--milestone KEY).
KEYS = ("interim_report", "final_report", "yearly_report", "signature")


def spaced(text: str) -> str:
    """``text`` with its no-break spaces (in amounts) as plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def no_english(text: str, *data: str) -> None:
    assert english_words(text, data=(*KEYS, *data)) == [], text


@pytest.mark.parametrize("code", LANGS)
def test_payments(signed: Callable[..., Result], code: str) -> None:
    result = signed("--lang", code, "payments", *TODAY)
    assert result.exit_code == 0, result
    no_english(result.stdout)
    said = {"fr": "Octroyé 251 000,00 €, payé 0,00 €", "nl": "Toegekend € 251.000,00, betaald"}
    assert said[code] in spaced(result.stdout)
    condition = {"fr": "Rapport intermédiaire", "nl": "Tussentijds verslag"}
    assert condition[code] in result.stdout


@pytest.mark.parametrize("code", LANGS)
def test_the_timeline(signed: Callable[..., Result], code: str, tmp_path: Path) -> None:
    ics = tmp_path / "suivi.ics"
    result = signed("--lang", code, "timeline", "--ics", ics, *TODAY)
    assert result.exit_code == 0, result
    no_english(result.stdout)
    summary = {
        "fr": "Au 10/03/2025\u202f: 24 en retard, 18 à échéance dans les 30 jours, 13 faits, "
        "0 plus tard.",
        "nl": "Op 10/03/2025: 24 achterstallig, 18 binnen 30 dagen, 13 gedaan, 0 later.",
    }
    assert summary[code] in result.stdout
    label = {"fr": "Signature de la convention", "nl": "Ondertekening van de overeenkomst"}
    assert label[code] in result.stdout
    calendar = ics.read_text(encoding="utf-8")
    assert {"fr": "Statut au 10/03/2025", "nl": "Status op 10/03/2025"}[code] in calendar


def test_the_timeline_speaks_english_to_an_officer_who_reads_english(
    signed: Callable[..., Result],
) -> None:
    english = signed("--lang", "en", "timeline", *TODAY).stdout
    assert "Signature of the convention" in english
    assert "Tranche 1" in english
    assert "Signature de la convention" not in english
    # The labels' own language, apart from the officer's.
    dutch = signed("--lang", "fr", "timeline", "--lang", "nl", *TODAY).stdout
    assert "Ondertekening van de overeenkomst" in dutch
    assert "échéancier" in dutch


@pytest.mark.parametrize("code", LANGS)
def test_recording_and_correcting_a_milestone(signed: Callable[..., Result], code: str) -> None:
    record = ("followup", "record", "EMP23-03", "--milestone", "interim_report")
    done = signed("--lang", code, *record, "--date", "2024-06-30", *TODAY)
    assert done.exit_code == 0, done
    no_english(done.stdout)
    assert {
        "fr": "EMP23-03\u202f: 'interim_report' enregistrée au 30/06/2024.",
        "nl": "EMP23-03: 'interim_report' geregistreerd op 30/06/2024.",
    }[code] in done.stdout
    again = signed("--lang", code, *record, "--date", "2024-07-02", *TODAY)
    assert again.exit_code == 1
    no_english(again.stderr)
    correct = ("followup", "correct", "EMP23-03", "--milestone", "interim_report")
    corrected = signed("--lang", code, *correct, "--date", "01/07/2024", "--reason", "x", *TODAY)
    assert corrected.exit_code == 0, corrected
    no_english(corrected.stdout)
    assert {
        "fr": "corrigée du 30/06/2024 au 01/07/2024 (correction 1\u202f;",
        "nl": "gecorrigeerd van 30/06/2024 naar 01/07/2024 (correctie 1;",
    }[code] in corrected.stdout


@pytest.mark.parametrize("code", LANGS)
def test_an_amendment(signed: Callable[..., Result], code: str) -> None:
    args = ("amend", "EMP23-03", "--amount", "49000", "--reason", "x", "--date", "2024-03-01")
    result = signed("--lang", code, *args)
    assert result.exit_code == 0, result
    no_english(result.stdout)
    assert {"fr": "Avenant 1 de EMP23-03 enregistré le 01/03/2024", "nl": "Aanhangsel 1"}[
        code
    ] in result.stdout
    refused = signed("--lang", code, *args)  # the same again changes nothing
    assert refused.exit_code == 1
    no_english(refused.stderr)


@pytest.fixture
def reviewed(cli: Invoke, demo_db: Path) -> Callable[..., Result]:
    """The demo's workspace with the example's expenses of EMP23-03 and EMP23-05 taken in
    and reviewed (as in test_settlement.py)."""

    def run(*args: str | Path) -> Result:
        return cli("--db", demo_db, *args)

    for reference in ("EMP23-03", "EMP23-05"):
        taken = run("justify", EXAMPLES / f"{reference}.xlsx", "--today", "2025-04-30")
        assert taken.exit_code == 0, taken
    assert run("justification", "decide", EXAMPLES / "review.xlsx").exit_code == 0
    return run


@pytest.mark.parametrize("code", LANGS)
def test_a_settlement_computed(reviewed: Callable[..., Result], code: str) -> None:
    args = ("settle", "EMP23-03", "--date", "2025-04-15", "--dry-run", "--today", "2025-04-30")
    result = reviewed("--lang", code, *args)
    assert result.exit_code == 0, result
    no_english(result.stdout)
    assert {
        "fr": "Dernier paiement : 7 200,00 € comme tranche 3",
        "nl": "Laatste betaling: € 7.200,00 als schijf 3",
    }[code] in spaced(result.stdout)
    assert {"fr": "Simulation", "nl": "Proefdraai"}[code] in result.stdout


@pytest.mark.parametrize("code", LANGS)
def test_the_conventions_summary(signed: Callable[..., Result], code: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = signed("--lang", code, "render-conventions", "--out", out, "--only", "EMP23-03")
    assert result.exit_code == 0, result
    no_english(result.stdout)
    assert {
        "fr": "1 convention de l'appel empowerment-2023 (répartition 1) générée dans",
        "nl": "1 overeenkomst van empowerment-2023 (verdeling 1) aangemaakt in",
    }[code] in result.stdout


@pytest.mark.parametrize("code", LANGS)
def test_a_busy_workspace(cli: Invoke, db: Path, code: str) -> None:
    Workspace.open(db).close()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Workspace.open(db) as ws, ws.write(command="slow"):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(5)
        result = cli("--lang", code, "--db", db, "intake", EXAMPLES.parent / "applications.xlsx")
    finally:
        release.set()
        thread.join()
    assert result.exit_code == 4, result
    no_english(result.stderr)
    assert {"fr": "l'espace de travail est occupé", "nl": "de werkruimte is bezet"}[
        code
    ] in result.stderr


@pytest.mark.parametrize("code", LANGS)
def test_another_applications_database(cli: Invoke, tmp_path: Path, code: str) -> None:
    db = tmp_path / "contacts.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    result = cli("--lang", code, "--db", db, "--call", "empowerment-2023", "payments")
    assert result.exit_code == 3, result
    no_english(result.stderr)
    assert {
        "fr": "n'est pas un espace de travail slrbcall\u202f: il contient les tables d'un autre "
        "logiciel (contacts)",
        "nl": "is geen werkruimte van slrbcall: het bevat de tabellen van een andere "
        "toepassing (contacts)",
    }[code] in result.stderr


@pytest.mark.parametrize("code", LANGS)
def test_an_ambiguous_amount(signed: Callable[..., Result], code: str) -> None:
    args = ("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15")
    result = signed("--lang", code, *args, "--amount", "0.010", *TODAY)
    assert result.exit_code == 2, result
    no_english(result.stderr, "slrbcall payments record")  # the usage line
    assert {
        "fr": "montant ambigu\u202f: '0.010' peut se lire en milliers ou en décimales\u202f: 10 ou 0,01",
        "nl": "dubbelzinnig bedrag: '0.010' kan duizendtallen of decimalen zijn: 10 of 0,01",
    }[code] in result.stderr


@pytest.mark.parametrize(("code", "sheet"), [("fr", "Paiements"), ("nl", "Betalingen")])
def test_a_workbook_speaks_the_officers_language_by_default(
    signed: Callable[..., Result], tmp_path: Path, code: str, sheet: str
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "paiements.xlsx"
    result = signed("--lang", code, "template", "payments", "-o", out)
    assert result.exit_code == 0, result
    no_english(result.stdout)
    assert load_workbook(out).sheetnames[0] == sheet
