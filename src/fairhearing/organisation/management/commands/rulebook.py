from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fairhearing.formatting import long_date
from fairhearing.organisation.services import load_rulebook_version
from fairhearing.procedure.rulebook import Problem, Rulebook, RulebookInvalid, check_versions, load_rulebook

INVALID = 2


class Command(BaseCommand):
    help = "Check rulebook files, or load a rulebook version into the database."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate rulebook files (several versions of one rulebook together)")
        check.add_argument("files", nargs="+", metavar="FILE")
        load = sub.add_parser("load", help="validate a rulebook version and store it")
        load.add_argument("file", metavar="FILE")

    def handle(self, *args, action: str, **options):
        if action == "check":
            self.check_files(options["files"])
        else:
            self.load_file(options["file"])

    def _read(self, name: str) -> str:
        try:
            return Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulebookInvalid([Problem("", f"cannot read the file: {exc}")]) from exc

    def _fail(self, problems: list[str]) -> None:
        for line in problems:
            self.stderr.write(line)
        noun = "problem" if len(problems) == 1 else "problems"
        raise CommandError(f"{len(problems)} {noun} found", returncode=INVALID)

    def check_files(self, files: list[str]) -> None:
        problems: list[str] = []
        valid: list[tuple[str, Rulebook]] = []
        for name in files:
            try:
                valid.append((name, load_rulebook(self._read(name))))
            except RulebookInvalid as exc:
                problems += [f"{name}: {p}" for p in exc.problems]
        if len(valid) > 1:
            problems += [str(p) for p in check_versions(valid)]
        if problems:
            self._fail(problems)
        for name, rb in valid:
            until = f" until {long_date(rb.effective_until)}" if rb.effective_until else ""
            self.stdout.write(
                f"{name}: OK - {rb.rulebook.organisation} rulebook {rb.version}, in force from "
                f"{long_date(rb.effective_from)}{until}: {len(rb.clauses)} clauses, {len(rb.bodies)} bodies, "
                f"{len(rb.jurisdiction)} jurisdiction rules, {len(rb.sanctions)} sanctions"
            )

    def load_file(self, name: str) -> None:
        try:
            version = load_rulebook_version(self._read(name))
        except RulebookInvalid as exc:
            self._fail([f"{name}: {p}" for p in exc.problems])
        self.stdout.write(f"Loaded {version}.")
