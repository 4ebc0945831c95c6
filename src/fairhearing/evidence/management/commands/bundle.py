"""`fairhearing bundle REFERENCE`: write the evidence bundle served with a case's notice, for posting or archiving.

This is an administrator's tool. Whoever can run it on the server can already read the database and the evidence
key, so it checks no role; it writes the export to the audit log as done at the command line, with the operating
system account that ran it. People who sign in get their bundle through the access rules in
`fairhearing.access.policy.may_export_bundle` instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fairhearing.cases.models import Case
from fairhearing.evidence.bundles import COMMAND_LINE, BundleError, export_notice_bundle_html, notice_bundle_zip
from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations


class Command(BaseCommand):
    help = (
        "Write the evidence bundle served with a case's notice: a zip of the bundle document, the evidence files "
        "and a manifest of their SHA-256 hashes (or, with --html, the document alone). The export is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the case reference, e.g. FH-2026-00001")
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="where to write it (default: REFERENCE-evidence-bundle.zip, or .html, in the current folder); "
            "an existing file is never overwritten",
        )
        parser.add_argument("--html", action="store_true", help="write only the bundle document, as HTML")

    def handle(self, *args, reference: str, output: Path | None, html: bool, **options):
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        case = Case.objects.filter(reference__iexact=reference.strip()).first()
        if case is None:
            raise CommandError(f"no case {reference}")
        output = output or Path(f"{case.reference}-evidence-bundle.{'html' if html else 'zip'}")
        # Claim the output file before exporting, so a bad path fails before the export is put on the audit log,
        # and never replace a file that is already there. Readable by its owner only: it holds personal data.
        try:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{output} already exists: choose another --output, or move that file away") from exc
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        try:
            with os.fdopen(fd, "wb") as f:
                if html:
                    data = export_notice_bundle_html(case, COMMAND_LINE).encode("utf-8")
                else:
                    data = notice_bundle_zip(case, COMMAND_LINE)
                f.write(data)
        except BundleError as exc:
            output.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        self.stdout.write(f"Evidence bundle of {case.reference} written to {output} ({len(data):,} bytes).")
