"""Disparity measures on small hand-made histories where the right answer is known."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from fairhearing.analytics.disparities import compare
from fairhearing.analytics.records import CaseRecord, DecisionRecord, Scale

SCALE = Scale(
    ("no-action", "advice", "warning", "final-warning", "suspension", "expulsion"),
    ("No action", "Advice", "Warning", "Final warning", "Suspension", "Expulsion"),
    4,
    5,
)


def decided(ref: str, *, region: str, start: int, severity: int, body: str = "panel", days: int = 100) -> CaseRecord:
    received = date(2024, 1, 1)
    return CaseRecord(
        ref=ref,
        received_on=received,
        body=body,
        region=region,
        clauses=("2.1",),
        categories=frozenset({"abuse"}),
        seriousness=start // 2,
        text="",
        decision=DecisionRecord(
            decided_on=received + timedelta(days=days),
            body=body,
            decision_maker="",
            proven=True,
            sanction=SCALE.sanctions[severity],
            severity=severity,
            culpability="B",
            harm="2",
            guideline_start=start,
            guideline_lowest=max(0, start - 1),
            guideline_highest=min(5, start + 1),
        ),
    )


def find(comparisons, attribute, group, outcome):
    return next(c for c in comparisons if (c.attribute, c.group, c.outcome) == (attribute, group, outcome))


def test_case_mix_explains_a_raw_difference_away():
    # The north hears mostly grave cases, the south mostly minor ones; within each kind both decide alike.
    history = []
    for i in range(60):
        history.append(decided(f"N{i}", region="north", start=4 if i < 50 else 1, severity=4 if i < 50 else 1))
        history.append(decided(f"S{i}", region="south", start=4 if i < 10 else 1, severity=4 if i < 10 else 1))
    history += [decided(f"N+{i}", region="north", start=4, severity=3) for i in range(5)]
    history += [decided(f"S+{i}", region="south", start=4, severity=3) for i in range(1)]
    north = find(compare(history, SCALE), "region", "north", "suspended or expelled")
    assert north.raw is not None and north.raw.low > 1  # raw: the north suspends far more often...
    assert north.adjusted is not None and north.adjusted.low < 1 < north.adjusted.high  # ...like for like, not
    assert not north.reported


def test_a_real_difference_within_like_cases_is_reported_with_intervals():
    history = []
    for i in range(80):
        history.append(decided(f"N{i}", region="north", start=2, severity=4 if i % 2 else 2))
        history.append(decided(f"S{i}", region="south", start=2, severity=4 if i % 10 == 0 else 2))
    north = find(compare(history, SCALE), "region", "north", "suspended or expelled")
    assert north.reported
    assert north.value == 0.5
    # Wilson's interval for 40 of 80, from its formula.
    z, n, p = 1.959964, 80, 0.5
    centre, half = (p + z * z / (2 * n)), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert north.value_interval is not None
    assert north.value_interval.low == pytest.approx((centre - half) / (1 + z * z / n), abs=1e-4)
    assert north.value_interval.high == pytest.approx((centre + half) / (1 + z * z / n), abs=1e-4)
    assert north.adjusted is not None and north.adjusted.low > 1
    assert north.p_adjusted is not None and north.p_adjusted <= 0.05


def test_small_groups_are_too_small_to_judge_and_carry_no_figures():
    history = [decided(f"A{i}", region="big", start=2, severity=2) for i in range(40)]
    history += [decided(f"B{i}", region="tiny", start=2, severity=5) for i in range(6)]
    tiny = [c for c in compare(history, SCALE, min_group=10) if c.group == "tiny"]
    assert tiny and all(c.too_small and not c.reported for c in tiny)
    assert all(c.value is None and c.raw is None and c.adjusted is None and c.p_value is None for c in tiny)


def test_comparisons_come_in_a_fixed_order_never_ranked_by_effect():
    history = []
    for region, share in (("c-region", 2), ("a-region", 5), ("b-region", 3)):
        history += [decided(f"{region}{i}", region=region, start=2, severity=4 if i % share else 2) for i in range(30)]
    listed = [(c.attribute, c.group, c.outcome) for c in compare(history, SCALE)]
    assert listed == sorted(listed)


def test_time_to_decision_is_compared_by_ratio():
    history = [decided(f"F{i}", region="fast", start=2, severity=2, days=50) for i in range(30)]
    history += [decided(f"S{i}", region="slow", start=2, severity=2, days=200 + i) for i in range(30)]
    slow = find(compare(history, SCALE), "region", "slow", "days to decision")
    assert slow.value == pytest.approx(214.5)
    assert slow.raw is not None and slow.raw.estimate > 3.5
    assert slow.reported


def test_the_within_strata_effect_matches_statsmodels_with_a_term_per_stratum():
    import numpy as np
    import statsmodels.api as sm

    from fairhearing.analytics.disparities import _group_effect

    rng = np.random.default_rng(11)
    n = 400
    strata = list(rng.integers(0, 12, n))
    member = rng.random(n) < 0.3
    values = rng.normal(size=n) * (1 + np.array(strata) / 6) + 0.4 * member + np.array(strata) * 0.5
    dummies = np.array([[s == k for k in range(1, 12)] for s in strata], dtype=float)
    full = sm.OLS(values, sm.add_constant(np.column_stack([member.astype(float), dummies]))).fit(
        cov_type="HC3", use_t=True
    )
    estimate, low, high, p = _group_effect(values, member, strata)
    assert estimate == pytest.approx(full.params[1])
    assert (low, high) == pytest.approx(tuple(full.conf_int()[1]))
    assert p == pytest.approx(full.pvalues[1])


def test_a_rare_outcome_in_a_small_group_is_estimated_but_not_tested():
    history = [decided(f"A{i}", region="big", start=4, severity=4) for i in range(200)]
    history += [decided(f"E{i}", region="big", start=4, severity=5) for i in range(6)]
    history += [decided(f"S{i}", region="small", start=4, severity=5 if i < 2 else 4) for i in range(12)]
    small = find(compare(history, SCALE), "region", "small", "expelled")
    assert small.adjusted is not None
    assert small.p_value is None and not small.reported
