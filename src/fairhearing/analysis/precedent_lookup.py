"""Comparable past decisions for one case, for the panel at decision time (REQ 22), the case page and the API.

The index over every decided case is costly to build at national size and the same for every request until a
decision is recorded, so it is kept in process memory and rebuilt only when the decisions (or the rulebook
versions, which set the sanction scale) change.
"""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from fairhearing.analysis.loading import case_record, case_records, current_scale
from fairhearing.analytics.precedents import PrecedentIndex, spread
from fairhearing.analytics.records import Scale
from fairhearing.analytics.results import OutcomeSpread, Precedent
from fairhearing.cases.models import Case, Decision
from fairhearing.organisation.models import RulebookVersion

_lock = threading.Lock()
_cached: tuple[tuple, PrecedentIndex, Scale] | None = None


def _state() -> tuple:
    """Cheap to ask, and different whenever a decision is recorded or removed, or a rulebook version loaded."""
    decisions = Decision.objects.aggregate(count=Count("pk"), last=Max("pk"))
    versions = RulebookVersion.objects.aggregate(count=Count("pk"), last=Max("pk"))
    return decisions["count"], decisions["last"], versions["count"], versions["last"]


def precedent_index() -> tuple[PrecedentIndex, Scale]:
    """The index over every decided case, built again only when the decisions have changed."""
    global _cached
    state = _state()
    with _lock:
        if _cached is None or _cached[0] != state:
            scale = current_scale()
            decided = [record for record in case_records() if record.decision is not None]
            _cached = (state, PrecedentIndex(decided, scale), scale)
        return _cached[1], _cached[2]


def forget_index() -> None:
    """Drop the cached index (tests that rebuild the database between them)."""
    global _cached
    with _lock:
        _cached = None


def precedents_for(case: Case, k: int = 10) -> tuple[list[Precedent], OutcomeSpread | None]:
    """The `k` decided cases most like this one (never itself), and how they were decided. For a case already
    decided, only cases decided before it: what its panel could have seen."""
    index, scale = precedent_index()
    query = case_record(case)
    before = query.decision.decided_on if query.decision is not None else None
    found = index.search(query, k, exclude=case.reference, before=before)
    return found, spread(found, scale)
