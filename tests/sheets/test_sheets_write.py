"""slrbcall.sheets.write: every file written is read back, by openpyxl and by read_workbook."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slrbcall.errors import EnvironmentProblemError, RefusedError
from slrbcall.sheets import AMOUNT_FORMAT, TemplateColumn, safe_text, write_atomic, write_template
from slrbcall.sheets.read import read_workbook
from slrbcall.sheets.report import CellMark, write_problem_report

FORMULA_LOOKING = ["=1+1", "+32 2 123", "-5", "@SUM(A1)", "\tx", '=HYPERLINK("http://x","y")']
APPLICANTS = ["Log'iris", "Binhôme", "L'Habitation Moderne", "=evil()"]
COLUMNS = (
    TemplateColumn("reference", "Reference", "identifier", True, "e.g. EMP-2023-01"),
    TemplateColumn(
        "applicant", "Housing company", "choice", True, "one of the 16", choices="applicants"
    ),
    TemplateColumn("title", "Project title", "long_text", True, "", width=40),
    TemplateColumn("amount", "Requested amount", "amount", True, "in euro"),
    TemplateColumn("residents", "Residents targeted", "count", False, ""),
    TemplateColumn("start", "Start date", "date", False, "dd/mm/yyyy"),
    TemplateColumn("contact", "Contact", "text", False, ""),
)
PROPERTIES = {"slrbcall.call": "empowerment-2023", "slrbcall.template": "applications"}


def load(path: Path) -> Any:
    import openpyxl

    return openpyxl.load_workbook(path)


def template(path: Path, rows: Sequence[Sequence[object]] = (), **options: Any) -> Path:
    arguments: dict[str, Any] = {
        "title": "Empowerment 2023: applications",
        "sheet_name": "Applications",
        "columns": COLUMNS,
        "instructions": ["Fill in one row per application.", "- Amounts in euro."],
        "properties": PROPERTIES,
        "lists": {"applicants": APPLICANTS, "languages": ["nl", "fr"]},
        "rows": rows,
    }
    write_template(path, **{**arguments, **options})
    return path


def read_values(path: Path, sheet: str) -> dict[tuple[int, int], object]:
    book = read_workbook(path)
    (found,) = (s for s in book.sheets if s.name == sheet)
    return {(c.row, c.col): c.value for row in found.rows for c in row if not c.is_empty}


# --- safe_text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("a\x00b\x07c\x1bd", "abcd"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("windows\r\nmac\rend", "windows\nmac\nend"),
        ("del\x7f c1\x85\x9f", "del c1"),
        ("lone \ud800 surrogate \ufffe", "lone  surrogate "),
        ("Binhôme € – “quotes” 😀", "Binhôme € – “quotes” 😀"),
    ],
    ids=["plain", "c0", "tab-newline-kept", "cr", "del-c1", "surrogate-nonchar", "unicode"],
)
def test_safe_text(raw: str, expected: str) -> None:
    assert safe_text(raw) == expected


def test_safe_text_cuts_to_the_excel_limit() -> None:
    assert len(safe_text("x" * 40_000)) == 32_767
    assert safe_text("x" * 32_767) == "x" * 32_767
    # Excel counts UTF-16 units: an emoji is two, and is never cut in half.
    cut = safe_text("😀" * 20_000)
    assert cut == "😀" * 16_383
    assert len(cut.encode("utf-16-le")) == 2 * 32_766


# --- templates --------------------------------------------------------------------


def test_template_header_sheets_and_properties(tmp_path: Path) -> None:
    path = template(tmp_path / "applications.xlsx")
    book = load(path)
    assert book.sheetnames == ["Applications", "Instructions", "Lists"]
    sheet = book["Applications"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "Reference *",
        "Housing company *",
        "Project title *",
        "Requested amount *",
        "Residents targeted",
        "Start date",
        "Contact",
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G1001"
    assert sheet["A1"].comment.text == "e.g. EMP-2023-01"
    assert sheet["C1"].comment is None
    assert sheet.column_dimensions["C"].width == 40
    assert sheet.column_dimensions["A"].width == 18
    assert book["Lists"].sheet_state == "hidden"
    instructions = book["Instructions"]
    assert [c.value for c in instructions["A"]] == [
        "Empowerment 2023: applications",
        "Fill in one row per application.",
        "- Amounts in euro.",
    ]
    assert instructions["A1"].font.b
    assert instructions.column_dimensions["A"].width == 110

    read = read_workbook(path)
    assert read.properties["slrbcall.call"] == "empowerment-2023"
    assert read.properties["slrbcall.template"] == "applications"
    assert read.properties["title"] == "Empowerment 2023: applications"
    assert read.sheet_names == ("Applications", "Instructions", "Lists")
    assert [s.visible for s in read.sheets] == [True, True, False]


def test_template_formats_by_kind(tmp_path: Path) -> None:
    sheet = load(template(tmp_path / "t.xlsx"))["Applications"]
    formats = {letter: sheet.column_dimensions[letter].number_format for letter in "ABCDEFG"}
    assert formats == {
        "A": "@",
        "B": "@",
        "C": "@",
        "D": "#,##0.00 [$€-813]",
        "E": "0",
        "F": "DD/MM/YYYY",
        "G": "@",
    }
    assert sheet.column_dimensions["C"].alignment.wrap_text
    assert AMOUNT_FORMAT == "#,##0.00 [$€-813]"


def test_template_validations(tmp_path: Path) -> None:
    sheet = load(template(tmp_path / "t.xlsx"))["Applications"]
    found = {
        str(v.sqref): (v.type, v.operator, v.formula1, v.formula2, v.showErrorMessage)
        for v in sheet.data_validations.dataValidation
    }
    assert found == {
        "B2:B1001": ("list", None, "'Lists'!$A$2:$A$5", None, True),
        "D2:D1001": ("decimal", "greaterThanOrEqual", "0", None, True),
        "E2:E1001": ("whole", "greaterThanOrEqual", "0", None, True),
        "F2:F1001": ("date", "between", "18264", "109574", True),
    }


def test_template_lists_keep_apostrophes_and_stay_text(tmp_path: Path) -> None:
    path = template(tmp_path / "t.xlsx")
    lists = load(path)["Lists"]
    assert [c.value for c in lists["A"]] == ["applicants", *APPLICANTS]
    assert [c.value for c in lists["B"] if c.value is not None] == ["languages", "nl", "fr"]
    assert all(c.data_type == "s" for c in lists["A"])
    assert read_values(path, "Lists")[(5, 1)] == "=evil()"


def test_template_rows_are_exact(tmp_path: Path) -> None:
    rows = [
        ["00123", "Log'iris", "Potagers", Decimal("44058.50"), 12, datetime.date(2024, 3, 1)],
        [123, "Binhôme", "Clés", Decimal("38500.5"), 0, None, None],
        ["EMP-3", None, "x", Decimal("0.123456789012345678"), 10**17 + 1],
    ]
    path = template(tmp_path / "t.xlsx", rows=rows)
    sheet = load(path)["Applications"]
    assert sheet["D2"].value == 44058.5
    assert sheet["D2"].number_format == AMOUNT_FORMAT
    assert sheet["F2"].number_format == "DD/MM/YYYY"
    assert sheet["A2"].number_format == "@"
    assert sheet["A3"].data_type == "s"  # an identifier given as an int is text
    assert sheet["D4"].data_type == "s"  # too many digits for a double: exact text
    assert sheet["E4"].data_type == "s"  # more than Excel's 15 significant digits
    values = read_values(path, "Applications")
    assert values[(2, 1)] == "00123"
    assert values[(2, 4)] == Decimal("44058.5")
    assert values[(2, 5)] == 12
    assert values[(2, 6)] == datetime.date(2024, 3, 1)
    assert values[(3, 1)] == "123"
    assert values[(3, 4)] == Decimal("38500.5")
    assert values[(4, 4)] == "0.123456789012345678"
    assert values[(4, 5)] == str(10**17 + 1)


def test_formula_looking_text_is_stored_as_text(tmp_path: Path) -> None:
    rows = [[f"R{i}", None, text] for i, text in enumerate(FORMULA_LOOKING)]
    path = template(tmp_path / "t.xlsx", rows=rows, instructions=["=2*3", "+ a bullet"])
    book = load(path)
    cells = [book["Applications"].cell(row=i + 2, column=3) for i in range(len(rows))]
    assert [c.value for c in cells] == FORMULA_LOOKING
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    assert book["Instructions"]["A2"].data_type == "s"
    # calamine (through read_workbook) sees the same text, and no formula.
    values = read_values(path, "Applications")
    assert [values[(i + 2, 3)] for i in range(len(rows))] == FORMULA_LOOKING
    assert read_values(path, "Instructions")[(2, 1)] == "=2*3"


def test_text_is_cleaned_and_cut(tmp_path: Path) -> None:
    rows = [["R1", None, "bell\x07 and\x00 nul\r\nnext", None, None, None, "y" * 40_000]]
    path = template(tmp_path / "t.xlsx", rows=rows)
    values = read_values(path, "Applications")
    assert values[(2, 3)] == "bell and nul\nnext"
    assert values[(2, 7)] == "y" * 32_767


def test_template_refuses_floats(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="pass a Decimal"):
        template(tmp_path / "t.xlsx", rows=[["R1", None, None, 44058.5]])
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lists": {}}, "no values in list 'applicants'"),
        ({"lists": {"applicants": []}}, "no values in list 'applicants'"),
        ({"sheet_name": "Lists"}, "taken by the template"),
        ({"columns": ()}, "at least one column"),
        ({"rows": [[1] * 8]}, "row 2 has 8 values for 7 columns"),
    ],
    ids=["missing-list", "empty-list", "reserved-sheet", "no-columns", "long-row"],
)
def test_template_checks_its_arguments(
    tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        template(tmp_path / "t.xlsx", **options)


def test_template_column_invariants() -> None:
    with pytest.raises(ValueError, match="unknown kind 'money'"):
        TemplateColumn("a", "A", "money", True, "")
    with pytest.raises(ValueError, match="choices go with kind 'choice'"):
        TemplateColumn("a", "A", "choice", True, "")
    with pytest.raises(ValueError, match="choices go with kind 'choice'"):
        TemplateColumn("a", "A", "text", True, "", choices="x")


def test_template_refuses_a_name_excel_will_not_open(tmp_path: Path) -> None:
    with pytest.raises(RefusedError, match=r"name it with \.xlsx"):
        template(tmp_path / "t.ods")


SOFFICE = shutil.which("soffice")
#: Calc is a package of its own (Debian's libreoffice-calc): Writer alone cannot open it.
CALC = SOFFICE is not None and (Path(SOFFICE).resolve().parent / "libsclo.so").exists()


@pytest.mark.skipif(not CALC, reason="LibreOffice Calc is not installed")
def test_libreoffice_shows_text_as_text_and_euros(tmp_path: Path) -> None:
    rows = [["=1+1", None, "@SUM(A1)", Decimal("44058.5"), 3, datetime.date(2024, 3, 1)]]
    path = template(tmp_path / "t.xlsx", rows=rows)
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            # Semicolons, UTF-8, cells as shown.
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true",
            "--outdir",
            str(tmp_path / "out"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path), "LC_ALL": "fr_BE.UTF-8"},
    )
    lines = (tmp_path / "out" / "t.csv").read_text(encoding="utf-8").splitlines()
    # The separators are the machine's (44.058,50 under fr_BE); the € follows.
    assert re.fullmatch(r"=1\+1;;@SUM\(A1\);44[.,\s]058[.,]50 €;3;01/03/2024;", lines[1])


# --- atomic writes ----------------------------------------------------------------


def _book(value: str) -> Any:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = value
    return book


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_atomic(_book("old"), path)
    write_atomic(_book("new"), path)
    assert load(path).active["A1"].value == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), OSError(28, "No space left on device")])
def test_write_atomic_keeps_the_old_file_when_saving_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    path = tmp_path / "out.xlsx"
    write_atomic(_book("old"), path)
    before = path.read_bytes()
    book = _book("new")

    def failing_save(stream: Any) -> None:
        stream.write(b"PK\x03\x04 half a zip")
        raise error

    monkeypatch.setattr(book, "save", failing_save)
    expected = EnvironmentProblemError if isinstance(error, OSError) else RuntimeError
    with pytest.raises(expected):
        write_atomic(book, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_write_atomic_refuses_a_missing_folder_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(RefusedError, match=r"the folder .* does not exist"):
        write_atomic(_book("x"), tmp_path / "nowhere" / "out.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(RefusedError, match="is a folder"):
        write_atomic(_book("x"), tmp_path / "dir.xlsx")
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.xlsx"]


# --- problem reports --------------------------------------------------------------

MARKS = [
    CellMark("Applications", 3, 4, "not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)"),
    CellMark("Applications", 3, 4, "=second message on the same cell"),
    CellMark("Applications", 4, 0, "the same reference twice: EMP-1"),
    CellMark("Applications", 0, 0, "no column 'Theme'"),
    CellMark("Gone", 2, 2, "a sheet that is not there"),
]


def check_problem_sheet(book: Any, *, sheet: str = "Applications") -> None:
    problems = book["Problems"]
    assert book.sheetnames[0] == "Problems"
    assert book.active.title == "Problems"
    assert [[c.value for c in row] for row in problems.iter_rows(max_row=6)] == [
        ["Sheet", "Cell", "Problem"],
        [sheet, "D3", MARKS[0].message],
        [sheet, "D3", "=second message on the same cell"],
        [sheet, "row 4", "the same reference twice: EMP-1"],
        [sheet, "whole sheet", "no column 'Theme'"],
        ["Gone", "B2", "a sheet that is not there"],
    ]
    assert problems["C3"].data_type == "s"
    assert problems["B2"].hyperlink.location == f"'{sheet}'!D3"
    assert problems["B4"].hyperlink.location == f"'{sheet}'!A4"
    assert problems["B5"].hyperlink.location == f"'{sheet}'!A1"
    assert problems["B6"].hyperlink is None


def check_marks(sheet: Any, *, row_width: int) -> None:
    cell = sheet["D3"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert cell.comment.text.startswith(MARKS[0].message + "\n=second message")
    assert sheet["C3"].comment is None
    assert sheet["C3"].fill.fill_type is None
    row = [sheet.cell(row=4, column=c) for c in range(1, row_width + 1)]
    assert all(c.fill.fgColor.rgb.endswith("FFC7CE") for c in row)
    assert sheet["A4"].comment.text == "the same reference twice: EMP-1"
    assert sheet["A2"].fill.fill_type is None


def test_problem_report_on_xlsx(make_xlsx: Callable[..., Path], tmp_path: Path) -> None:
    source = make_xlsx(
        [
            ["Reference", "Applicant", "Title", "Amount"],
            ["EMP-1", "Log'iris", "=1+1", 44058],
            ["EMP-2", "Binhôme", "Clés", "ca 50k"],
            ["EMP-1", "Comensia", "Deux", 1000],
        ],
        properties=PROPERTIES,
    )
    import openpyxl
    from openpyxl.comments import Comment

    original = openpyxl.load_workbook(source)
    original["Applications"]["C2"].data_type = "s"  # text that looks like a formula
    original["Applications"]["D3"].comment = Comment("checked by phone", "Anna")
    original["Applications"]["D2"].number_format = AMOUNT_FORMAT
    original.save(source)
    before = source.read_bytes()

    out = tmp_path / "report.xlsx"
    write_problem_report(source, out, problems=MARKS)
    assert source.read_bytes() == before
    book = load(out)
    check_problem_sheet(book)
    sheet = book["Applications"]
    check_marks(sheet, row_width=4)
    assert sheet["D3"].comment.text.endswith("\n\nchecked by phone")
    assert sheet["D2"].number_format == AMOUNT_FORMAT  # the original is kept as it was
    assert sheet["C2"].value == "=1+1"
    assert sheet["C2"].data_type == "s"
    assert read_values(out, "Applications")[(2, 3)] == "=1+1"
    assert read_workbook(out).properties["slrbcall.call"] == "empowerment-2023"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_problem_report_on_csv(make_csv: Callable[..., Path], tmp_path: Path) -> None:
    source = make_csv(
        "Reference;Applicant;Title;Amount\n"
        "EMP-1;Log'iris;=1+1;44.058,00\n"
        "EMP-2;Binhôme;+32 2 123;ca 50k\n"
        "EMP-1;Comensia;Deux;1000\n",
        name="Applications.csv",
    )
    out = tmp_path / "report.xlsx"
    write_problem_report(source, out, problems=MARKS)
    book = load(out)
    assert book.sheetnames == ["Problems", "Applications"]
    check_problem_sheet(book)
    sheet = book["Applications"]
    check_marks(sheet, row_width=4)
    assert [c.value for c in sheet[3]] == ["EMP-2", "Binhôme", "+32 2 123", "ca 50k"]
    assert all(c.data_type == "s" for c in sheet[3])
    notes = [c.value for c in book["Problems"]["C"] if c.value]
    assert notes[-1].startswith("A copy of the values")
    values = read_values(out, "Applications")
    assert values[(2, 3)] == "=1+1"
    assert values[(2, 4)] == "44.058,00"


def test_problem_report_on_ods_keeps_numbers_and_dates(
    make_ods: Callable[..., Path], tmp_path: Path
) -> None:
    source = make_ods(
        [
            ["Reference", "Applicant", "Title", "Amount"],
            ["EMP-1", "Log'iris", "Un", 44058.5],
            ["EMP-2", "Binhôme", "Deux", "ca 50k"],
            ["EMP-1", "Comensia", "Trois", 1000],
        ]
    )
    out = tmp_path / "report.xlsx"
    write_problem_report(source, out, problems=MARKS)
    book = load(out)
    check_problem_sheet(book)
    check_marks(book["Applications"], row_width=4)
    assert book["Applications"]["D2"].value == 44058.5
    assert read_values(out, "Applications")[(2, 4)] == Decimal("44058.5")


def test_problem_report_falls_back_to_values_when_openpyxl_cannot_load(
    make_xlsx: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    source = make_xlsx([["Reference", "Amount"], ["EMP-1", 12], ["EMP-2", "ca 50k"]])

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("xl/sharedStrings.xml")

    monkeypatch.setattr(openpyxl, "load_workbook", broken)
    out = tmp_path / "report.xlsx"
    write_problem_report(source, out, problems=[CellMark("Applications", 3, 2, "not an amount")])
    monkeypatch.undo()
    book = load(out)
    assert book["Applications"]["B3"].comment.text == "not an amount"
    assert book["Applications"]["B2"].value == 12
    notes = [c.value for c in book["Problems"]["C"] if c.value]
    assert notes[-1].startswith("The original formatting could not be kept")


def test_problem_report_refuses_to_overwrite_its_source(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    source = make_xlsx([["Reference"], ["EMP-1"]])
    before = source.read_bytes()
    with pytest.raises(RefusedError, match="cannot overwrite the file it reports on"):
        write_problem_report(source, source, problems=MARKS)
    with pytest.raises(RefusedError, match="cannot overwrite the file it reports on"):
        write_problem_report(source, tmp_path / "." / source.name, problems=MARKS)
    with pytest.raises(RefusedError, match=r"name it with \.xlsx"):
        write_problem_report(source, tmp_path / "report.csv", problems=MARKS)
    assert source.read_bytes() == before


def test_problem_report_of_a_template(tmp_path: Path) -> None:
    """The tool's own template, filled in and reported on, keeps its validations."""
    source = template(tmp_path / "t.xlsx", rows=[["EMP-1", "Log'iris", "Un", Decimal("-5")]])
    out = tmp_path / "report.xlsx"
    write_problem_report(
        source, out, problems=[CellMark("Applications", 2, 4, "amounts cannot be negative: -5")]
    )
    book = load(out)
    assert book.sheetnames == ["Problems", "Applications", "Instructions", "Lists"]
    sheet = book["Applications"]
    assert len(sheet.data_validations.dataValidation) == 4
    assert sheet["D2"].comment.text == "amounts cannot be negative: -5"
    assert read_workbook(out).properties["slrbcall.call"] == "empowerment-2023"


