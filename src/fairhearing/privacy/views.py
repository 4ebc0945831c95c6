"""The data protection officer's pages: what is waiting, legal holds, erasure requests and subject access requests.

The views parse forms and call the services in `legal_holds`, `erasure` and `subject_access`, which check the
user's role again, change things in one transaction and write the audit log. Every page is "not found" for anyone
but the data protection officer: that these pages exist is nobody else's business.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.evidence import selectors as evidence_selectors
from fairhearing.formatting import long_date
from fairhearing.privacy import selectors
from fairhearing.privacy.erasure import decide_erasure_request, record_erasure_request
from fairhearing.privacy.forms import (
    GRANT,
    ErasureDecisionForm,
    ErasureRequestForm,
    ExtensionForm,
    PlaceHoldForm,
    ReleaseHoldForm,
    SubjectAccessForm,
)
from fairhearing.privacy.legal_holds import place_legal_hold, release_legal_hold
from fairhearing.privacy.models import ErasureRequest, ErasureStatus, LegalHold, SubjectAccessRequest
from fairhearing.privacy.subject_access import export_subject_access, extend_subject_access, request_subject_access
from fairhearing.procedure.errors import ActionRefused

dpo_only = roles_required(Role.DATA_PROTECTION_OFFICER)


def _refused(form: forms.Form, refused: ActionRefused, fields: Mapping[str, str]) -> None:
    """Each refusal on the field it is about (by its guard), the rest for the whole form."""
    for refusal in refused.refusals:
        form.add_error(fields.get(refusal.guard), refusal.message)


def _problem(form: forms.Form, what: str, anchor: str | None) -> dict[str, Any]:
    """The summary shown at the top of a page after a refused form, linking to the form where it is still shown."""
    return {"what": what, "anchor": anchor, "messages": [m for errors in form.errors.values() for m in errors]}


def _with_forms(rows: Iterable[Any], pk: Callable[[Any], int], make: Callable[[int], forms.Form], failed: Any) -> list:
    """Each row with its form: the one just refused (`failed`, a (pk, form) pair) bound with its errors, the others
    blank."""
    failed_pk, failed_form = failed or (None, None)
    return [(row, failed_form if pk(row) == failed_pk else make(pk(row))) for row in rows]


# --- the overview ---


@dpo_only
@require_safe
@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    open_requests = selectors.open_subject_access_requests(timezone.localdate())
    return render(
        request,
        "privacy/dpo/overview.html",
        {
            "evidence_pending": evidence_selectors.pending_rulings().count(),
            "open_requests": open_requests,
            "overdue": sum(1 for r in open_requests if r.overdue),
            "erasure_pending": selectors.pending_erasure_requests().count(),
            "holds_active": selectors.active_holds().count(),
        },
    )


# --- legal holds ---

# The refusals about the case itself belong on the case reference.
_HOLD_FIELDS = {"reason": "reason", "already_held": "reference", "anonymised": "reference"}


def _holds_page(
    request: HttpRequest,
    place_form: PlaceHoldForm | None = None,
    failed_release: tuple[int, ReleaseHoldForm] | None = None,
    problem: dict[str, Any] | None = None,
) -> HttpResponse:
    active = _with_forms(
        selectors.active_holds(), lambda h: h.pk, lambda pk: ReleaseHoldForm(prefix=f"hold{pk}"), failed_release
    )
    context = {
        "active": active,
        "released": selectors.released_holds(),
        "place_form": place_form or PlaceHoldForm(),
        "problem": problem,
    }
    return render(request, "privacy/dpo/holds.html", context, status=400 if problem else 200)


@dpo_only
@require_http_methods(["GET", "POST"])
@never_cache
def holds(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _holds_page(request)
    form = PlaceHoldForm(request.POST)
    if form.is_valid():
        try:
            hold = place_legal_hold(form.case, request.user, form.cleaned_data["reason"])
        except ActionRefused as refused:
            _refused(form, refused, _HOLD_FIELDS)
        else:
            messages.success(
                request,
                f"Legal hold placed on {hold.case.reference}: nothing in it is erased or anonymised until you "
                "release the hold.",
            )
            return redirect("privacy:holds")
    return _holds_page(request, place_form=form, problem=_problem(form, "The hold was not placed", "place"))


@dpo_only
@require_POST
@never_cache
def release_hold(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold.objects.select_related("case"), pk=pk)
    form = ReleaseHoldForm(request.POST, prefix=f"hold{hold.pk}")
    if form.is_valid():
        try:
            release_legal_hold(hold, request.user, form.cleaned_data["reason"])
        except ActionRefused as refused:
            _refused(form, refused, {"reason": "reason"})
        else:
            messages.success(
                request,
                f"Legal hold on {hold.case.reference} released: its records follow the retention schedule again.",
            )
            return redirect("privacy:holds")
    still_active = LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).exists()
    problem = _problem(
        form, f"The hold on {hold.case.reference} was not released", f"hold-{hold.pk}" if still_active else None
    )
    return _holds_page(request, failed_release=(hold.pk, form), problem=problem)


# --- erasure requests ---

_ERASURE_FIELDS = {"anonymised": "membership_number", "pending": "membership_number"}


def _erasure_page(
    request: HttpRequest,
    record_form: ErasureRequestForm | None = None,
    failed_decision: tuple[int, ErasureDecisionForm] | None = None,
    problem: dict[str, Any] | None = None,
) -> HttpResponse:
    pending = _with_forms(
        selectors.pending_erasure_requests(),
        lambda r: r.pk,
        lambda pk: ErasureDecisionForm(prefix=f"request{pk}"),
        failed_decision,
    )
    context = {
        "pending": pending,
        "decided": selectors.decided_erasure_requests(),
        "record_form": record_form or ErasureRequestForm(),
        "problem": problem,
    }
    return render(request, "privacy/dpo/erasure.html", context, status=400 if problem else 200)


@dpo_only
@require_http_methods(["GET", "POST"])
@never_cache
def erasure(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _erasure_page(request)
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            recorded = record_erasure_request(form.member, request.user, form.cleaned_data["details"])
        except ActionRefused as refused:
            _refused(form, refused, _ERASURE_FIELDS)
        else:
            messages.success(
                request,
                f"Erasure request {recorded.pk} from member {form.member.membership_number} recorded: it waits for "
                "your decision below.",
            )
            return redirect("privacy:erasure")
    return _erasure_page(request, record_form=form, problem=_problem(form, "The request was not recorded", "record"))


@dpo_only
@require_POST
@never_cache
def decide_erasure(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = get_object_or_404(ErasureRequest.objects.select_related("member"), pk=pk)
    number = erasure_request.member.membership_number
    form = ErasureDecisionForm(request.POST, prefix=f"request{erasure_request.pk}")
    if form.is_valid():
        grant = form.cleaned_data["decision"] == GRANT
        try:
            decide_erasure_request(erasure_request, request.user, grant=grant, reason=form.cleaned_data["reason"])
        except ActionRefused as refused:
            _refused(form, refused, {"reason": "reason"})
        else:
            outcome = "granted: the member's data was erased" if grant else "refused"
            messages.success(request, f"Erasure request {erasure_request.pk} from member {number} {outcome}.")
            return redirect("privacy:erasure")
    still_pending = ErasureRequest.objects.filter(pk=erasure_request.pk, status=ErasureStatus.RECEIVED).exists()
    problem = _problem(
        form,
        f"Erasure request {erasure_request.pk} was not decided",
        f"request-{erasure_request.pk}" if still_pending else None,
    )
    return _erasure_page(request, failed_decision=(erasure_request.pk, form), problem=problem)


# --- subject access requests ---


def _subject_access_page(
    request: HttpRequest,
    answer_form: SubjectAccessForm | None = None,
    failed_extension: tuple[int, ExtensionForm] | None = None,
    problem: dict[str, Any] | None = None,
) -> HttpResponse:
    open_requests = _with_forms(
        selectors.open_subject_access_requests(timezone.localdate()),
        lambda row: row.request.pk,
        lambda pk: ExtensionForm(prefix=f"sar{pk}"),
        failed_extension,
    )
    context = {
        "open_requests": open_requests,
        "answered": selectors.answered_subject_access_requests(),
        "answer_form": answer_form or SubjectAccessForm(),
        "problem": problem,
    }
    return render(request, "privacy/dpo/subject_access.html", context, status=400 if problem else 200)


def _zip(archive: bytes, membership_number: str, now: datetime) -> HttpResponse:
    # The membership number is the organisation's own, but only plain characters go into a header.
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", membership_number)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="sar-{safe}-{timezone.localdate(now).isoformat()}.zip"'
    return response


@dpo_only
@require_http_methods(["GET", "POST"])
@never_cache
def subject_access(request: HttpRequest) -> HttpResponse:
    """A request is recorded and answered in one step: the export is the download."""
    if request.method != "POST":
        return _subject_access_page(request)
    form = SubjectAccessForm(request.POST)
    if form.is_valid():
        now = timezone.now()
        try:
            # The request and its answer stand or fall together, as with the `sar` command and the portal.
            with transaction.atomic():
                recorded = request_subject_access(form.member, request.user, now=now)
                archive = export_subject_access(recorded, request.user, now=now)
        except ActionRefused as refused:
            _refused(form, refused, {})
        else:
            return _zip(archive, form.member.membership_number, now)
    return _subject_access_page(
        request, answer_form=form, problem=_problem(form, "The request was not recorded", "answer")
    )


@dpo_only
@require_POST
@never_cache
def export_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a request already recorded: produce its export, which records it as answered."""
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("member"), pk=pk)
    now = timezone.now()
    try:
        archive = export_subject_access(sar, request.user, now=now)
    except ActionRefused as refused:
        reasons = [r.message for r in refused.refusals]
        problem = {"what": f"Request {sar.pk} was not answered", "anchor": None, "messages": reasons}
        return _subject_access_page(request, problem=problem)
    return _zip(archive, sar.member.membership_number, now)


