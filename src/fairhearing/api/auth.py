"""Who is calling: a personal API token (`Authorization: Bearer fh_…`), or the browser's session.

A token acts as its owner with the owner's roles; a read token may only read. A session is the web's own, so a
staff session counts only once it has given its two-factor code, and a write through it needs the CSRF token,
as every form on the site does.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from fairhearing.accounts.models import User
from fairhearing.accounts.two_factor import needs_two_factor
from fairhearing.api import tokens
from fairhearing.api.models import ApiToken, TokenScope
from fairhearing.api.problems import ApiProblem

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _token(request: HttpRequest, secret: str) -> ApiToken:
    cached = getattr(request, "_fairhearing_api_token", None)
    if cached is not None and cached.key_sha256 == tokens.digest(secret):
        return cached
    try:
        token = tokens.authenticate(secret)
    except tokens.TokenRefused as refused:
        raise ApiProblem(
            401,
            str(refused),
            title="Token refused",
            headers={"WWW-Authenticate": 'Bearer realm="fairhearing", error="invalid_token"'},
        ) from None
    request._fairhearing_api_token = token
    return token


def bearer_secret(request: HttpRequest) -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        secret = bearer_secret(request)
        if secret is None:
            if request.headers.get("Authorization"):
                raise ApiProblem(
                    401,
                    "Send the token as 'Authorization: Bearer <token>'.",
                    title="Not signed in",
                    headers={"WWW-Authenticate": 'Bearer realm="fairhearing", error="invalid_request"'},
                )
            return None
        return self.authenticate(request, secret)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = _token(request, token)
        if api_token.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise ApiProblem(
                403,
                "This token may only read. Make a token with the write scope to change anything.",
                title="Read-only token",
            )
        # Views, the access policy and the services all ask request.user: it is the token's owner.
        request.user = api_token.user
        return api_token.user


class TwoFactorSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if needs_two_factor(user) and not user.is_verified():
            raise ApiProblem(
                401,
                "Finish signing in with your two-factor code first, or use a personal API token.",
                title="Two-factor sign-in needed",
            )
        return user


def caller_of(request: HttpRequest) -> str | None:
    """Whom an Idempotency-Key belongs to, before the API itself signs the caller in; None if nobody."""
    # Only a caller who may write can have a POST's answer replayed: a read token or a staff session without its
    # code gets None, and the API then refuses it as it would any write from them.
    secret = bearer_secret(request)
    if secret is not None:
        try:
            token = _token(request, secret)
        except ApiProblem:
            return None
        return f"user:{token.user_id}" if token.scope == TokenScope.WRITE else None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or (needs_two_factor(user) and not user.is_verified()):
        return None
    return f"user:{user.pk}"
