"""The staff case list, the case record with its timeline, decisions and appeal, and opening a case.

Every list starts from the access policy's `staff_cases`; one case is read only by those whose view of it is the
staff record (`cases.view_case_record`), and anyone else is told it does not exist. Every look is on the audit log.
"""

# No `from __future__ import annotations` here: ninja reads `Query[CaseFilters]` through the pager's wrapper, where
# a string annotation cannot be resolved.
from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from fairhearing.access.policy import CaseView, case_view, roles_of
from fairhearing.accounts.roles import Role
from fairhearing.analysis.precedent_lookup import precedents_for
from fairhearing.api import preconditions
from fairhearing.api.case_schemas import (
    CaseAppealOut,
    CaseDecisionOut,
    CaseDetailOut,
    CaseStage,
    CaseSummaryOut,
    CaseTimelineEventOut,
    detail_out,
)
from fairhearing.api.pagination import KeysetPagination
from fairhearing.api.problems import ApiProblem, field_errors, invalid, not_found, refused
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.appeal_grounds import ground_label
from fairhearing.cases.case_record import HIDDEN_FROM_PANEL, log_view
from fairhearing.cases.models import Appeal, Case, CaseSource, ComplainantKind, TimelineEvent
from fairhearing.cases.new_case import GUARD_FIELDS, ComplaintForm, allegation_formset, open_from
from fairhearing.procedure.errors import ActionRefused
from fairhearing.workspace.forms import CaseFilterForm
from fairhearing.workspace.selectors import filter_bodies, filtered_cases

router = Router(tags=["cases"])

CASE_RELATED = ("body", "respondent__branch", "complainant_member", "rulebook_version", "investigator")


def staff_case(request: HttpRequest, reference: str) -> Case:
    """The case, if the caller may read its staff record; otherwise 404, as if it did not exist."""
    case = Case.objects.select_related(*CASE_RELATED).filter(reference=reference).first()
    if case is None or not request.user.has_perm("cases.view_case_record", case):
        raise not_found("case")
    return case


def case_detail(request: HttpRequest, case: Case, page: str) -> dict[str, Any]:
    """The record as the caller may see it, the look itself logged as the web logs its case page."""
    log_view(request.user, case, page=page)
    return detail_out(request.user, case, case_view(request.user, case))


class CaseFilters(Schema):
    q: str | None = Field(None, max_length=200, description="A reference, a member's name or number, or words.")
    stage: list[CaseStage] | None = Field(None, description="Any of these stages (repeat the parameter).")
    body: int | None = Field(None, ge=1, le=2**63 - 1, description="A body's id: cases with it, or its appeal.")
    clause: str | None = Field(None, max_length=64, description="A clause id, e.g. 2.1.")
    overdue: bool = Field(False, description="Only open cases past their stage's target date.")
    suspended: bool = Field(False, description="Only cases with an interim suspension in force.")
    received_from: date | None = Field(None, description="Received on or after.")
    received_to: date | None = Field(None, description="Received on or before.")


@router.get("", response=list[CaseSummaryOut], summary="The cases you may read as staff, newest first")
@paginate(KeysetPagination, key="-pk")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    """The workspace's case list: the same filters, checked by the same form, from the same access policy. A
    member's own cases are in the portal (`/me/cases`), not here."""
    data: dict[str, Any] = {k: v for k, v in filters.dict().items() if v not in (None, False, "", [])}
    if "stage" in data:
        data["stage"] = [str(s) for s in data["stage"]]
    form = CaseFilterForm(data, bodies=filter_bodies(request.user))
    if not form.is_valid():
        raise invalid([{"in": "query", **e} for e in field_errors(form.errors)])
    return filtered_cases(request.user, form.cleaned_data, timezone.localdate())


