"""Group comparisons on histories whose disparities are known.

What "no disparity" means here. Even with no bias injected, a realistic history is not level everywhere: under
the example rulebook bodies really do differ - they hear cases at different speeds, and only the Constitutional
Committee may expel, so it hears the cases whose facts call for expulsion. Those differences are true, and
finding them is not an error. Nothing else has any effect in the generator: not the respondent's region,
offices or self-declared attribute, nor which chair of a body decides. A reported comparison on any of those
is a false alarm. With a bias injected on one region, that region's comparisons are true, and so are those of
the chairs who sit only on its cases (their decisions are the biased ones).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from scipy.stats import binom

from fairhearing.analytics.analyse import expected_severity, run_analysis
from fairhearing.analytics.disparities import compare
from fairhearing.analytics.results import Comparison, Report
from fairhearing.analytics.synthetic import Bias, SyntheticHistory, synthetic_history

ALPHA = 0.05
CASES = 1500
# The null check compares groups only (`compare`, with the model's expected severities), not the whole analysis:
# the outliers and indices play no part in it, and forty seeds stay near a minute.
NULL_SEEDS = range(1000, 1040)
BIAS_SEEDS = range(2000, 2005)
BIAS = Bias("region", "north-east", 1, 0.4)


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    # Sparse strata make statsmodels warn about empty cells; those strata are skipped, and the warnings are noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _analyse(history: SyntheticHistory, **settings: int) -> Report:
    now = datetime.combine(history.end, time(), UTC)
    return run_analysis(history.records, history.scale, now=now, alpha=ALPHA, **settings)


def _biased_chairs(history: SyntheticHistory, region: str) -> set[str]:
    inside = {r.decision.decision_maker for r in history.decided if r.region == region}
    return inside - {r.decision.decision_maker for r in history.decided if r.region != region}


def _beyond_no_effect(c: Comparison) -> bool:
    """The adjusted interval excludes no effect, on the harsh side: a ratio above 1, or a difference in steps
    above 0."""
    if c.adjusted is None:
        return False
    return c.adjusted.low > (0.0 if c.measure == "steps" else 1.0)


def _describe(found: list[Comparison]) -> str:
    return ", ".join(f"{c.attribute}={c.group} on {c.outcome} (p_adj {c.p_adjusted})" for c in found)


def test_without_bias_false_alarms_stay_within_the_error_rate():
    runs = len(NULL_SEEDS)
    # Runs with any false alarm are at most Binomial(runs, alpha) if the error rate holds: fail beyond its 99th
    # percentile.
    bound = int(binom.ppf(0.99, runs, ALPHA))
    alarms = {}
    for seed in NULL_SEEDS:
        history = synthetic_history(CASES, seed=seed)
        expected = expected_severity(history.records, history.scale)
        comparisons = compare(history.records, history.scale, alpha=ALPHA, expected=expected)
        found = [c for c in comparisons if c.reported and c.attribute != "body"]
        if found:
            alarms[seed] = _describe(found)
    detail = "\n".join(f"seed {seed}: {found}" for seed, found in alarms.items())
    assert len(alarms) <= bound, f"{len(alarms)} of {runs} runs had a false alarm (bound {bound}):\n{detail}"


def test_an_injected_bias_is_reported_for_its_group_and_no_other():
    missed, others = [], {}
    for seed in BIAS_SEEDS:
        history = synthetic_history(CASES, seed=seed, bias=BIAS)
        report = _analyse(history)
        target = (BIAS.attribute, BIAS.group)
        if not any((c.attribute, c.group) == target and _beyond_no_effect(c) for c in report.disparities):
            missed.append(seed)
        true = {target, *(("decision_maker", chair) for chair in _biased_chairs(history, BIAS.group))}
        found = [c for c in report.disparities if c.attribute != "body" and (c.attribute, c.group) not in true]
        if found:
            others[seed] = _describe(found)
    runs = len(BIAS_SEEDS)
    assert not missed, f"north-east not reported with an adjusted interval beyond no effect in seeds {missed}"
    detail = "\n".join(f"seed {seed}: {found}" for seed, found in others.items())
    assert len(others) < runs / 2, f"other groups reported in {len(others)} of {runs} seeds:\n{detail}"


def test_too_small_groups_are_marked_and_never_reported():
    # A bias strong enough to be reported at any size, on a region then declared too small to judge.
    history = synthetic_history(CASES, seed=7, bias=Bias("region", "north-east", 2, 1.0))
    min_group = sum(1 for r in history.records if r.region == "north-east") + 1
    report = _analyse(history, min_group=min_group)
    small = [c for c in report.comparisons if c.too_small]
    assert {c.outcome for c in small if (c.attribute, c.group) == ("region", "north-east")} == {
        "dismissed at triage",
        "suspended or expelled",
        "expelled",
        "days to decision",
        "sanction severity",
    }
    for c in small:
        assert not c.reported
        assert (c.value, c.raw, c.adjusted, c.p_value, c.p_adjusted) == (None, None, None, None, None)
    assert report.disparities == tuple(c for c in report.comparisons if c.reported)
    assert all(c.p_adjusted is not None and c.p_adjusted <= ALPHA for c in report.disparities)
    # At the ordinary minimum the same region is reported: it was left out for its size alone.
    plain = compare(history.records, history.scale, alpha=ALPHA)
    assert any(c.reported and (c.attribute, c.group) == ("region", "north-east") for c in plain)
