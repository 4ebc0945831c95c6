from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairhearing.analysis.models import AnalysisTrigger
from fairhearing.analysis.services import refresh_analysis
from fairhearing.api.idempotency import forget_old_keys
from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.cases.services import apply_time_limits
from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.outbox.reminders import enqueue_reminders
from fairhearing.procedure.errors import ActionRefused


class Command(BaseCommand):
    help = (
        "Apply the time limits that have run out, enqueue reminders of coming deadlines, then refresh the consistency "
        "analysis. Safe to run as often as you like: each time limit applies once, each reminder and flag once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", type=datetime.fromisoformat, default=None, help="act as if it were this moment (ISO 8601)"
        )

    def handle(self, *args, now: datetime | None, **options):
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        if now is not None and timezone.is_naive(now):
            now = timezone.make_aware(now)
        report = apply_time_limits(now)
        for reference, summary in report.applied:
            self.stdout.write(f"{reference}: {summary}")
        self.stdout.write(f"{len(report)} time limit(s) applied.")
        # After the time limits, so a case they just closed is not reminded of an appeal it can no longer make.
        self.stdout.write(f"{enqueue_reminders(now)} reminder email(s) enqueued.")
        # After the time limits, so the analysis sees the cases as they now stand; before the checkpoint, so the
        # flags it raises are signed with the rest.
        try:
            run = refresh_analysis(now=now, trigger=AnalysisTrigger.SCHEDULE)
        except ActionRefused as refusal:
            self.stdout.write(f"Consistency analysis not run: {refusal}.")
        else:
            self.stdout.write(
                f"Consistency analysis: {run.decisions} decision(s), {run.outliers} outlier(s), "
                f"{run.flags_raised} flag(s) raised."
            )
        # The schedule that signs the audit log: a new checkpoint whenever the log has grown.
        checkpoint = make_checkpoint(now)
        self.stdout.write(f"Audit log checkpoint: {checkpoint.size} entries.")
        self.stdout.write(f"{forget_old_keys(now)} idempotency key(s) past their 24 hours forgotten.")
