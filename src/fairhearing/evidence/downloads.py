"""An evidence file as a download, the same for the web and the API."""

from __future__ import annotations

from django.http import HttpResponse

from fairhearing.cases.models import EvidenceItem
from fairhearing.evidence.sniffing import EXTENSION_TYPES


def extension_for(media_type: str) -> str:
    return next((ext for ext, kind in EXTENSION_TYPES.items() if kind == media_type), "")


def download_response(item: EvidenceItem, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=item.media_type or "application/octet-stream")
    # Always a download: evidence is never rendered inside fairhearing's own origin, nor kept by any cache.
    response["Content-Disposition"] = f'attachment; filename="evidence-{item.pk}{extension_for(item.media_type)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
