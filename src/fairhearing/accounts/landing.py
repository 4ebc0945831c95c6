"""Where someone lands after signing in, when they did not ask for a page."""

from __future__ import annotations

from django.urls import reverse

from fairhearing.access import policy
from fairhearing.accounts.models import User


def landing_url(user: User) -> str:
    # Staff land on their work (a panellist is usually a member too, but signs in to judge); members on their own
    # cases; administrators, who have no casework, on the administration.
    if policy.uses_workspace(user):
        return reverse("workspace:dashboard")
    if user.member_id is not None:
        return reverse("web:portal")
    return reverse("admin:index") if user.is_staff else reverse("web:home")
