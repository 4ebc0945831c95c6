"""Opening an exported table: XLSX, or CSV in UTF-8 (with or without a BOM) or Windows-1252, with `,` `;` or tab.

What comes out is text, cell by cell, exactly as written: nothing is evaluated. A spreadsheet formula in an XLSX
file arrives as its text (`=HYPERLINK(...)`), never its result, for the importer to report.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from fairhearing.tables.problems import WHOLE_FILE, Problem

DELIMITERS = ",;\t"
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SAVE_AS = "Save it from your spreadsheet as 'CSV UTF-8' (or as XLSX) and try again."


class FileUnreadable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(WHOLE_FILE, "", message)


@dataclass(frozen=True)
class Table:
    columns: list[str]  # the header, as written (trimmed)
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells), blank rows left out
    encoding: str  # "utf-8", "utf-8-sig", "windows-1252" or "xlsx"
    delimiter: str | None  # None for XLSX

    @property
    def described(self) -> str:
        if self.delimiter is None:
            return "an XLSX workbook"
        return f"CSV, {self.encoding}, separated by {_NAMES[self.delimiter]}s"

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in self.rows:
            yield number, dict(zip(self.columns, cells, strict=False))


def read_table(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileUnreadable(f"the file cannot be opened: {exc.strerror or exc}") from None
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(path)
    return parse_csv(raw)


def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was in. UTF-8 first (with or without a BOM): a Windows-1252 file that happens to
    be valid UTF-8 is, in practice, plain ASCII, which both read alike."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileUnreadable(f"the file is in UTF-16 ('Unicode text'), which is not read here. {_SAVE_AS}")
    if b"\x00" in raw[:4096]:
        raise FileUnreadable(f"this does not look like a CSV or XLSX file (it holds binary data). {_SAVE_AS}")
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileUnreadable(f"the file says it is UTF-8 but byte {exc.start + 3} is not. {_SAVE_AS}") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("windows-1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileUnreadable(
            f"the file is in an encoding that is neither UTF-8 nor Windows-1252 (byte 0x{raw[exc.start]:02x} on line "
            f"{line} cannot be read). {_SAVE_AS}"
        ) from None


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab, as csv.Sniffer judges from the first lines; failing that, whichever splits the header most."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=header.count)


def parse_csv(raw: bytes) -> Table:
    text, encoding = decode(raw)
    if not text.strip():
        raise FileUnreadable("the file is empty")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        # Numbered by record, as a spreadsheet numbers its rows (a cell with a line break is still one row).
        rows = [(number, cells) for number, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    except csv.Error as exc:
        raise FileUnreadable(f"line {reader.line_num} cannot be read as CSV: {exc}") from None
    return _table([cell.strip() for cell in header], rows, encoding, delimiter)


def _table(header: list[str], rows: list[tuple[int, list[str]]], encoding: str, delimiter: str | None) -> Table:
    if not any(header):
        raise FileUnreadable("the first row is empty: it must name the columns")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise FileUnreadable(f"the column '{name}' appears twice in the first row")
        seen.add(name)
    return Table(header, rows, encoding, delimiter)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # only when there is a workbook to read: it is slow to import

    try:
        # data_only=False: a formula comes back as its text, never as a value some spreadsheet computed.
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileUnreadable(f"the XLSX file cannot be opened ({exc.__class__.__name__}). {_SAVE_AS}") from None
    try:
        sheet = workbook.worksheets[0]
        found = sheet.iter_rows(values_only=True)
        header = [_cell(value).strip() for value in next(found, ())]
        rows = []
        for number, values in enumerate(found, start=2):
            cells = [_cell(value) for value in values]
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    finally:
        workbook.close()
    return _table(header, rows, "xlsx", None)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
