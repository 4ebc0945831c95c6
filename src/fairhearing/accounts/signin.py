"""What a completed password reset does besides setting the password."""

from __future__ import annotations

from axes.utils import reset as reset_lockout

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit


def password_was_reset(user: User) -> None:
    """Clear the account's lockout: proving control of its email address is the way back in for a locked owner."""
    cleared = reset_lockout(username=user.get_username())
    audit.record(
        user,
        "account.password_reset",
        "user",
        user.pk,
        summary=f"Account {user.pk} set a new password from a reset link"
        + (", which also ended its lockout." if cleared else "."),
        subjects=[user.member_id],
        data={"lockout_cleared": bool(cleared)},
    )
