"""The rulebook version in force on the date of the conduct governs a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fairhearing.procedure.versions import in_force_on, overlapping_pairs, version_in_force


@dataclass(frozen=True)
class V:
    name: str
    effective_from: date
    effective_until: date | None = None


OLD = V("2016", date(2016, 1, 1), date(2021, 12, 31))
NEW = V("2022", date(2022, 1, 1))


def test_conduct_is_judged_by_the_version_in_force_when_it_happened():
    assert version_in_force([OLD, NEW], date(2019, 6, 1)) is OLD
    assert version_in_force([NEW, OLD], date(2024, 6, 1)) is NEW


def test_both_ends_of_a_period_are_inclusive():
    assert version_in_force([OLD, NEW], date(2021, 12, 31)) is OLD
    assert version_in_force([OLD, NEW], date(2022, 1, 1)) is NEW
    assert version_in_force([OLD, NEW], date(2016, 1, 1)) is OLD


def test_no_version_before_the_first_or_in_a_gap():
    gap = [V("a", date(2016, 1, 1), date(2017, 12, 31)), V("b", date(2019, 1, 1))]
    assert version_in_force(gap, date(2015, 12, 31)) is None
    assert version_in_force(gap, date(2018, 6, 1)) is None
    assert version_in_force([], date(2020, 1, 1)) is None


def test_overlaps_are_found():
    assert overlapping_pairs([OLD, NEW]) == []
    clash = V("clash", date(2021, 6, 1), date(2022, 6, 1))
    assert set(overlapping_pairs([OLD, NEW, clash])) == {(OLD, clash), (clash, NEW)}
    # An open-ended version overlaps everything that starts after it.
    assert overlapping_pairs([V("x", date(2020, 1, 1)), V("y", date(2030, 1, 1))]) != []


@st.composite
def consecutive_versions(draw):
    """Non-overlapping versions with random lengths and gaps, the last possibly open-ended."""
    start = date(2000, 1, 1) + timedelta(days=draw(st.integers(0, 2000)))
    versions = []
    for i in range(draw(st.integers(1, 6))):
        length = draw(st.integers(0, 1500))
        until = start + timedelta(days=length)
        versions.append(V(str(i), start, until))
        start = until + timedelta(days=draw(st.integers(1, 400)))
    if draw(st.booleans()):
        last = versions[-1]
        versions[-1] = V(last.name, last.effective_from, None)
    return draw(st.permutations(versions))


@given(consecutive_versions(), st.dates(date(1999, 1, 1), date(2035, 12, 31)))
def test_exactly_the_covering_version_is_chosen(versions, day):
    assert overlapping_pairs(versions) == []
    covering = [v for v in versions if in_force_on(v, day)]
    assert len(covering) <= 1
    assert version_in_force(versions, day) == (covering[0] if covering else None)
