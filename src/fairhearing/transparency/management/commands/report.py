"""`fairhearing report --period 2026Q3 --out DIR`: publish the transparency report for a period and write its files.

A period is published once: asking again writes the files of the release already published, unchanged. The report
goes through disclosure control and the release log's check against earlier releases before anything is stored.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fairhearing.analysis.services import COMMAND_LINE_LABEL
from fairhearing.analytics.periods import FORMS, PeriodError, parse
from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.procedure.errors import ActionRefused
from fairhearing.transparency.files import write_release
from fairhearing.transparency.services import publish_release


class Command(BaseCommand):
    help = (
        "Publish the transparency report for a period (cases, outcomes, time taken, suspensions, appeals, evidence "
        "excluded), with small numbers withheld, and write it as HTML, PDF, JSON and CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help=f"the period to report on: {FORMS}")
        parser.add_argument("--out", type=Path, required=True, help="the folder to write the report's files to")

    def handle(self, *args, period: str, out: Path, **options):
        try:
            chosen = parse(period)
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"--out: cannot write to {out}: {exc.strerror}") from None
        try:
            published = publish_release(chosen, label=COMMAND_LINE_LABEL)
        except ActionRefused as refusal:
            raise CommandError(str(refusal)) from None
        release = published.release
        try:
            written = write_release(release.content, out)
        except OSError as exc:
            raise CommandError(f"--out: cannot write to {out}: {exc.strerror}") from None
        withheld = release.content["disclosure"]["withheld"]
        if published.created:
            self.stdout.write(f"Published the transparency report for {release.label}.")
        else:
            self.stdout.write(
                f"The report for {release.label} was published on {release.published_at:%Y-%m-%d}; "
                "these are its files, unchanged."
            )
        self.stdout.write(
            f"Figures withheld: {withheld.get('primary', 0)} under the threshold, {withheld.get('secondary', 0)} to "
            f"protect them, {withheld.get('differencing', 0)} against differencing with earlier releases."
        )
        self.stdout.write(f"Web page: /statistics/{release.slug}/")
        self.stdout.write(f"Files written to {out}: {', '.join(sorted(p.name for p in written))}")
