"""Header rows, sheet choice and the names of places (DESIGN.md §4 and §5)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.errors import InputFileError
from slrbcall.sheets import (
    Cell,
    Sheet,
    Workbook,
    choose_sheet,
    column_letters,
    find_header,
    fold,
    normalise_header,
    where,
)
from slrbcall.sheets.header import _DECORATION, _NOT_WORD
from slrbcall.sheets.model import Format
from slrbcall.sheets.read import read_workbook

ALIASES = {
    normalise_header(alias): key
    for key, aliases in {
        "reference": ["Reference", "Référence", "Referentie"],
        "applicant": ["Housing company", "Société de logement", "Huisvestingsmaatschappij"],
        "amount": ["Requested amount", "Montant demandé", "Gevraagd bedrag"],
        "title": ["Title", "Titre du projet", "Titel"],
    }.items()
    for alias in aliases
}
REQUIRED = ["reference", "applicant", "amount"]
NAMES = {"reference": "Reference", "applicant": "Housing company", "amount": "Requested amount"}


def sheet_of(rows: list[list[object]], name: str = "Applications") -> Sheet:
    width = max(len(row) for row in rows)
    return Sheet(
        file_label="applications.xlsx",
        name=name,
        rows=tuple(
            tuple(
                Cell(number, col, row[col - 1] if col <= len(row) else None)
                for col in range(1, width + 1)
            )
            for number, row in enumerate(rows, start=1)
            if any(value is not None for value in row)
        ),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montant demandé (€) *", "montant demande"),
        ("  Référence  ", "reference"),
        ("REQUESTED_AMOUNT", "requested amount"),
        ("Requested   amount:", "requested amount"),
        ("Durée (mois)", "duree"),
        ("Gevraagd bedrag [EUR]", "gevraagd bedrag"),
        ("Partner (2)", "partner 2"),
        ("E-mail", "e mail"),
        ("Nombre d’habitants visés", "nombre d habitants vises"),
        ("Société\u00a0de logement", "societe de logement"),
        ("Montant (€)", "montant"),
        ("Thème *", "theme"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_normalise_header(text: str, expected: str) -> None:
    assert normalise_header(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20) | st.text("aéÉèçñßĳﬁ①Ⅻ\u0301\u00a0 *:()_-𝐀", max_size=20))
def test_normalise_header_drops_every_combining_mark(text: str) -> None:
    assert normalise_header.__wrapped__(text) == _reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20) | st.text("aéÉèçñßĳﬁ①\u0301\u05b8 .!_-𝐀", max_size=20))
def test_fold_drops_case_accents_and_punctuation(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert fold(text) == _NOT_WORD.sub(" ", plain).strip()


def _reference(text: str) -> str:
    """The definition, one character at a time; the function takes shortcuts."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    undecorated = plain
    while (shorter := _DECORATION.sub("", undecorated)) != undecorated:
        undecorated = shorter
    words = _NOT_WORD.sub(" ", undecorated).strip()
    return words or _NOT_WORD.sub(" ", plain).strip()


def test_header_below_title_rows_with_unknown_columns() -> None:
    sheet = sheet_of(
        [
            ["Appel à projets Empowerment 2023"],
            ["Situation au 30/09/2023", None, "Montant"],
            [],
            ["Référence", "Société de logement", "Remarque", "Montant demandé (€) *", None],
            ["EMP23-001", "Log'iris", "ok", 44058],
        ]
    )
    header = find_header(sheet, match=ALIASES.get, required=REQUIRED)
    assert header.row == 4
    assert dict(header.columns) == {"reference": 1, "applicant": 2, "amount": 4}
    assert dict(header.labels) == {
        1: "Référence",
        2: "Société de logement",
        3: "Remarque",
        4: "Montant demandé (€) *",
    }
    assert header.ignored == ((3, "Remarque"),)
    assert header.label(4) == "Montant demandé (€) *"
    assert dict(header.duplicates) == {}


def test_the_first_row_with_the_most_matches_wins() -> None:
    sheet = sheet_of(
        [["Reference", "Title"], ["Reference", "Housing company", "Requested amount"], ["x"]]
    )
    assert find_header(sheet, match=ALIASES.get, required=REQUIRED).row == 2


def test_missing_required_column_lists_the_columns_found() -> None:
    sheet = sheet_of([["Reference", "Title", "Amount?"], ["A-1", "x", 1]])
    with pytest.raises(InputFileError) as caught:
        find_header(sheet, match=ALIASES.get, required=REQUIRED, names=NAMES)
    assert str(caught.value) == "\n".join(
        [
            "applications.xlsx: sheet 'Applications', row 1: missing required column "
            "'Housing company' (the columns found are 'Reference', 'Title', 'Amount?')",
            "applications.xlsx: sheet 'Applications', row 1: missing required column "
            "'Requested amount' (the columns found are 'Reference', 'Title', 'Amount?')",
        ]
    )


