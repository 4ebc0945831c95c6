"""Writing a case's timeline: every entry also goes on the audit log, in the same transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.cases.models import Case, TimelineEvent


@transaction.atomic
def write_event(
    case: Case,
    *,
    at: datetime,
    kind: str,
    user: User | None,
    summary: str,
    data: dict | None = None,
    stage_from: str = "",
    stage_to: str = "",
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        case=case,
        at=at,
        kind=kind,
        actor=user,
        actor_label=audit.actor_label(user),
        stage_from=stage_from,
        stage_to=stage_to,
        summary=summary,
        data=data or {},
    )
    audit.record_timeline_event(event)
    return event
