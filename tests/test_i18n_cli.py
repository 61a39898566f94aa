"""The command line in the officer's language: the demo's story, ``status``, ``doctor``,
``history``, ``applications``, ``calls`` and ``organisations`` in French and Dutch with no
English word left (:mod:`tests.i18n_check`), the codes shown by their labels, and plurals
that agree with their count."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from slrbcall.allocation.codes import decision_label, reason_label
from slrbcall.cli.app import app
from slrbcall.cli.labels import CONDITIONS, label
from slrbcall.i18n import use_language

from .conftest import SHIPPED_CALLS, Invoke, Result
from .i18n_check import ENGLISH_WORDS, english_in_output
from .test_history import row, told

LANGUAGES = ("fr", "nl")

#: The English of the commands read here, beside the words of tests/i18n_check.py: words
#: of their messages that are neither French nor Dutch (a code such as ``funded_full`` is
#: found by its words).
_MORE = """
    about add admit admitted adopted adopts after again against allocated allocation
    already altered amendment and any appeal applicant application applications are
    asked attached attachment available average averages avg award awarded awards
    back balance before below beside between blocked board break by can cancelled
    capped caps carried change changed changes chart checked claimed command commas
    committee companies company conflict conflicts contents copied copy corrected
    could created dated day days decided decision decisions definitions deliverables
    did differ difference differs digits disagreement does done draft drafts dry due
    duration each earlier edited eligibility eligible empty enterprise entries entry
    error events every expense expenses explanation facts fail far field fields
    figures files first fits flag flags folder followed for forced found free fresh
    from full fully funded grant grants green grey group guards has history holds
    housing illustrative included incomplete ineligible installed instead integrity
    interest into invoice involved issued its justified keep kept key lack lacks
    language largest late latest leave leaves left legal letter letters line lines
    lists made mark marked marks match mean median member members metric milestone
    milestones missing mistake month months more most moved moves must name named
    needed needs negative new newer none not nothing notified now number numbers
    officer once one ones optional other out outcomes outside outstanding overdue
    paid partial partly party payment payments pdfs period planned policy print
    prints problem problems program projects proposal proposes put rank ranked
    ranking reach reading reallocation reason reasons received record recorded
    records recover recovered recovery reference refusal registered registry
    reinstall rejected released remaining rename rendered rendering replaced
    replacing reported reporting reports represented requested required resident
    residents restore reversal reversed review reviewed reviewers reviews row rows
    rule rules runs say scenarios scoring see separated settled settlement share
    shares sheet shipped signatories signs since smallest spread state steps still
    stopped stored summary supplier supporting taken targeted template text than
    that the their them theme themes then they this tie timeline title took totals
    trained two unchanged under unknown unpaid unspent until upgrade use used
    validated value waiting warn warning warnings weight weighted were what when
    where which who whole why wide will with withdrawal withdrawn withdrew within
    without workbook workspace would writable write writes written wrote year yearly
    years yes yet you your off
