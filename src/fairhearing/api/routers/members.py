"""The register of members: read by those who need it (`policy.may_read_members`), kept by administrators.

A member record is personal data, so opening one is on the audit log; a list shows no contact details. Whoever
may not read the register gets an empty list and "not found" for a record, as with cases.
"""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from fairhearing.access import policy
from fairhearing.api.pagination import KeysetPagination
from fairhearing.api.problems import ApiProblem, field_errors, invalid, not_found
from fairhearing.audit import log as audit
from fairhearing.organisation import members as services
from fairhearing.organisation.models import Member

router = Router(tags=["members"])

MemberStatusName = Literal["active", "suspended", "lapsed", "resigned", "expelled"]


class MemberOfficeOut(Schema):
    office: str
    since: date
    until: date | None


class MemberOut(Schema):
    membership_number: str
    name: str
    status: str
    branch: str = Field(description="The branch's code.")
    region: str = Field(description="The region's code.")
    joined: date
    left_on: date | None
    anonymised: bool

    @staticmethod
    def resolve_branch(member) -> str:
        return member["branch"] if isinstance(member, dict) else member.branch.code

    @staticmethod
    def resolve_region(member) -> str:
        return member["region"] if isinstance(member, dict) else member.branch.region.code

    @staticmethod
    def resolve_anonymised(member) -> bool:
        return member["anonymised"] if isinstance(member, dict) else member.anonymised_at is not None


class MemberDetailOut(MemberOut):
    email: str
    branch_name: str
    region_name: str
    anonymised_at: datetime | None
    offices: list[MemberOfficeOut]


class MemberFilters(Schema):
    status: MemberStatusName | None = None
    branch: str | None = Field(None, max_length=60, description="A branch code.")
    region: str | None = Field(None, max_length=40, description="A region code.")
    q: str | None = Field(None, max_length=200, description="Part of a name, or the start of a membership number.")


class MemberOfficeIn(Schema):
    office: str = Field(min_length=1, max_length=64, description="An office id from the rulebook.")
    since: date
    until: date | None = None


class MemberCreateIn(Schema):
    membership_number: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    branch: str = Field(max_length=60, description="The branch's code.")
    status: MemberStatusName = "active"
    joined: date
    left_on: date | None = None
    offices: list[MemberOfficeIn] = Field(default_factory=list, max_length=50)


class MemberUpdateIn(Schema):
    """Only the fields sent are changed; `offices`, when sent, replaces the offices held."""

    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    branch: str | None = Field(None, max_length=60, description="The branch's code.")
    status: MemberStatusName | None = None
    left_on: date | None = None
    offices: list[MemberOfficeIn] | None = Field(None, max_length=50)


def _row(member: Member) -> dict:
    return {
        "membership_number": member.membership_number,
        "name": member.name,
        "status": member.status,
        "branch": member.branch.code,
        "region": member.branch.region.code,
        "joined": member.joined,
        "left_on": member.left_on,
        "anonymised": member.anonymised_at is not None,
    }


def _detail(member: Member) -> dict:
    return _row(member) | {
        "email": member.email,
        "branch_name": member.branch.name,
        "region_name": member.branch.region.name,
        "anonymised_at": member.anonymised_at,
        "offices": [
            {"office": o.office, "since": o.since, "until": o.until} for o in member.offices.order_by("since", "pk")
        ],
    }


def _member(request: HttpRequest, membership_number: str) -> Member:
    if not policy.may_read_members(request.user):
        raise not_found("member")
    member = Member.objects.select_related("branch__region").filter(membership_number=membership_number).first()
    if member is None:
        raise not_found("member")
    return member


def _admin_only(request: HttpRequest) -> None:
    # Someone who may read the register learns nothing new from a refusal; anyone else must not learn it exists.
    if not policy.may_change_members(request.user):
        if policy.may_read_members(request.user):
            raise ApiProblem(403, "Only an administrator changes the register of members.")
        raise not_found("member")


def _invalid(error: ValidationError) -> ApiProblem:
    return invalid([{"in": "body"} | e for e in field_errors(error.message_dict)])


def _offices(offices: list[MemberOfficeIn]) -> list[services.OfficeInput]:
    return [services.OfficeInput(o.office, o.since, o.until) for o in offices]


@router.get("", response=list[MemberOut], summary="Members of the organisation")
@paginate(KeysetPagination, key="pk")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> QuerySet[Member]:
    if not policy.may_read_members(request.user):
        return Member.objects.none()
    members = Member.objects.select_related("branch__region")
    if filters.status:
        members = members.filter(status=filters.status)
    if filters.branch:
        members = members.filter(branch__code=filters.branch)
    if filters.region:
        members = members.filter(branch__region__code=filters.region)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        members = members.filter(Q(name__icontains=q) | Q(membership_number__istartswith=q))
    return members


@router.get("/{membership_number}", response=MemberDetailOut, summary="One member's record")
def get_member(request: HttpRequest, membership_number: str) -> dict:
    member = _member(request, membership_number)
    # Opening a member's record is a use of their personal data: it goes on the log, as a case view does.
    with transaction.atomic():
        audit.record(
            request.user,
            "member.viewed",
            "member",
            member.pk,
            summary=f"Member {member.pk}'s record viewed through the API.",
            subjects=[member.pk],
        )
    return _detail(member)


@router.post("", response={201: MemberDetailOut}, summary="Add a member (administrators)")
def create_member(request: HttpRequest, body: MemberCreateIn) -> Status:
    _admin_only(request)
    try:
        member = services.create_member(
            actor=request.user,
            membership_number=body.membership_number,
            name=body.name,
            email=body.email,
            branch=body.branch,
            status=body.status,
            joined=body.joined,
            left_on=body.left_on,
            offices=_offices(body.offices),
        )
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, _detail(Member.objects.select_related("branch__region").get(pk=member.pk)))


@router.patch("/{membership_number}", response=MemberDetailOut, summary="Change a member's details (administrators)")
def update_member(request: HttpRequest, membership_number: str, body: MemberUpdateIn) -> dict:
    _admin_only(request)
    member = _member(request, membership_number)
    changes = body.model_dump(exclude_unset=True)
    if "offices" in changes:
        changes["offices"] = _offices(body.offices or [])
    try:
        member = services.update_member(member, actor=request.user, changes=changes)
    except ValidationError as error:
        raise _invalid(error) from None
    return _detail(Member.objects.select_related("branch__region").get(pk=member.pk))
