"""Cursor pagination for every list: an opaque cursor that points past the last item seen.

Keyset pagination on a unique, indexed integer column (the primary key, or the audit log's index): a page costs
the same at the millionth row as at the first, and rows added meanwhile neither repeat nor go missing.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from fairhearing.api.problems import invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_VERSION = "c1"


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_VERSION}:{position}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, position = raw.split(":", 1)
        if version != _VERSION or not position.isdigit() or len(position) > 18:
            raise ValueError(raw)
        return int(position)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise invalid(
            [{"in": "query", "field": "cursor", "message": "Not a cursor from this API: pass 'next_cursor' as given."}]
        ) from None


class KeysetPagination(PaginationBase):
    """`@paginate(KeysetPagination, key="pk")`; `key="-pk"` lists newest first."""

    class Input(Schema):
        cursor: str | None = Field(None, description="The `next_cursor` of the previous page; omit for the first.")
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")

    class Output(Schema):
        results: list[Any]
        next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")

    items_attribute = "results"

    def __init__(self, *, key: str = "pk", **kwargs: Any) -> None:
        self.descending = key.startswith("-")
        self.column = key.lstrip("-")
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        rows = queryset.order_by(f"-{self.column}" if self.descending else self.column)
        if pagination.cursor:
            after = decode(pagination.cursor)
            rows = rows.filter(**{f"{self.column}__{'lt' if self.descending else 'gt'}": after})
        page = list(rows[: pagination.limit + 1])
        more = len(page) > pagination.limit
        page = page[: pagination.limit]
        return {
            "results": page,
            "next_cursor": encode(getattr(page[-1], self.column)) if more and page else None,
        }
