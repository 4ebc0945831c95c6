"""The member's own cases, as the member portal shows them: what happens next, the notice, the outcome, receipts.

Every path here acts for the caller's own membership record and takes no member: another member's case answers
404 exactly like a case that does not exist. What each side sees comes from the portal's selectors
(fairhearing.web.portal_selectors), so the complainant sees exactly as little here as in the portal, and the
reply and the appeal go through the portal's own submission path. Every look at a case is on the audit log, as
in the portal. (`GET /me` itself, the caller's account, is in routers/account.py.)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from fairhearing.api.pagination import KeysetPagination
from fairhearing.api.problems import not_found, refused
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Case, EventKind
from fairhearing.organisation.models import Member
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.next_steps import NextStep, Party
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import APPEAL_GROUNDS
from fairhearing.web import portal_selectors as selectors
from fairhearing.web.portal_submissions import (
    own_data_download,
    record_case_view,
    record_cases_listed,
    submit_appeal,
    submit_response,
)

router = Router(tags=["member"])

RESPONSE_MAX = 50_000  # as the portal's form
AppealGround = Literal[tuple(sorted(APPEAL_GROUNDS))]  # type: ignore[valid-type]
# Which field of the request a refusal of the procedure is about (the portal puts them on the same fields).
_RESPONSE_FIELDS = {"refused": "response"}
_APPEAL_FIELDS = {"grounds": "grounds", "appeal_in_time": "late_reason", "late_appeal_by_appeals_body": "late_reason"}
# The log actions behind the receipts a complainant may have (the portal's COMPLAINANT_RECEIPTS, by label).
_COMPLAINANT_ACTIONS = frozenset(
    f"timeline.{kind}" for kind, label in EventKind.choices if label in selectors.COMPLAINANT_RECEIPTS
)
_LABELS = dict(EventKind.choices)


# -- what goes out ----------------------------------------------------------------------------------------------


class PortalNextStep(Schema):
    text: str = Field(description="What happens next, and by when, in plain words for this party.")
    due: date | None = Field(description="The date the step turns on, if any.")
    action: Literal["respond", "appeal"] | None = Field(
        description="What the member may do now: reply to the notice, or appeal (the respondent only)."
    )
    overdue: bool = Field(description="The date in the text has passed.")


def _next(step: NextStep) -> PortalNextStep:
    return PortalNextStep(
        text=step.text, due=step.due, action=step.action.value if step.action else None, overdue=step.overdue
    )


class PortalCaseSummary(Schema):
    reference: str
    party: Literal["respondent", "complainant"] = Field(description="Which side of the case the caller is on.")
    stage: str = Field(description="The stage's code.")
    stage_label: str
    received: date
    next: PortalNextStep

    @staticmethod
    def resolve_party(obj: Case, context: dict[str, Any]) -> str:
        return _parties(context)[obj.pk].party.value

    @staticmethod
    def resolve_stage_label(obj: Case) -> str:
        return Stage(obj.stage).label

    @staticmethod
    def resolve_received(obj: Case) -> date:
        return timezone.localdate(obj.received_at)

    @staticmethod
    def resolve_next(obj: Case, context: dict[str, Any]) -> PortalNextStep:
        return _next(selectors.step_for(_parties(context)[obj.pk], timezone.localdate()))


class PortalReceipt(Schema):
    index: int = Field(description="The entry's place in the audit log.")
    at: datetime
    what: str = Field(description="The step of the case the entry records.")
    case_reference: str
    proof: str = Field(description="Where to get the entry's inclusion proof.")

    @staticmethod
    def resolve_what(obj: AuditEvent) -> str:
        kind = obj.action.removeprefix("timeline.")
        return _LABELS.get(kind, kind)

    @staticmethod
    def resolve_proof(obj: AuditEvent) -> str:
        return reverse("audit:inclusion", args=[obj.index])


class PortalCaseReceipt(Schema):
    index: int
    at: datetime
    what: str


class PortalFinding(Schema):
    clause: str
    title: str
    proven: bool
    reasons: str


class PortalOutcome(Schema):
    sanction: str
    decided_on: date
    notified_on: date | None
    suspension_months: int | None
    reasons: str = Field(description="The panel's reasons; empty for the complainant.")
    findings: list[PortalFinding] = Field(description="Per allegation; empty for the complainant.")
    appeal_result: str
    appeal_sanction: str
    appeal_decided_on: date | None
    appeal_reasons: str = Field(description="The appeals panel's reasons; empty for the complainant.")


class PortalEvidence(Schema):
    number: int
    kind: str
    description: str
    served: bool = Field(description="Served on the respondent with the notice.")
    yours: bool = Field(description="Supplied by the caller.")
    added: date
    file_name: str
    text: str
    erased: bool


class PortalAllegation(Schema):
    number: int
    clause: str
    title: str
    text: str
    particulars: str
    conduct_date: date | None


class PortalNotice(Schema):
    served_on: date
    response_due: date
    earliest_hearing: date


class PortalTimeLimits(Schema):
    respond_days: int
    appeal_days: int
    notice_working_days: int


class PortalSuspension(Schema):
    active: bool
    imposed_on: date
    decision_maker: str
    criterion: str
    reasons: str
    restricts: str
    review_by: date
    review_missed: bool
    lifted_on: date | None
    lift_reason: str


class PortalOwnResponse(Schema):
    at: datetime
    text: str


class PortalOwnAppeal(Schema):
    lodged_on: date
    grounds: list[str] = Field(description="The grounds, in the portal's plain words.")
    late_reason: str
    body: str


class PortalCase(Schema):
    """A case as the portal shows it to this party. The fields marked "respondent only" are null for the
    complainant, who is told how the case moves and its outcome, not the respondent's personal data."""

    reference: str
    party: Literal["respondent", "complainant"]
    stage: str
    stage_label: str
    received: date
    dismissed: bool
    next: PortalNextStep
    outcome: PortalOutcome | None
    evidence: list[PortalEvidence]
    receipts: list[PortalCaseReceipt]
    allegations: list[PortalAllegation] | None = Field(None, description="Respondent only.")
    notice: PortalNotice | None = Field(None, description="Respondent only; null until a notice is served.")
    time_limits: PortalTimeLimits | None = Field(None, description="Respondent only.")
    suspensions: list[PortalSuspension] | None = Field(None, description="Respondent only.")
    response: PortalOwnResponse | None = Field(None, description="Respondent only: their reply, once sent.")
    appeal: PortalOwnAppeal | None = Field(None, description="Respondent only: their appeal, once lodged.")
    closure_reason: str | None = Field(None, description="Respondent only: why a closed case was closed.")


