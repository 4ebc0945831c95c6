"""A transparency release as files: the document (HTML), the same as PDF, the content as JSON and each table as CSV.

The web page's downloads and `write_release` both come from these functions, so a file downloaded from the site
and one written at publication are the same bytes (the PDF too, as long as the same WeasyPrint and fonts print it).
Every file is made from the release's stored content and nothing else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from fairhearing.tables.cells import looks_like_formula
from fairhearing.transparency.rendering import WITHHELD, render_document

DOCUMENT = "report.html"
PDF = "report.pdf"
JSON = "report.json"


def write_release(content: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write report.html, report.pdf, report.json and one <table key>.csv per table into `out_dir` (made if
    missing); returns the paths written, the report first and the tables in the report's order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (
        (DOCUMENT, render_document(content).encode("utf-8")),
        (PDF, render_pdf(content)),
        (JSON, content_json(content).encode("utf-8")),
    ):
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    for table in tables(content):
        path = out_dir / csv_name(table)
        path.write_bytes(table_csv(table).encode("utf-8-sig"))
        written.append(path)
    return written


def content_json(content: Mapping[str, Any]) -> str:
    """The content, indented for people who read it; UTF-8, names as they are written. Keys are sorted so the file
    is the same bytes whichever database stored the release (PostgreSQL's jsonb sorts them; SQLite keeps them as
    written): what is ordered in a report is ordered in lists."""
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def render_pdf(content: Mapping[str, Any]) -> bytes:
    """The document printed to an A4 PDF by WeasyPrint, which reads the document's own print styles.

    The document refers to nothing outside itself; the fetcher refuses every URL and stops the rendering if asked
    for one, so a stray reference would fail loudly rather than make the server fetch it.
    """
    # Imported here: WeasyPrint loads Pango and its fonts, which the rest of the site never needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    return HTML(string=render_document(content), url_fetcher=fetcher).write_pdf()


def tables(content: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every table of the release, in the order the report shows them."""
    for section in content.get("sections") or ():
        yield from section.get("tables") or ()


def find_table(content: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    return next((t for t in tables(content) if t.get("key") == key), None)


def csv_name(table: Mapping[str, Any]) -> str:
    return f"{table['key']}.csv"


def table_csv(table: Mapping[str, Any]) -> str:
    """One table as CSV: a header row (the row heading, then each column's label), then each row (its label,
    then its values exactly as in report.json, a withheld one as "[c]").

    Values stay raw numbers - 12040, not "12,040"; a percentage as its fraction, 0.62 - so a spreadsheet reads them
    as numbers. Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection):
    the labels are the organisation's own names, and a published file must not carry a formula into anyone's
    spreadsheet.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_text(table.get("row_heading") or ""), *(_text(c.get("label") or "") for c in table.get("columns") or ())]
    )
    for row in table.get("rows") or ():
        writer.writerow([_text(row.get("label") or ""), *(_value(v) for v in row.get("values") or ())])
    return out.getvalue()


def _value(value: Any) -> str:
    if value is None:
        return WITHHELD
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        # JSON's spelling of the number, so the CSV and report.json agree to the last digit.
        return json.dumps(value)
    return _text(value)


def _text(value: Any) -> str:
    text = str(value)
    return "'" + text if looks_like_formula(text) or text[:1] in {"\t", "\r"} else text