@router.get("/{reference}", response=CaseDetailOut, summary="The staff record of one case")
def get_case(request: HttpRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    """Everything the staff case page shows. A panel member sees the admitted evidence only. Logged.

    The ETag header is the case's version: send it back as If-Match with an action, and the action is refused
    (412) if the case has changed in the meantime."""
    case = staff_case(request, reference)
    preconditions.set_etag(response, case)
    return case_detail(request, case, "api/case")


@router.get("/{reference}/timeline", response=list[CaseTimelineEventOut], summary="A case's timeline, oldest first")
@paginate(KeysetPagination, key="pk")
def list_case_timeline(request: HttpRequest, reference: str) -> QuerySet[TimelineEvent]:
    """Each step with its audit-log index, for the inclusion proof (`/audit/...`). Logged."""
    case = staff_case(request, reference)
    log_view(request.user, case, page="api/timeline")
    index = AuditEvent.objects.filter(object_type="timeline_event", object_id=Cast(OuterRef("pk"), CharField())).values(
        "index"
    )[:1]
    events = case.timeline.annotate(log_index=Subquery(index))
    if case_view(request.user, case) == CaseView.PANEL:
        # As on the web's case page: the panel does not read what evidence was offered or excluded, nor flags.
        events = events.exclude(kind__in=HIDDEN_FROM_PANEL)
    return events


@router.get("/{reference}/decision", response=CaseDecisionOut, summary="A case's first-instance decision")
def get_case_decision(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Findings, sanction, the guideline it was checked against and any departure. 404 before a decision."""
    case = staff_case(request, reference)
    record = case_detail(request, case, "api/decision")
    first = next((d for d in record["decisions"] if d["kind"] == "first_instance"), None)
    if first is None:
        raise not_found("decision")
    return first


class CaseAppealItemOut(CaseAppealOut):
    """An appeal read from its row; its decision comes from the case record built for this request."""

    @staticmethod
    def resolve_grounds_in_words(appeal: Appeal) -> list[str]:
        return [ground_label(g) for g in appeal.grounds]

    @staticmethod
    def resolve_decision(appeal: Appeal, context: dict[str, Any]) -> dict[str, Any] | None:
        return getattr(context["request"], "_fairhearing_appeal_decision", None)


@router.get("/{reference}/appeals", response=list[CaseAppealItemOut], summary="A case's appeal and its decision")
@paginate(KeysetPagination, key="-pk")
def list_case_appeals(request: HttpRequest, reference: str) -> QuerySet[Appeal]:
    """The appeal lodged (a case has one at most), with the appeal panel's decision once made. Logged."""
    case = staff_case(request, reference)
    decisions = case_detail(request, case, "api/appeals")["decisions"]
    request._fairhearing_appeal_decision = next((d for d in decisions if d["kind"] == "appeal"), None)
    return Appeal.objects.filter(case=case).select_related("body")


class CasePrecedentOut(Schema):
    """A decided case like this one: what it was about and what was decided, never who it was about."""

    case_ref: str
    score: float = Field(description="Overall similarity, 0 to 1: the recorded facts and the words together.")
    structured: float = Field(description="Similarity of the recorded facts: clauses, culpability, harm, factors.")
    text: float = Field(description="Similarity of the allegations' words.")
    decided_on: str
    body: str
    clauses: list[str]
    culpability: str
    harm: str
    aggravating: list[str]
    mitigating: list[str]
    sanction: str
    severity: int = Field(description="The sanction's place in the rulebook's scale: 0 is the mildest.")


class CasePrecedentSpreadOut(Schema):
    counts: dict[str, int] = Field(description="How many of the precedents got each sanction, mildest first.")
    lowest: str
    highest: str
    median: str


class CasePrecedentsOut(Schema):
    case: str
    precedents: list[CasePrecedentOut]
    spread: CasePrecedentSpreadOut | None = Field(description="None when there is no decided case to compare.")


class CasePrecedentFilters(Schema):
    k: int = Field(10, ge=1, le=50, description="How many precedents.")


@router.get("/{reference}/precedents", response=CasePrecedentsOut, summary="The decided cases most like this one")
def get_case_precedents(request: HttpRequest, reference: str, filters: Query[CasePrecedentFilters]) -> dict[str, Any]:
    """Comparable past decisions and how they were decided, as the panel sees them at decision time; the case
    itself is never among them. For those who read the case's staff record. Logged."""
    case = staff_case(request, reference)
    log_view(request.user, case, page="api/precedents")
    found, spread = precedents_for(case, filters.k)
    return {
        "case": case.reference,
        "precedents": [asdict(p) for p in found],
        "spread": asdict(spread) if spread else None,
    }


class CaseAllegationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    clause: str = Field(max_length=64, description="A clause id of the rulebook in force at the time.")
    particulars: str = Field(description="What the respondent is alleged to have done.")
    conduct_date: date


class CaseOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    respondent: str = Field(max_length=32, description="The respondent's membership number.")
    complainant_kind: ComplainantKind
    complainant_member: str = Field("", max_length=32, description="When the complainant is a member.")
    complainant_name: str = Field("", max_length=200, description="When the complainant is not a member.")
    complainant_email: str = Field("", max_length=254)
    source: Literal[tuple(v for v in CaseSource.values if v != CaseSource.IMPORT)]  # type: ignore[valid-type]
    allegations: list[CaseAllegationIn] = Field(min_length=1, max_length=20)


# Which API field each refusal of `open_case` is about.
OPEN_GUARD_FIELDS = GUARD_FIELDS | {
    "clause": "allegations",
    "allegations": "allegations",
    "conduct_date": "allegations",
}


@router.post("", response={201: CaseDetailOut}, summary="Open a case (a complaint)")
def open_case(request: HttpRequest, body: CaseOpenIn) -> Status:
    """For case officers. Checked by the web's complaint form, then judged and routed by the rulebook in force when
    the conduct happened; a refusal (409) says why, and nothing is saved."""
    if Role.CASE_OFFICER not in roles_of(request.user):
        raise ApiProblem(403, "Only a case officer may open a case.")
    complaint = ComplaintForm({k: v for k, v in body.dict().items() if k != "allegations"})
    data = {"allegations-TOTAL_FORMS": str(len(body.allegations)), "allegations-INITIAL_FORMS": "0"}
    for n, a in enumerate(body.allegations):
        data |= {
            f"allegations-{n}-clause": a.clause,
            f"allegations-{n}-particulars": a.particulars,
            f"allegations-{n}-conduct_date": a.conduct_date.isoformat(),
        }
    allegations = allegation_formset(data)
    valid = complaint.is_valid()
    valid = allegations.is_valid() and valid
    if not valid:
        errors = field_errors(complaint.errors)
        for n, form in enumerate(allegations.forms):
            errors += field_errors(form.errors, prefix=f"allegations.{n}.")
        errors += [{"field": "allegations", "message": str(m)} for m in allegations.non_form_errors()]
        raise invalid([{"in": "body", **e} for e in errors])
    try:
        case = open_from(complaint, allegations, request.user)
    except ActionRefused as refusal:
        raise refused(refusal, OPEN_GUARD_FIELDS) from None
    return Status(201, case_detail(request, staff_case(request, case.reference), "api/opened"))
