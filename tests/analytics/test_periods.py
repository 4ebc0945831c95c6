"""The periods a transparency report covers (`analytics.periods`): the three written forms, the labels and web
addresses they round-trip through, and the inputs that must be refused with a message that says what was wrong.

A report's address is its period's slug, so every period must come back from its slug unchanged; and the release
log compares releases by their periods, so containing, overlapping and nesting must mean what they say."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fairhearing.analytics.periods import Period, PeriodError, from_slug, parse, quarter_of


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("  2026Q2\n", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-01-01..2026-06-30", date(2026, 1, 1), date(2026, 6, 30)),
        ("2024-02-29..2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
    ],
)
def test_parse_reads_each_form_inclusive_of_both_ends(text: str, start: date, end: date) -> None:
    assert parse(text) == Period(start, end)


@pytest.mark.parametrize(
    ("text", "label", "slug"),
    [
        ("2026Q3", "2026Q3", "2026q3"),
        ("2026-q3", "2026Q3", "2026q3"),
        ("2026", "2026", "2026"),
        ("2026-01-01..2026-06-30", "2026-01-01..2026-06-30", "2026-01-01-to-2026-06-30"),
        # A range that is exactly a quarter or a year is labelled as one: the shortest name for the same days.
        ("2026-07-01..2026-09-30", "2026Q3", "2026q3"),
        ("2026-01-01..2026-12-31", "2026", "2026"),
    ],
)
def test_labels_and_slugs(text: str, label: str, slug: str) -> None:
    period = parse(text)
    assert period.label == label == str(period)
    assert period.slug == slug
    assert parse(label) == period
    assert from_slug(slug) == period


def test_quarters_tile_the_year_without_gap_or_overlap() -> None:
    for year in (2025, 2026, 2028):  # 2028 is a leap year: the first quarter has 91 days, not 90
        quarters = [quarter_of(year, q) for q in range(1, 5)]
        assert quarters[0].start == date(year, 1, 1)
        assert quarters[-1].end == date(year, 12, 31)
        for earlier, later in itertools.pairwise(quarters):
            assert later.start == earlier.end + timedelta(days=1)
        assert sum(q.days for q in quarters) == parse(str(year)).days
    assert quarter_of(2028, 1).days == 91
    assert quarter_of(2026, 1).days == 90


DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DATES, DATES)
@example(date(9999, 10, 1), date(9999, 12, 31))
@example(date(9999, 1, 1), date(9999, 1, 5))
@example(date(1, 1, 1), date(1, 12, 31))
@example(date(999, 4, 1), date(999, 6, 30))
def test_every_period_comes_back_from_its_label_and_slug(a: date, b: date) -> None:
    """Any run of days, including those that touch the ends of the calendar (the fourth quarter of 9999 once
    failed to build, since the day after it does not exist; and years before 1000 were labelled with fewer than the
    four digits `parse` reads)."""
    period = Period(min(a, b), max(a, b))
    assert parse(period.label) == period
    assert from_slug(period.slug) == period
    assert re.fullmatch(r"[0-9a-z-]+", period.slug), "a slug must be safe in a web address and a file name"
    assert period.days == (period.end - period.start).days + 1


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9999), st.integers(1, 4))
def test_quarter_labels_round_trip(year: int, quarter: int) -> None:
    period = quarter_of(year, quarter)
    assert period.label == f"{year:04d}Q{quarter}"
    assert parse(f"{year:04d}-q{quarter}") == period
    assert from_slug(period.slug) == period


@pytest.mark.parametrize(
    "text",
    [
        "2026Q5",
        "2026Q0",
        "2026-Q",
        "26Q3",
        "yesterday",
        "",
        "2026-01",
        "20260",
        "0000",  # there is no year 0: the calendar's own error must not escape as something else
        "0000Q1",
        "2026-1-1..2026-2-1",
        "2026-01-01...2026-02-01",
        "2026-01-01..",
        "2026-01-01-to-2026-02-01",  # a slug is not a label: only from_slug reads it
    ],
)
def test_unreadable_input_is_refused_naming_it(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse(text)
    assert repr(text.strip()) in str(caught.value)


@pytest.mark.parametrize("text", ["2026-02-30..2026-03-01", "2026-13-01..2026-12-31", "2025-02-29..2025-03-01"])
def test_dates_that_do_not_exist_are_refused_naming_the_input(text: str) -> None:
    with pytest.raises(PeriodError, match="not a range of real dates") as caught:
        parse(text)
    assert repr(text) in str(caught.value)


def test_a_range_that_ends_before_it_starts_is_refused_naming_both_dates() -> None:
    with pytest.raises(PeriodError, match="before it starts") as caught:
        parse("2026-03-01..2026-02-01")
    assert "2026-03-01" in str(caught.value)
    assert "2026-02-01" in str(caught.value)
    with pytest.raises(PeriodError):
        Period(date(2026, 3, 1), date(2026, 2, 28))


@pytest.mark.parametrize("slug", ["2026q5", "nonsense", "2026-03-01-to-2026-02-01", "2026-02-30-to-2026-03-01"])
def test_a_slug_that_names_no_period_is_refused(slug: str) -> None:
    with pytest.raises(PeriodError):
        from_slug(slug)


def test_a_period_error_is_a_value_error() -> None:
    """Callers that guard against bad input in general (`except ValueError`) catch it too."""
    assert issubclass(PeriodError, ValueError)


def test_containing_overlapping_and_nesting() -> None:
    year, q1, q2 = parse("2026"), parse("2026Q1"), parse("2026Q2")
    straddle = parse("2026-03-15..2026-04-15")
    assert year.contains(q1) and not q1.contains(year)
    assert year.contains(year)
    assert q1.nested_with(year) and year.nested_with(q1)
    assert not q1.overlaps(q2) and not q1.nested_with(q2)
    assert straddle.overlaps(q1) and straddle.overlaps(q2)
    assert not straddle.nested_with(q1) and not straddle.nested_with(q2)
    assert straddle.nested_with(year)
    # The last day of one period and the first of the next are different days: no overlap.
    assert not parse("2026-01-01..2026-03-31").overlaps(parse("2026-04-01..2026-04-01"))
    assert parse("2026-01-01..2026-04-01").overlaps(parse("2026-04-01..2026-04-30"))


@settings(max_examples=300, deadline=None)
@given(DATES, DATES, DATES, DATES)
def test_relations_agree_with_the_days_they_cover(a: date, b: date, c: date, d: date) -> None:
    first, second = Period(min(a, b), max(a, b)), Period(min(c, d), max(c, d))
    shared = (min(first.end, second.end) - max(first.start, second.start)).days + 1
    assert first.overlaps(second) == second.overlaps(first) == (shared > 0)
    assert first.contains(second) == (shared == second.days)
    assert first.nested_with(second) == (shared in (first.days, second.days))
