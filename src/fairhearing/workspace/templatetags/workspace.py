"""The flags-and-notes panel of the case page, drawn with its own data so any case page can include it."""

from __future__ import annotations

from django import template

from fairhearing.access.policy import CaseView, case_view
from fairhearing.cases.models import Case
from fairhearing.cases.services import oversight as oversight_services
from fairhearing.workspace.forms import FlagForm, NoteForm

register = template.Library()


@register.inclusion_tag("workspace/flags.html", takes_context=True)
def case_flags(context: template.Context, case: Case) -> dict:
    user = context["request"].user
    may_answer = oversight_services.may_resolve_flag(user, case)
    # Oversight's questions are for the staff who run the case; a panel must decide on the evidence alone.
    staff = case_view(user, case) == CaseView.STAFF
    return {
        "case": case,
        "staff": staff,
        "flags": list(case.flags.select_related("raised_by", "resolved_by")) if staff else [],
        "may_flag": user.has_perm("cases.flag_case", case),
        "may_note": oversight_services.may_add_note(user, case),
        "may_answer": may_answer,
        "flag_form": FlagForm(auto_id="flag_%s"),
        "note_form": NoteForm(auto_id="note_%s"),
        "csrf_token": context.get("csrf_token"),
    }
