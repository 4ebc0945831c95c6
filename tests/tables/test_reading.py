"""Reading exported tables: the encodings and dialects spreadsheets and CRMs write, and the files they should not."""

from __future__ import annotations

import codecs
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from fairhearing.tables import cells
from fairhearing.tables.problems import Problem, error_csv_path, write_error_csv
from fairhearing.tables.reading import FileUnreadable, parse_csv, read_table

HEADER = "membership_number,name,branch"


def test_utf8_with_and_without_a_bom_and_windows_1252_read_alike():
    text = f"{HEADER}\nM1,Zoë Brontë,north\n"
    plain = parse_csv(text.encode("utf-8"))
    bom = parse_csv(codecs.BOM_UTF8 + text.encode("utf-8"))
    windows = parse_csv(text.encode("windows-1252"))
    assert [plain.encoding, bom.encoding, windows.encoding] == ["utf-8", "utf-8-sig", "windows-1252"]
    for table in (plain, bom, windows):
        assert table.columns == ["membership_number", "name", "branch"]  # no BOM left on the first name
        assert list(table.records()) == [(2, {"membership_number": "M1", "name": "Zoë Brontë", "branch": "north"})]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed(delimiter):
    text = f"a{delimiter}b{delimiter}c\n1{delimiter}'x, y'{delimiter}3\n4{delimiter}5{delimiter}6\n"
    table = parse_csv(text.replace("'", '"').encode())
    assert table.delimiter == delimiter
    assert [cells for _, cells in table.rows] == [["1", "x, y", "3"], ["4", "5", "6"]]


def test_rows_are_numbered_as_the_spreadsheet_shows_them_and_blank_rows_are_left_out():
    table = parse_csv(b'a,b\n1,2\n,\n"multi\nline",3\n4,5\n')
    assert [number for number, _ in table.rows] == [2, 4, 5]
    assert [cells for _, cells in table.rows] == [["1", "2"], ["multi\nline", "3"], ["4", "5"]]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the file is empty"),
        ("a,b\n1,2".encode("utf-16"), "UTF-16"),
        (b"%PDF-1.7\x00\x00binary", "binary data"),
        (b"a,b\nx\x81\x8d,y\n", "neither UTF-8 nor Windows-1252 (byte 0x81 on line 2"),
        (codecs.BOM_UTF8 + b"a,b\n\xff,1\n", "says it is UTF-8"),
        (b"a,a\n1,2\n", "the column 'a' appears twice"),
        (b",,\n1,2,3\n", "the first row is empty"),
    ],
)
def test_unreadable_files_say_why(raw, message):
    with pytest.raises(FileUnreadable) as refused:
        parse_csv(raw)
    assert message in str(refused.value)


def test_an_xlsx_formula_arrives_as_its_text_never_its_value(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["membership_number", "name", "joined", "dues"])
    sheet.append(["M1", '=HYPERLINK("http://evil.example","Click")', datetime(2020, 1, 5), 12.0])
    sheet.append([None, None, None, None])
    sheet.append(["M2", "Ann", date(2021, 2, 3), 7.5])
    path = tmp_path / "members.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.encoding == "xlsx" and table.delimiter is None
    assert list(table.records()) == [
        (
            2,
            {
                "membership_number": "M1",
                "name": '=HYPERLINK("http://evil.example","Click")',
                "joined": "2020-01-05",
                "dues": "12",
            },
        ),
        (4, {"membership_number": "M2", "name": "Ann", "joined": "2021-02-03", "dues": "7.5"}),
    ]
    assert cells.looks_like_formula(table.rows[0][1][1])


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ("=1+1", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("=", True),
        ("  =HYPERLINK()", True),
        ("-5", False),
        ("+44 20 7946 0000", False),
        ("Ann", False),
        ("a=b", False),
    ],
)
def test_formula_looking_cells(value, formula):
    assert cells.looks_like_formula(value) is formula


def test_cells_explain_what_is_wrong():
    with pytest.raises(cells.CellError, match="'25/03/2024' is not a date written as year-month-day"):
        cells.iso_date("25/03/2024")
    with pytest.raises(cells.CellError, match=r"'3\.5' is not a whole number"):
        cells.whole_number("3.5")
    with pytest.raises(cells.CellError, match="'dismised' is not a known appeal outcome; use one of: dismissed"):
        cells.choice("dismised", {"dismissed", "none"}, what="appeal outcome")
    assert cells.listed(" 2.1; 2.2;;3.1 ") == ["2.1", "2.2", "3.1"]
    assert cells.iso_date("") is None and cells.whole_number(" 30 ") == 30


def test_the_error_csv_lies_beside_the_input_and_carries_no_formula(tmp_path):
    source = tmp_path / "cases.csv"
    path = write_error_csv(
        error_csv_path(source), [Problem(3, "name", "=HYPERLINK looks like a formula"), Problem(0, "", "bad header")]
    )
    assert path == tmp_path / "cases.errors.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["row,column,problem", ",,bad header", "3,name,'=HYPERLINK looks like a formula"]
