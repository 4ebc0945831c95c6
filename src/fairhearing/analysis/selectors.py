"""Read-side queries about the stored analysis runs."""

from __future__ import annotations

from fairhearing.analysis.models import AnalysisRun


def latest_run() -> AnalysisRun | None:
    """The most recent run, or None before the analysis has ever run."""
    return AnalysisRun.objects.order_by("-finished_at", "-pk").first()
