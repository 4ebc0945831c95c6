"""Optimistic concurrency for the API: a case's ETag is its version, and an action sent with `If-Match` is refused
with 412 when the case has changed since the caller read it, so a client never acts on a state it did not see.

Without `If-Match` an action applies to the case as it is (the engine's own checks still hold); with `If-Match: *`
likewise. Only one entity tag is accepted: a case has one current version, and a list would let a client say "any
of these states is fine", which is the silent overwrite this is here to prevent.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from fairhearing.api.problems import ApiProblem
from fairhearing.cases.models import Case

HEADER = "If-Match"
_TAG = re.compile(r'"(\d{1,18})"')


def etag(case: Case) -> str:
    return f'"{case.version}"'


def set_etag(response: HttpResponse, case: Case) -> None:
    response["ETag"] = etag(case)


def expected_version(request: HttpRequest) -> int | None:
    """The case version the caller says it acts on, from If-Match; None when it names none (absent or `*`)."""
    value = request.headers.get(HEADER)
    if value is None or value.strip() == "*":
        return None
    match = _TAG.fullmatch(value.strip())
    if match is None:
        raise ApiProblem(
            400,
            'If-Match must be one entity tag exactly as the case\'s ETag header gave it, such as "3" (with the '
            "quotes), or be left out.",
            extra={"errors": [{"in": "header", "field": HEADER, "message": "not an ETag of this API"}]},
        )
    return int(match.group(1))


def changed(reference: str, expected: int, current: Case) -> ApiProblem:
    return ApiProblem(
        412,
        f"{reference} has changed since you read it: your If-Match names version {expected}, and it is now version "
        f"{current.version}. Nothing was changed. GET the case again, check the action still applies, and send it "
        "with the new ETag.",
        title="The case has changed",
        extra={"current_version": current.version},
        headers={"ETag": etag(current)},
    )
