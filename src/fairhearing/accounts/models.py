from __future__ import annotations

import rules
from django.contrib.auth.models import AbstractUser
from django.db import models

from fairhearing.accounts.roles import Role


class User(AbstractUser):
    """A person who signs in. A member's account is linked to their membership record."""

    member = models.OneToOneField(
        "organisation.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
        help_text="The membership record of this person, if they are a member.",
    )

    def has_perm(self, perm: str, obj=None) -> bool:
        # The access policy's permissions (fairhearing.access.rules) hold for superusers too: an administrator's
        # account runs the system and reads no case, so Django's "superusers may do anything" must not apply.
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def roles(self) -> set[Role]:
        names = {g.name for g in self.groups.all()}
        return {r for r in Role if r.value in names}
