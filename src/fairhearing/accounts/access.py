"""The one guard staff pages use: signed in, and holding one of the roles the page is for.

Anyone else gets "not found", not "forbidden": that a page or a record exists is itself nobody else's business.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from fairhearing.accounts.roles import Role


def roles_required(*roles: Role) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.roles() & allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorator
