"""The case page for staff: the whole record of one case, with each timeline step's place in the audit log.

Every view is itself put on the audit log. The staff workspace (lists, forms for each action, the full access
policy) builds on this page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.audit import log as audit
from fairhearing.audit.checkpoints import latest_checkpoint
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Case
from fairhearing.procedure.stages import Stage

# Who may read any case. Panel members, body officers and members see cases through their own pages.
READERS = {Role.CASE_OFFICER, Role.OVERSIGHT_OFFICER, Role.DATA_PROTECTION_OFFICER}


@roles_required(*READERS)
@require_safe
@never_cache
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.select_related("body", "respondent", "complainant_member", "rulebook_version", "investigator"),
        reference=reference,
    )
    timeline = list(case.timeline.order_by("at", "pk"))
    log_index = dict(
        AuditEvent.objects.filter(
            object_type="timeline_event", object_id__in=[str(e.pk) for e in timeline]
        ).values_list("object_id", "index")
    )
    audit.record(
        request.user,
        "case.viewed",
        "case",
        case.pk,
        summary=f"{case.reference} viewed.",
        case_reference=case.reference,
        subjects=[case.respondent_id, case.complainant_member_id],
    )
    checkpoint = latest_checkpoint()
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "stage": Stage(case.stage).label,
            "allegations": case.allegations.all(),
            "evidence": case.evidence.order_by("added_at", "pk"),
            "suspensions": case.interim_suspensions.all(),
            "decisions": case.decisions.order_by("decided_at"),
            "timeline": [(event, log_index.get(str(event.pk))) for event in timeline],
            "checkpoint_size": checkpoint.size if checkpoint else 0,
            "is_case_officer": Role.CASE_OFFICER in request.user.roles(),
        },
    )
