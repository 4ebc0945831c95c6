"""A case's evidence: what the caller may see of it (`policy.visible_evidence`), its files, adding an item and the
data protection officer's ruling, through the same services as the web pages.

Staff who read the case record (and the panel, which sees admitted evidence only) get everything the record shows
about an item; a member gets what the portal shows them. A file is read only through
`evidence.services.read_evidence_file`, which checks `policy.may_read_file` and puts the read on the audit log.
"""

from collections.abc import Callable
from datetime import date, datetime
from types import SimpleNamespace
from typing import Literal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fairhearing.access import policy
from fairhearing.accounts.roles import Role
from fairhearing.api.pagination import KeysetPagination
from fairhearing.api.problems import ApiProblem, field_errors, invalid, not_found, refused
from fairhearing.cases.actions.available import may_add_evidence
from fairhearing.cases.case_record import log_view
from fairhearing.cases.models import Case, EvidenceItem, EvidenceKind, NoticeEvidence
from fairhearing.evidence import services
from fairhearing.evidence.downloads import download_response
from fairhearing.evidence.forms import REFUSAL_FIELDS, EvidenceForm, facts_from
from fairhearing.procedure.admissibility import Attribution, Provenance, Ruling, Visibility
from fairhearing.procedure.errors import ActionRefused

router = Router(tags=["evidence"])

EvidenceKindName = Literal[tuple(EvidenceKind.values)]  # type: ignore[valid-type]
ProvenanceName = Literal[tuple(p.value for p in Provenance)]  # type: ignore[valid-type]
AttributionName = Literal[tuple(a.value for a in Attribution)]  # type: ignore[valid-type]
VisibilityName = Literal[tuple(v.value for v in Visibility)]  # type: ignore[valid-type]


class EvidenceRulingOut(Schema):
    by: str
    at: datetime
    reason: str


class EvidenceOut(Schema):
    """An item of evidence. Fields that are null for members are the staff record's (how it was obtained and
    judged), which the member portal does not show either."""

    id: int
    kind: str
    description: str
    text: str = Field(description="Text recorded as the evidence itself (a transcript); empty once erased.")
    provenance: str
    admissibility: str | None
    ruling: EvidenceRulingOut | None
    ruling_needed: list[str] | None
    flags: list[str] | None = Field(description="Warnings for the panel, e.g. old conduct.")
    attribution: str | None
    attribution_method: str | None
    visibility: str | None
    source_url: str | None
    original_source: str | None
    captured_at: datetime | None
    captured_by: str | None
    lawful_basis: str | None
    content_date: date | None
    original_name: str
    media_type: str
    size: int | None
    sha256: str
    added_at: datetime
    added_by: str | None = Field(description="Who recorded it; null for members.")
    added_by_you: bool
    served: bool = Field(description="Served on the respondent with the notice of allegations.")
    has_file: bool = Field(description="Whether a file can be downloaded from /file.")
    erased: bool


class EvidenceUploadIn(Schema):
    """The fields of the web's 'add evidence' form; the evidence rules decide which are required."""

    kind: EvidenceKindName
    description: str = Field("", max_length=5000)
    text: str = Field("", max_length=100_000)
    source_url: str = Field("", max_length=2000)
    original_source: str = Field("", max_length=500)
    provenance: ProvenanceName
    attribution: AttributionName = "not_applicable"
    attribution_method: str = Field("", max_length=5000)
    visibility: VisibilityName = "not_applicable"
    captured_at: datetime | None = None
    captured_by: str = Field("", max_length=200)
    lawful_basis: str = Field("", max_length=500)
    content_date: date | None = None


class EvidenceRulingIn(Schema):
    ruling: Literal["admit", "exclude"]
    reason: str = Field("", max_length=5000)


def _case(request: HttpRequest, reference: str) -> tuple[Case, policy.CaseView]:
    case = Case.objects.filter(reference=reference).first()
    view = policy.case_view(request.user, case) if case is not None else policy.CaseView.NONE
    if view == policy.CaseView.NONE:
        raise not_found("case")
    return case, view


def _item(request: HttpRequest, case: Case, view: policy.CaseView, item_id: int) -> EvidenceItem:
    item = policy.visible_evidence(request.user, case, view).select_related("ruled_by", "added_by").filter(pk=item_id)
    found = item.first()
    if found is None:
        raise not_found("evidence item")
    return found


def _served(case: Case) -> set[int]:
    return set(NoticeEvidence.objects.filter(notice__case=case).values_list("evidence_id", flat=True))


def _label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "fairhearing"


def _out(item: EvidenceItem, view: policy.CaseView, user, served: set[int]) -> dict:
    staff = view.is_staff
    erased = item.erased_at is not None

    def only_staff(value):
        return value if staff else None

    ruling = None
    if staff and item.ruled_at is not None:
        ruling = {"by": _label(item.ruled_by), "at": item.ruled_at, "reason": item.ruling_reason}
    return {
        "id": item.pk,
        "kind": item.kind,
        "description": item.description,
        "text": "" if erased else item.text,
        "provenance": item.provenance,
        "admissibility": only_staff(item.admissibility),
        "ruling": ruling,
        "ruling_needed": only_staff(list(item.ruling_needed)),
        "flags": only_staff(list(item.flags)),
        "attribution": only_staff(item.attribution),
        "attribution_method": only_staff(item.attribution_method),
        "visibility": only_staff(item.visibility),
        "source_url": only_staff(item.source_url),
        "original_source": only_staff(item.original_source),
        "captured_at": only_staff(item.captured_at),
        "captured_by": only_staff(item.captured_by),
        "lawful_basis": only_staff(item.lawful_basis),
        "content_date": only_staff(item.content_date),
        "original_name": "" if erased else item.original_name,
        "media_type": item.media_type,
        "size": item.size,
        "sha256": item.sha256,
        "added_at": item.added_at,
        "added_by": _label(item.added_by) if staff else None,
        "added_by_you": item.added_by_id == user.pk,
        "served": item.pk in served,
        "has_file": item.stored_file_id is not None and not erased,
        "erased": erased,
    }


