"""Administrative changes made in the Django admin, on the audit log: who changed which record, and which fields
(never the values, which may be personal data).

Django writes a LogEntry for each change made in its admin; each one saved also goes on the audit log. Deleting
several records at once from a list page would write its LogEntry rows in bulk, without the signal, so that action
is switched off for the whole site (`fairhearing.urls`): records are deleted one at a time, each on the log.
"""

from __future__ import annotations

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from fairhearing.audit import log as audit

_VERBS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _fields(change_message: str) -> list[str]:
    try:
        changes = json.loads(change_message or "[]")
    except ValueError:
        return []
    if not isinstance(changes, list):
        return []
    return sorted({f for c in changes if isinstance(c, dict) for f in c.get("changed", {}).get("fields", [])})


def record_admin_change(sender: type, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    verb = _VERBS.get(instance.action_flag, "changed")
    model = instance.content_type.model if instance.content_type_id else "record"
    audit.record(
        instance.user,
        f"admin.{verb}",
        model,
        instance.object_id or "",
        summary=f"{model.capitalize()} {instance.object_id} {verb} in the administration site.",
        data={"fields": _fields(instance.change_message)},
        at=instance.action_time,
    )
