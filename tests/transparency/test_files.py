"""A release written as files: the document, the PDF, the content as JSON and each table as CSV.

What a reader relies on: the JSON is the content exactly; a CSV gives back the very values of the JSON (a
withheld one as "[c]") when read by any CSV reader; no text in a CSV runs as a spreadsheet formula; and the PDF
is a real A4 document of several pages printed from the same HTML.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from weasyprint import HTML

from fairhearing.transparency import files
from fairhearing.transparency.rendering import render_document
from tests.transparency.sample_content import sample_content

TABLES = ["received_by_region", "outcomes_by_stage", "days_to_decision", "interim_suspensions"]
A4_PX = (210 / 25.4 * 96, 297 / 25.4 * 96)  # CSS pixels, 96 to the inch


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[Path]]:
    # Printing the PDF takes a second or two: once for the module.
    out = tmp_path_factory.mktemp("release") / "2026q3"
    return out, files.write_release(sample_content(), out)


def read_csv(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline="")))


def from_csv(cell: str, kind: str) -> object:
    """A CSV cell as the value it stands for: "[c]" is a withheld value, a number column holds JSON numbers."""
    if cell == "[c]":
        return None
    return cell if kind == "text" else json.loads(cell)


def test_write_release_writes_the_report_and_one_csv_per_table(written):
    out, paths = written
    assert [p.name for p in paths] == ["report.html", "report.pdf", "report.json", *[f"{t}.csv" for t in TABLES]]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    assert (out / "report.html").read_text(encoding="utf-8") == render_document(sample_content())


def test_the_json_is_the_content_exactly(written):
    out, _ = written
    text = (out / "report.json").read_text(encoding="utf-8")
    assert json.loads(text) == sample_content()
    # Keys sorted, so the file is the same bytes from SQLite and from PostgreSQL (whose jsonb sorts them).
    assert text == json.dumps(sample_content(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@pytest.mark.parametrize("index", range(len(TABLES)), ids=TABLES)
def test_each_csv_reads_back_to_the_values_of_the_json(written, index):
    out, _ = written
    table = list(files.tables(sample_content()))[index]
    # With a byte order mark, which spreadsheets need to read accents right and utf-8-sig reads away.
    raw = (out / f"{table['key']}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(raw.decode("utf-8-sig"))
    kinds = [c["kind"] for c in table["columns"]]
    assert rows[0] == [table["row_heading"], *(c["label"] for c in table["columns"])]
    assert len(rows) == len(table["rows"]) + 1
    for line, row in zip(rows[1:], table["rows"], strict=True):
        assert line[0] == row["label"]
        assert [from_csv(cell, kind) for cell, kind in zip(line[1:], kinds, strict=True)] == row["values"]


def test_a_withheld_value_is_c_in_the_csv_and_numbers_stay_numbers():
    table = files.find_table(sample_content(), "received_by_region")
    rows = read_csv(files.table_csv(table))
    assert rows[2] == ["South", "[c]", "9000", "[c]"]
    assert rows[1] == ["North", "35", "12040", "2.9"]


def test_text_that_a_spreadsheet_would_run_is_defused():
    table = {
        "key": "t",
        "row_heading": "=cmd|' /C calc'!A0",
        "columns": [{"label": "@SUM(A1:A9)", "kind": "count"}, {"label": "Note", "kind": "text"}],
        "rows": [
            {"label": '=HYPERLINK("http://x")', "total": False, "values": [-5, "+cmd|x"]},
            {"label": "Ordinary, with a comma", "total": False, "values": [None, "-"]},
        ],
        "chart": None,
    }
    rows = read_csv(files.table_csv(table))
    assert rows[0] == ["'=cmd|' /C calc'!A0", "'@SUM(A1:A9)", "Note"]
    # A negative number is a number, not a formula; a label that is a formula is shown as text.
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-5", "'+cmd|x"]
    assert rows[2] == ["Ordinary, with a comma", "[c]", "-"]


def test_find_table():
    assert files.find_table(sample_content(), "days_to_decision")["title"] == "Days from complaint to decision"
    assert files.find_table(sample_content(), "no_such_table") is None


def test_the_pdf_is_a_pdf(written):
    out, _ = written
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_the_document_prints_to_several_a4_pages():
    # The same HTML and print styles that render_pdf prints, laid out by WeasyPrint's document API.
    pages = HTML(string=render_document(sample_content())).render().pages
    assert len(pages) >= 3
    for page in pages:
        assert (page.width, page.height) == pytest.approx(A4_PX, abs=0.5)
