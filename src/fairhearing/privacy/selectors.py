"""What the data protection officer's pages show: holds, erasure requests and subject access requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member
from fairhearing.privacy.models import ErasureRequest, ErasureStatus, LegalHold, SubjectAccessRequest

RECENT = 50


def case_by_reference(reference: str) -> Case | None:
    """The case with this reference; typed in lower case, it still matches (references are unique either way)."""
    reference = reference.strip()
    return Case.objects.filter(reference=reference).first() or _only(Case.objects.filter(reference__iexact=reference))


def member_by_number(number: str) -> Member | None:
    number = number.strip()
    return Member.objects.filter(membership_number=number).first() or _only(
        Member.objects.filter(membership_number__iexact=number)
    )


def _only(matches: QuerySet):
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True).select_related("case", "placed_by").order_by("placed_at")


def released_holds(limit: int = RECENT) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(released_at__isnull=False)
        .select_related("case", "placed_by", "released_by")
        .order_by("-released_at", "-pk")[:limit]
    )


def pending_erasure_requests() -> QuerySet[ErasureRequest]:
    """Waiting for the DPO's decision, oldest first."""
    return (
        ErasureRequest.objects.filter(status=ErasureStatus.RECEIVED)
        .select_related("member")
        .order_by("received_at", "pk")
    )


def decided_erasure_requests(limit: int = RECENT) -> QuerySet[ErasureRequest]:
    return (
        ErasureRequest.objects.exclude(status=ErasureStatus.RECEIVED)
        .select_related("member", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class OpenRequest:
    """A subject access request not yet answered, with the date it must be answered by."""

    request: SubjectAccessRequest
    due: date  # the extended date where there is one
    days_left: int  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def may_extend(self) -> bool:
        """Once, and only within the first month (the service gives the reasons otherwise)."""
        return self.request.extended_to is None and not self.overdue


def open_subject_access_requests(today: date) -> list[OpenRequest]:
    """Requests not yet answered, the one due soonest first."""
    requests = (
        SubjectAccessRequest.objects.filter(fulfilled_at__isnull=True)
        .select_related("member")
        .order_by(Coalesce("extended_to", "due_on"), "received_at", "pk")
    )
    rows = []
    for r in requests:
        due = r.extended_to or r.due_on
        rows.append(OpenRequest(r, due, (due - today).days))
    return rows


@dataclass(frozen=True)
class AnsweredRequest:
    request: SubjectAccessRequest
    due: date  # the extended date where there is one
    answered_on: date

    @property
    def late(self) -> bool:
        return self.answered_on > self.due


def answered_subject_access_requests(limit: int = RECENT) -> list[AnsweredRequest]:
    """The most recently answered first; a request answered again shows when it was last answered."""
    requests = (
        SubjectAccessRequest.objects.filter(fulfilled_at__isnull=False)
        .select_related("member")
        .order_by("-fulfilled_at", "-pk")[:limit]
    )
    return [AnsweredRequest(r, r.extended_to or r.due_on, timezone.localdate(r.fulfilled_at)) for r in requests]
