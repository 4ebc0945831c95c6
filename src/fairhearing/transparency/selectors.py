"""What the public statistics pages read: the published releases, and the files made from one."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import QuerySet

from fairhearing.transparency import files
from fairhearing.transparency.models import Release


def published_releases() -> QuerySet[Release]:
    """Every release, the latest period first (a year's report after its last quarter's, which it contains)."""
    return Release.objects.order_by("-ends_on", "starts_on", "-pk")


def release_by_slug(slug: str) -> Release | None:
    return Release.objects.filter(slug=slug).first()


def release_pdf(release: Release) -> bytes:
    """The release's PDF, printed once and kept in the cache: printing takes a second or more, the page is public,
    and a release never changes. The key holds a hash of the content, so a cached PDF can only be of exactly it."""
    digest = hashlib.sha256(files.content_json(release.content).encode("utf-8")).hexdigest()
    key = f"fairhearing:transparency:pdf:{release.pk}:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = files.render_pdf(release.content)
        cache.set(key, pdf, timeout=None)
    return pdf
