"""read_workbook(): exact values, and what calamine alone would miss."""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.errors import InputFileError
from slrbcall.sheets import NO_CACHED_VALUE, Cell, CellError, Format, Sheet, read_amount
from slrbcall.sheets.read import _build_sheet, _Loaded, exact, read_workbook
from slrbcall.sheets.xmlparts import SheetExtras

SHEET_XML = "xl/worksheets/sheet1.xml"
ERRORS = ["#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]


def only_sheet(path: Path, **options: object) -> Sheet:
    (sheet,) = read_workbook(path, **options).sheets  # type: ignore[arg-type]
    return sheet


def values(sheet: Sheet) -> dict[tuple[int, int], object]:
    """The non-empty cells as {(row, col): value or error}."""
    return {
        (cell.row, cell.col): cell.value if cell.error is None else cell.error
        for row in sheet.rows
        for cell in row
        if not cell.is_empty
    }


def cell(sheet: Sheet, row: int, col: int) -> Cell:
    return next(c for cells in sheet.rows for c in cells if (c.row, c.col) == (row, col))


# --- values are exact -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (44058.1, Decimal("44058.1")),
        (0.1 + 0.2, Decimal("0.30000000000000004")),
        (12.0, 12),
        (1e20, 10**20),
        (datetime.timedelta(hours=30), Decimal("1.25")),
    ],
    ids=["44058.1", "0.1+0.2", "whole-float-is-int", "1e20", "duration-in-days"],
)
def test_calamine_floats_become_exact(raw: float, expected: object) -> None:
    assert exact(raw) == expected
    assert type(exact(raw)) is type(expected)


def test_numbers_are_exact_never_floats(make_xlsx: Callable[..., Path]) -> None:
    # openpyxl writes 0.1 + 0.2 as "0.3"; the cell holds what the file says.
    sheet = only_sheet(make_xlsx([[44058.1, 0.1 + 0.2, 12, 12.0, 1e20, 1e-05, -3.5]]))
    assert values(sheet) == {
        (1, 1): Decimal("44058.1"),
        (1, 2): Decimal("0.3"),
        (1, 3): 12,
        (1, 4): 12,
        (1, 5): 10**20,
        (1, 6): Decimal("0.00001"),
        (1, 7): Decimal("-3.5"),
    }
    assert all(not isinstance(c.value, float) for cells in sheet.rows for c in cells)
    assert type(cell(sheet, 1, 3).value) is int


def test_text_keeps_leading_zeros(make_xlsx: Callable[..., Path]) -> None:
    sheet = only_sheet(make_xlsx([["00123", "0470 12 34 56"]]))
    assert [(c.value, c.is_text) for c in sheet.rows[0]] == [
        ("00123", True),
        ("0470 12 34 56", True),
    ]


def test_dates_times_and_booleans(make_xlsx: Callable[..., Path]) -> None:
    day = datetime.date(2024, 3, 1)
    moment = datetime.datetime(2024, 3, 1, 12, 30)
    sheet = only_sheet(make_xlsx([[day, moment, datetime.time(9, 15), True]]))
    assert [c.value for c in sheet.rows[0]] == [day, moment, datetime.time(9, 15), True]


def test_rows_keep_their_true_numbers_and_are_dense(make_xlsx: Callable[..., Path]) -> None:
    sheet = only_sheet(make_xlsx([["title"], [], [], ["a", None, "c"], [None, "b"]]))
    assert [cells[0].row for cells in sheet.rows] == [1, 4, 5]
    assert sheet.width == 3
    assert all(len(cells) == 3 for cells in sheet.rows)
    assert [(c.row, c.col) for c in sheet.rows[2]] == [(5, 1), (5, 2), (5, 3)]
    assert (
        sheet.where(4, 3, "Thème")
        == "applications.xlsx: sheet 'Applications', row 4, column C ('Thème')"
    )


def test_data_that_starts_away_from_a1(make_xlsx: Callable[..., Path]) -> None:
    sheet = only_sheet(make_xlsx([[], [], [None, None, "x"], [None, None, None, 7]]))
    assert values(sheet) == {(3, 3): "x", (4, 4): 7}


# --- what calamine alone reads as empty ---------------------------------------------


