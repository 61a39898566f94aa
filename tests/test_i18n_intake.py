"""What comes in, in the officer's language: the problems of a workbook and its error
workbook, the problems of a call file (pydantic's and the YAML reader's, in our words),
the reasons of ineligibility (stored in English, shown translated), the tool's words in
a template, and the date options, which read what the sheets read."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from slrbcall.cli.app import COMMANDS, load_command
from slrbcall.cli.dates import FIRST_DAY, LAST_DAY, Day
from slrbcall.i18n import use_language
from slrbcall.intake.reasons import REASON_SENTENCES, reason, reason_text
from slrbcall.model import OrgKind, Reason

from .conftest import SHIPPED_CALLS, Invoke, empowerment_text, write_call
from .i18n_check import english_words

needs_catalogs = pytest.mark.needs_catalogs


# The place of a problem ("sheet 'X', row 7, column D ('...')") is worded by
# slrbcall/errors.py, translated with the rest of the kernel; here, the problems.
_PLACE = re.compile(
    r"^[^:]*: sheet '[^']*'(?:, cells \S+)?(?:, row \d+)?(?:, column [A-Z]+)?(?: \('[^']*'\))?: "
)

#: A header row in each language, with every problem a cell can have beneath it.
HEADERS = {
    "fr": [
        "Référence",
        "Société de logement",
        "Partenaire",
        "Titre du projet",
        "Thème",
        "Montant demandé",
        "Durée (mois)",
        "Date de début",
        "Langue",
        "E-mail de contact",
        "Habitants visés",
    ],
    "nl": [
        "Referentie",
        "Huisvestingsmaatschappij",
        "Partner",
        "Projecttitel",
        "Thema",
        "Gevraagd bedrag",
        "Duur (maanden)",
        "Startdatum",
        "Taal",
        "E-mail contact",
        "Beoogde bewoners",
    ],
}
BAD_ROWS = [
    # A housing company misspelt, a negative amount, words for a number, no such date,
    # an unknown language, not an e-mail address.
    ["EMP-01", "Foyer du Sudd", "ASBL Voisins", "Jardin", "Fracture numérique", -100,
     "douze", "32/13/2024", "de", "pas-un-mail", 12],
    # The same reference again, an empty title.
    ["EMP-01", "Log'iris", "ASBL Voisins", None, "Fracture numérique", 30000, 12,
     "01/01/2024", "fr", "a@example.be", 12],
    # A formula without its value, a year of two digits, a fraction of a resident.
    ["EMP-03", "Log'iris", "ASBL Voisins", "Cuisine", "Fracture numérique", "=1/0", 12,
     "01/03/24", "fr", "a@example.be", 2.5],
    # TRUE for an amount, a date and a time, a line break in a title.
    ["EMP-04", "Log'iris", "ASBL Voisins", "Un\ntitre", "Fracture numérique", True, 12,
     dt.datetime(2024, 1, 1, 10, 30), "fr", "a@example.be", 12],
    # A row someone hid.
    ["EMP-05", "Log'iris", "ASBL Voisins", "Caché", "Fracture numérique", 30000, 12,
     "01/01/2024", "fr", "a@example.be", 12],
]  # fmt: skip
SHEETS = {"fr": "Candidatures", "nl": "Aanvragen"}
PROBLEMS_SHEET = {"fr": "Problèmes", "nl": "Problemen"}


def _problem_lines(stderr: str) -> list[str]:
    return [_PLACE.sub("", line) for line in stderr.splitlines()]


@needs_catalogs
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_problem_of_a_workbook_and_its_error_workbook_are_in_the_language(
    cli: Invoke, make_xlsx: Callable[..., Path], tmp_path: Path, db: Path, lang: str
) -> None:
    import openpyxl

    path = make_xlsx([HEADERS[lang], *BAD_ROWS], sheet=SHEETS[lang], hidden_rows=[6])
    report = tmp_path / "rapport.xlsx"
    result = cli(
        "--lang", lang, "--db", db, "--call", "empowerment-2023", "intake", path,
        "--report-xlsx", report,
    )  # fmt: skip
    assert result.exit_code == 3, result
    lines = _problem_lines(result.stderr)
    assert len(lines) >= 14, result.stderr
    for line in lines:
        assert english_words(line) == [], line

    book = openpyxl.load_workbook(report)
    assert book.sheetnames[0] == PROBLEMS_SHEET[lang]
    sheet = book[PROBLEMS_SHEET[lang]]
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert len(texts) > 2 * len(lines) - 2
    for text in texts:
        assert english_words(text, also=["whole", "sheet"]) == [], text
    commented = [
        cell.comment.text
        for row in book[SHEETS[lang]].iter_rows()
        for cell in row
        if cell.comment is not None and cell.row > 1
    ]
    assert commented
    for text in commented:
        assert english_words(text) == [], text


@needs_catalogs
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_problems_of_a_file_that_is_no_workbook_are_in_the_language(
    cli: Invoke, tmp_path: Path, db: Path, lang: str
) -> None:
    web_page = tmp_path / "export.xlsx"
    web_page.write_text("<html><table><tr><td>x</td></tr></table></html>", encoding="utf-8")
    for path in (web_page, tmp_path / "absent.xlsx", tmp_path):
        result = cli("--lang", lang, "--db", db, "--call", "empowerment-2023", "intake", path)
        assert result.exit_code == 3, result
        for line in _problem_lines(result.stderr):
            assert english_words(line) == [], line


#: A call file with a problem of each kind: pydantic's (a boolean, a choice, a limit, a
#: key's form, a whole number, a missing and an unknown key) and the YAML reader's (a
#: duplicate key, an anchor and its alias).
BAD_CALL = {
    "partner_required: true": "partner_required: NO",
    "    unit: working_days": "    unit: weekdays",
    "  months: 3                    #": "  months: -3                   #",
    "  - key: digital-divide": "  - key: Digital Divide",
    "duration_months: 12": 'duration_month: "12"',
    "budget: 255000 ": "budget: &b 255000\nbudget: 1 ",
    "    max_mark: 10\n": "    max_mark: *b\n",
}


@needs_catalogs
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_problems_of_a_call_file_are_in_our_words_in_the_language(
    cli: Invoke, tmp_path: Path, lang: str
) -> None:
    path = write_call(tmp_path / "calls", empowerment_text(**BAD_CALL))
    result = cli("--lang", lang, "--calls-dir", tmp_path / "calls", "calls", "validate", path)
    assert result.exit_code == 3, result
    lines = result.stderr.splitlines()
    assert len(lines) >= 8, result.stderr
    for line in lines:
        assert english_words(line.replace(str(path), "call.yaml")) == [], line

    syntax = write_call(tmp_path / "other", "id: x\nbudget: [1, 2\n")
    result = cli("--lang", lang, "--calls-dir", tmp_path / "other", "calls", "validate", syntax)
    assert result.exit_code == 3, result
    for line in result.stderr.splitlines():
        assert english_words(line.replace(str(syntax), "call.yaml")) == [], line


def test_pydantic_is_never_heard(cli: Invoke, tmp_path: Path) -> None:
    """Every problem of the bad call file is in our words, naming what to write."""
    path = write_call(tmp_path / "calls", empowerment_text(**BAD_CALL))
    result = cli("--calls-dir", tmp_path / "calls", "calls", "validate", path)
    assert result.exit_code == 3, result
    lines = [line.replace(str(path), "call.yaml") for line in result.stderr.splitlines()]
    assert "Input should" not in result.stderr
    assert "String should" not in result.stderr
    assert lines[:-1] == [
        "call.yaml:9:1: missing key 'duration_months'",
        "call.yaml:22:9: anchors are not allowed (&b): write the value out",
        "call.yaml:23:1: duplicate key 'budget' (first written at line 22)",
        "call.yaml:28:1: unknown key 'duration_month' (did you mean 'duration_months'?)",
        "call.yaml:38:10: themes[2].key: write a key of lower-case letters, digits, '-' and "
        "'_' that starts with a letter or a digit, e.g. digital-divide, not 'Digital Divide'",
        "call.yaml:45:21: eligibility.partner_required: write true or false, not 'NO'",
        "call.yaml:64:17: aliases are not allowed (*b): write the value out",
        "call.yaml:223:11: notification.registered.unit: write one of 'days', "
        "'working_days', not 'weekdays'",
        "call.yaml:287:11: justification.months: write a number of 0 or more, not -3",
    ]


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        pytest.param({"duration_months: 12\n": 'duration_months: "12"\n'},
                     "duration_months: write a whole number, e.g. 12, not '12'", id="int"),
        pytest.param({"duration_months: 12\n": "duration_months: 0\n"},
                     "duration_months: write a number of 1 or more, not 0", id="ge"),
        pytest.param({"duration_months: 12\n": "duration_months: 900\n"},
                     "duration_months: write a number of 240 or less, not 900", id="le"),
        pytest.param({"  applicant_kinds: [housing_company]": "  applicant_kinds: housing_company"},
                     "eligibility.applicant_kinds: write a list, one item per line starting "
                     "with '- ', not 'housing_company'", id="list"),
        pytest.param({"  applicant_kinds: [housing_company]": "  applicant_kinds: []"},
                     "eligibility.applicant_kinds: write at least 1 item in this list",
                     id="too-short"),
        pytest.param({"  - key: culture-art": "  - key: " + "a" * 70},
                     "themes[3].key: write at most 64 characters, not 'aaaa", id="too-long"),
        pytest.param({"  nl: Projectoproep Empowerment 2023": "  nl: 2023"},
                     "title.nl: write a text, not 2023", id="text"),
        pytest.param({"decision:                      # illustrative\n  body:":
                      "decision: yes\ndecision_was:\n  body:"},
                     "decision: write a mapping, one 'key: value' per line indented below, "
                     "not 'yes'", id="mapping"),
        pytest.param({"beneficiary: housing_company ": "beneficiary: x "},
                     "beneficiary: write one of 'housing_company', 'partner', not 'x'",
                     id="literal"),
        pytest.param({"  date: 2023-12-05": "  date: 2023-12-45"},
                     "decision.date: write a date as 2023-12-15, not '2023-12-45'", id="date"),
        pytest.param({"  - key: culture-art": "  - key: Culture"},
                     "themes[3].key: write a key of lower-case letters", id="key"),
    ],
)  # fmt: skip
def test_a_kind_of_pydantic_error_in_our_words(
    cli: Invoke, tmp_path: Path, replace: dict[str, str], expected: str
) -> None:
    path = write_call(tmp_path / "calls", empowerment_text(**replace))
    result = cli("--calls-dir", tmp_path / "calls", "calls", "validate", path)
    assert result.exit_code == 3, result
    assert any(expected in line for line in result.stderr.splitlines()), result.stderr


# -- reasons: stored in English, shown in the officer's language -------------------------


REASONS = [
    reason("applicant_unknown", name="Les Amis", kinds=[OrgKind.HOUSING_COMPANY]),
    reason(
        "applicant_kind",
        name="Ville de Bruxelles",
        kind=OrgKind.COMMUNE,
        kinds=[OrgKind.HOUSING_COMPANY, OrgKind.NON_PROFIT],
    ),
    reason("second_housing_company_not_allowed", name="Foyer du Sud"),
    reason("second_housing_company_same", name="Log'iris"),
    reason("commune_not_allowed", name="Forest"),
    reason("commune_missing"),
    reason("partner_missing"),
    reason("theme_unknown", theme="Sport", themes="Alimentation durable, Culture et art"),
    reason("amount_below_minimum", requested=500_000, minimum=1_000_000),
    reason("amount_above_maximum", requested=7_000_000, maximum=6_500_000),
    reason("duration_not_call", months=24, call_months=12),
    reason("duration_too_long", months=1, call_months=0),
    reason("too_many_applications", name="Log'iris", count=3, limit=2, number=3),
]


def test_every_reason_code_has_its_sentence() -> None:
    assert {r.code for r in REASONS} == set(REASON_SENTENCES)


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_a_reason_is_stored_in_english_whoever_runs_the_command(lang: str) -> None:
    use_language(lang)
    stored = reason("amount_above_maximum", requested=7_000_000, maximum=6_500_000)
    assert stored == Reason(
        "amount_above_maximum", "it asks for € 70,000.00, above the maximum grant of € 65,000.00"
    )


def test_in_english_a_reason_is_shown_as_stored() -> None:
    for found in REASONS:
        if found.code != "duration_too_long":
            assert reason_text(found) == found.message
    # The stored sentence keeps its old plural; the one shown takes the right one.
    assert REASONS[11].message == "it lasts 1 months; projects of this call last at most 0"
    assert reason_text(REASONS[11]) == "it lasts 1 month; projects of this call last at most 0"


def test_a_sentence_worded_otherwise_is_shown_as_stored() -> None:
    use_language("fr")
    odd = Reason("amount_above_maximum", "asks for too much")
    assert reason_text(odd) == "asks for too much"
    assert reason_text(Reason("amount_above_maximum", "")) == ""


@needs_catalogs
@pytest.mark.parametrize(
    ("lang", "amounts"),
    [("fr", ("70\u202f000,00\u00a0€", "65\u202f000,00\u00a0€")),
     ("nl", ("€\u00a070.000,00", "€\u00a065.000,00"))],
)  # fmt: skip
def test_a_reason_is_shown_in_the_language(lang: str, amounts: tuple[str, str]) -> None:
    use_language(lang)
    for found in REASONS:
        shown = reason_text(found)
        assert shown != found.message
        assert english_words(shown, also=["asks", "lasts", "sent", "grant"]) == [], shown
    above = reason_text(REASONS[9])
    assert all(amount in above for amount in amounts), above


@needs_catalogs
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_ineligible_applications_are_shown_with_their_reasons_in_the_language(
    cli: Invoke, make_xlsx: Callable[..., Path], db: Path, lang: str
) -> None:
    rows = [
        ["EMP-01", "Log'iris", "ASBL Voisins", "Jardin", "Sport", 70000, 24, "01/01/2024",
         "fr", "a@example.be", 12],
    ]  # fmt: skip
    path = make_xlsx([HEADERS[lang], *rows], sheet=SHEETS[lang])
    result = cli("--lang", lang, "--db", db, "--call", "empowerment-2023", "intake", path)
    assert result.exit_code == 0, result
    assert "it asks for" not in result.stdout
    assert "is not a theme" not in result.stdout
    stored = cli("--db", db, "--call", "empowerment-2023", "applications", "show", "EMP-01",
                 "--json")  # fmt: skip
    messages = [r["message"] for r in json.loads(stored.stdout)["reasons"]]
    assert "it asks for € 70,000.00, above the maximum grant of € 65,000.00" in messages


# -- the tool's words in a template are in the template's language -----------------------


@needs_catalogs
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_template_speaks_its_own_language(cli: Invoke, tmp_path: Path, lang: str) -> None:
    import openpyxl

    out = tmp_path / "template.xlsx"
    result = cli("--call", "empowerment-2023", "template", "applications", "-o", out,
                 "--lang", lang)  # fmt: skip
    assert result.exit_code == 0, result
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == SHEETS[lang]
    assert "Lists" not in book.sheetnames
    instructions = book[book.sheetnames[1]]
    for row in instructions.iter_rows():
        for cell in row:
            assert english_words(str(cell.value or "")) == [], cell.value
    assert "€ 10,000.00" not in " ".join(str(c.value) for c in instructions["A"])
    sheet = book[SHEETS[lang]]
    notes = [c.comment.text for c in sheet[1] if c.comment is not None]
    assert notes
    for note in notes:
        assert english_words(note) == [], note
    errors = [v.error for v in sheet.data_validations.dataValidation]
    assert errors
    for error in errors:
        assert english_words(error) == [], error


# -- the date options read what the sheets read ------------------------------------------


def _date_options() -> Iterator[tuple[str, click.Parameter]]:
    def walk(command: Any, path: str) -> Iterator[tuple[str, click.Parameter]]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, f"{path} {name}")
            return
        for param in command.params:
            if isinstance(param.type, Day) or any(
                opt == "--on" or "date" in opt or "today" in opt for opt in param.opts
            ):
                yield f"{path} {param.opts[0]}", param

    for name in COMMANDS:
        yield from walk(load_command(name), name)


DATE_OPTIONS = list(_date_options())


def test_every_command_with_a_date_has_a_date_option() -> None:
    commands = {where.rsplit(" ", 1)[0] for where, _param in DATE_OPTIONS}
    assert {"render-conventions", "render-letters", "followup record", "payments record",
            "withdraw", "settle", "amend", "notified", "export 360giving"} <= commands  # fmt: skip


@pytest.mark.parametrize(("where", "param"), DATE_OPTIONS, ids=[w for w, _p in DATE_OPTIONS])
def test_every_date_option_reads_the_forms_the_sheets_read(
    where: str, param: click.Parameter
) -> None:
    assert isinstance(param.type, Day), f"{where} is not read as a day"
    for typed in ("15/12/2025", "2025-12-15", "15.12.2025", "15-12-2025"):
        assert param.type.convert(typed, param, None) == dt.date(2025, 12, 15), typed
    for typed in ("31/12/1949", "2200-01-01", "15/12/25", "31/02/2025"):
        with pytest.raises(click.BadParameter):
            param.type.convert(typed, param, None)


def test_the_date_options_take_the_years_the_sheets_take() -> None:
    from slrbcall.sheets.cells import CellError, read_date
    from slrbcall.sheets.model import Cell

    for day in (FIRST_DAY, LAST_DAY):
        assert read_date(Cell(1, 1, day)) == day
    for day in (FIRST_DAY - dt.timedelta(days=1), LAST_DAY + dt.timedelta(days=1)):
        with pytest.raises(CellError, match="is outside the years 1950 to 2199"):
            read_date(Cell(1, 1, day))


def test_a_document_date_in_the_belgian_form(signed: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "conventions"
    result = signed("render-conventions", "--only", "EMP23-09", "--out", out,
                    "--date", "15/12/2025", "--json")  # fmt: skip
    assert result.exit_code == 0, result
    result = signed("timeline", "--today", "15/12/2025", "--json")
    assert result.exit_code == 0, result


def test_shipped_calls_are_unchanged_by_the_language(cli: Invoke) -> None:
    for lang in ("fr", "nl"):
        result = cli("--lang", lang, "--calls-dir", SHIPPED_CALLS, "calls", "validate",
                     SHIPPED_CALLS / "empowerment-2023.yaml")  # fmt: skip
        assert result.exit_code == 0, result
