"""One page per action: GET shows its form, POST takes the action through its service.

A refused action is shown again with the engine's reasons at the top and on the fields they are about, and
nothing is changed (the service's transaction never commits). Anyone who may not take the action on this case
gets "not found", as for the case itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from fairhearing.cases.actions.available import may_take
from fairhearing.cases.actions.context import ActionContext
from fairhearing.cases.actions.guideline import guideline_view
from fairhearing.cases.actions.problems import problems
from fairhearing.cases.actions.registry import form_for
from fairhearing.cases.case_record import log_view
from fairhearing.cases.models import Case
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import Action


def _case(reference: str) -> Case:
    return get_object_or_404(
        Case.objects.select_related("body", "respondent", "complainant_member", "rulebook_version"),
        reference=reference,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    case = _case(reference)
    form_class = form_for(action)
    if form_class is None or not may_take(request.user, case, form_class.action):
        raise Http404
    form = form_class(request.POST if request.method == "POST" else None, ctx=ActionContext.of(case))
    if form.is_bound and form.is_valid():
        try:
            form.submit(request.user)
        except (ActionRefused, ValidationError) as refused:
            form.refused(refused)
        else:
            messages.success(request, form.done)
            return _afterwards(request, case)
    if not form.is_bound:
        log_view(request.user, case, page=f"act/{form_class.action.value}")
    context = {
        "case": case,
        "stage": Stage(case.stage).label,
        "form": form,
        "sections": form.sections(),
        "problems": problems([form]) if form.is_bound else [],
        "guideline": form.guideline(),
        "comparables": form.comparables(),
    }
    return render(request, "cases/act.html", context, status=400 if form.is_bound else 200)


def _afterwards(request: HttpRequest, case: Case) -> HttpResponse:
    # Declaring one's own conflict, or transferring a case away from one's body, ends one's access to it.
    if request.user.has_perm("cases.view_case_record", case):
        return redirect("cases:case", reference=case.reference)
    messages.info(request, f"You no longer have access to {case.reference}.")
    return redirect("workspace:dashboard")


@login_required
@require_safe
def guideline(request: HttpRequest, reference: str) -> HttpResponse:
    """The guideline box of the decision form, for htmx to swap in as culpability, harm and sanction change."""
    case = _case(reference)
    if not may_take(request.user, case, Action.RECORD_DECISION):
        raise Http404
    view = guideline_view(
        case.rulebook_version.rulebook,
        request.GET.get("culpability", ""),
        request.GET.get("harm", ""),
        request.GET.get("sanction", ""),
    )
    return render(request, "cases/act.html#guideline", {"guideline": view})
