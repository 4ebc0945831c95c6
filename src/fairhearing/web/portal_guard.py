"""The one guard on every portal URL that names a case: the signed-in member must be a party to it.

It runs before anything else about the request is looked at - even its method - so that for anyone else every such
URL answers 404, exactly as for a case that does not exist: nothing tells them whether the case is there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from fairhearing.procedure.next_steps import Party
from fairhearing.web import portal_selectors as selectors

PartyView = Callable[..., HttpResponse]


def for_parties(*, respondent_only: bool = False) -> Callable[[PartyView], Callable[..., HttpResponse]]:
    """Look the case up as the signed-in member's own (`party_case`) and pass it to the view instead of the
    reference; `respondent_only` pages (replying, appealing) do not exist for the complainant either."""

    def decorator(view: PartyView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, reference: str, *args: Any, **kwargs: Any) -> HttpResponse:
            pc = selectors.party_case(request.user, reference)
            if respondent_only and pc.party != Party.RESPONDENT:
                raise Http404("no such page")
            return view(request, pc, *args, **kwargs)

        # Personal data, different for each member: never kept by a browser or a proxy.
        return login_required(never_cache(guarded))

    return decorator
