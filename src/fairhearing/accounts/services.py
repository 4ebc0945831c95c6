"""Creating accounts and granting roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role


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
    return user


def grant_role(user: User, role: Role) -> None:
    """Add one role to an account, keeping the others (a body officer who also sits on panels, say)."""
    user.groups.add(ensure_role_groups()[role])
