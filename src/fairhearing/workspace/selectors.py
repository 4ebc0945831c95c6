"""What the workspace pages show. Every query starts from the access policy's `staff_cases`, so a page can never
list a case its reader could not open, and each page runs a fixed number of queries however many cases exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from fairhearing.access import policy
from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.cases.models import (
    Admissibility,
    Allegation,
    Case,
    CaseFlag,
    Decision,
    EvidenceItem,
    InterimSuspension,
)
from fairhearing.cases.search import search
from fairhearing.organisation.models import Body
from fairhearing.outbox.models import EmailStatus, OutgoingEmail
from fairhearing.procedure.admissibility import Attribution, Provenance
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workqueue import stages_waiting_on
from fairhearing.workspace.forms import SORTS

PAGE_SIZE = 25
SOON_DAYS = 7
OPEN_STAGES = [s.value for s in Stage if s.is_open]


def _with_list_columns(cases: QuerySet[Case]) -> QuerySet[Case]:
    active = InterimSuspension.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True)
    return cases.select_related("body", "respondent").annotate(suspended=Exists(active))


def _open(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(stage__in=OPEN_STAGES)


def filtered_cases(user: User, filters: dict, today: date) -> QuerySet[Case]:
    cases = policy.staff_cases(user)
    if filters.get("q"):
        cases = search(cases, filters["q"])
    if filters.get("stage"):
        cases = cases.filter(stage__in=filters["stage"])
    if filters.get("body"):
        cases = cases.filter(Q(body=filters["body"]) | Q(appeal__body=filters["body"]))
    if filters.get("clause"):
        cases = cases.filter(Exists(Allegation.objects.filter(case=OuterRef("pk"), clause=filters["clause"].strip())))
    if filters.get("overdue"):
        cases = _open(cases).filter(due_on__lt=today)
    if filters.get("suspended"):
        cases = cases.filter(Exists(InterimSuspension.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True)))
    if filters.get("received_from"):
        cases = cases.filter(received_at__date__gte=filters["received_from"])
    if filters.get("received_to"):
        cases = cases.filter(received_at__date__lte=filters["received_to"])
    order = SORTS.get(filters.get("sort") or "-received", SORTS["-received"])
    if order[0] == "due_on":
        return _with_list_columns(cases).order_by(F("due_on").asc(nulls_last=True), "pk")
    return _with_list_columns(cases).order_by(*order)


def case_page(user: User, filters: dict, today: date, number: str | int | None) -> Page:
    return Paginator(filtered_cases(user, filters, today), PAGE_SIZE).get_page(number)


def filter_bodies(user: User) -> QuerySet[Body]:
    """The bodies a reader may filter by: all of them for those who read every case, else the ones they serve."""
    if policy.roles_of(user) & policy.READ_ALL:
        return Body.objects.all()
    return Body.objects.filter(panel_members__user=user, panel_members__active=True).distinct()


@dataclass
class MyWork:
    queue: Page
    queue_total: int
    overdue: int
    due_soon: int
    reviews_due: QuerySet[InterimSuspension]
    pending_rulings: int | None
    open_flags: int | None


def my_work(user: User, today: date, number: str | int | None = None) -> MyWork:
    roles = policy.roles_of(user)
    visible = policy.staff_cases(user)
    waiting = visible.filter(stage__in=[s.value for s in stages_waiting_on(roles)])
    counts = waiting.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=SOON_DAYS))),
    )
    queue = _with_list_columns(waiting).order_by(F("due_on").asc(nulls_last=True), "received_at", "pk")
    reviews = InterimSuspension.objects.none()
    if roles & {Role.CASE_OFFICER, Role.BODY_OFFICER}:
        reviews = (
            InterimSuspension.objects.filter(
                case__in=visible, lifted_at__isnull=True, review_by__lte=today + timedelta(days=SOON_DAYS)
            )
            .select_related("case")
            .order_by("review_by")[:20]
        )
    pending = (
        EvidenceItem.objects.filter(admissibility=Admissibility.PENDING, erased_at__isnull=True).count()
        if Role.DATA_PROTECTION_OFFICER in roles
        else None
    )
    flags = (
        CaseFlag.objects.filter(case__in=visible, resolved_at__isnull=True).count()
        if roles & {Role.OVERSIGHT_OFFICER, Role.CASE_OFFICER, Role.BODY_OFFICER}
        else None
    )
    return MyWork(
        queue=Paginator(queue, PAGE_SIZE).get_page(number),
        queue_total=counts["total"],
        overdue=counts["overdue"],
        due_soon=counts["soon"],
        reviews_due=reviews,
        pending_rulings=pending,
        open_flags=flags,
    )


@dataclass
class Oversight:
    overdue_by_body: list[dict]
    overdue_cases: QuerySet[Case]
    suspensions: QuerySet[InterimSuspension]
    departures: QuerySet[Decision]
    flagged_inconsistent: QuerySet[CaseFlag]
    doubtful_evidence: QuerySet[EvidenceItem]
    open_flags: QuerySet[CaseFlag]
    undelivered_emails: QuerySet[OutgoingEmail]
    # Emails still being tried that have failed at least once: a mail server that is down or refuses our password
    # holds every notice back without giving any up, and someone must see that it is happening.
    waiting_emails: int = 0
    oldest_waiting: OutgoingEmail | None = None


# Rows per list on the oversight page: the most pressing, enough to act on today, few enough to read (and to
# render in well under 100 ms with every list full at national size).
LIMIT = 25


def oversight(today: date) -> Oversight:
    """Everything oversight watches, each list the most pressing first and capped; each row links to its case."""
    overdue = _open(Case.objects.all()).filter(due_on__lt=today)
    waiting = OutgoingEmail.objects.filter(status=EmailStatus.PENDING).exclude(last_error="")
    return Oversight(
        overdue_by_body=list(
            overdue.values("body__name").annotate(cases=Count("pk")).order_by("-cases", "body__name")[:LIMIT]
        ),
        overdue_cases=overdue.select_related("body").order_by("due_on", "pk")[:LIMIT],
        suspensions=InterimSuspension.objects.filter(
            lifted_at__isnull=True, review_by__lte=today + timedelta(days=SOON_DAYS)
        )
        .select_related("case", "case__body")
        .order_by("review_by", "pk")[:LIMIT],
        departures=Decision.objects.exclude(departure_reason="")
        .select_related("case", "body")
        .order_by("-decided_at", "-pk")[:LIMIT],
        flagged_inconsistent=CaseFlag.objects.filter(kind="inconsistent", resolved_at__isnull=True)
        .select_related("case")
        .order_by("-raised_at", "-pk")[:LIMIT],
        doubtful_evidence=EvidenceItem.objects.filter(erased_at__isnull=True)
        .filter(
            Q(provenance=Provenance.MONITORING)
            | Q(attribution__in=[Attribution.UNVERIFIED.value, Attribution.ANONYMOUS.value])
        )
        .select_related("case")
        .order_by("-added_at", "-pk")[:LIMIT],
        open_flags=CaseFlag.objects.filter(resolved_at__isnull=True)
        .select_related("case", "raised_by")
        .order_by("-raised_at", "-pk")[:LIMIT],
        # Emails the worker gave up on (docs/email.md): the member was not told, so someone must tell them.
        # Not those blanked by retention or erasure (privacy.removal): their recipient's details are gone.
        undelivered_emails=OutgoingEmail.objects.filter(status=EmailStatus.GAVE_UP)
        .exclude(recipient="")
        .select_related("case")
        .order_by("-gave_up_at", "-pk")[:LIMIT],
        waiting_emails=waiting.count(),
        oldest_waiting=waiting.order_by("created_at", "pk").first(),
    )
