"""What the reports rendered from stored JSON share: the consistency analysis (`analysis.rendering`) and the
transparency reports (`transparency.rendering`) both read plain values back from a stored report, draw charts that
`analytics.charts` has escaped, and inline a stylesheet so a standalone document needs nothing else."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import SafeString, mark_safe


def words(name: str) -> str:
    """An identifier as words: 'suspension_or_more' -> 'suspension or more'."""
    return str(name).replace("_", " ").replace("-", " ").strip()


def number(value: Any) -> float | None:
    """A stored number as a float; None for anything else, booleans and infinities included."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_datetime(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def safe_svg(svg: str) -> SafeString:
    # charts.py escapes every piece of text it puts in a chart; the rest is markup it writes itself.
    return mark_safe(svg)  # noqa: S308


def inline_stylesheet(static_path: str, needed_by: str) -> SafeString:
    """A static stylesheet's text, for a document's <style>, so the page and the document cannot drift apart."""
    found = finders.find(static_path)
    if not found:
        raise ImproperlyConfigured(f"The static file {static_path} is missing: {needed_by} needs it.")
    # Our own stylesheet, inlined into <style>: escaping would turn its child selectors (">") into "&gt;".
    return mark_safe(Path(found).read_text(encoding="utf-8"))  # noqa: S308
