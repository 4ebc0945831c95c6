"""Creating accounts and granting roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.audit import log as audit

# Accounts are made by an administrator at the command line or by the demo, not by a signed-in user.
SETUP_LABEL = "fairhearing (set-up)"


def ensure_role_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    roles: set[Role],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    member=None,
) -> User:
    if Role.MEMBER in roles and member is None:
        raise ValueError("a member account must be linked to a membership record")
    groups = ensure_role_groups()
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        member=member,
        # Django's admin is for administrators only; other staff get their own workspace.
        is_staff=Role.ADMINISTRATOR in roles,
        is_superuser=Role.ADMINISTRATOR in roles,
    )
    if password is None:
        user.set_unusable_password()  # signs in only after a password reset
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set([groups[r] for r in roles])
    audit.record(
        None,
        "account.created",
        "user",
        user.pk,
        summary=f"Account {user.pk} created with the roles: {', '.join(sorted(r.value for r in roles)) or 'none'}.",
        subjects=[member.pk if member is not None else None],
        label=SETUP_LABEL,
    )
    return user


@transaction.atomic
def grant_role(user: User, role: Role) -> None:
    """Add one role to an account, keeping the others (a body officer who also sits on panels, say)."""
    user.groups.add(ensure_role_groups()[role])
    audit.record(
        None, "account.role_granted", "user", user.pk, summary=f"Account {user.pk} given the role {role.value}."
    )
