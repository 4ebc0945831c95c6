"""Personal API tokens on the web: see your own, make one, revoke one.

Everyone signed in manages their own tokens and nobody else's: no URL here names a user, and a token id that is
not the signed-in user's answers 404, exactly as one that does not exist. A new token's secret is shown once, in
the answer to the form that made it - never stored, never put in the session, never shown again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from fairhearing.accounts.token_forms import TokenForm
from fairhearing.api.models import ApiToken
from fairhearing.api.tokens import TokenRequestInvalid, issue_token, revoke_token


def _state(token: ApiToken, now) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "live" if token.is_live(now) else "expired"


def _page(request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    now = timezone.now()
    tokens = [{"token": t, "state": _state(t, now)} for t in ApiToken.objects.filter(user=request.user)]
    context: dict[str, Any] = {"tokens": tokens, "form": form}
    return render(request, "accounts/tokens.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_variables("issued")
def tokens_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            issued = issue_token(
                request.user, name=data["name"], scope=data["scope"], days=data["days"], actor=request.user
            )
        except TokenRequestInvalid as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        else:
            # Rendered, not redirected: a redirect would have to carry the secret somewhere (the session is a
            # database table), and the secret must exist nowhere but in this one answer.
            return render(request, "accounts/token_made.html", {"token": issued.token, "secret": issued.secret})
    return _page(request, form, status=400)


@login_required
@never_cache
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.select_related("user").filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404("no such token")
    if revoke_token(token, actor=request.user):
        messages.success(request, f"The token '{token.name}' (fh_{token.prefix}…) is revoked: it no longer works.")
    else:
        messages.info(request, f"The token '{token.name}' (fh_{token.prefix}…) was already revoked.")
    return redirect("accounts:tokens")
