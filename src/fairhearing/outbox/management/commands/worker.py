from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.outbox.services import SendReport, send_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send the emails in the outbox that are due, again and again: failed deliveries are tried later with "
        "backoff, each email is sent once. Stops cleanly on SIGTERM or Ctrl-C. With --once, sends what is due and "
        "exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds to wait when nothing is due (default 5)"
        )
        parser.add_argument("--batch", type=int, default=50, help="emails to take at a time (default 50)")
        parser.add_argument(
            "--now", type=datetime.fromisoformat, default=None, help="with --once: act as if it were this moment"
        )

    def handle(self, *args, once: bool, interval: float, batch: int, now: datetime | None, **options):
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        if now is not None and timezone.is_naive(now):
            now = timezone.make_aware(now)
        if once:
            self._say(self._round(now, batch))
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Sending email from the outbox every {interval:g} s; stop with SIGTERM or Ctrl-C.")
        try:
            while not stop.is_set():
                try:
                    report = self._round(None, batch)
                except Exception:  # a database or mailer outage: say so, wait, and carry on
                    logger.exception("sending email failed; trying again shortly")
                    report = SendReport()
                if report:
                    self._say(report)
                # A full batch means more may be waiting: go again at once.
                if len(report) < batch:
                    stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Stopped.")

    @staticmethod
    def _round(now: datetime | None, batch: int) -> SendReport:
        # Drop a database connection that broke or outlived CONN_MAX_AGE since the last round (never inside a
        # transaction, where a test runs it).
        if not connection.in_atomic_block:
            close_old_connections()
        return send_due(now=now, limit=batch)

    def _say(self, report: SendReport) -> None:
        self.stdout.write(
            f"{len(report.sent)} sent, {len(report.retrying)} to retry, {len(report.gave_up)} given up"
            + (f", {len(report.lost)} taken over by another worker" if report.lost else "")
            + (f", {len(report.withdrawn)} withdrawn (recipient erased)" if report.withdrawn else "")
            + "."
        )
