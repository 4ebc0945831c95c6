"""Which rulebook version governs a case: the one in force on the date of the conduct."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol


class Versioned(Protocol):
    @property
    def effective_from(self) -> date: ...

    @property
    def effective_until(self) -> date | None: ...


def covers(start: date, end: date | None, day: date) -> bool:
    """Whether a period covers `day`. Both ends are inclusive; no end means the period is still running."""
    return start <= day and (end is None or day <= end)


def in_force_on(version: Versioned, day: date) -> bool:
    """A version effective until 31 December still governs conduct on that day."""
    return covers(version.effective_from, version.effective_until, day)


def version_in_force[V: Versioned](versions: Sequence[V], day: date) -> V | None:
    """The version governing conduct on `day`, or None when no version was in force then.

    Versions never overlap (`overlapping_pairs` is checked when they are loaded), so at most one matches; if data
    written some other way does overlap, the latest-starting version wins rather than an arbitrary one.
    """
    matching = [v for v in versions if in_force_on(v, day)]
    return max(matching, key=lambda v: v.effective_from) if matching else None


def overlapping_pairs[V: Versioned](versions: Sequence[V]) -> list[tuple[V, V]]:
    """Pairs (earlier, later) of versions whose periods share at least one day."""
    ordered = sorted(versions, key=lambda v: v.effective_from)
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.effective_until is None or b.effective_from <= a.effective_until:
                pairs.append((a, b))
    return pairs
