"""The log's public face: its signed checkpoint and key for anyone, consistency proofs for anyone, and inclusion
proofs for the people an entry concerns (an entry names a case and its members, which is nobody else's business).

Answers are JSON, or plain text for the signed note and key; bad input gets a 4xx with an RFC 9457 problem body.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from fairhearing.audit import proofs
from fairhearing.audit.checkpoints import latest_checkpoint, verifier_key
from fairhearing.audit.selectors import visible_entry


def problem(status: int, title: str, detail: str) -> JsonResponse:
    response = JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": detail}, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def _number(request: HttpRequest, name: str, required: bool = True) -> int | None:
    value = request.GET.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"the query parameter '{name}' is required")
        return None
    if not value.isdigit():
        raise ValueError(f"the query parameter '{name}' must be a whole number, not {value!r}")
    return int(value)


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = latest_checkpoint()
    if latest is None:
        return problem(404, "No checkpoint yet", "the log has not been signed yet")
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(verifier_key() + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def consistency(request: HttpRequest) -> JsonResponse:
    try:
        old, new = _number(request, "old"), _number(request, "new", required=False)
        return JsonResponse(proofs.consistency(old, new).as_json())
    except (ValueError, proofs.ProofUnavailable) as exc:
        return problem(400, "No such proof", str(exc))


@require_safe
def inclusion(request: HttpRequest, index: int) -> JsonResponse:
    if visible_entry(request.user, index) is None:
        # The same answer for "no such entry" and "not yours": an entry's existence says who is in which case.
        return problem(404, "Not found", f"no log entry {index} that you may see")
    try:
        return JsonResponse(proofs.inclusion(index, _number(request, "size", required=False)).as_json())
    except (ValueError, proofs.ProofUnavailable) as exc:
        return problem(400, "No such proof", str(exc))
