"""Who the caller is: their account, roles and membership number, and the token they used."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from fairhearing.access.policy import roles_of

router = Router(tags=["account"])


class AccountOut(Schema):
    username: str
    name: str
    roles: list[str]
    membership_number: str | None
    token_scope: str | None = None
    token_expires_at: datetime | None = None


@router.get("/me", response=AccountOut, summary="The account making the call")
def whoami(request: HttpRequest) -> AccountOut:
    user = request.user
    token = getattr(request, "_fairhearing_api_token", None)
    return AccountOut(
        username=user.get_username(),
        name=user.get_full_name(),
        roles=sorted(role.value for role in roles_of(user)),
        membership_number=user.member.membership_number if user.member_id else None,
        token_scope=token.scope if token else None,
        token_expires_at=token.expires_at if token else None,
    )
