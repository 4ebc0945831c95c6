"""Due dates in calendar and working days, following the rulebook's calendar."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from fairhearing.procedure import deadlines
from fairhearing.procedure.rulebook import Calendar
from fairhearing.procedure.stages import Stage

PLAIN = Calendar()
CHRISTMAS = Calendar(holidays=(date(2026, 12, 25), date(2026, 12, 28)))


def test_working_days_skip_weekends_and_holidays():
    # Thursday 24 December 2026 + 2 working days: Fri 25th and Mon 28th are holidays, the weekend is skipped.
    assert deadlines.add_working_days(date(2026, 12, 24), 2, CHRISTMAS) == date(2026, 12, 30)
    assert deadlines.add_working_days(date(2026, 12, 24), 2, PLAIN) == date(2026, 12, 28)
    assert deadlines.add_working_days(date(2026, 12, 24), 0, PLAIN) == date(2026, 12, 24)


def test_calendar_days_count_every_day():
    assert deadlines.add_period(date(2026, 2, 20), 14, "calendar", CHRISTMAS) == date(2026, 3, 6)


def test_rulebook_periods(example_rulebook):
    served = date(2026, 3, 2)  # a Monday
    assert deadlines.response_due(example_rulebook, served) == date(2026, 3, 16)
    assert deadlines.appeal_due(example_rulebook, served) == date(2026, 3, 23)
    assert deadlines.earliest_hearing(example_rulebook, served) == date(2026, 3, 16)  # ten working days
    assert deadlines.latest_review(example_rulebook, served) == date(2026, 3, 30)


def test_stage_targets_and_overdue(example_rulebook):
    due = deadlines.stage_due(example_rulebook, Stage.TRIAGE, date(2026, 3, 2))
    assert due is not None and due.due == date(2026, 3, 16)  # 10 working days
    assert not due.overdue_on(date(2026, 3, 16))
    assert due.overdue_on(date(2026, 3, 17)) and due.days_overdue(date(2026, 3, 20)) == 4
    assert deadlines.stage_due(example_rulebook, Stage.CLOSED, date(2026, 3, 2)) is None


@given(st.dates(date(2020, 1, 1), date(2030, 1, 1)), st.integers(0, 60))
def test_working_day_arithmetic_agrees_with_counting(start, days):
    end = deadlines.add_working_days(start, days, CHRISTMAS)
    assert deadlines.working_days_between(start, end, CHRISTMAS) == days
    assert days == 0 or deadlines.is_working_day(end, CHRISTMAS)
