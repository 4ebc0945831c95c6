"""Oversight: what the oversight page watches, staff-only counts, and flags and notes on cases, through the same
selectors and services as the web (`workspace.selectors.oversight`, `cases.services.oversight`).

The dashboard and the counts are for oversight officers, as the web page is. Flags are listed to everyone who may
answer them (oversight, case officers, body officers), each for the cases they read as staff; only oversight
raises one (`policy.may_flag`).
"""

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from fairhearing.access import policy
from fairhearing.accounts.roles import Role
from fairhearing.analysis.selectors import latest_run
from fairhearing.api.pagination import KeysetPagination
from fairhearing.api.problems import ApiProblem, invalid, not_found
from fairhearing.audit.log import actor_label
from fairhearing.cases.models import Case, CaseFlag, FlagKind
from fairhearing.cases.services import oversight as services
from fairhearing.workspace import selectors

router = Router(tags=["oversight"])

FlagKindName = Literal[tuple(FlagKind.values)]  # type: ignore[valid-type]
# Who sees flags in their lists: whoever may raise or answer one.
FLAG_READERS = policy.FLAGGING | services.FLAG_ANSWERERS


class OversightBodyCount(Schema):
    body: str
    cases: int


class OversightCase(Schema):
    reference: str
    body: str
    stage: str
    due_on: date | None


class OversightSuspension(Schema):
    reference: str
    body: str
    imposed_at: datetime
    review_by: date
    review_overdue: bool = Field(description="The review date has passed.")


class OversightDecision(Schema):
    reference: str
    body: str
    kind: str
    decided_at: datetime
    sanction: str
    guideline_starting_point: str
    departure_reason: str


class OversightEvidence(Schema):
    reference: str
    evidence_id: int
    kind: str
    provenance: str
    attribution: str
    admissibility: str
    added_at: datetime


class OversightFlagOut(Schema):
    id: int
    reference: str
    kind: str
    detail: str
    raised_by: str
    raised_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str


class OversightDashboardOut(Schema):
    today: date
    overdue_by_body: list[OversightBodyCount]
    overdue_cases: list[OversightCase]
    suspensions: list[OversightSuspension] = Field(description="In force, with a review due soon or missed.")
    departures: list[OversightDecision] = Field(description="Decisions outside the sanction guideline.")
    flagged_inconsistent: list[OversightFlagOut]
    doubtful_evidence: list[OversightEvidence] = Field(
        description="Evidence from systematic monitoring, or from accounts not proven to be the member's."
    )
    open_flags: list[OversightFlagOut]


class OversightStageCount(Schema):
    stage: str
    cases: int


class OversightStatisticsOut(Schema):
    total: int
    by_stage: list[OversightStageCount]
    by_body: list[OversightBodyCount]


class OversightFlagFilters(Schema):
    state: Literal["open", "answered"] | None = None
    case: str | None = Field(None, max_length=32, description="A case reference.")


class OversightFlagIn(Schema):
    case: str = Field(max_length=32, description="The case's reference.")
    kind: FlagKindName
    detail: str = Field(max_length=5000, description="What needs an answer.")


class OversightAnswerIn(Schema):
    resolution: str = Field(max_length=5000)


class OversightNoteIn(Schema):
    case: str = Field(max_length=32, description="The case's reference.")
    text: str = Field(max_length=5000)


class OversightNoteOut(Schema):
    case: str
    at: datetime
    by: str
    text: str


def _oversight_only(request: HttpRequest) -> None:
    # As the web's oversight page: to anyone else it is not there.
    if Role.OVERSIGHT_OFFICER not in policy.roles_of(request.user):
        raise not_found()


def _flag(flag: CaseFlag) -> dict:
    return {
        "id": flag.pk,
        "reference": flag.case.reference,
        "kind": flag.kind,
        "detail": flag.detail,
        "raised_by": actor_label(flag.raised_by),
        "raised_at": flag.raised_at,
        "resolved_by": actor_label(flag.resolved_by) if flag.resolved_at else None,
        "resolved_at": flag.resolved_at,
        "resolution": flag.resolution,
    }


def _required(value: str, field: str) -> str:
    if not value.strip():
        raise invalid([{"in": "body", "field": field, "message": "This field is required."}])
    return value


def _staff_case(request: HttpRequest, reference: str) -> Case:
    """The case, for someone who reads its staff record; anyone else is told there is none (web: `_case_for`)."""
    case = Case.objects.filter(reference=reference).first()
    if case is None or not request.user.has_perm("cases.view_case_record", case):
        raise not_found("case")
    return case


@router.get("/dashboard", response=OversightDashboardOut, summary="What oversight watches (oversight officers)")
def get_oversight_dashboard(request: HttpRequest) -> dict:
    _oversight_only(request)
    today = timezone.localdate()
    o = selectors.oversight(today)
    return {
        "today": today,
        "overdue_by_body": [{"body": row["body__name"], "cases": row["cases"]} for row in o.overdue_by_body],
        "overdue_cases": [
            {"reference": c.reference, "body": c.body.name, "stage": c.stage, "due_on": c.due_on}
            for c in o.overdue_cases
        ],
        "suspensions": [
            {
                "reference": s.case.reference,
                "body": s.case.body.name,
                "imposed_at": s.imposed_at,
                "review_by": s.review_by,
                "review_overdue": s.review_by < today,
            }
            for s in o.suspensions
        ],
        "departures": [
            {
                "reference": d.case.reference,
                "body": d.body.name,
                "kind": d.kind,
                "decided_at": d.decided_at,
                "sanction": d.sanction,
                "guideline_starting_point": d.guideline_starting_point,
                "departure_reason": d.departure_reason,
            }
            for d in o.departures
        ],
        "flagged_inconsistent": [_flag(f) for f in o.flagged_inconsistent],
        "doubtful_evidence": [
            {
                "reference": e.case.reference,
                "evidence_id": e.pk,
                "kind": e.kind,
                "provenance": e.provenance,
                "attribution": e.attribution,
                "admissibility": e.admissibility,
                "added_at": e.added_at,
            }
            for e in o.doubtful_evidence
        ],
        "open_flags": [_flag(f) for f in o.open_flags],
    }


