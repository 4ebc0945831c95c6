"""Staff who signed in with a password but have not yet given a code see only the two-factor page.

Runs after django-otp's OTPMiddleware, which tells whether this session gave a code (`request.user.is_verified()`).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from fairhearing.accounts.two_factor import needs_two_factor

# Pages anyone may see, and the pages a half-signed-in person needs to finish signing in or to leave.
OPEN_VIEWS = frozenset(
    {
        "web:home",
        "web:rules",
        "web:health",
        "web:login",
        "web:logout",
        "accounts:two_factor",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        # The public audit endpoints: signed checkpoints, the key, consistency proofs. An inclusion proof shows
        # an entry to staff, so it is not here.
        "audit:checkpoint",
        "audit:key",
        "audit:consistency",
    }
)


def _is_open(request: HttpRequest) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    if request.path_info.startswith("/api/"):
        # The API answers for itself (fairhearing.api.auth): a token needs no code, a staff session must have
        # given one, and either way the answer is a problem document, not a redirect to a sign-in page.
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # nothing there: the 404 page tells nobody anything
    return match.view_name in OPEN_VIEWS


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _is_open(request) and not user.is_verified() and needs_two_factor(user):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
