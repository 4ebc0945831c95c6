"""Consistency indices and guideline departures, on histories where the answer is known."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from fairhearing.analytics.analyse import MIN_DECISIONS, guideline_departures, run_analysis
from fairhearing.analytics.indices import _medians_without_each, like_case_gaps
from tests.analytics.test_disparity_measures import SCALE, decided


def test_leave_one_out_medians_match_the_slow_way():
    rng = np.random.default_rng(0)
    for n in (2, 3, 4, 7, 10):
        for _ in range(50):
            v = rng.integers(0, 6, n).astype(float)
            slow = [np.median(np.delete(v, j)) for j in range(n)]
            np.testing.assert_allclose(_medians_without_each(v), slow)


def test_like_case_gap_measures_distance_from_like_cases():
    history = [decided(f"A{i}", region="r", start=2, severity=2) for i in range(4)]
    history.append(decided("odd", region="r", start=2, severity=5))
    history.append(decided("alone", region="r", start=4, severity=4))
    y = np.array([r.decision.severity for r in history])
    gaps = like_case_gaps(history, y)
    assert list(gaps[:4]) == [0, 0, 0, 0]
    assert gaps[4] == 3
    assert np.isnan(gaps[5])  # no like case to compare with


def test_departures_from_the_guideline_range_are_listed_with_direction():
    history = [
        decided("inside", region="r", start=2, severity=3),
        decided("above", region="r", start=1, severity=4),
        decided("below", region="r", start=4, severity=0),
    ]
    found = {g.case_ref: g.direction for g in guideline_departures(history, SCALE)}
    assert found == {"above": "above", "below": "below"}


def test_a_consistent_history_scores_as_consistent_and_flags_nothing():
    rng = np.random.default_rng(3)
    history = []
    for i in range(300):
        start = int(rng.integers(1, 5))
        history.append(decided(f"C{i}", region="r", start=start, severity=start, body="panel" if i % 2 else "other"))
    report = run_analysis(history, SCALE, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert report.outliers == ()
    whole = next(i for i in report.indices if i.body == "" and i.year is None)
    assert whole.explained_share is not None and whole.explained_share > 0.95
    assert whole.like_case_spread == 0
    assert whole.neighbour_agreement == 1


def test_too_few_decisions_for_a_model_is_said_plainly():
    history = [decided(f"C{i}", region="r", start=2, severity=2) for i in range(MIN_DECISIONS - 1)]
    report = run_analysis(history, SCALE, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert report.outliers == () and report.indices == ()
    assert any("at least" in note for note in report.notes)


def test_indices_mark_small_bodies_and_years_as_too_few():
    history = [decided(f"C{i}", region="r", start=2, severity=2, body="big") for i in range(60)]
    history += [decided(f"S{i}", region="r", start=2, severity=2, body="small", days=400 + i) for i in range(5)]
    report = run_analysis(history, SCALE, now=datetime(2026, 1, 1, tzinfo=UTC))
    small = [i for i in report.indices if i.body == "small"]
    assert small and all(i.too_few and i.explained_share is None for i in small)
    # The small body decided only in 2025: too few overall and in that year, and absent from 2024's rows.
    assert {i.year for i in small} == {None, 2025}
