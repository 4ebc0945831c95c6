"""A member's own case in the portal: the case page, and the notice's evidence bundle (as a page and as a zip).

Every URL here names a case by reference, so every view first asks the access policy whether the signed-in member
is a party to it (`portal_guard.for_parties`); anyone else gets 404, exactly as for a case that does not exist.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from fairhearing.audit.checkpoints import latest_checkpoint
from fairhearing.evidence import bundles
from fairhearing.evidence.bundles import BundleDamaged, BundleError
from fairhearing.web import portal_selectors as selectors
from fairhearing.web.portal_guard import for_parties
from fairhearing.web.portal_submissions import record_case_view

# The bundle document carries its own stylesheet inline (it must read the same when saved and opened offline) and
# no script; this policy is the one the document declares for itself, and it may load nothing and run nothing.
BUNDLE_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@for_parties()
@require_safe
def case_page(request: HttpRequest, pc: selectors.PartyCase) -> HttpResponse:
    now = timezone.now()
    context = selectors.case_page(request.user, pc, now)
    with transaction.atomic():
        record_case_view(request.user, pc, now, through="the member portal")
    checkpoint = latest_checkpoint()
    context["checkpoint_size"] = checkpoint.size if checkpoint else 0
    return render(request, "web/portal_case.html", context)


def _bundle_refused(request: HttpRequest, reference: str, error: BundleError) -> HttpResponse:
    if isinstance(error, BundleDamaged):
        # Not the member's doing and not a secret: say plainly that it cannot be made now and whom to ask.
        return render(request, "web/portal_bundle_problem.html", {"reference": reference}, status=503)
    raise Http404("no bundle") from error


# The bundle is the respondent's (the policy's `may_export_bundle`, which the bundle functions apply again): to the
# complainant these URLs do not exist, whatever the method.
@for_parties(respondent_only=True)
@require_safe
@csp_override(BUNDLE_CSP)
def notice_bundle(request: HttpRequest, pc: selectors.PartyCase) -> HttpResponse:
    try:
        # The bundle functions check the requester with the access policy and put the export on the log.
        html = bundles.export_notice_bundle_html(pc.case, request.user)
    except BundleError as error:
        return _bundle_refused(request, pc.case.reference, error)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@for_parties(respondent_only=True)
@require_safe
def notice_bundle_zip(request: HttpRequest, pc: selectors.PartyCase) -> HttpResponse:
    try:
        data = bundles.notice_bundle_zip(pc.case, request.user)
    except BundleError as error:
        return _bundle_refused(request, pc.case.reference, error)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="evidence-bundle-{pc.case.reference}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
