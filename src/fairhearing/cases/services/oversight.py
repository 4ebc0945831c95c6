"""Oversight's part in a case: flags that ask for an answer, and notes on the record. Neither moves the case.

Oversight reads everything and may do only this; case officers and body officers may also add notes and answer
(resolve) flags. Each is one transaction with its timeline entry, so it is on the audit log too.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fairhearing.access import policy
from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.cases.models import Case, CaseFlag, EventKind, FlagKind, TimelineEvent
from fairhearing.cases.timeline import write_event
from fairhearing.procedure.errors import ActionRefused

NOTE_TAKERS = frozenset({Role.OVERSIGHT_OFFICER, Role.CASE_OFFICER, Role.BODY_OFFICER})
FLAG_ANSWERERS = frozenset({Role.OVERSIGHT_OFFICER, Role.CASE_OFFICER, Role.BODY_OFFICER})


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise ActionRefused(f"write the {what}")
    return value


def may_add_note(user: User, case: Case) -> bool:
    return bool(policy.roles_of(user) & NOTE_TAKERS) and policy.case_view(user, case) == policy.CaseView.STAFF


def may_resolve_flag(user: User, case: Case) -> bool:
    return bool(policy.roles_of(user) & FLAG_ANSWERERS) and policy.case_view(user, case) == policy.CaseView.STAFF


def raise_flag(case: Case, user: User, *, kind: str, detail: str, now: datetime | None = None) -> CaseFlag:
    if not policy.may_flag(user, case):
        raise ActionRefused("only an oversight officer raises flags")
    if kind not in FlagKind.values:
        raise ActionRefused("choose what kind of concern this is")
    detail = _text(detail, "concern")
    now = now or timezone.now()
    with transaction.atomic():
        flag = CaseFlag.objects.create(case=case, kind=kind, detail=detail, raised_by=user, raised_at=now)
        write_event(
            case,
            at=now,
            kind=EventKind.FLAG_RAISED,
            user=user,
            summary=f"Flag raised ({FlagKind(kind).label}): {detail}",
            data={"flag": flag.pk, "kind": kind},
        )
    return flag


def resolve_flag(flag: CaseFlag, user: User, *, resolution: str, now: datetime | None = None) -> CaseFlag:
    if not may_resolve_flag(user, flag.case):
        raise ActionRefused("only oversight, a case officer or the body's officer answers a flag")
    resolution = _text(resolution, "answer to the flag")
    now = now or timezone.now()
    with transaction.atomic():
        locked = CaseFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.resolved_at is not None:
            raise ActionRefused("this flag has already been answered")
        locked.resolved_at, locked.resolved_by, locked.resolution = now, user, resolution
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        write_event(
            locked.case,
            at=now,
            kind=EventKind.FLAG_RESOLVED,
            user=user,
            summary=f"Flag answered ({locked.get_kind_display()}): {resolution}",
            data={"flag": locked.pk},
        )
    flag.refresh_from_db()
    return flag


def add_note(case: Case, user: User, *, text: str, now: datetime | None = None) -> TimelineEvent:
    if not may_add_note(user, case):
        raise ActionRefused("only oversight, a case officer or the body's officer adds notes")
    text = _text(text, "note")
    with transaction.atomic():
        return write_event(case, at=now or timezone.now(), kind=EventKind.NOTE, user=user, summary=text)