@router.get("/statistics", response=OversightStatisticsOut, summary="Cases by stage and by body (oversight officers)")
def get_oversight_statistics(request: HttpRequest) -> dict:
    # Staff-only raw counts: small numbers can identify people, so nothing here is for publication.
    _oversight_only(request)
    cases = policy.staff_cases(request.user)
    by_stage = cases.values("stage").annotate(cases=Count("pk")).order_by("stage")
    by_body = cases.values("body__name").annotate(cases=Count("pk")).order_by("-cases", "body__name")
    return {
        "total": cases.count(),
        "by_stage": [{"stage": row["stage"], "cases": row["cases"]} for row in by_stage],
        "by_body": [{"body": row["body__name"], "cases": row["cases"]} for row in by_body],
    }


class OversightAnalysisOut(Schema):
    run: int = Field(description="The run's id: each run is kept.")
    started_at: datetime
    finished_at: datetime
    trigger: str = Field(description="What ran it: the scheduled job or the command line.")
    cases: int
    decisions: int
    outliers: int
    flags_raised: int = Field(description="Flags this run raised on cases newly found out of line.")
    report: dict[str, Any] = Field(
        description="The whole report: outliers against like cases, decisions outside the sanction guideline, "
        "consistency indices by body and year, disparities between groups (small groups suppressed) and funnel "
        "plots, as `fairhearing analyse --json` prints it."
    )


@router.get("/analysis", response=OversightAnalysisOut, summary="The latest consistency and fairness analysis")
def get_oversight_analysis(request: HttpRequest) -> dict:
    _oversight_only(request)
    run = latest_run()
    if run is None:
        raise not_found("analysis yet")
    return {
        "run": run.pk,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "trigger": run.trigger,
        "cases": run.cases,
        "decisions": run.decisions,
        "outliers": run.outliers,
        "flags_raised": run.flags_raised,
        "report": run.report,
    }


class _Flags:
    """Flags for the pager: it orders, filters and slices the queryset; each flag comes out as its fields."""

    def __init__(self, flags: QuerySet[CaseFlag]) -> None:
        self.flags = flags

    def order_by(self, *fields: str) -> "_Flags":
        return _Flags(self.flags.order_by(*fields))

    def filter(self, **lookups: object) -> "_Flags":
        return _Flags(self.flags.filter(**lookups))

    def __getitem__(self, window: slice) -> list[dict]:
        return [_FlagRow(_flag(flag), flag.pk) for flag in self.flags[window]]


class _FlagRow(dict):
    # The pager reads the last row's `pk` for the next cursor.
    def __init__(self, fields: dict, pk: int) -> None:
        super().__init__(fields)
        self.pk = pk


@router.get("/flags", response=list[OversightFlagOut], summary="Flags on the cases you read, newest first")
@paginate(KeysetPagination, key="-pk")
def list_oversight_flags(request: HttpRequest, filters: Query[OversightFlagFilters]) -> "_Flags":
    flags = CaseFlag.objects.select_related("case", "raised_by", "resolved_by")
    if not policy.roles_of(request.user) & FLAG_READERS:
        return _Flags(flags.none())
    flags = flags.filter(case__in=policy.staff_cases(request.user))
    if filters.state == "open":
        flags = flags.filter(resolved_at__isnull=True)
    elif filters.state == "answered":
        flags = flags.filter(resolved_at__isnull=False)
    if filters.case:
        flags = flags.filter(case__reference=filters.case)
    return _Flags(flags)


@router.post("/flags", response={201: OversightFlagOut}, summary="Raise a flag on a case (oversight officers)")
def raise_oversight_flag(request: HttpRequest, body: OversightFlagIn) -> Status:
    case = _staff_case(request, body.case)
    if not request.user.has_perm("cases.flag_case", case):
        raise ApiProblem(403, "Only an oversight officer raises flags.")
    flag = services.raise_flag(case, request.user, kind=body.kind, detail=_required(body.detail, "detail"))
    return Status(201, _flag(flag))


@router.post("/flags/{flag_id}/answer", response=OversightFlagOut, summary="Answer a flag on the record")
def answer_oversight_flag(request: HttpRequest, flag_id: int, body: OversightAnswerIn) -> dict:
    flag = CaseFlag.objects.select_related("case").filter(pk=flag_id).first()
    if flag is None:
        raise not_found("flag")
    case = _staff_case(request, flag.case.reference)
    if not services.may_resolve_flag(request.user, case):
        raise ApiProblem(403, "Only oversight, a case officer or the body's officer answers a flag.")
    flag = services.resolve_flag(flag, request.user, resolution=_required(body.resolution, "resolution"))
    return _flag(get_object_or_404(CaseFlag.objects.select_related("case", "raised_by", "resolved_by"), pk=flag.pk))


@router.post("/notes", response={201: OversightNoteOut}, summary="Add a note to a case's timeline")
def add_oversight_note(request: HttpRequest, body: OversightNoteIn) -> Status:
    case = _staff_case(request, body.case)
    if not services.may_add_note(request.user, case):
        raise ApiProblem(403, "Only oversight, a case officer or the body's officer adds notes.")
    event = services.add_note(case, request.user, text=_required(body.text, "text"))
    return Status(201, {"case": case.reference, "at": event.at, "by": event.actor_label, "text": event.summary})
