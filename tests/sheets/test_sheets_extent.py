"""One cell far away: refused from the cells themselves before any grid is built
(issue 20, class 1). Every file is crafted here, in each format and each way a cell
can be written; python-calamine is replaced by one that refuses to build a grid, so
that a regression fails the test instead of aborting the test run."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import types
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slrbcall.errors import InputFileError
from slrbcall.sheets.biff import _workbook_stream
from slrbcall.sheets.extent import MAX_CELLS, Extent, scan_references
from slrbcall.sheets.model import column_letters
from slrbcall.sheets.ooxml import _SheetHandler
from slrbcall.sheets.read import read_workbook
from slrbcall.sheets.xmlparts import stream_parse
from tests.builders import patch_member
from tests.sheets.test_sheets_xls import LEGACY, compound_file, record

SHEET_XML = "xl/worksheets/sheet1.xml"
TABLE = [["Reference", "Title"], ["A-1", "Un projet"]]
FIX = (
    "or clear the rows and columns after the table (Ctrl+End in Excel goes to the last "
    "cell), and save again"
)


def far_line(file: str, sheet: str, row: int, col: int) -> str:
    """The line of a sheet stretched by one cell, from A1 to it."""
    cells = row * col
    return (
        f"{file}: sheet '{sheet}', row {row}, column {column_letters(col)}: this cell lies "
        f"far beyond the table (the sheet would span {row:,} rows × {col:,} columns, "
        f"{cells:,} cells; at most {MAX_CELLS:,}): delete it, {FIX}"
    )


@pytest.fixture
def no_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-calamine that opens workbooks but never builds a sheet's grid."""
    import python_calamine as real

    class Book:
        def __init__(self, book: real.CalamineWorkbook) -> None:
            self._book = book
            self.sheets_metadata = book.sheets_metadata

        def __enter__(self) -> Book:
            return self

        def __exit__(self, *exc: object) -> None:
            self._book.close()

        def get_sheet_by_name(self, name: str) -> None:
            raise AssertionError(f"calamine was asked to build sheet {name!r}'s grid")

    def from_path(path: str) -> Book:
        if path.endswith(".ods"):  # calamine builds every sheet of an .ods as it opens it
            raise AssertionError("calamine was asked to open the .ods")
        return Book(real.CalamineWorkbook.from_path(path))

    fake = types.SimpleNamespace(
        CalamineWorkbook=types.SimpleNamespace(from_path=from_path),
        SheetTypeEnum=real.SheetTypeEnum,
        SheetVisibleEnum=real.SheetVisibleEnum,
        PasswordError=real.PasswordError,
        CalamineError=real.CalamineError,
    )
    monkeypatch.setitem(sys.modules, "python_calamine", fake)


def xlsx_with(make_xlsx: Callable[..., Path], cells_xml: str, *, row: int = 70000) -> Path:
    """The table, and after it a row ``row`` holding ``cells_xml`` as written."""
    path = make_xlsx(TABLE)
    return patch_member(
        path,
        SHEET_XML,
        lambda xml: xml.replace("</sheetData>", f'<row r="{row}">{cells_xml}</row></sheetData>'),
    )


FAR_XLSX = {
    # Each way a cell can be written in the sheet XML, always at XFD70000 but the last.
    "as every application writes it": '<c r="XFD70000" t="inlineStr"><is><t>x</t></is></c>',
    "empty, only formatted": '<c r="XFD70000" s="0"/>',
    "its reference not first": '<c s="0" t="inlineStr" r="XFD70000"><is><t>x</t></is></c>',
    "its reference in single quotes": "<c r='XFD70000' t=\"inlineStr\"><is><t>x</t></is></c>",
    "a tab before its reference": '<c\tr="XFD70000" t="inlineStr"><is><t>x</t></is></c>',
    "its reference in lower case": '<c r="xfd70000" t="inlineStr"><is><t>x</t></is></c>',
    "with a formula": '<c r="XFD70000"><f>1+1</f><v>2</v></c>',
    "with a namespace prefix": (
        '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'r="XFD70000" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
    ),
    "placed by the cells before it": "<c/>" * 16383 + '<c t="inlineStr"><is><t>x</t></is></c>',
}


@pytest.mark.parametrize("cells_xml", FAR_XLSX.values(), ids=FAR_XLSX.keys())
def test_a_far_cell_in_an_xlsx_is_refused_by_name(
    make_xlsx: Callable[..., Path], no_grid: None, cells_xml: str
) -> None:
    path = xlsx_with(make_xlsx, cells_xml)
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == far_line("applications.xlsx", "Applications", 70000, 16384)