def test_the_same_field_twice_is_an_error() -> None:
    sheet = sheet_of([["Reference", "Housing company", "Requested amount", "Référence"]])
    with pytest.raises(InputFileError) as caught:
        find_header(sheet, match=ALIASES.get, required=REQUIRED, names=NAMES)
    assert str(caught.value) == (
        "applications.xlsx: sheet 'Applications', row 1, column D ('Référence'): "
        "'Reference' is given by more than one column (A 'Reference', D 'Référence'): keep one"
    )


def test_duplicates_can_be_allowed_and_reported() -> None:
    sheet = sheet_of([["Reference", "Housing company", "Requested amount", "Référence"]])
    header = find_header(sheet, match=ALIASES.get, required=REQUIRED, allow_duplicates=True)
    assert header.columns["reference"] == 1
    assert dict(header.duplicates) == {"reference": (1, 4)}


def test_no_header_row() -> None:
    sheet = sheet_of([["Liste des projets"], ["Nom", "Reference", "Budget"]])
    with pytest.raises(InputFileError) as caught:
        find_header(sheet, match=ALIASES.get, required=REQUIRED, names=NAMES, max_scan=5)
    assert str(caught.value) == (
        "applications.xlsx: sheet 'Applications': no header row found in the first 5 rows "
        "(expected columns such as 'Reference', 'Housing company', 'Requested amount'; "
        "the fullest row has 'Nom', 'Reference', 'Budget')"
    )


# --- choose_sheet -------------------------------------------------------------------


def looks_like_applications(sheet: Sheet) -> bool:
    return any(cell.value == "Reference" for row in sheet.rows for cell in row)


def book(*sheets: Sheet) -> Workbook:
    return Workbook(path=Path("applications.xlsx"), format=Format.XLSX, sheets=sheets)


APPLICATIONS = sheet_of([["Reference"]], "Applications")
OLD = sheet_of([["Reference"]], "Old")
NOTES = sheet_of([["Notes"]], "Notes")


def test_the_only_visible_recognised_sheet() -> None:
    hidden_copy = Sheet(OLD.file_label, "Old", OLD.rows, visible=False)
    chosen = choose_sheet(
        book(NOTES, APPLICATIONS, hidden_copy), recognise=looks_like_applications, requested=None
    )
    assert chosen is APPLICATIONS


def test_a_requested_sheet_even_hidden() -> None:
    hidden_copy = Sheet(OLD.file_label, "Old", OLD.rows, visible=False)
    workbook = book(APPLICATIONS, hidden_copy)
    assert choose_sheet(workbook, recognise=looks_like_applications, requested="old") is hidden_copy


def test_several_recognised_sheets() -> None:
    with pytest.raises(InputFileError) as caught:
        choose_sheet(book(APPLICATIONS, OLD), recognise=looks_like_applications, requested=None)
    assert str(caught.value) == (
        "applications.xlsx: several sheets could be the one to read ('Applications', 'Old'): "
        "pass --sheet NAME"
    )


def test_no_recognised_sheet() -> None:
    with pytest.raises(InputFileError) as caught:
        choose_sheet(book(NOTES), recognise=looks_like_applications, requested=None)
    assert str(caught.value) == (
        "applications.xlsx: no visible sheet has the expected columns (the sheets are 'Notes'): "
        "check the header row, or pass --sheet NAME"
    )


def test_choose_on_a_real_read(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([["Reference"]], extra_sheets={"Notes": [["n"]]})
    workbook = read_workbook(path)
    assert choose_sheet(workbook, recognise=looks_like_applications, requested=None).name == (
        "Applications"
    )


# --- where() and column letters -----------------------------------------------------


@pytest.mark.parametrize(
    ("col", "letters"),
    [
        (1, "A"),
        (4, "D"),
        (26, "Z"),
        (27, "AA"),
        (28, "AB"),
        (52, "AZ"),
        (53, "BA"),
        (702, "ZZ"),
        (703, "AAA"),
        (16384, "XFD"),
    ],
    ids=lambda value: str(value),
)
def test_column_letters(col: int, letters: str) -> None:
    assert column_letters(col) == letters


def test_where_with_and_without_header() -> None:
    assert where("applications.xlsx", "Applications", 7, 4, "Requested amount") == (
        "applications.xlsx: sheet 'Applications', row 7, column D ('Requested amount')"
    )
    assert where("applications.xlsx", "Applications", 7, 28, None) == (
        "applications.xlsx: sheet 'Applications', row 7, column AB"
    )
