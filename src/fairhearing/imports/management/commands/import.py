"""`fairhearing import members|units|cases FILE`: bulk imports by an administrator at the command line.

The same services as the web page and the API (fairhearing.imports). A file with any problem imports nothing: the
first problems are printed, all of them are written to an error CSV beside the file, and the exit code is 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairhearing.imports.columns import PRESETS
from fairhearing.imports.forms import parse_mapping
from fairhearing.imports.results import ImportResult, Progress
from fairhearing.tables.problems import error_csv_path, write_error_csv

ADMIN_LABEL = "an administrator at the command line"
KINDS = ("members", "units", "cases")
SHOWN = 20  # problems printed; the error CSV holds them all
_QUIET_BELOW = 20_000  # rows: smaller files are done before a progress report would help


class Command(BaseCommand):
    help = (
        "Import members (a CRM export), units (regions and branches) or historical decided cases from a CSV or "
        "XLSX file. All rows or none: problems are written to FILE.errors.csv beside the file (exit code 2). "
        "The columns are described in docs/import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help="what the file holds")
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, writing nothing")
        parser.add_argument(
            "--preset", choices=sorted(PRESETS), help="members only: the column names of a CRM's standard export"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="SOURCE=TARGET",
            help="members only: take the column SOURCE of the file as fairhearing's column TARGET (repeatable)",
        )

    def handle(self, *args, **options) -> None:
        kind, path = options["kind"], options["file"]
        if kind != "members" and (options["preset"] or options["map"]):
            raise CommandError("--preset and --map are for members files only", returncode=2)
        try:
            mapping = parse_mapping(options["map"])
        except ValueError as bad:
            raise CommandError(f"--map: {bad}", returncode=2) from None
        with _progress_bar(self.stderr) as progress:
            result = _run(kind, path, options["preset"], mapping, options["dry_run"], progress)
        if result.described:
            self.stdout.write(f"Read {path.name}: {result.described}, {result.rows} row(s).")
        for warning in result.report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not result.ok:
            self._refuse(result, path)
        self.stdout.write(result.summary())

    def _refuse(self, result: ImportResult, path: Path) -> None:
        problems = sorted(result.report.problems)
        for problem in problems[:SHOWN]:
            self.stderr.write(f"  {problem}")
        if len(problems) > SHOWN:
            self.stderr.write(f"  ... and {len(problems) - SHOWN} more")
        errors = error_csv_path(path)
        try:
            write_error_csv(errors, problems)
            where = f"every problem is listed in {errors}"
        except OSError as failed:
            where = f"the list of problems could not be written to {errors} ({failed.strerror or failed})"
        raise CommandError(f"{result.summary()} Nothing was written; {where}.", returncode=2)


def _run(kind: str, path: Path, preset: str | None, mapping: dict[str, str], dry_run: bool, progress: Progress):
    common = {"actor": None, "label": ADMIN_LABEL, "dry_run": dry_run, "progress": progress}
    if kind == "members":
        from fairhearing.imports.members import import_members

        return import_members(path, preset=preset, mapping=mapping, **common)
    if kind == "units":
        from fairhearing.imports.units import import_units

        return import_units(path, **common)
    # Imported here, not at the top: the case import is its own module, loaded only when asked for.
    from fairhearing.imports.cases import import_cases

    return import_cases(path, **common)


class _progress_bar:
    """A rich progress bar on a terminal; elsewhere (a log, a pipe) a line every tenth of a long import."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.bar = None
        self.task = None
        self.reported = 0

    def __enter__(self) -> Progress:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task("import", total=total)
            self.bar.update(self.task, completed=done, total=total)
        elif total >= _QUIET_BELOW and done * 10 // total > self.reported and done < total:
            self.reported = done * 10 // total
            self.stream.write(f"... {self.reported * 10}% done")

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
