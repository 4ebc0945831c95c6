"""Reminders of deadlines, enqueued by the scheduled job (`fairhearing tick`).

The respondent is reminded a few days (FAIRHEARING_REMINDER_DAYS, default 3) before their response is due and
before the appeal period ends. Each reminder carries a key naming the case, the kind and the deadline; the key is
unique in the database, so running the job again, or twice at once, never writes a second one.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fairhearing.cases.models import Case, DecisionKind
from fairhearing.outbox.case_emails import notify
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import deadlines
from fairhearing.procedure.reminders import DEFAULT_DAYS_BEFORE, reminder_due
from fairhearing.procedure.stages import Stage


def days_before() -> int:
    return getattr(settings, "FAIRHEARING_REMINDER_DAYS", DEFAULT_DAYS_BEFORE)


def enqueue_reminders(now: datetime | None = None) -> int:
    """Enqueue the reminders due today that are not already in the outbox. Returns how many were written."""
    now = now or timezone.now()
    today, warning = timezone.localdate(now), days_before()
    written = 0
    cases = (
        Case.objects.filter(
            Q(stage=Stage.NOTICE_ISSUED.value, notice__isnull=False, responded_on__isnull=True)
            | Q(stage=Stage.APPEAL_WINDOW.value)
        )
        .select_related("rulebook_version", "respondent", "notice")
        .order_by("pk")
    )
    for case in cases:
        rulebook = case.rulebook_version.rulebook
        if case.stage == Stage.NOTICE_ISSUED.value:
            kind, started = EmailKind.RESPONSE_REMINDER, case.notice.served_on
            deadline = deadlines.response_due(rulebook, started)
        else:
            started = (
                case.decisions.filter(kind=DecisionKind.FIRST_INSTANCE, notified_on__isnull=False)
                .order_by("-decided_at")
                .values_list("notified_on", flat=True)
                .first()
            )
            if started is None:
                continue
            kind, deadline = EmailKind.APPEAL_REMINDER, deadlines.appeal_due(rulebook, started)
        if not reminder_due(started, deadline, today, warning):
            continue
        key = f"{kind.value}:{case.pk}:{deadline.isoformat()}"
        with transaction.atomic():
            # Under the case's lock, which every action on it takes: a response or an appeal recorded while the
            # job ran has either committed, and the case shows it, or waits until the reminder is written.
            if _changed_since_read(case):
                continue
            written += len(notify(case, kind, now=now, deadline=deadline, dedupe_key=key))
    return written


def _changed_since_read(case: Case) -> bool:
    now = Case.objects.select_for_update().filter(pk=case.pk).values_list("stage", "responded_on").first()
    return now != (case.stage, case.responded_on)
