"""What every import answers: what it did (or, in a dry run, would do), or every problem that stopped it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fairhearing.tables.problems import Report
from fairhearing.tables.reading import FileUnreadable, Table, read_table

# Called as rows are checked and written: (rows done, rows in all). The CLI draws a progress bar with it.
Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    return None


@dataclass
class ImportResult:
    kind: str  # "members", "units" or "cases"
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    report: Report = field(default_factory=Report)
    described: str = ""  # how the file was read, e.g. "CSV, windows-1252, separated by semicolons"

    @property
    def ok(self) -> bool:
        return self.report.ok

    def summary(self) -> str:
        if not self.ok:
            return f"Nothing was imported: {len(self.report.problems)} problem(s) found in {self.rows} row(s)."
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {self.rows} row(s) of {self.kind}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped."
        )


def begin_import(kind: str, path: Path, *, dry_run: bool) -> tuple[ImportResult, Table | None]:
    """Every import begins the same way: read the file, or report why it cannot be read (and then there is no
    table to go on with)."""
    result = ImportResult(kind, dry_run)
    try:
        table = read_table(path)
    except FileUnreadable as unreadable:
        result.report.problems.append(unreadable.problem)
        return result, None
    result.described = table.described
    result.rows = len(table.rows)
    return result, table
