"""A wrong method on an API address answers with a problem document too, not ninja's bare text."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fairhearing.api.idempotency import API_PREFIX
from fairhearing.api.problems import PROBLEM_TYPE, problem_response


class MethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith(PROBLEM_TYPE)
        ):
            return response
        allowed = response.get("Allow", "")
        problem = problem_response(405, f"{request.method} is not allowed here; this address takes {allowed}.")
        problem["Allow"] = allowed
        return problem
