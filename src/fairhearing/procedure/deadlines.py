"""Time limits: due dates counted in calendar or working days, as the rulebook says, and what is overdue.

Working days skip the rulebook's weekend and holidays. A period of N days starting on day D ends on the Nth
counted day after D (D itself is not counted), which is how notices and appeal periods are read in practice:
14 days from a notice served on Monday 1st ends at the end of Monday 15th.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fairhearing.procedure.rulebook import Calendar, Rulebook, StageTarget
from fairhearing.procedure.stages import Stage

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_working_day(day: date, calendar: Calendar) -> bool:
    return _WEEKDAYS[day.weekday()] not in calendar.weekend and day not in calendar.holidays


def add_working_days(start: date, days: int, calendar: Calendar) -> date:
    if days < 0:
        raise ValueError("a period cannot be negative")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return day


def add_period(start: date, days: int, count: str, calendar: Calendar) -> date:
    """The last day of a period of `days` counted from `start` (not counting `start` itself)."""
    if count == "working":
        return add_working_days(start, days, calendar)
    return start + timedelta(days=days)


def working_days_between(earlier: date, later: date, calendar: Calendar) -> int:
    """Working days after `earlier` up to and including `later`."""
    return sum(1 for n in range(1, (later - earlier).days + 1) if is_working_day(earlier + timedelta(days=n), calendar))


def response_due(rulebook: Rulebook, notice_served: date) -> date:
    return add_period(notice_served, rulebook.time_limits.respond_days, "calendar", rulebook.calendar)


def appeal_due(rulebook: Rulebook, decision_notified: date) -> date:
    return add_period(decision_notified, rulebook.time_limits.appeal_days, "calendar", rulebook.calendar)


def earliest_hearing(rulebook: Rulebook, notice_served: date) -> date:
    """A hearing needs notice served at least this many working days before it."""
    return add_working_days(notice_served, rulebook.time_limits.notice_before_hearing_working_days, rulebook.calendar)


def latest_review(rulebook: Rulebook, decided_on: date) -> date:
    """The latest review date an interim suspension decided (or re-decided) on `decided_on` may carry."""
    return decided_on + timedelta(days=rulebook.time_limits.interim_suspension_review_days)


@dataclass(frozen=True)
class StageDue:
    stage: Stage
    entered: date
    due: date
    target: StageTarget

    def overdue_on(self, today: date) -> bool:
        return today > self.due

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due).days)


def stage_due(rulebook: Rulebook, stage: Stage, entered: date) -> StageDue | None:
    """The target date for leaving `stage`, entered on `entered`; None when the rulebook sets no target for it."""
    target = rulebook.time_limits.stage_targets.get(stage.value)
    if target is None or not stage.is_open:
        return None
    return StageDue(stage, entered, add_period(entered, target.days, target.count, rulebook.calendar), target)


def stage_due_on(rulebook: Rulebook, stage: Stage, entered: date) -> date | None:
    """Just the date of `stage_due`: what a case stores so lists can sort and filter on it."""
    due = stage_due(rulebook, stage, entered)
    return due.due if due else None