def test_error_cells_are_errors_never_empty(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    path = make_xlsx([["Amount"], ["placeholder"]])
    error_cells = "".join(
        f'<c r="{chr(ord("A") + i)}2" t="e"><f>1/0</f><v>{error}</v></c>'
        for i, error in enumerate(ERRORS)
    )
    patch(path, SHEET_XML, lambda xml: re.sub(r'<c r="A2".*?</c>', error_cells, xml))
    sheet = only_sheet(path)
    assert [(c.value, c.error) for c in sheet.rows[1]] == [(None, e) for e in ERRORS]
    with pytest.raises(CellError, match="the cell shows the error #DIV/0!"):
        read_amount(sheet.rows[1][0])


def test_a_number_no_spreadsheet_can_hold_is_a_num_error(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    path = make_xlsx([["Amount", "Months", "Title"], [1.5, 12, 3.5]])
    patch(path, SHEET_XML, lambda xml: re.sub(r"<v>1\.5</v>", "<v>NaN</v>", xml))
    patch(path, SHEET_XML, lambda xml: re.sub(r"<v>12</v>", "<v>inf</v>", xml))
    patch(path, SHEET_XML, lambda xml: re.sub(r"<v>3\.5</v>", "<v>-inf</v>", xml))
    sheet = only_sheet(path)
    assert [(c.value, c.error) for c in sheet.rows[1]] == [(None, "#NUM!")] * 3
    with pytest.raises(CellError, match="the cell shows the error #NUM!"):
        read_amount(sheet.rows[1][0])


def test_formula_without_cached_value(make_xlsx: Callable[..., Path]) -> None:
    # openpyxl writes formulas without their value, as some web exports do.
    sheet = only_sheet(make_xlsx([["Amount", "Total"], [100, "=A2*2"]]))
    total = cell(sheet, 2, 2)
    assert (total.value, total.error) == (None, NO_CACHED_VALUE)
    with pytest.raises(CellError) as caught:
        read_amount(total)
    assert str(caught.value) == (
        "formula without a cached value: open the file in Excel or LibreOffice, "
        "let it recalculate and save it again"
    )


def test_formula_whose_cached_value_is_empty_text_is_just_empty(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    path = make_xlsx([["a", "b"]])
    patch(
        path,
        SHEET_XML,
        lambda xml: re.sub(
            r'<c r="B1".*?</c>', '<c r="B1" t="str"><f>IF(1,"","")</f><v></v></c>', xml
        ),
    )
    sheet = only_sheet(path)
    assert values(sheet) == {(1, 1): "a"}  # no error, and column B holds nothing


def test_prefixed_spreadsheetml_elements(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    # Some generators write <x:row><x:c> with a prefix instead of a default namespace.
    path = make_xlsx([["Amount", "Total"], [100, "=A2*2"]], hidden_rows=[2])

    def prefix(xml: str) -> str:
        xml = re.sub(r"<(/?)([A-Za-z]\w*)", r"<\1x:\2", xml)
        return xml.replace('xmlns="', 'xmlns:x="', 1)

    patch(path, SHEET_XML, prefix)
    assert "<x:row" in zipfile.ZipFile(path).read(SHEET_XML).decode()
    sheet = only_sheet(path)
    assert values(sheet) == {
        (1, 1): "Amount",
        (1, 2): "Total",
        (2, 1): 100,
        (2, 2): NO_CACHED_VALUE,
    }
    assert sheet.hidden_rows == frozenset({2})


def test_hidden_rows_and_merged_cells(make_xlsx: Callable[..., Path]) -> None:
    rows = [["Title"], ["Ref", "Amount"], ["A-1", 1], ["A-2", 2], ["A-3", 3]]
    sheet = only_sheet(make_xlsx(rows, hidden_rows=[4], merged=["A1:B1"]))
    assert sheet.hidden_rows == frozenset({4})
    assert sheet.merged_ranges == ("A1:B1",)


def test_rows_beyond_a_wrong_dimension_are_read(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    path = make_xlsx([["Ref", "Amount"]] + [[f"A-{i}", i] for i in range(1, 40)])
    patch(
        path, SHEET_XML, lambda xml: re.sub(r"<dimension [^>]*>", '<dimension ref="A1:B2"/>', xml)
    )
    assert '<dimension ref="A1:B2"/>' in zipfile.ZipFile(path).read(SHEET_XML).decode()
    sheet = only_sheet(path)
    assert len(sheet.rows) == 40
    assert sheet.rows[-1][1].value == 39


def test_a_dtd_in_sheet_xml_is_refused_unexpanded(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path]
) -> None:
    path = make_xlsx([["a"]])
    laughs = '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    patch(path, SHEET_XML, lambda xml: laughs + xml.split("?>", 1)[-1])
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value).startswith(
        "applications.xlsx: the file is damaged (part xl/worksheets/sheet1.xml cannot be read: "
        "DTDForbidden("
    )


def test_a_short_read_is_refused_rather_than_trusted() -> None:
    # What calamine would return if it trusted a wrong <dimension>.
    short = _Loaded(start=(0, 0), values=[["Ref"], ["A-1"]], merged=[])
    with pytest.raises(InputFileError) as caught:
        _build_sheet("a.xlsx", "S", short, visible=True, extras=SheetExtras(last_row=9))
    assert str(caught.value) == (
        "a.xlsx: sheet 'S': row 9 holds data that could not be read: "
        "open the file in Excel or LibreOffice and save it again"
    )


def test_rows_of_unequal_length_and_errors_outside_calamine_range_are_covered() -> None:
    loaded = _Loaded(start=(1, 1), values=[["Ref", "Amount"], ["A-1"], []], merged=[])
    errors = {(5, 2): "#N/A"}  # an error cell below and left of calamine's range
    sheet = _build_sheet(
        "a.xlsx", "S", loaded, visible=True, extras=SheetExtras(errors=errors, last_row=5)
    )
    assert [[(c.row, c.col, c.value) for c in row if not c.is_empty] for row in sheet.rows] == [
        [(2, 2, "Ref"), (2, 3, "Amount")],
        [(3, 2, "A-1")],
        [(5, 2, None)],  # row 4 is blank: skipped
    ]
    assert sheet.rows[-1][1].error == "#N/A"
    assert sheet.rows[1][2].is_empty  # column C of the short row, padded


# --- workbook level -----------------------------------------------------------------


def test_all_sheets_with_visibility_and_properties(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx(
        [["a"]],
        extra_sheets={"Lists": [["x"]], "Notes": [["y"]]},
        hidden_sheets=["Lists"],
        properties={"slrbcall.call": "empowerment-2023"},
        title="Applications 2023",
    )
    book = read_workbook(path)
    assert book.format is Format.XLSX
    assert [(s.name, s.visible) for s in book.sheets] == [
        ("Applications", True),
        ("Lists", False),
        ("Notes", True),
    ]
    assert dict(book.properties) == {
        "title": "Applications 2023",
        "slrbcall.call": "empowerment-2023",
    }
    assert book.date1904 is False


def test_one_sheet_by_name_ignoring_case(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([["a"]], extra_sheets={"Marks": [["m"]]})
    assert read_workbook(path, sheet="marks").sheet_names == ("Marks",)


def test_unknown_sheet_lists_the_sheets(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([["a"]], extra_sheets={"Marks": [["m"]]})
    with pytest.raises(InputFileError) as caught:
        read_workbook(path, sheet="Scores")
    assert str(caught.value) == (
        "applications.xlsx: no sheet named 'Scores': the sheets are 'Applications', 'Marks'"
    )


def test_date1904_workbooks(make_xlsx: Callable[..., Path], patch: Callable[..., Path]) -> None:
    path = make_xlsx([[datetime.date(2024, 3, 1)]])
    patch(
        path,
        "xl/workbook.xml",
        lambda xml: re.sub(r"<workbookPr\s*/>", '<workbookPr date1904="1"/>', xml),
    )
    book = read_workbook(path)
    assert book.date1904 is True
    assert book.sheets[0].rows[0][0].value == datetime.date(2028, 3, 2)  # same serial, 1904 epoch


# --- ODS ------------------------------------------------------------------------------


ODS_ERROR = (
    '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
    'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
)
ODS_UNCACHED = '<table:table-cell table:formula="of:=[.A1]*2"/>'
ODS_MERGED = (
    '<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1" '
    'office:value-type="string"><text:p>Merged</text:p></table:table-cell><table:covered-table-cell/>'
)
ODS_REPEATED = '<table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="7"/>'


def test_ods_values_errors_hidden_rows_merges_and_properties(make_ods: Callable[..., Path]) -> None:
    rows = [
        [ODS_MERGED, "Title"],
        ["Ref", 44058.1, 12, "00123"],
        ["A-1", ODS_ERROR, ODS_UNCACHED],
        [ODS_REPEATED],
    ]
    path = make_ods(
        rows,
        row_attrs={3: 'table:visibility="collapse"'},
        meta={"slrbcall.call": "empowerment-2023"},
    )
    book = read_workbook(path)
    assert book.format is Format.ODS
    assert dict(book.properties) == {"slrbcall.call": "empowerment-2023"}
    (sheet,) = book.sheets
    assert values(sheet) == {
        (1, 1): "Merged",
        (1, 3): "Title",
        (2, 1): "Ref",
        (2, 2): Decimal("44058.1"),
        (2, 3): 12,
        (2, 4): "00123",
        (3, 1): "A-1",
        (3, 2): "#DIV/0!",
        (3, 3): NO_CACHED_VALUE,
        (4, 1): 7,
        (4, 2): 7,
        (4, 3): 7,
    }
    assert sheet.hidden_rows == frozenset({3})
    assert sheet.merged_ranges == ("A1:B1",)


def test_ods_repeated_hidden_rows_stay_within_the_data(make_ods: Callable[..., Path]) -> None:
    rows = [["Ref"], ["A-1"], [None]]
    path = make_ods(
        rows, row_attrs={3: 'table:number-rows-repeated="1048000" table:visibility="collapse"'}
    )
    assert only_sheet(path).hidden_rows == frozenset()


# --- CSV ------------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons(make_csv: Callable[..., Path]) -> None:
    text = "Référence;Montant demandé;Titre\r\n00123;44.058,00;Potagers, jardins\r\n"
    book = read_workbook(make_csv(text))
    assert book.format is Format.CSV
    (sheet,) = book.sheets
    assert sheet.name == "applications"
    assert [[(c.value, c.is_text) for c in cells] for cells in sheet.rows] == [
        [("Référence", True), ("Montant demandé", True), ("Titre", True)],
        [("00123", True), ("44.058,00", True), ("Potagers, jardins", True)],
    ]


def test_csv_with_commas_and_no_bom(make_csv: Callable[..., Path]) -> None:
    text = 'Reference,Amount,Title\nA-1,"44058,00",Food\nA-2,12,"Art; culture"\n'
    sheet = only_sheet(make_csv(text, bom=False))
    assert [c.value for c in sheet.rows[1]] == ["A-1", "44058,00", "Food"]
    assert [c.value for c in sheet.rows[2]] == ["A-2", "12", "Art; culture"]


def test_csv_row_numbers_are_records_as_excel_shows_them(make_csv: Callable[..., Path]) -> None:
    text = 'Ref;Title\n\nA-1;"two\nlines"\nA-2;x\n'
    sheet = only_sheet(make_csv(text))
    assert [(cells[0].row, cells[0].value) for cells in sheet.rows] == [
        (1, "Ref"),
        (3, "A-1"),
        (4, "A-2"),
    ]
    assert sheet.rows[1][1].value == "two\nlines"


def test_csv_has_one_sheet_named_after_the_file(make_csv: Callable[..., Path]) -> None:
    path = make_csv("Ref;Title\nA-1;x\n")
    assert read_workbook(path, sheet="APPLICATIONS").sheet_names == ("applications",)
    with pytest.raises(InputFileError) as caught:
        read_workbook(path, sheet="Marks")
    assert str(caught.value) == (
        "applications.csv: no sheet named 'Marks': the sheets are 'applications'"
    )


def test_csv_that_is_not_utf8_further_down(make_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"Ref;Title\n" + b"A;ok\n" * 20_000 + "B;Société\n".encode("cp1252"))
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == (
        "late.csv: line 20002 is not UTF-8 text: save the file as 'CSV UTF-8 (comma delimited)' "
        "in Excel, or as .xlsx"
    )


def test_a_sheet_calamine_cannot_parse_is_refused(
    make_xlsx: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import python_calamine

    import slrbcall.sheets.read as read

    def fail(book: object, name: str) -> None:
        raise python_calamine.CalamineError("bad cell reference")

    monkeypatch.setattr(read, "_load", fail)
    path = make_xlsx([["Reference"], ["E-01"]])
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == (
        "applications.xlsx: the file is damaged and cannot be read (bad cell reference): "
        "open it in Excel or LibreOffice and save it again"
    )