class _Shown:
    """The visible items as the pager walks them: it orders, filters and slices the queryset, and each item of
    the page comes out as its EvidenceOut fields, shown as this caller may see them."""

    def __init__(self, items: QuerySet[EvidenceItem], show: Callable[[EvidenceItem], dict]) -> None:
        self.items, self.show = items, show

    def order_by(self, *fields: str) -> "_Shown":
        return _Shown(self.items.order_by(*fields), self.show)

    def filter(self, **lookups: object) -> "_Shown":
        return _Shown(self.items.filter(**lookups), self.show)

    def __getitem__(self, window: slice) -> list[SimpleNamespace]:
        return [SimpleNamespace(pk=item.pk, **self.show(item)) for item in self.items[window]]


@router.get("/{reference}/evidence", response=list[EvidenceOut], summary="The evidence of a case that you may see")
@paginate(KeysetPagination, key="pk")
def list_evidence(request: HttpRequest, reference: str) -> "_Shown":
    case, view = _case(request, reference)
    log_view(request.user, case, page="api:evidence")
    served = _served(case)
    items = policy.visible_evidence(request.user, case, view).select_related("ruled_by", "added_by")
    return _Shown(items, lambda item: _out(item, view, request.user, served))


@router.get("/{reference}/evidence/{item_id}", response=EvidenceOut, summary="One item of evidence")
def get_evidence(request: HttpRequest, reference: str, item_id: int) -> dict:
    case, view = _case(request, reference)
    item = _item(request, case, view, item_id)
    log_view(request.user, case, page=f"api:evidence:{item.pk}")
    return _out(item, view, request.user, _served(case))


@router.get(
    "/{reference}/evidence/{item_id}/file",
    response={200: bytes},
    summary="The evidence file, as a download",
    openapi_extra={"responses": {200: {"description": "The file, in its sniffed media type.", "content": {"*/*": {}}}}},
)
def get_evidence_file(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    case, view = _case(request, reference)
    item = _item(request, case, view, item_id)
    try:
        # The same reading as the web download: the policy's may_read_file, and the read on the audit log.
        data = services.read_evidence_file(item, request.user)
    except services.EvidenceNotFound:
        raise not_found("evidence file") from None
    return download_response(item, data)


def _refusal_problem(refusal: ActionRefused, fields: dict[str, str]) -> ApiProblem:
    """Refusals about what was sent name the field (422); the rest say the procedure does not allow it (409)."""
    errors = [
        {"in": "body", "field": fields[r.guard], "message": r.message} for r in refusal.refusals if r.guard in fields
    ]
    if not errors:
        return refused(refusal)
    errors += [{"in": "body", "field": "", "message": r.message} for r in refusal.refusals if r.guard not in fields]
    return invalid(errors)


# The upload's own refusals beside the evidence rules' (REFUSAL_FIELDS): a missing content names `text`.
_UPLOAD_FIELDS = REFUSAL_FIELDS | {"content": "text"}


@router.post("/{reference}/evidence", response={201: EvidenceOut}, summary="Add an item of evidence (case officers)")
def add_evidence(
    request: HttpRequest,
    reference: str,
    form: Form[EvidenceUploadIn],
    file: File[UploadedFile | None] = None,
) -> Status:
    case, view = _case(request, reference)
    if not may_add_evidence(request.user, case):
        if not view.is_staff:
            raise not_found("case")  # a party is never told "forbidden": their way in is the portal
        raise ApiProblem(403, "Only a case officer who acts on this case adds evidence to it.")
    # The web form parses the fields exactly as the web page does (web addresses, times in the organisation's
    # zone); the schema above documents them and rejects the wrong types first.
    parsed = EvidenceForm(request.POST, request.FILES)
    if not parsed.is_valid():
        raise invalid([{"in": "body"} | e for e in field_errors(parsed.errors)])
    data = parsed.cleaned_data
    upload = data["file"]
    try:
        item = services.add_evidence(
            case,
            request.user,
            kind=data["kind"],
            description=data["description"],
            facts=facts_from(data),
            upload=services.Upload(upload.name, upload.read()) if upload else None,
            text=data["text"],
            captured_at=data["captured_at"],
        )
    except ActionRefused as refusal:
        raise _refusal_problem(refusal, _UPLOAD_FIELDS) from None
    return Status(201, _out(EvidenceItem.objects.get(pk=item.pk), view, request.user, _served(case)))


@router.post(
    "/{reference}/evidence/{item_id}/ruling",
    response=EvidenceOut,
    summary="Admit or exclude an item awaiting a ruling (the data protection officer)",
)
def rule_on_evidence(request: HttpRequest, reference: str, item_id: int, body: EvidenceRulingIn) -> dict:
    case, view = _case(request, reference)
    item = _item(request, case, view, item_id)
    if Role.DATA_PROTECTION_OFFICER not in policy.roles_of(request.user):
        raise ApiProblem(403, "Only the data protection officer rules on evidence.")
    try:
        with transaction.atomic():
            item = services.rule_on_evidence(item, request.user, ruling=Ruling(body.ruling), reason=body.reason)
    except ActionRefused as refusal:
        raise _refusal_problem(refusal, {"reason": "reason"}) from None
    return _out(
        EvidenceItem.objects.select_related("ruled_by", "added_by").get(pk=item.pk), view, request.user, _served(case)
    )