def test_cell_mark_invariants() -> None:
    with pytest.raises(ValueError, match="no such cell"):
        CellMark("S", -1, 1, "x")
    with pytest.raises(ValueError, match="whole sheet"):
        CellMark("S", 0, 3, "x")


def test_problem_report_marks_a_merged_cell_on_its_first_cell(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    source = make_xlsx(
        [["Reference", "Title", "Amount"], ["EMP-1", "Un", "ca 50k"]],
        merged=["B2:C2"],
        extra_sheets={"Problems": [["an officer's own sheet"]]},
    )
    out = tmp_path / "report.xlsx"
    marks = [CellMark("Applications", 2, 3, "not an amount"), CellMark("", 0, 0, "no call")]
    write_problem_report(source, out, problems=marks)
    book = load(out)
    assert book.sheetnames == ["Problems (2)", "Applications", "Problems"]
    sheet = book["Applications"]
    assert sheet["B2"].comment.text == "not an amount"
    assert sheet["B2"].fill.fgColor.rgb.endswith("FFC7CE")
    problems = book["Problems (2)"]
    assert [c.value for c in problems[3]] == [None, None, "no call"]
    assert problems["B2"].hyperlink.location == "'Applications'!C2"


def _xlsm(make_xlsx: Callable[..., Path], patch: Callable[..., Path]) -> Path:
    """An .xlsm as far as the bytes go: the macro content type and a (fake) macro part."""
    import zipfile

    source = make_xlsx([["Reference"], ["EMP-1"]], name="applications.xlsm")
    patch(
        source,
        "[Content_Types].xml",
        lambda text: text.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"not really VBA")
    return source


@pytest.mark.parametrize(("name", "macros"), [("report.xlsx", False), ("report.xlsm", True)])
def test_problem_report_keeps_macros_only_in_an_xlsm(
    make_xlsx: Callable[..., Path],
    patch: Callable[..., Path],
    tmp_path: Path,
    name: str,
    macros: bool,
) -> None:
    import zipfile

    source = _xlsm(make_xlsx, patch)
    out = tmp_path / name
    write_problem_report(source, out, problems=[CellMark("Applications", 2, 1, "unknown")])
    with zipfile.ZipFile(out) as archive:
        assert ("xl/vbaProject.bin" in archive.namelist()) is macros
        assert ("macroEnabled" in archive.read("[Content_Types].xml").decode()) is macros
    assert load(out)["Applications"]["A2"].comment.text == "unknown"
    assert "The original formatting" not in str([c.value for c in load(out)["Problems"]["C"]])