class PortalActed(Schema):
    """The case after the member's action: its stage and what happens next now."""

    reference: str
    stage: str
    stage_label: str
    next: PortalNextStep


# -- what comes in ----------------------------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class PortalResponseIn(Schema):
    response: str = Field(
        min_length=1,
        max_length=RESPONSE_MAX,
        description="The reply to the allegations. Files go with a reply in the web portal only.",
    )

    _check = field_validator("response")(_not_blank)


class PortalAppealIn(Schema):
    grounds: list[AppealGround] = Field(min_length=1, description="Every ground of appeal that applies.")
    explanation: str = Field(min_length=1, max_length=RESPONSE_MAX, description="Why, ground by ground.")
    late_reason: str = Field(
        "", max_length=5_000, description="Needed once the time to appeal has run out: why the appeal is late."
    )

    _check = field_validator("explanation")(_not_blank)


# -- the caller's own cases -------------------------------------------------------------------------------------


def _parties(context: dict[str, Any]) -> dict[int, selectors.PartyCase]:
    return context["request"].portal_parties


def _party_case(request: HttpRequest, reference: str, *, respondent_only: bool = False) -> selectors.PartyCase:
    try:
        pc = selectors.party_case(request.user, reference)
    except Http404:
        raise not_found("case") from None
    if respondent_only and pc.party != Party.RESPONDENT:
        # Replying and appealing do not exist for the complainant, as in the portal.
        raise not_found("case")
    return pc


def _own_member(request: HttpRequest) -> Member:
    if request.user.member is None:
        raise not_found("membership record")
    return request.user.member


@router.get(
    "/cases",
    response=list[PortalCaseSummary],
    summary="My cases",
    description="The cases the caller is the respondent or the complainant in, newest first. Staff reading a "
    "case as staff use /cases instead.",
)
@paginate(KeysetPagination, key="-pk")
def list_my_cases(request: HttpRequest) -> QuerySet[Case]:
    found = selectors.party_cases(request.user)
    request.portal_parties = {pc.case.pk: pc for pc in found}
    member = request.user.member
    if member is not None:
        with transaction.atomic():
            record_cases_listed(request.user, member, found, timezone.now(), through="the API")
    return Case.objects.filter(pk__in=list(request.portal_parties)).select_related("rulebook_version", "notice")


