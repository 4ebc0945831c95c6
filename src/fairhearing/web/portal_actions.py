"""What the respondent does through the portal: reply to the notice, and appeal the decision.

The pages offer each action when the case is at the stage for it, but the procedure engine decides: whatever it
refuses is shown in its own plain words, and nothing is changed. Both pages are plain HTML forms that work without
JavaScript; anyone but the respondent gets 404 (`portal_guard`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.next_steps import MemberAction
from fairhearing.web import portal_selectors as selectors
from fairhearing.web.portal_forms import AppealForm, ResponseForm, sentence
from fairhearing.web.portal_guard import for_parties
from fairhearing.web.portal_submissions import FileRefused, submit_appeal, submit_response


@for_parties(respondent_only=True)
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, pc: selectors.PartyCase) -> HttpResponse:
    step = selectors.step_for(pc, timezone.localdate())
    form = ResponseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submit_response(
                    pc.case, request.user, response=form.cleaned_data["response"], attachments=form.attachments
                )
            except FileRefused as refused:
                for refusal in refused.refused.refusals:
                    form.add_error(form.refusal_field(refusal, refused.attachment), sentence(refusal.message))
                status = 409
            except ActionRefused as refused:
                for refusal in refused.refusals:
                    form.add_error(form.refusal_field(refusal), sentence(refusal.message))
                status = 409
            else:
                files = len(form.attachments)
                with_files = f" with {files} file{'s' if files != 1 else ''}" if files else ""
                messages.success(request, f"Your reply{with_files} was received. The panel will read it.")
                return redirect("web:portal_case", reference=pc.case.reference)
    context = {
        "case": pc.case,
        "step": step,
        "open": step.action == MemberAction.RESPOND,
        "allegations": selectors.allegations(pc.case),
        "form": form,
        "reselect_files": bool(request.FILES),
    }
    return render(request, "web/portal_respond.html", context, status=status)


@for_parties(respondent_only=True)
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pc: selectors.PartyCase) -> HttpResponse:
    step = selectors.step_for(pc, timezone.localdate())
    form = AppealForm(request.POST or None, late=step.overdue)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                submit_appeal(
                    pc.case,
                    request.user,
                    grounds=data["grounds"],
                    explanation=data["explanation"],
                    late_reason=data.get("late_reason", ""),
                )
            except ActionRefused as refused:
                for refusal in refused.refusals:
                    form.add_error(form.refusal_field(refusal), sentence(refusal.message))
                status = 409
            else:
                messages.success(request, "Your appeal was lodged. An appeals panel will decide it.")
                return redirect("web:portal_case", reference=pc.case.reference)
    context = {
        "case": pc.case,
        "step": step,
        "open": step.action == MemberAction.APPEAL,
        "outcome": selectors.outcome(pc),
        "form": form,
    }
    return render(request, "web/portal_appeal.html", context, status=status)
