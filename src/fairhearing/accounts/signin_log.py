"""Sign-ins, failed sign-ins and lockouts, on the audit log.

Django and django-axes announce these with signals; the receivers here turn each into an entry. No password, and
no username typed for an account that does not exist (people type passwords into the username box); an entry names
the account by number, and the member it belongs to, so their subject access request finds it.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit

# The actor of a failed sign-in is whoever was at the keyboard; we only know it was not a signed-in user.
SIGN_IN_LABEL = "someone signing in"


def _account(username: object) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: username}).only("pk", "member_id").first()


def _counted(request: HttpRequest | None) -> bool:
    """Whether axes counted this failure. It sets the count only when the password was checked and was wrong;
    a try refused because the account is already locked leaves it unset (None)."""
    return getattr(request, "axes_failures_since_start", None) is not None


@receiver(user_logged_in, dispatch_uid="fairhearing.accounts.signed_in")
def record_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(
        user,
        "account.signed_in",
        "user",
        user.pk,
        summary=f"Account {user.pk} signed in with its password.",
        subjects=[user.member_id],
    )


@receiver(user_login_failed, dispatch_uid="fairhearing.accounts.sign_in_failed")
def record_failed_sign_in(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    account = _account(credentials.get(User.USERNAME_FIELD))
    # Refused unchecked: axes flags the request as locked out before any password is looked at.
    refused = bool(getattr(request, "axes_locked_out", False)) and not _counted(request)
    who = f"account {account.pk}" if account else "a username that matches no account"
    audit.record(
        None,
        "account.sign_in_refused" if refused else "account.sign_in_failed",
        "user",
        account.pk if account else "",
        summary=(
            f"A sign-in to {who} was refused: the account is locked after repeated failures."
            if refused
            else f"A sign-in to {who} failed: the password did not match."
        ),
        subjects=[account.member_id if account else None],
        data={"account_exists": account is not None},
        label=SIGN_IN_LABEL,
    )


@receiver(user_locked_out, dispatch_uid="fairhearing.accounts.locked_out")
def record_lockout(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    # axes sends this again on each try while locked; only the failure that crossed the limit starts a lockout.
    if not _counted(request):
        return
    account = _account(username)
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    who = f"Account {account.pk}" if account else "A username that matches no account"
    audit.record(
        None,
        "account.locked_out",
        "user",
        account.pk if account else "",
        summary=f"{who} was locked after {request.axes_failures_since_start} failed sign-ins"
        + (f", for {minutes} minutes." if minutes else "."),
        subjects=[account.member_id if account else None],
        data={"failures": request.axes_failures_since_start, "minutes": minutes},
        label=SIGN_IN_LABEL,
    )
