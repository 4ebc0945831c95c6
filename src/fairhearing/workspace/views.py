"""The staff workspace pages. Thin: selectors read, services write, the access policy decides who sees what."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from fairhearing.access import policy
from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.audit import log as audit
from fairhearing.cases.models import Case, CaseFlag
from fairhearing.cases.services import oversight as oversight_services
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.stages import Stage
from fairhearing.workspace import selectors
from fairhearing.workspace.forms import CaseFilterForm, FlagForm, NoteForm, ResolveForm

STAFF_ROLES = tuple(policy.WORKSPACE)


@roles_required(*STAFF_ROLES)
@require_safe
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    work = selectors.my_work(request.user, today, request.GET.get("page"))
    return render(
        request,
        "workspace/dashboard.html",
        {"work": work, "today": today, "roles": sorted(r.label for r in policy.roles_of(request.user))},
    )


@roles_required(*STAFF_ROLES)
@require_safe
@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CaseFilterForm(request.GET or None, bodies=selectors.filter_bodies(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.case_page(request.user, filters, today, request.GET.get("page"))
    if filters.get("q"):
        # Searching for a person is looking them up: that goes on the record like opening their case would.
        audit.record(
            request.user,
            "cases.searched",
            "case_list",
            "",
            summary="The case list was searched.",
            data={"query": filters["q"], "results": page.paginator.count},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/case_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "query": query.urlencode(),
            "stage_labels": {s.value: s.label for s in Stage},
        },
    )


@roles_required(Role.OVERSIGHT_OFFICER)
@require_safe
@never_cache
def oversight(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "workspace/oversight.html",
        {"o": selectors.oversight(today), "today": today, "soon": selectors.SOON_DAYS, "limit": selectors.LIMIT},
    )


def _case_for(request: HttpRequest, reference: str) -> Case:
    case = get_object_or_404(Case, reference=reference)
    if not request.user.has_perm("cases.view_case_record", case):
        raise Http404
    return case


def _submit(
    request: HttpRequest, case: Case, form: forms.Form, act: Callable[[dict], object], done: str, what: str
) -> HttpResponse:
    """Run one oversight service on a valid form; a bad form or the service's refusal comes back, changing nothing."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done)
            return redirect(f"{reverse('cases:case', args=[case.reference])}#flags")
    return render(request, "workspace/flag_form.html", {"case": case, "form": form, "what": what}, status=400)


@require_POST
@login_required
def raise_flag(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for(request, reference)
    if not request.user.has_perm("cases.flag_case", case):
        raise Http404
    return _submit(
        request,
        case,
        FlagForm(request.POST),
        lambda data: oversight_services.raise_flag(case, request.user, **data),
        "Flag raised. It stays open until someone answers it on the record.",
        "flag",
    )


@require_POST
@login_required
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for(request, reference)
    if not oversight_services.may_add_note(request.user, case):
        raise Http404
    return _submit(
        request,
        case,
        NoteForm(request.POST),
        lambda data: oversight_services.add_note(case, request.user, text=data["text"]),
        "Note added to the timeline.",
        "note",
    )


@require_POST
@login_required
def resolve_flag(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(CaseFlag.objects.select_related("case"), pk=pk)
    case = _case_for(request, flag.case.reference)
    if not oversight_services.may_resolve_flag(request.user, case):
        raise Http404
    return _submit(
        request,
        case,
        ResolveForm(request.POST),
        lambda data: oversight_services.resolve_flag(flag, request.user, resolution=data["resolution"]),
        "Flag answered.",
        "answer",
    )