def _case_out(ctx: dict[str, Any]) -> PortalCase:
    case = ctx["case"]
    out = PortalCase(
        reference=case.reference,
        party=ctx["party"],
        stage=case.stage,
        stage_label=ctx["stage"],
        received=ctx["received"],
        dismissed=ctx["dismissed"],
        next=_next(ctx["next"]),
        outcome=PortalOutcome(**vars(ctx["outcome"])) if ctx["outcome"] else None,
        evidence=[PortalEvidence(**row) for row in ctx["evidence"]],
        receipts=[PortalCaseReceipt(index=r.index, at=r.at, what=r.what) for r in ctx["receipts"]],
    )
    if not ctx["is_respondent"]:
        return out
    out.allegations = [PortalAllegation(**a) for a in ctx["allegations"]]
    out.notice = PortalNotice(**ctx["notice"]) if ctx["notice"] else None
    out.time_limits = PortalTimeLimits(**ctx["limits"])
    out.suspensions = [PortalSuspension(**s) for s in ctx["suspensions"]]
    out.response = PortalOwnResponse(**ctx["response"]) if ctx["response"] else None
    out.appeal = PortalOwnAppeal(**ctx["appeal"]) if ctx["appeal"] else None
    out.closure_reason = ctx["closure_reason"]
    return out


@router.get("/cases/{reference}", response=PortalCase, summary="One of my cases, as the portal shows it")
def get_my_case(request: HttpRequest, reference: str) -> PortalCase:
    pc = _party_case(request, reference)
    now = timezone.now()
    ctx = selectors.case_page(request.user, pc, now)
    with transaction.atomic():
        record_case_view(request.user, pc, now, through="the API")
    return _case_out(ctx)


def _acted(request: HttpRequest, reference: str) -> PortalActed:
    pc = selectors.party_case(request.user, reference)  # afresh: the action moved the case on
    return PortalActed(
        reference=pc.case.reference,
        stage=pc.case.stage,
        stage_label=Stage(pc.case.stage).label,
        next=_next(selectors.step_for(pc, timezone.localdate())),
    )


@router.post(
    "/cases/{reference}/response",
    response=PortalActed,
    summary="Reply to the notice (the respondent)",
    description="The respondent's reply to the allegations in the notice, while the procedure accepts one. "
    "Files can be sent with a reply through the web portal only.",
)
def submit_my_response(request: HttpRequest, reference: str, body: PortalResponseIn) -> PortalActed:
    pc = _party_case(request, reference, respondent_only=True)
    try:
        submit_response(pc.case, request.user, response=body.response, attachments=[])
    except ActionRefused as refusal:
        raise refused(refusal, _RESPONSE_FIELDS) from None
    return _acted(request, reference)


@router.post("/cases/{reference}/appeal", response=PortalActed, summary="Appeal the decision (the respondent)")
def submit_my_appeal(request: HttpRequest, reference: str, body: PortalAppealIn) -> PortalActed:
    pc = _party_case(request, reference, respondent_only=True)
    try:
        submit_appeal(
            pc.case, request.user, grounds=body.grounds, explanation=body.explanation, late_reason=body.late_reason
        )
    except ActionRefused as refusal:
        raise refused(refusal, _APPEAL_FIELDS) from None
    return _acted(request, reference)


@router.get(
    "/receipts",
    response=list[PortalReceipt],
    summary="Receipts for the steps of my cases",
    description="Each step of the caller's cases and its place in the audit log, oldest first, to check against "
    "a signed checkpoint. A complainant gets receipts for how the case moved only, as in the portal.",
)
@paginate(KeysetPagination, key="index")
def list_my_receipts(request: HttpRequest) -> QuerySet[AuditEvent]:
    found = selectors.party_cases(request.user)
    as_respondent = [pc.case.reference for pc in found if pc.party == Party.RESPONDENT]
    as_complainant = [pc.case.reference for pc in found if pc.party == Party.COMPLAINANT]
    return AuditEvent.objects.filter(object_type="timeline_event").filter(
        Q(case_reference__in=as_respondent) | Q(case_reference__in=as_complainant, action__in=_COMPLAINANT_ACTIONS)
    )


@router.post(
    "/data-request",
    summary="Request and download all my data",
    description="A subject access request, answered at once as in the portal: a zip with a readable report, the "
    "same data as JSON, and the evidence files served on or supplied by the caller. The request and the download "
    "are recorded.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The caller's data, as a zip file.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def request_my_data(request: HttpRequest) -> HttpResponse:
    return own_data_download(_own_member(request), request.user)
