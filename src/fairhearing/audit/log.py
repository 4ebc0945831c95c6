"""Writing to the audit log: one call per thing done to personal data, inside the transaction that does it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit.models import AuditEvent

SYSTEM_LABEL = "fairhearing (scheduled job)"


def actor_label(user: User | None) -> str:
    if user is None:
        return SYSTEM_LABEL
    return user.get_full_name() or user.get_username()


def record(
    user: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    summary: str,
    case_reference: str = "",
    subjects: Iterable[int | None] = (),
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Append an entry. `subjects` are the members the entry is about, so a subject access request finds it.

    Never put the content of personal data in `summary` or `data`: name what was touched, not what it said.
    `label` names an actor who is not a user, such as an administrator at the command line.
    """
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor=user,
        actor_label=label or actor_label(user),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        case_reference=case_reference,
        subject_member_ids=sorted({s for s in subjects if s is not None}),
        summary=summary,
        data=data or {},
    )
