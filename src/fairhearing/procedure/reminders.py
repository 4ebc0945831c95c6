"""When a member is reminded of a deadline: a few days before it, once the period has started.

A reminder is due from `days_before` days before the deadline up to the deadline itself (the last day a response or
an appeal is accepted). None is sent for a period no longer than the warning, which would arrive with the notice
itself, and none once the deadline has passed.
"""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_DAYS_BEFORE = 3


def reminder_day(started: date, deadline: date, days_before: int) -> date | None:
    """The first day the reminder may go, or None when the period is too short to need one."""
    if days_before < 1:
        return None
    day = deadline - timedelta(days=days_before)
    return day if day > started else None


def reminder_due(started: date, deadline: date, today: date, days_before: int = DEFAULT_DAYS_BEFORE) -> bool:
    day = reminder_day(started, deadline, days_before)
    return day is not None and day <= today <= deadline
