"""The scheduled job: apply the time limits that have run out (response period, appeal window, suspension
reviews). Each is applied exactly once, so running the job twice changes nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from fairhearing.cases.casefile_store import acting_on
from fairhearing.cases.models import Case, EventKind, InterimSuspension
from fairhearing.outbox import case_emails as emails
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.stages import Stage


@dataclass
class TickReport:
    applied: list[tuple[str, str]] = field(default_factory=list)  # (case reference, what happened)

    def __len__(self) -> int:
        return len(self.applied)


def _candidates(today):
    """Only cases a time limit could concern: waiting on a response or an appeal, or under interim suspension."""
    waiting = Case.objects.filter(stage__in=[Stage.NOTICE_ISSUED.value, Stage.APPEAL_WINDOW.value])
    suspended = Case.objects.filter(
        pk__in=InterimSuspension.objects.filter(
            lifted_at__isnull=True, review_by__lt=today, review_missed=False
        ).values("case_id")
    )
    return (waiting | suspended).distinct().order_by("pk")


def apply_time_limits(now: datetime | None = None) -> TickReport:
    now = now or timezone.now()
    report = TickReport()
    for case in _candidates(timezone.localdate(now)):
        report.applied += [(case.reference, summary) for summary in apply_time_limits_to(case, now)]
    return report


def apply_time_limits_to(case: Case, now: datetime | None = None) -> list[str]:
    """The time limits that have run out on one case, applied in one transaction under the case's lock: a person
    acting at the same moment goes first or second, never both on the same state. Returns what was done."""
    done = []
    with acting_on(case, None, now) as a:
        for outcome in wf.apply_time_limits(a.file, a.today):
            closing = outcome.case.stage == Stage.CLOSED and a.file.stage != Stage.CLOSED
            if outcome.case.suspensions != a.file.suspensions:
                a.sync_suspensions(
                    outcome, "Lifted: the case closed." if closing else "Its review date passed without a review."
                )
            if closing:
                a.case.closure_reason = "The appeal period ended without an appeal."
            a.apply(outcome, EventKind.TIME_LIMIT)
            if closing:
                emails.notify(a.case, EmailKind.CASE_CLOSED, now=a.now, roles=emails.BOTH)
            done.append(outcome.summary)
    return done
