from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.privacy.retention import apply_retention
from fairhearing.procedure.retention import RecordKind, RetentionSettingError


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now must be a date or moment in ISO 8601 form (e.g. 2032-03-01), not {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Erase, anonymise or delete every record whose retention period is over, except what a legal hold keeps. "
        "Safe to run as often as you like: nothing is removed twice. Periods: "
        + "; ".join(f"{kind.label.lower()} {kind.env_var}" for kind in RecordKind)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, and remove nothing")
        parser.add_argument("--now", default=None, help="act as if it were this moment (ISO 8601)")

    def handle(self, *args, dry_run: bool, now: str | None, **options):
        moment = _moment(now) if now is not None else None
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        try:
            report = apply_retention(now=moment, dry_run=dry_run)
        except RetentionSettingError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(report.total())