"""
WORDS = ENGLISH_WORDS | frozenset(_MORE.split())


def english(text: str, *, data: Iterable[str] = ()) -> list[str]:
    return english_in_output(text, WORDS, data=data)


def _demo(out: Path, language: str) -> Result:
    """``SLRBCALL_LANG=language slrbcall demo --out out``, as an officer types it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SLRBCALL_LANG", language)
        env.setenv("SLRBCALL_SOFFICE", "")
        env.setenv("NO_COLOR", "1")
        env.setenv("COLUMNS", "200")
        env.delenv("SLRBCALL_DB", raising=False)
        done = CliRunner().invoke(app, ["demo", "--out", str(out)], catch_exceptions=False)
    use_language("en")
    return Result(done.exit_code, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def french_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """The demo told in French, and its folder: a workspace made by a French officer."""
    out = tmp_path_factory.mktemp("demo-fr") / "run"
    return _demo(out, "fr"), out


def _run(cli: Invoke, language: str, out: Path, *args: str) -> str:
    done = cli("--lang", language, "--db", out / "slrbcall.db", "--calls-dir", out / "calls", *args)
    assert done.exit_code == 0, done
    return done.stdout + done.stderr


# -- the demo -------------------------------------------------------------------------------


@pytest.mark.needs_catalogs
def test_the_demo_in_french_prints_no_english(french_demo: tuple[Result, Path]) -> None:
    done, _out = french_demo
    assert done.exit_code == 0, done
    assert english(done.stdout + done.stderr) == []
    assert "candidatures" in done.stdout


@pytest.mark.needs_catalogs
def test_the_demo_in_dutch_prints_no_english(tmp_path: Path) -> None:
    done = _demo(tmp_path / "run", "nl")
    assert done.exit_code == 0, done
    assert english(done.stdout + done.stderr) == []
    assert "aanvragen" in done.stdout


# -- the commands of the workspace ------------------------------------------------------------


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("status",), id="status"),
        pytest.param(("doctor",), id="doctor"),
        pytest.param(("history", "EMP23-07"), id="history-withdrawn"),
        pytest.param(("history", "EMP23-01"), id="history-reserve"),
        pytest.param(("applications", "list"), id="applications-list"),
        pytest.param(("applications", "show", "EMP23-05"), id="applications-show"),
        pytest.param(("calls", "list"), id="calls-list"),
        pytest.param(("organisations", "list"), id="organisations-list"),
        pytest.param(("organisations", "show", "foyer-du-sud"), id="organisations-show"),
    ],
)
def test_a_command_prints_no_english(
    cli: Invoke, french_demo: tuple[Result, Path], language: str, args: tuple[str, ...]
) -> None:
    _done, out = french_demo
    assert english(_run(cli, language, out, *args)) == []


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("language", LANGUAGES)
def test_history_tells_its_moments_in_the_officers_notation(
    cli: Invoke, french_demo: tuple[Result, Path], language: str
) -> None:
    _done, out = french_demo
    shown = _run(cli, language, out, "history", "EMP23-03")
    assert re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", shown)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown), shown


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("language", LANGUAGES)
def test_calls_show_prints_no_english(
    cli: Invoke, french_demo: tuple[Result, Path], language: str
) -> None:
    from slrbcall.calls.definition import load_call

    _done, out = french_demo
    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    shown = _run(cli, language, out, "calls", "show", "empowerment-2023")
    # The keys of the call file that its example data illustrates are the file's words.
    assert english(shown, data=[", ".join(call.illustrative)]) == []


@pytest.mark.needs_catalogs
def test_a_code_is_shown_by_its_label_and_stored_as_it_is(
    cli: Invoke, french_demo: tuple[Result, Path]
) -> None:
    _done, out = french_demo
    shown = _run(cli, "nl", out, "history", "EMP23-07")
    assert "funded_full" not in shown
    assert decision_label("funded_full") in shown
    in_english = _run(cli, "en", out, "history", "EMP23-07")
    assert "funded_full" in in_english  # English is the code's own language
    use_language("fr")
    assert decision_label("not_funded") not in ("", "not_funded")
    assert reason_label("withdrawn") not in ("", "withdrawn")
    shown_condition = label(CONDITIONS, "yearly_report:2")
    assert shown_condition.endswith(":2")
    assert shown_condition != "yearly_report:2"


# -- without the catalogs: English, and the check itself ---------------------------------------


def test_a_code_in_english_is_the_code() -> None:
    assert decision_label("funded_full") == "funded_full"
    assert reason_label("does_not_fit") == "does_not_fit"
    assert decision_label("a_future_code") == "a_future_code"
    assert label(CONDITIONS, "questionnaire") == "questionnaire"


def test_one_is_singular_in_english() -> None:
    after = {"residents_involved": 1, "residents_trained": 1, "activities": 1, "participants": 1}
    assert told(row("monitoring_report", "c/A/2024-06-30", after=after)) == [
        "monitoring report of 2024-06-30 taken in: 1 resident involved, 1 trained, "
        "1 activity, 1 participant"
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("Avertissement : rows left out", ["left", "out", "rows"], id="words"),
        pytest.param("chaque candidature notée, déjà éligible", [], id="accents"),
        pytest.param("écrit dans /tmp/run/applications/outbox", [], id="a-path"),
        pytest.param("Lettres : empowerment-2023_EMP23-03_settlement_nl.docx", [], id="a-file"),
        pytest.param("puis 'slrbcall allocations list' et --calls-dir", [], id="commands"),
        pytest.param("contact projet.03@example.org", [], id="e-mail"),
        pytest.param("budget, total, score, project, status, partner", [], id="shared-words"),
    ],
)
def test_english_finds_the_tools_english_only(text: str, found: list[str]) -> None:
    assert english(text) == found
