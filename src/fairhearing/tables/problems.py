"""What is wrong with an import, where: a row and a column, in words a volunteer can act on."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

WHOLE_FILE = 0  # the row number of a problem with the file as a whole (its encoding, its header)


@dataclass(frozen=True, order=True)
class Problem:
    row: int  # the row as a spreadsheet numbers it: the header is row 1, the first data row is row 2
    column: str  # the column's name as it appears in the file; "" for the row or file as a whole
    message: str

    def __str__(self) -> str:
        where = "the file" if self.row == WHOLE_FILE else f"row {self.row}"
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Report:
    """Problems stop the import (nothing is written); warnings do not."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, column, message))

    def warn(self, row: int, column: str, message: str) -> None:
        self.warnings.append(Problem(row, column, message))

    @property
    def ok(self) -> bool:
        return not self.problems


def error_csv_path(source: Path) -> Path:
    """Where the problems of `source` are written: beside it, `members.csv` -> `members.errors.csv`."""
    return source.with_name(f"{source.stem}.errors.csv")


def write_error_csv(path: Path, problems: Iterable[Problem]) -> Path:
    """The problems as a CSV a spreadsheet opens: row, column, problem. UTF-8 with a BOM, so Excel reads accents."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "column", "problem"])
        for problem in sorted(problems):
            writer.writerow([problem.row or "", problem.column, _defused(problem.message)])
    return path


def _defused(text: str) -> str:
    # The error file is opened in spreadsheets: it must not carry a formula back into one (OWASP CSV injection).
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
