from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.organisation.services import load_rulebook_version
from fairhearing.procedure.rulebook import RulebookInvalid
from fairhearing.rulebook_files import check_files, problem_count, read_rulebook

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

    def _fail(self, problems: list[str]) -> None:
        for line in problems:
            self.stderr.write(line)
        raise CommandError(problem_count(problems), returncode=INVALID)

    def check_files(self, files: list[str]) -> None:
        summaries, problems = check_files(files)
        if problems:
            self._fail(problems)
        for line in summaries:
            self.stdout.write(line)

    def load_file(self, name: str) -> None:
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        try:
            version = load_rulebook_version(read_rulebook(name)[0])
        except RulebookInvalid as exc:
            self._fail([f"{name}: {p}" for p in exc.problems])
        self.stdout.write(f"Loaded {version}.")
