"""The API object: authentication, errors, the OpenAPI document and the routers, under /api/v1/."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from fairhearing.api import problems
from fairhearing.api.auth import TokenAuth, TwoFactorSession
from fairhearing.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from fairhearing.api.routers import (
    account,
    audit_log,
    cases,
    evidence,
    imports,
    member,
    members,
    oversight,
    procedure,
)

DESCRIPTION = """\
The JSON API of fairhearing: the same services, access rules and audit log as the web pages.

Authenticate with a personal API token (`Authorization: Bearer fh_…`), made and revoked under *API tokens* in the
web or with `fairhearing token`; a read token may only read. Errors are RFC 9457 problem details
(`application/problem+json`). Lists are paged with `cursor` and `limit`. Every POST accepts an `Idempotency-Key`
header: a retry with the same key returns the first answer and does not act twice. See docs/api.md.
"""


class FairhearingAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Function names are unique across the routers (a test checks): short ids make readable client code.
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {}).update(_problem_schemas())
        for path in schema["paths"].values():
            for method, operation in path.items():
                _describe_errors(method, operation)
                if method == "post":
                    operation.setdefault("parameters", []).append(_IDEMPOTENCY_PARAMETER)
        return schema


_IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": "A unique value (a UUID) per intended action: a retry with the same key and the same request "
    "returns the first answer, with the header `Idempotent-Replayed: true`, and does not act again.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _problem_schemas() -> dict[str, Any]:
    return {
        "Problem": {
            "type": "object",
            "description": "An RFC 9457 problem detail.",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "description": "For an invalid request: each field at fault and what is wrong with it.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "in": {"type": "string"},
                            "field": {"type": "string"},
                            "row": {"type": "integer", "description": "For a file: the row at fault."},
                            "message": {"type": "string"},
                        },
                        "required": ["field", "message"],
                    },
                },
                "refusals": {
                    "type": "array",
                    "description": "For an action the procedure refuses: each rule that refused it, in plain words.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "guard": {"type": "string"},
                            "message": {"type": "string"},
                            "field": {"type": "string"},
                        },
                        "required": ["guard", "message"],
                    },
                },
            },
            "required": ["type", "title", "status", "detail"],
        }
    }


_ERRORS = {
    "400": "The request is malformed (a bad Idempotency-Key, say).",
    "401": "Not signed in, or the token is unknown, revoked or expired.",
    "403": "You may see this but not do this: a role that may not take the action, a read-only token that tried to "
    "write, or a session without its CSRF token.",
    "404": "There is nothing here that you may see.",
    "409": "The procedure refuses the action now; `refusals` says why.",
    "422": "The request is not valid; `errors` names each field.",
}


_READ_ERRORS = frozenset({"401", "404", "422"})


def _describe_errors(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for status, description in _ERRORS.items():
        if method == "get" and status not in _READ_ERRORS:
            continue
        if status == "401" and not operation.get("security"):
            continue
        responses.setdefault(status, {"description": description, "content": problem})


api = FairhearingAPI(
    title="fairhearing API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), TwoFactorSession()],
    # No deep links: Swagger UI puts them as links inside its expand buttons, which screen readers cannot use.
    docs=Swagger(settings={"persistAuthorization": False, "deepLinking": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)

api.add_router("/", account.router)
api.add_router("/me", member.router)
api.add_router("/members", members.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", procedure.router)
api.add_router("/cases", evidence.router)
api.add_router("/audit", audit_log.router)
api.add_router("/oversight", oversight.router)
api.add_router("/imports", imports.router)
