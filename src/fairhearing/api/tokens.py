"""Personal API tokens: made, revoked and checked. Each change is one transaction that writes the audit log.

A token is `fh_` and 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: a random secret that
long needs no slow hash, and a leaked table gives nobody a usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.api.models import ApiToken, TokenScope
from fairhearing.audit import log as audit

TOKEN_PREFIX = "fh_"  # noqa: S105 - the marker every token begins with, not a secret
DEFAULT_DAYS = 90
MAX_DAYS = 366
MAX_LIVE_TOKENS = 20
# last_used_at is for people reviewing their tokens; writing it on every call would make every read a write.
_USE_RESOLUTION = timedelta(minutes=5)


class TokenRequestInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class TokenRefused(Exception):
    """Why a presented token does not sign anyone in, in words for the caller who holds it."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(
    user: User,
    *,
    name: str,
    scope: str,
    days: int = DEFAULT_DAYS,
    actor: User | None = None,
    label: str | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """Make a token for `user`. `actor` is who made it (the user themselves on the web); `label` names an
    administrator at the command line."""
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise TokenRequestInvalid("name", "Give the token a name that says what it is for, such as 'CRM sync'.")
    if len(name) > 100:
        raise TokenRequestInvalid("name", "The name must be 100 characters or fewer.")
    if scope not in TokenScope.values:
        raise TokenRequestInvalid("scope", f"The scope must be 'read' or 'write', not {scope!r}.")
    if not 1 <= days <= MAX_DAYS:
        raise TokenRequestInvalid("days", f"A token lasts between 1 and {MAX_DAYS} days.")
    if not user.is_active:
        raise TokenRequestInvalid("user", f"The account {user.get_username()} is disabled.")
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()
    if live >= MAX_LIVE_TOKENS:
        raise TokenRequestInvalid("name", f"An account holds at most {MAX_LIVE_TOKENS} live tokens: revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
        key_sha256=digest(secret),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit.record(
        actor,
        "api_token.created",
        "api_token",
        token.pk,
        summary=f"API token {token.prefix}… ({scope}) made for {user.get_username()}, "
        f"expiring {token.expires_at.date().isoformat()}.",
        subjects=[user.member_id],
        data={"user_id": user.pk, "scope": scope, "expires_at": token.expires_at.isoformat()},
        label=label,
    )
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User | None, label: str | None = None) -> bool:
    """Revoke a token at once; False if it was already revoked (nothing changes then)."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    audit.record(
        actor,
        "api_token.revoked",
        "api_token",
        token.pk,
        summary=f"API token {token.prefix}… of {token.user.get_username()} revoked.",
        subjects=[token.user.member_id],
        data={"user_id": token.user_id},
        label=label,
    )
    return True


def authenticate(secret: str, now: datetime | None = None) -> ApiToken:
    """The live token with this secret, or TokenRefused saying why not."""
    now = now or timezone.now()
    if not secret.startswith(TOKEN_PREFIX):
        raise TokenRefused("This is not a fairhearing API token (they begin 'fh_').")
    token = ApiToken.objects.select_related("user").filter(key_sha256=digest(secret)).first()
    if token is None:
        raise TokenRefused("This token is not known.")
    if token.revoked_at is not None:
        raise TokenRefused("This token has been revoked.")
    if token.expires_at <= now:
        raise TokenRefused(f"This token expired on {token.expires_at.date().isoformat()}.")
    if not token.user.is_active:
        raise TokenRefused("The account this token belongs to is disabled.")
    if token.last_used_at is None or now - token.last_used_at > _USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
