"""Text that changes meaning (issue 20, class 9): two references that print the same are
one application, in every sheet and on the command line; applicant text that looks
like a template tag is printed as it was typed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from slrbcall.model import canonical_reference

from .conftest import REPO, Invoke
from .test_intake import HEADER, row
from .test_render import read_back

ZWSP, SOFT_HYPHEN, LRM, BOM, WORD_JOINER = "\u200b", "\u00ad", "\u200e", "\ufeff", "\u2060"
VARIANTS = {
    "a zero-width space": f"EMP23{ZWSP}-03",
    "a soft hyphen": f"EMP23-{SOFT_HYPHEN}03",
    "a left-to-right mark": f"{LRM}EMP23-03",
    "a byte order mark": f"EMP23-03{BOM}",
    "a word joiner": f"EMP{WORD_JOINER}23-03",
    "a combining grapheme joiner": "EMP23-0\u034f3",
    "a variation selector": "EMP23-03\ufe0f",
    "a tag character": "EMP23-03\U000e0041",
    "full-width letters and digits": "ＥＭＰ２３-０３",
    "full-width hyphen too": "ＥＭＰ２３－０３",
    "circled and superscript digits": "EMP²³-0③",
    "spaces around": "  EMP23-03\u00a0",
}


@pytest.mark.parametrize("typed", VARIANTS.values(), ids=VARIANTS.keys())
def test_a_reference_that_prints_the_same_is_the_same(typed: str) -> None:
    assert canonical_reference(typed) == "EMP23-03"


@pytest.mark.parametrize(
    "reference", ["EMP23-03", "Réf. 7/2024", "ЕМР23-03", "E-01 (bis)", "0012345"]
)
def test_a_reference_is_otherwise_kept_as_typed(reference: str) -> None:
    # The Cyrillic ЕМР prints alike, but is another script: NFKC keeps it apart, and so
    # does docs/spreadsheets.md.
    assert canonical_reference(reference) == reference


@pytest.mark.parametrize("typed", list(VARIANTS.values())[:6], ids=list(VARIANTS)[:6])
def test_one_file_cannot_hold_the_same_reference_twice_however_typed(
    make_xlsx: Callable[..., Path], cli: Invoke, db: Path, typed: str
) -> None:
    path = make_xlsx([HEADER, row("EMP23-03"), row(typed, "Foyer Schaerbeekois")])
    result = cli("--db", db, "--call", "empowerment-2023", "intake", path)
    assert result.exit_code == 3, result
    assert result.stderr.splitlines()[0] == (
        "applications.xlsx: sheet 'Applications', row 3, column A ('Reference'): the reference "
        "'EMP23-03' is also on row 2: each application needs its own reference"
    )
    assert not db.exists()


def test_taking_a_file_in_again_with_references_typed_otherwise_changes_nothing(
    make_xlsx: Callable[..., Path], cli: Invoke, db: Path
) -> None:
    rows = [("EMP23-03", VARIANTS["a zero-width space"]), ("EMP23-04", "ＥＭＰ２３-０４")]
    first = make_xlsx([HEADER, *(row(plain, title=plain) for plain, _ in rows)], name="1.xlsx")
    again = make_xlsx([HEADER, *(row(odd, title=plain) for plain, odd in rows)], name="2.xlsx")
    assert cli("--db", db, "--call", "empowerment-2023", "intake", first).exit_code == 0
    result = cli("--db", db, "--call", "empowerment-2023", "intake", again)
    assert result.exit_code == 0, result
    assert "0 new, 0 changed, 2 unchanged" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("applications", "show", "{ref}", "--json"),
        ("explain", "{ref}"),
        ("history", "{ref}"),
        ("payments", "history", "{ref}"),
        ("followup", "milestones", "{ref}"),
    ],
    ids=lambda args: " ".join(args[:2]).replace(" {ref}", ""),
)
@pytest.mark.parametrize("typed", list(VARIANTS.values())[::3], ids=list(VARIANTS)[::3])
def test_a_reference_typed_on_the_command_line_finds_its_application(
    cli: Invoke, demo_db: Path, args: tuple[str, ...], typed: str
) -> None:
    plain = cli("--db", demo_db, *(arg.replace("{ref}", "EMP23-03") for arg in args))
    odd = cli("--db", demo_db, *(arg.replace("{ref}", typed) for arg in args))
    assert plain.exit_code == 0, plain
    assert (odd.exit_code, odd.stdout) == (plain.exit_code, plain.stdout)


def test_a_reference_of_invisible_characters_only_is_wrong_usage(cli: Invoke, db: Path) -> None:
    result = cli("--db", db, "applications", "show", ZWSP + SOFT_HYPHEN)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for 'REF': an empty reference: '\\u200b\\xad'"
    )


def test_the_committees_marks_find_an_application_however_typed(
    cli: Invoke, tmp_path: Path, scored_db: Path
) -> None:
    import openpyxl

    db = tmp_path / "ws.db"
    shutil.copy(scored_db, db)
    book = openpyxl.load_workbook(REPO / "examples" / "scores.xlsx")
    sheet = book.active
    assert sheet is not None
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        if isinstance(cell.value, str) and cell.value.startswith("EMP23-"):
            cell.value = cell.value.replace("-", f"{ZWSP}-").replace("EMP", "ＥＭＰ")
    marks = tmp_path / "scores.xlsx"
    book.save(marks)
    result = cli("--db", db, "--call", "empowerment-2023", "score", marks)
    assert result.exit_code == 0, result
    assert " 0 new, 0 changed, 370 unchanged." in result.stdout


JINJA = {
    "title": "{{ 7*7 }} {% for x in range(10**9) %}x{% endfor %}",
    "partner": "ASBL {{ reference }} & Co <SCRL> {#- a comment -#}",
    "contact": "{%p if true %}{{ call.budget }}{%p endif %}",
    "summary": "${reference} {{'{{'}} }} %} {% raw %}",
}


def test_applicant_text_that_looks_like_a_tag_is_printed_as_typed(
    cli: Invoke, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(REPO / "examples" / "applications.xlsx")
    sheet = book["Candidatures"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    columns = {
        "title": headers["Titre du projet *"],
        "partner": headers["Partenaire"],
        "contact": headers["Personne de contact"],
        "summary": headers["Résumé"],
    }
    for reference, *_ in sheet.iter_rows(min_row=2, values_only=True):
        if reference is None:
            continue
        number = int(str(reference)[-2:]) + 1
        for field, text in JINJA.items():
            sheet.cell(row=number, column=columns[field]).value = f"{reference} {text}"
    applications = tmp_path / "applications.xlsx"
    book.save(applications)
    db = tmp_path / "ws.db"
    run = ("--db", db, "--call", "empowerment-2023")
    assert cli(*run, "intake", applications).exit_code == 0
    assert cli(*run, "score", REPO / "examples" / "scores.xlsx").exit_code == 0
    assert cli(*run, "allocate").exit_code == 0
    assert cli(*run, "allocations", "adopt", "1").exit_code == 0
    out = tmp_path / "conventions"
    rendered = cli(*run, "render-conventions", "--out", out, "--only", "EMP23-09")
    assert rendered.exit_code == 0, rendered
    (document,) = sorted(out.glob("*.docx"))
    text = read_back(document).text
    for field in ("title", "partner"):
        assert f"EMP23-09 {JINJA[field]}" in text, field
    assert "49" not in text.replace("2024", "")