@pytest.mark.parametrize(("row", "col"), [(1_048_576, 16_384), (70_000, 16_384), (4_000, 1_024)])
def test_the_last_cell_excel_can_hold(
    make_xlsx: Callable[..., Path], no_grid: None, row: int, col: int
) -> None:
    ref = f"{column_letters(col)}{row}"
    path = xlsx_with(make_xlsx, f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>', row=row)
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == far_line("applications.xlsx", "Applications", row, col)


def test_a_far_cell_after_a_megabyte_of_sheet_is_found(
    make_xlsx: Callable[..., Path], no_grid: None
) -> None:
    # The byte search reads the sheet XML a megabyte at a time: the far cell is in the
    # second piece, and a reference may be cut between two.
    filler = "".join(
        f'<row r="{i}"><c r="A{i}" t="n"><v>{i}</v></c></row>' for i in range(3, 30000)
    )
    far = '<row r="90000"><c r="AAA90000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = patch_member(
        make_xlsx(TABLE),
        SHEET_XML,
        lambda xml: xml.replace("</sheetData>", f"{filler}{far}</sheetData>"),
    )
    assert zipfile.ZipFile(path).getinfo(SHEET_XML).file_size > 1 << 20
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == far_line("applications.xlsx", "Applications", 90000, 703)


def test_two_cells_that_stretch_the_sheet_each_way_are_both_named(
    make_xlsx: Callable[..., Path], no_grid: None
) -> None:
    path = make_xlsx(TABLE)
    path = patch_member(
        path,
        SHEET_XML,
        lambda xml: xml.replace(
            '<c r="B2"',
            '<c r="ZZZ2" t="inlineStr"><is><t>x</t></is></c><c r="B2"',
        ).replace(
            "</sheetData>",
            '<row r="20000"><c r="A20000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == (
        "applications.xlsx: sheet 'Applications': cells A20000 and ZZZ2 lie far beyond the "
        "table (the sheet would span 20,000 rows × 18,278 columns, 365,560,000 cells; "
        f"at most 4,000,000): delete them, {FIX}"
    )


def ods_with(make_ods: Callable[..., Path], rows_xml: str) -> Path:
    path = make_ods(TABLE)
    return patch_member(
        path, "content.xml", lambda xml: xml.replace("</table:table>", rows_xml + "</table:table>")
    )


_VALUE = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize(
    ("rows_xml", "row", "col"),
    [
        (  # empty rows and columns repeated up to one value
            '<table:table-row table:number-rows-repeated="69997"><table:table-cell/>'
            "</table:table-row><table:table-row><table:table-cell "
            f'table:number-columns-repeated="16383"/>{_VALUE}</table:table-row>',
            70000,
            16384,
        ),
        (  # one value repeated along a whole row
            '<table:table-row table:number-rows-repeated="297"><table:table-cell/>'
            "</table:table-row><table:table-row><table:table-cell "
            'office:value-type="float" office:value="1" table:number-columns-repeated="16384">'
            "<text:p>1</text:p></table:table-cell></table:table-row>",
            300,
            16384,
        ),
        (  # a row of values repeated down the sheet
            '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
            f'table:number-columns-repeated="4"/>{_VALUE}</table:table-row>',
            1_048_576,
            5,
        ),
    ],
    ids=["repeated empty cells", "a value repeated across", "a row repeated down"],
)
def test_a_far_value_in_an_ods_is_refused_before_calamine_opens_it(
    make_ods: Callable[..., Path], no_grid: None, rows_xml: str, row: int, col: int
) -> None:
    with pytest.raises(InputFileError) as caught:
        read_workbook(ods_with(make_ods, rows_xml))
    assert str(caught.value) == far_line("applications.ods", "Applications", row, col)


def test_an_ods_with_two_tables_of_one_name_keeps_the_larger_extent(
    make_ods: Callable[..., Path], no_grid: None
) -> None:
    far = (
        '<table:table-row table:number-rows-repeated="69999"><table:table-cell/>'
        "</table:table-row><table:table-row><table:table-cell "
        f'table:number-columns-repeated="99"/>{_VALUE}</table:table-row>'
    )
    path = make_ods(TABLE)
    patch_member(
        path,
        "content.xml",
        lambda xml: xml.replace(
            '<table:table table:name="Applications">',
            f'<table:table table:name="Applications">{far}</table:table>'
            '<table:table table:name="Applications">',
        ),
    )
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == far_line("applications.ods", "Applications", 70000, 100)


def xls_with(tmp_path: Path, *records: bytes) -> Path:
    """The LibreOffice legacy workbook with ``records`` added to its sheet."""
    stream = _workbook_stream(LEGACY.read_bytes())
    end = stream.rfind(struct.pack("<HH", 0x000A, 0))
    path = tmp_path / "legacy.xls"
    path.write_bytes(compound_file(stream[:end] + b"".join(records) + stream[end:] + bytes(5000)))
    return path


@pytest.mark.parametrize(
    ("cell", "row", "col"),
    [
        (record(0x0203, struct.pack("<HHHd", 65535, 255, 0, 1.0)), 65536, 256),
        (record(0x00FD, struct.pack("<HHHI", 65535, 100, 0, 0)), 65536, 101),
        (
            record(0x00BD, struct.pack("<HH", 40000, 1) + bytes(6 * 250) + struct.pack("<H", 250)),
            40001,
            251,
        ),
    ],
    ids=["a number at IV65536", "a text at CW65536", "several numbers across row 40001"],
)
def test_a_far_cell_in_a_legacy_xls_is_refused(
    tmp_path: Path, no_grid: None, cell: bytes, row: int, col: int
) -> None:
    with pytest.raises(InputFileError) as caught:
        read_workbook(xls_with(tmp_path, cell))
    lowest = far_line("legacy.xls", "Feuil1", row, col)
    assert str(caught.value) == lowest


def test_a_csv_line_of_a_million_separators_is_refused(tmp_path: Path) -> None:
    lines = ["Reference;Title", *[f"A-{i};x" for i in range(1, 300)], "A-300" + ";" * 20_000]
    path = tmp_path / "applications.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_workbook(path)
    assert str(caught.value) == far_line("applications.csv", "applications", 301, 20_001)


@pytest.mark.parametrize(
    ("ref", "rows", "width"),
    [("B200000", 3, 2), ("XFD3", 3, 16384), ("CV20000", 3, 100)],
    ids=["a far row in a narrow sheet", "a far column in a short sheet", "within the bound"],
)
def test_a_sheet_within_the_bound_is_read(
    make_xlsx: Callable[..., Path], ref: str, rows: int, width: int
) -> None:
    row = int("".join(filter(str.isdigit, ref)))
    path = xlsx_with(make_xlsx, f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>', row=row)
    (sheet,) = read_workbook(path).sheets
    assert (len(sheet.rows), sheet.width) == (rows, width)
    assert sheet.rows[-1][-1].value == "x"


def test_a_declared_dimension_is_not_what_is_checked(make_xlsx: Callable[..., Path]) -> None:
    path = patch_member(
        make_xlsx(TABLE),
        SHEET_XML,
        lambda xml: xml.replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>'),
    )
    (sheet,) = read_workbook(path).sheets
    assert (len(sheet.rows), sheet.width) == (2, 2)


@given(
    st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), min_size=1, max_size=40)
)
def test_the_byte_search_places_cells_as_the_xml_pass_does(
    cells: list[tuple[int, int]],
) -> None:
    xml = "".join(
        f'<row r="{row}"><c r="{column_letters(col)}{row}" t="n"><v>1</v></c></row>'
        for row, col in cells
    )
    document = f"<worksheet><sheetData>{xml}</sheetData></worksheet>".encode()
    quick = Extent()
    assert scan_references(document, quick)
    handler = _SheetHandler()
    stream_parse(Path("x.xlsx"), io.BytesIO(document), "sheet", handler, namespaces=False)
    exact = handler.extras.extent
    assert (quick.rows, quick.cols) == (exact.rows, exact.cols)


