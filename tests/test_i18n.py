"""The officer's language: one setting, gettext catalogs kept complete, and the CLI's
help and messages in French and Dutch."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from slrbcall.errors import Problem
from slrbcall.i18n import LANGUAGES, _, clauses, language, ngettext, resolve_language, use_language

from .conftest import REPO, Invoke

spec = importlib.util.spec_from_file_location("catalogs", REPO / "tools" / "catalogs.py")
assert spec is not None
assert spec.loader is not None
catalogs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(catalogs)


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        pytest.param("nl", {"SLRBCALL_LANG": "fr"}, "nl", id="option-first"),
        pytest.param(None, {"SLRBCALL_LANG": "fr", "LANG": "nl_BE.UTF-8"}, "fr", id="env"),
        pytest.param(None, {"LANG": "nl_BE.UTF-8"}, "nl", id="locale"),
        pytest.param(None, {"LC_ALL": "fr_BE@euro", "LANG": "nl_BE"}, "fr", id="lc-all"),
        pytest.param(None, {"LANG": "de_DE.UTF-8"}, "en", id="foreign-locale"),
        pytest.param(None, {"LANG": "C"}, "en", id="c-locale"),
        pytest.param(None, {}, "en", id="nothing"),
        pytest.param(None, {"SLRBCALL_LANG": "xx", "LANG": "fr_BE"}, "fr", id="bad-env"),
    ],
)
def test_the_language_is_the_option_else_the_environment_else_the_locale(
    monkeypatch: pytest.MonkeyPatch, option: str | None, env: dict[str, str], expected: str
) -> None:
    for name in ("SLRBCALL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert resolve_language(option) == expected


def test_the_catalogs_are_complete_and_compiled() -> None:
    """Every text of the code has its translation in fr and nl, with the same {fields};
    no catalog holds a text the code no longer has; the .mo files are up to date."""
    assert catalogs.check() == []


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_a_plural_is_chosen_by_count(code: str) -> None:
    use_language(code)
    one = ngettext(
        "{count} problem; nothing was stored.", "{count} problems; nothing was stored.", 1
    )
    many = ngettext(
        "{count} problem; nothing was stored.", "{count} problems; nothing was stored.", 2
    )
    assert one != many
    assert "{count}" in one
    assert language() == code


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="not a language of slrbcall"):
        use_language("de")


@pytest.mark.parametrize(
    ("code", "words"),
    [("fr", "Options"), ("nl", "Opties")],
)
def test_the_root_help_is_in_the_officers_language(cli: Invoke, code: str, words: str) -> None:
    result = cli("--lang", code, "--help")
    assert result.exit_code == 0
    assert words in result.stdout
    assert "Run a grant call" not in result.stdout


def test_a_commands_help_is_translated(cli: Invoke) -> None:
    english = cli("--lang", "en", "status", "--help").stdout
    french = cli("--lang", "fr", "status", "--help").stdout
    assert english != french
    assert "Usage:" not in french  # click's own words too
    use_language("en")
    assert _("Error: {message}") == "Error: {message}"  # English is the code's own


def test_a_commands_own_lang_is_not_the_officers_language(cli: Invoke) -> None:
    """render-conventions --lang both names the documents' language; the officer's is
    the root's --lang, before the command."""
    result = cli("--lang", "nl", "render-conventions", "--lang", "both", "--help")
    assert result.exit_code == 0
    assert "Opties" in result.stdout or "Options" not in result.stdout


def test_the_problem_count_is_in_the_language(cli: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "calls.yaml"
    bad.write_text("budget: [\n", encoding="utf-8")
    result = cli("--lang", "nl", "calls", "validate", bad)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == "1 probleem op te lossen."


@pytest.mark.parametrize("cents", [0, 1, 99, 100, 4_405_800, 25_500_000, 100_000_000_000, -600])
@pytest.mark.parametrize("code", ["fr", "nl"])
def test_an_amount_is_written_as_cldr_writes_euro_for_belgium(code: str, cents: int) -> None:
    from decimal import Decimal

    from babel.numbers import format_currency

    from slrbcall.money import format_eur

    use_language(code)
    expected = format_currency(Decimal(cents) / 100, "EUR", locale=f"{code}_BE")
    assert format_eur(cents) == expected.replace("\u2212", "-")


@pytest.mark.parametrize(
    ("code", "text"),
    [("en", "€ 44,058.00"), ("fr", "44\u202f058,00\u00a0€"), ("nl", "€\u00a044.058,00")],
)
def test_the_officers_amount_and_date(code: str, text: str) -> None:
    import datetime as dt

    from slrbcall.i18n import format_day
    from slrbcall.money import format_eur

    use_language(code)
    assert format_eur(4_405_800) == text
    assert format_day(dt.date(2025, 12, 15)) == ("2025-12-15" if code == "en" else "15/12/2025")


@pytest.mark.parametrize(
    ("code", "text"),
    [("en", "2026-12-06 22:07:13"), ("fr", "06/12/2026 22:07"), ("nl", "06/12/2026 22:07")],
)
def test_the_officers_moment_in_local_time(
    code: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from slrbcall.i18n import format_moment

    monkeypatch.setenv("TZ", "Europe/Brussels")
    time.tzset()
    try:
        use_language(code)
        # Stored in UTC: 21:07 in UTC is 22:07 in Brussels in December.
        assert format_moment("2026-12-06T21:07:13+00:00") == text
        assert format_moment("not a moment") == "not a moment"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_every_table_of_the_workspace_has_a_label() -> None:
    """A table is named to the officer by its label (status, a copy that does not
    match): a table a migration adds needs one."""
    from slrbcall.records import RECORDS
    from slrbcall.store.postgres_schema import TABLES

    assert set(TABLES) - set(RECORDS) == {"slrbcall_workspace"}  # its own marker, never shown


@pytest.mark.parametrize(("code", "joined"), [("en", "a; b"), ("fr", "a\u202f; b"), ("nl", "a; b")])
def test_clauses_are_joined_as_the_language_joins_them(code: str, joined: str) -> None:
    use_language(code)
    assert clauses(["a", "b"]) == joined


def test_french_puts_a_narrow_no_break_space_before_a_colon_and_a_semicolon() -> None:
    """French typography: ``{ref}\u202f: {errors}``, ``a\u202f; b``: a space that no line
    breaks at (a terminal wraps a long message at its spaces). Quoted text (a YAML key an
    officer types, ``open_data: {language: fr}``) is left as it is written."""
    with (REPO / "slrbcall/locale/fr/LC_MESSAGES/slrbcall.po").open("rb") as handle:
        catalog = read_po(handle)
    wrong = []
    for message in catalog:
        if not message.id:  # the catalog's header
            continue
        said = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in said:
            unquoted = re.sub(r"'[^']*'|«[^»]*»", "", text)
            if re.search(r"[^\u202f\d][;:](\s|$)", unquoted):
                wrong.append(text)
    assert wrong == []


def test_a_problem_in_a_sheet_is_joined_as_french_writes_it() -> None:
    """A place in words takes a space before its colon in French; a place in a text
    file stays ``file:line:col: message``, which editors read."""
    use_language("fr")
    in_a_sheet = Problem("a.xlsx", "vide", sheet="Candidatures", row=7, column=4, header="M")
    said = "a.xlsx: feuille 'Candidatures', ligne 7, colonne D ('M')\u202f: vide"
    assert str(in_a_sheet) == said
    assert str(Problem("x.yaml", "clé inconnue", line=3, col=1)) == "x.yaml:3:1: clé inconnue"
