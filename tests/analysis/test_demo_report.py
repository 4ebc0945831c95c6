"""The issue's demonstration: on the demo organisation the analysis finds the pattern the demo was built with.

The demo's history holds ordinary members suspended for trivial conduct and senior office holders whose graver
conduct met no action (`fairhearing.demo.plan`, tagged there and nowhere a user can see). Built at the size
`fairhearing demo` uses, loaded from the database as the scheduled job loads it, the report must flag those
decisions as outliers in the right direction, leave the ordinary consistent decisions alone, and show office
holding as a disparity after allowing for the facts of the cases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fairhearing.analysis.loading import case_records, current_scale
from fairhearing.analytics.analyse import run_analysis
from fairhearing.demo.build import build_demo

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


def test_the_demo_pattern_is_flagged_and_office_holding_shows_as_a_disparity(example_source):
    # One test, because building the demo at full size takes most of a minute.
    plan, _ = build_demo(example_source, seed=1, today=TODAY, members=5000, cases=300)
    report = run_analysis(case_records(), current_scale(), now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    decided = {c.reference: c for c in plan.cases if any(d.kind == "first_instance" for d in c.decisions)}
    pattern = {ref: c.pattern for ref, c in decided.items() if c.pattern}
    flagged = {o.case_ref: o.direction for o in report.outliers}
    assert len(pattern) >= 16
    # Every minor-conduct suspension and every unsanctioned senior office holder, in the right direction...
    assert {ref: flagged.get(ref) for ref in pattern} == pattern
    # ...and no ordinary decision.
    assert set(flagged) == set(pattern)
    # Each stands out against like cases decided otherwise, which are named.
    for outlier in report.outliers:
        assert outlier.precedents and not set(outlier.precedents) & set(pattern)
        assert outlier.p_adjusted <= 0.05
    # The guideline check sees them too.
    assert {g.case_ref for g in report.outside_guideline} == set(pattern)

    # Office holding shows as a disparity once like cases are compared with like.
    office = [c for c in report.disparities if c.attribute == "office" and c.outcome != "days to decision"]
    assert office, [(c.attribute, c.group, c.outcome) for c in report.disparities]
    for c in office:
        assert c.adjusted is not None
        # More lenient: lower odds of suspension, or sanctions below what the facts call for.
        assert c.adjusted.high < (0 if c.measure == "steps" else 1)
    assert {"senior office", "any office"} & {c.group for c in office}