def test_intake_of_a_far_cell_exits_3_under_a_memory_limit(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    # The whole command, in a process that may not take more than 1 GiB: before the
    # pre-flight, calamine aborted it asking for 36 GB.
    path = xlsx_with(make_xlsx, FAR_XLSX["as every application writes it"])
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
        "from slrbcall.cli.app import main; sys.argv[0] = 'slrbcall'; main()"
    )
    db = tmp_path / "ws.db"
    args = ["--db", str(db), "--call", "empowerment-2023", "intake", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert done.stderr == (
        far_line("applications.xlsx", "Applications", 70000, 16384)
        + "\n1 problem; nothing was stored.\n"
    )
    assert not db.exists()


@pytest.mark.parametrize(
    ("merges", "kept"),
    [
        (["E3:XFD1048576"], False),
        (["A1:B1", "C5:XFD5"], True),
        (["A10:Z4000", "AA10:AZ4000"], False),
        ([f"A{row}:J{row + 1}" for row in range(10, 20_010, 2)], False),
    ],
    ids=["to the last cell", "a title and one full row", "two blocks", "many small blocks"],
)
def test_the_error_workbook_copies_bounded_merges(
    make_xlsx: Callable[..., Path], tmp_path: Path, merges: list[str], kept: bool
) -> None:
    # openpyxl makes an object of every merged cell: a range to XFD1048576 took a
    # minute and all the memory before the copy fell back to the values.
    import openpyxl

    from slrbcall.errors import Problem
    from slrbcall.sheets.report import mark_problems

    merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
    path = patch_member(
        make_xlsx(TABLE),
        SHEET_XML,
        lambda xml: xml.replace(
            "</sheetData>", f'</sheetData><mergeCells count="{len(merges)}">{merged}</mergeCells>'
        ),
    )
    out = tmp_path / "report.xlsx"
    problem = Problem("applications.xlsx", "not a title", sheet="Applications", row=2, column=2)
    mark_problems(path, out, [problem])
    book = openpyxl.load_workbook(out)
    assert book["Applications"]["B2"].comment.text == "not a title"
    notes = [c.value for row in book["Problems"].iter_rows(min_row=3) for c in row if c.value]
    if kept:
        assert notes == []
        assert book["Applications"].merged_cells.ranges
    else:
        (note,) = notes
        assert note.startswith("The original formatting could not be kept: sheet 'Applications'")
        assert note.endswith("this copy holds the values only.")
