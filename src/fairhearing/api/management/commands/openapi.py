"""`fairhearing openapi`: print the API's OpenAPI 3.1 document, write it to a file, or check a file against it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairhearing.api.openapi_document import document_text


class Command(BaseCommand):
    help = "Print the API's OpenAPI document (--output FILE writes it; --check FILE fails if FILE differs)."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--output", type=Path, help="write the document to this file")
        where.add_argument("--check", type=Path, help="exit 1 if this file is not the current document")

    def handle(self, *args: object, output: Path | None, check: Path | None, **options: object) -> None:
        text = document_text()
        if check is not None:
            if not check.exists() or check.read_text(encoding="utf-8") != text:
                raise CommandError(f"{check} is out of date: run `fairhearing openapi --output {check}`", returncode=1)
            self.stdout.write(f"{check} is up to date.")
        elif output is not None:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
