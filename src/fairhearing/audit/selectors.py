"""What pages show of the audit log."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from fairhearing.access import policy
from fairhearing.accounts.models import User
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import EventKind


@dataclass(frozen=True)
class Receipt:
    """An event of a case and its place in the log: enough to ask for a proof and check it against a checkpoint."""

    index: int
    at: datetime
    what: str


def receipts(references: Collection[str]) -> dict[str, list[Receipt]]:
    """Each case's timeline events on the log, oldest first, by case reference."""
    labels = dict(EventKind.choices)
    found: dict[str, list[Receipt]] = {}
    rows = (
        AuditEvent.objects.filter(object_type="timeline_event", case_reference__in=list(references))
        .order_by("index")
        .values_list("case_reference", "index", "at", "action")
    )
    for reference, index, at, action in rows:
        kind = action.removeprefix("timeline.")
        found.setdefault(reference, []).append(Receipt(index, at, labels.get(kind, kind)))
    return found


def visible_entry(user: User, index: int) -> AuditEvent | None:
    """Entry `index` if this user may read it; None both when there is none and when it is not theirs: that an
    entry exists says who is in which case (the web's proof page and the API answer both the same way)."""
    entry = AuditEvent.objects.filter(index=index).first()
    if entry is None or not policy.may_see_log_entry(user, entry.subject_member_ids):
        return None
    return entry
