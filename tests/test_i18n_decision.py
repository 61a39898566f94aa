"""The committee and the decision in the officer's language: the ranking, the allocation
and the reason of every decision, the stored runs, the reserve and the report in French
and Dutch with no English word left, while the runs keep their reasons in English as
they were written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slrbcall.allocation.engine import decision_label, reason_label, shown_explanation
from slrbcall.committee.scoring import flag_label
from slrbcall.i18n import use_language

from .conftest import REPO, Invoke, Result
from .i18n_check import english_words

#: What the demo's officer typed as the reason of EMP23-07's withdrawal: shown as typed.
DEMO_REASON = "the partner, vzw Buurtwerk Noord, stopped its activities"

LANGUAGES = ["fr", "nl"]


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough for no table to wrap a sentence: the user's words are found whole.
    monkeypatch.setenv("COLUMNS", "2000")


def shown(result: Result, *, stream: str = "stdout", paths: tuple[Path, ...] = ()) -> str:
    """What a command printed, without the user's own words (the demo's reason, paths)."""
    text = str(getattr(result, stream)).replace(DEMO_REASON, "")
    for path in paths:
        text = text.replace(str(path), "")
    return text


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("ranking",), id="ranking"),
        pytest.param(("allocate", "--dry-run"), id="allocate-greedy"),
        pytest.param(
            ("allocate", "--dry-run", "--policy", "strict", "--partial", "remainder"),
            id="allocate-strict-partial",
        ),
        pytest.param(
            ("allocate", "--dry-run", "--partial", "remainder", "--granularity", "1000"),
            id="allocate-partial-rounded",
        ),
        pytest.param(
            (
                "allocate",
                "--dry-run",
                "--budget",
                "300000",
                "--partial",
                "remainder",
                "--partial-min-share",
                "0,9",
            ),
            id="allocate-partial-refused",
        ),
        pytest.param(("allocate", "--dry-run", "--policy", "max-score"), id="allocate-max-score"),
        pytest.param(
            (
                "allocate",
                "--dry-run",
                "--min-score",
                "60",
                "--org-cap",
                "1",
                "--theme-guarantee",
                "--theme-cap",
                "culture-art=40000",
            ),
            id="allocate-caps",
        ),
        pytest.param(
            (
                "scenarios",
                "--budget",
                "255000",
                "--budget",
                "300000",
                "--policy",
                "greedy",
                "--policy",
                "strict",
            ),
            id="scenarios",
        ),
        pytest.param(("explain", "EMP23-09"), id="explain-funded"),
        pytest.param(("explain", "EMP23-07"), id="explain-withdrawn"),
        pytest.param(("explain", "EMP23-13"), id="explain-reserve"),
        pytest.param(("allocations", "list"), id="allocations-list"),
        pytest.param(("allocations", "show"), id="allocations-show"),
        pytest.param(("allocations", "show", "1"), id="allocations-show-replaced"),
        pytest.param(("report",), id="report"),
    ],
)
def test_the_decision_is_shown_in_the_officers_language(
    cli: Invoke, demo_db: Path, lang: str, args: tuple[str, ...]
) -> None:
    result = cli("--lang", lang, "--db", demo_db, *args)
    assert result.exit_code == 0, result
    assert english_words(shown(result)) == [], shown(result)


@pytest.mark.needs_catalogs
@pytest.mark.parametrize(
    ("lang", "reason"), [("fr", "le partenaire arrête"), ("nl", "de partner stopt")]
)
def test_a_withdrawal_and_the_reallocation_in_the_officers_language(
    cli: Invoke, demo_db: Path, lang: str, reason: str
) -> None:
    run = ("--lang", lang, "--db", demo_db)
    withdrawn = cli(*run, "withdraw", "EMP23-12", "--date", "01/02/2024", "--reason", reason)
    assert withdrawn.exit_code == 0, withdrawn
    assert "01/02/2024" in withdrawn.stdout
    for args in (
        ("reallocate", "--dry-run", "--today", "2024-03-01"),
        ("explain", "EMP23-12"),
        ("allocations", "list"),
    ):
        result = cli(*run, *args)
        assert result.exit_code == 0, result
        assert english_words(shown(result)) == [], shown(result)


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("explain", "EMP23-90"), id="unknown-application"),
        pytest.param(("allocations", "show", "9"), id="unknown-run"),
        pytest.param(("reallocate", "--dry-run", "--today", "2024-03-01"), id="nothing-released"),
        pytest.param(("reallocate", "--dry-run"), id="reserve-expired"),
        pytest.param(("allocations", "adopt", "2"), id="adopted-already"),
        pytest.param(("allocations", "adopt", "1"), id="would-change-signed"),
        pytest.param(
            ("withdraw", "EMP23-03", "--date", "2024-01-02", "--reason", "x"), id="paid-after"
        ),
    ],
)
def test_refusals_are_in_the_officers_language(
    cli: Invoke, demo_db: Path, lang: str, args: tuple[str, ...]
) -> None:
    result = cli("--lang", lang, "--db", demo_db, *args)
    assert result.exit_code == 1, result
    assert english_words(shown(result, stream="stderr")) == [], result.stderr


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committees_marks_in_the_officers_language(
    cli: Invoke, db: Path, tmp_path: Path, lang: str
) -> None:
    """The marks taken in, and the marking workbook written in the officer's language by
    default, which the tool reads back."""
    import openpyxl

    call = ("--lang", lang, "--db", db, "--calls-dir", REPO / "calls", "--call", "empowerment-2023")
    assert cli(*call, "intake", REPO / "examples" / "applications.xlsx").exit_code == 0
    taken = cli(*call, "score", REPO / "examples" / "scores.xlsx")
    assert taken.exit_code == 0, taken
    assert english_words(shown(taken, paths=(REPO,))) == [], taken.stdout
    marks = tmp_path / "notes.xlsx"
    written = cli(*call, "template", "scores", "-o", marks)
    assert written.exit_code == 0, written
    assert english_words(shown(written, paths=(tmp_path,))) == [], written.stdout
    book = openpyxl.load_workbook(marks)
    sheet = book[{"fr": "Notes", "nl": "Punten"}[lang]]
    header = [cell.value for cell in sheet[1]]
    notes = [cell.comment.text for cell in sheet[1] if cell.comment is not None]
    instructions = [row[0] for row in book.worksheets[1].iter_rows(values_only=True) if row[0]]
    assert english_words(" ".join(map(str, (*header, *notes, *instructions)))) == []
    assert header[0] == {"fr": "Référence *", "nl": "Referentie *"}[lang]
    # The workbook's own --lang still chooses another language.
    english = tmp_path / "marks-en.xlsx"
    assert cli(*call, "template", "scores", "-o", english, "--lang", "en").exit_code == 0
    assert openpyxl.load_workbook(english).sheetnames[0] == "Marks"
    # Filled in, the officer's workbook is read back.
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value:
            for col in range(4, 4 + 5):
                sheet.cell(row=row, column=col, value=7)
    book.save(marks)
    again = cli(*call, "score", marks, "--dry-run")
    assert again.exit_code == 0, again


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("lang", LANGUAGES)
def test_codes_are_shown_in_words_and_stay_codes_in_json(
    cli: Invoke, demo_db: Path, lang: str
) -> None:
    use_language(lang)
    for code in ("funded_full", "funded_partial", "not_funded", "ineligible"):
        assert decision_label(code) != code
    for code in ("below_line", "org_cap", "withdrawn", "reserve_funded"):
        assert reason_label(code) != code
    assert flag_label("conflict_excluded") != "conflict_excluded"
    data = json.loads(cli("--lang", lang, "--db", demo_db, "allocations", "show", "--json").stdout)
    assert {line["decision"] for line in data["lines"]} == {"funded_full", "not_funded"}


def test_the_stored_reasons_do_not_depend_on_the_officers_language(
    cli: Invoke, demo_db: Path
) -> None:
    """A run allocated in French keeps its reasons in English, as every run was written."""
    stored = cli("--lang", "fr", "--db", demo_db, "allocate", "--budget", "255000")
    assert stored.exit_code == 0, stored
    data = json.loads(cli("--db", demo_db, "allocations", "show", "3", "--json").stdout)
    assert data["lines"][0]["explanation"] == (
        "Ranked 1 of 14 (score 91.0500): it asked for € 52,000.00 and € 255,000.00 "
        "remained, so it was funded in full, leaving € 203,000.00."
    )


def test_a_line_whose_facts_are_too_old_is_shown_as_stored() -> None:
    use_language("fr")
    line = {"explanation": "Ranked 1 of 2 (score 80.00): as written then.", "facts": {}}
    assert shown_explanation(line, {"granularity": "1.00"}) == line["explanation"]
    assert shown_explanation({**line, "facts": {"reason": "funded"}}, None) == line["explanation"]


def test_in_english_the_stored_reason_is_shown() -> None:
    use_language("en")
    line = {"explanation": "whatever was stored", "facts": {"reason": "funded"}}
    assert shown_explanation(line, None) == "whatever was stored"
    assert decision_label("funded_full") == "funded_full"
    assert reason_label("no_such_code") == "no_such_code"
