"""The member portal: sign in, see your own cases and what happens next in each, download everything held about
you. The case pages are in portal_cases, replying and appealing in portal_actions.

No URL here takes a member: every view acts for the member linked to the signed-in account, so nobody can ask
for another member's data by changing a number in the address.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from fairhearing.accounts.landing import landing_url
from fairhearing.accounts.two_factor import needs_two_factor
from fairhearing.audit.checkpoints import latest_checkpoint
from fairhearing.organisation.models import Member
from fairhearing.web import portal_selectors as selectors
from fairhearing.web.portal_submissions import own_data_download, record_cases_listed


class SignInView(LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)

    def get_success_url(self) -> str:
        # Staff go straight on to the code; the page they asked for comes after it.
        url = super().get_success_url()
        if needs_two_factor(self.request.user):
            return f"{reverse('accounts:two_factor')}?{urlencode({'next': url})}"
        return url


def _own_member(request: HttpRequest) -> Member:
    """The signed-in user's membership record; an account without one has no portal (404, not a hint)."""
    member = request.user.member
    if member is None:
        raise Http404("no membership record is linked to this account")
    return member


@require_safe
@login_required
@never_cache
def portal(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    now = timezone.now()
    cases = selectors.party_cases(request.user)
    rows = selectors.list_rows(cases, timezone.localdate(now))
    with transaction.atomic():
        record_cases_listed(request.user, member, cases, now, through="the member portal")
    checkpoint = latest_checkpoint()
    return render(
        request,
        "web/portal.html",
        {"member": member, "cases": rows, "checkpoint_size": checkpoint.size if checkpoint else 0},
    )


@require_POST
@login_required
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    return own_data_download(_own_member(request), request.user)
