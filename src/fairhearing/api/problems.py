"""Errors as RFC 9457 problem details (`application/problem+json`), for every way a request can fail.

A refusal by the procedure carries the engine's reasons in plain words; a request that does not validate names
each field at fault. Nothing here changes data: by the time a problem is answered, the service's transaction has
rolled back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from fairhearing.cases.actions.problems import in_words
from fairhearing.procedure.errors import ActionRefused

PROBLEM_TYPE = "application/problem+json"
logger = logging.getLogger(__name__)


class ApiProblem(Exception):
    """Raise from an endpoint to answer with a problem; `extra` adds members such as `errors` or `refusals`."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str = "",
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    detail: str,
    *,
    title: str = "",
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status, "detail": detail}
    body.update(extra or {})
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found(what: str = "") -> ApiProblem:
    # One answer for "there is none" and "it is not yours": a refusal must not say what exists.
    return ApiProblem(404, f"There is no {what} that you may see." if what else "Nothing is here.")


def field_errors(errors: Mapping[str, list[str]], prefix: str = "") -> list[dict[str, str]]:
    return [
        {"field": f"{prefix}{name}" if name != "__all__" else prefix.rstrip("."), "message": str(message)}
        for name, messages in errors.items()
        for message in messages
    ]


def invalid(errors: list[dict[str, str]], detail: str = "") -> ApiProblem:
    fields = sorted({e["field"] for e in errors if e["field"]})
    detail = detail or (
        f"The request is not valid: see {', '.join(fields)}." if fields else "The request is not valid."
    )
    return ApiProblem(422, detail, title="Invalid request", extra={"errors": errors})


def refused(refusal: ActionRefused, fields: Mapping[str, str] | None = None) -> ApiProblem:
    reasons = [
        {"guard": guard, "message": message, "field": (fields or {}).get(guard, "")}
        for guard, message in in_words(refusal)
    ]
    return ApiProblem(
        409,
        " ".join(r["message"] for r in reasons) or "The procedure does not allow this now.",
        title="The procedure does not allow this",
        extra={"refusals": reasons},
    )


def _location(loc: tuple[Any, ...]) -> tuple[str, str]:
    where, *rest = loc or ("body",)
    if where in {"body", "form"} and len(rest) > 1:
        rest = rest[1:]  # ninja puts the endpoint's parameter name first; the caller knows only the JSON's fields
    return str(where), ".".join(str(part) for part in rest)


def _django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if name == "__all__" else name, "message": str(message)}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        where, name = _location(tuple(error.get("loc", ())))
        errors.append({"in": where, "field": name, "message": str(error.get("msg", "is not valid"))})
    problem = invalid(errors)
    return problem_response(problem.status, problem.detail, title=problem.title, extra=problem.extra)


def install(api: NinjaAPI) -> None:
    """Answer every error the API can meet with a problem body."""

    def answer(problem: ApiProblem) -> HttpResponse:
        return problem_response(
            problem.status, problem.detail, title=problem.title, extra=problem.extra, headers=problem.headers
        )

    api.add_exception_handler(ApiProblem, lambda request, exc: answer(exc))
    api.add_exception_handler(NinjaValidationError, _validation)
    api.add_exception_handler(
        AuthenticationError,
        lambda request, exc: problem_response(
            401,
            "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
            title="Not signed in",
            headers={"WWW-Authenticate": 'Bearer realm="fairhearing"'},
        ),
    )
    api.add_exception_handler(HttpError, lambda request, exc: problem_response(exc.status_code, exc.message))
    api.add_exception_handler(Http404, lambda request, exc: answer(not_found()))
    api.add_exception_handler(
        PermissionDenied, lambda request, exc: problem_response(403, str(exc) or "You may not do this.")
    )
    api.add_exception_handler(ActionRefused, lambda request, exc: answer(refused(exc)))
    api.add_exception_handler(
        DjangoValidationError,
        lambda request, exc: answer(invalid(_django_errors(exc))),
    )

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return problem_response(500, "Something went wrong on our side; nothing was changed.")

    api.add_exception_handler(Exception, unexpected)