def _extension_field(message: str) -> str | None:
    # The extension rules share one guard; their messages say which part of the form they are about.
    if message.startswith("give the reasons"):
        return "reason"
    if "deadline later" in message or "two further months" in message:
        return "extend_to"
    return None


@dpo_only
@require_POST
@never_cache
def extend_request(request: HttpRequest, pk: int) -> HttpResponse:
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("member"), pk=pk)
    form = ExtensionForm(request.POST, prefix=f"sar{sar.pk}")
    if form.is_valid():
        try:
            extended = extend_subject_access(
                sar, request.user, extend_to=form.cleaned_data["extend_to"], reason=form.cleaned_data["reason"]
            )
        except ActionRefused as refused:
            for refusal in refused.refusals:
                form.add_error(_extension_field(refusal.message), refusal.message)
        else:
            messages.success(
                request,
                f"Subject access request {sar.pk} from member {sar.member.membership_number} extended to "
                f"{long_date(extended.extended_to)}. Tell the member why.",
            )
            return redirect("privacy:subject_access")
    still_open = SubjectAccessRequest.objects.filter(pk=sar.pk, fulfilled_at__isnull=True).exists()
    problem = _problem(form, f"Request {sar.pk} was not extended", f"sar-{sar.pk}" if still_open else None)
    return _subject_access_page(request, failed_extension=(sar.pk, form), problem=problem)
