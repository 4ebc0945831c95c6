"""`Idempotency-Key` on every POST to the API: a retried request gets the first answer and does not act twice.

The key is reserved in the same transaction as the work it guards. A twin request arriving meanwhile waits on that
reservation (SQLite serialises writers; PostgreSQL blocks on the unique key) and then replays the answer. Only a
successful answer is kept: a refused or invalid request changed nothing, so running it again is safe and may
succeed once the caller has put things right. The same key with a different request is an error, not a replay.

An answer marked `Cache-Control: no-store` (a subject access export, say) or streamed is not kept: personal data
must not outlive its retention in a cache of answers. The key still guards against acting twice: a retry is told
the request was carried out and to ask again with a new key. Keys are forgotten after KEEP (`fairhearing tick`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fairhearing.api.auth import caller_of
from fairhearing.api.models import IdempotentRequest
from fairhearing.api.problems import problem_response

API_PREFIX = "/api/"
HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEEP = timedelta(hours=24)
_NOT_KEPT = 0  # the status stored for an answer that was given but not kept


def fingerprint(request: HttpRequest) -> str:
    """What makes two requests "the same": method, path, query and body (for uploads, the fields and files)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            digest.update(f"field {name}={request.POST.getlist(name)!r}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"file {name} {upload.name} {upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _bad_key(key: str) -> str | None:
    if not key:
        return "The Idempotency-Key header is empty: send a unique value, such as a UUID, or leave the header out."
    if len(key) > MAX_KEY_LENGTH:
        return f"The Idempotency-Key must be {MAX_KEY_LENGTH} characters or fewer."
    if not key.isascii() or not key.isprintable():
        return "The Idempotency-Key must be printable ASCII, such as a UUID."
    return None


def _replay(stored: IdempotentRequest, request_sha256: str) -> HttpResponse:
    if stored.request_sha256 != request_sha256:
        return problem_response(
            422,
            "This Idempotency-Key was first used for a different request. Use a new key for a new request.",
            title="Idempotency-Key reused",
        )
    if stored.status == _NOT_KEPT:
        response = problem_response(
            409,
            "This request was already carried out. Its answer is not kept (it holds personal data): ask again with a "
            "new Idempotency-Key if you need it.",
            title="Already done",
        )
    else:
        response = HttpResponse(bytes(stored.body), status=stored.status, content_type=stored.content_type)
    response[REPLAYED] = "true"
    return response


def _keepable(response: HttpResponse) -> bool:
    return not response.streaming and "no-store" not in response.get("Cache-Control", "")


def forget_old_keys(now: datetime | None = None) -> int:
    """Forget keys older than KEEP; returns how many. Run by `fairhearing tick`."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if (problem := _bad_key(key)) is not None:
            return problem_response(400, problem, title="Bad Idempotency-Key")
        caller = caller_of(request)
        if caller is None:
            return self.get_response(request)  # the API refuses it: there is nobody to remember it for
        request_sha256 = fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    reservation = IdempotentRequest.objects.create(
                        caller=caller,
                        key=key,
                        method=request.method,
                        path=request.path_info[:500],
                        request_sha256=request_sha256,
                        status=_NOT_KEPT,
                        content_type="",
                        body=b"",
                        created_at=timezone.now(),
                    )
            except IntegrityError:
                stored = IdempotentRequest.objects.get(caller=caller, key=key)
                return _replay(stored, request_sha256)
            response = self.get_response(request)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)  # forget the key: nothing was done
                return response
            if _keepable(response):
                reservation.status = response.status_code
                reservation.content_type = response.get("Content-Type", "")
                reservation.body = response.content
                reservation.save(update_fields=["status", "content_type", "body"])
            return response
