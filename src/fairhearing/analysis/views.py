"""The oversight page of the consistency and fairness analysis: the latest stored run, read as it was stored.

The page never runs the analysis itself: that takes a while, writes flags and belongs to the scheduled job
(`fairhearing tick`) or an administrator (`fairhearing analyse`). Showing the stored report also means everyone
looking sees the same figures that raised the flags they are answering.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.analysis import loading
from fairhearing.analysis.models import AnalysisRun
from fairhearing.analysis.rendering import report_context
from fairhearing.procedure.errors import ActionRefused


# The same people as the oversight dashboard (workspace.views.oversight): the report names cases and bodies.
@roles_required(Role.OVERSIGHT_OFFICER)
@require_safe
@never_cache
def latest(request: HttpRequest) -> HttpResponse:
    run = AnalysisRun.objects.order_by("-finished_at", "-pk").first()
    context = report_context(run.report, sanction_names=_sanction_names()) if run else None
    return render(request, "analysis/oversight.html", {"run": run, "r": context, "document": False})


def _sanction_names() -> dict[str, str]:
    """The current rulebook's names for sanction ids: only for a report that does not carry its own (one stored
    before reports did); none (ids shown) when no rulebook is loaded."""
    try:
        scale = loading.current_scale(timezone.localdate())
    except ActionRefused:
        return {}
    return dict(zip(scale.sanctions, scale.names, strict=True))
