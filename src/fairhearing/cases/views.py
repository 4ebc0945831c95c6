"""The staff case page (the whole record of one case, each timeline step linked to its audit-log proof, and the
actions the reader may take now) and the page for opening a new case.

Who may read a case is the access policy's answer (`cases.view_case_record`); anyone else gets "not found".
Every view is itself put on the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from fairhearing.access.policy import case_view
from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.cases.actions.available import may_add_evidence, offered
from fairhearing.cases.actions.problems import problems
from fairhearing.cases.case_record import case_record, log_view
from fairhearing.cases.models import Case
from fairhearing.cases.new_case import ComplaintForm, allegation_formset, open_complaint


@login_required
@require_safe
@never_cache
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.select_related(
            "body", "respondent__branch", "complainant_member", "rulebook_version", "investigator"
        ),
        reference=reference,
    )
    if not request.user.has_perm("cases.view_case_record", case):
        raise Http404
    log_view(request.user, case)
    next_steps, other_actions = offered(request.user, case)
    context = case_record(request.user, case, case_view(request.user, case))
    context |= {
        "next_steps": next_steps,
        "other_actions": other_actions,
        "may_add_evidence": may_add_evidence(request.user, case),
    }
    return render(request, "cases/case.html", context)


# Opening a case is a case officer's job (the engine says so too, and refuses anyone else).
@roles_required(Role.CASE_OFFICER)
@require_http_methods(["GET", "POST"])
@never_cache
def new_case(request: HttpRequest) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    more = posted is not None and "more" in posted
    complaint, allegations = ComplaintForm(posted), allegation_formset(posted, more=more)
    if posted is not None and not more and complaint.is_valid() and allegations.is_valid():
        case = open_complaint(complaint, allegations, request.user)
        if case is not None:
            messages.success(request, f"Case {case.reference} opened, with the {case.body.name}.")
            return redirect("cases:case", reference=case.reference)
    found = []
    if posted is not None and not more:
        found = problems([complaint, *allegations.forms], extra=allegations.non_form_errors())
    context = {"complaint": complaint, "allegations": allegations, "problems": found}
    return render(request, "cases/new.html", context, status=400 if found else 200)
