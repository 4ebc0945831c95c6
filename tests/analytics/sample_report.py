"""A realistic analysis report built by hand from the result dataclasses, for the tests of the charts, the HTML
report and the oversight page: the demo's pattern (ordinary members suspended for trivial conduct, office holders
let off) as the analysis would report it, with a too-small group and a body with too few decisions. Sanctions are
the example rulebook's ids, as the analytics report them."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

from fairhearing.analytics.results import (
    Comparison,
    ConsistencyIndex,
    Funnel,
    FunnelPoint,
    GuidelineDeparture,
    Interval,
    Outlier,
    Report,
)

NDP = "National Disputes Panel"
BRANCH = "Branch Executive"
REGIONAL = "Regional Office"


def funnel_limits() -> tuple[tuple[float, float, float, float, float], ...]:
    """Approximate limits for observed ÷ expected at the expected counts a funnel needs (normal approximation to
    the Poisson), with the upper limits at the smallest count left infinite, as a real analysis can."""
    rows = [(0.25, 0.0, 0.0, math.inf, math.inf)]
    for expected in (0.5, 1, 2, 3, 5, 8, 12, 18, 25, 35, 50):
        spread = 1 / math.sqrt(expected)
        rows.append(
            (
                float(expected),
                max(0.0, 1 - 3.09 * spread),
                max(0.0, 1 - 1.96 * spread),
                1 + 1.96 * spread,
                1 + 3.09 * spread,
            )
        )
    return tuple(rows)


# The example rulebook's sanction scale, mildest first, as a report carries it.
SANCTION_NAMES = {
    "no-action": "No further action",
    "advice": "Advice",
    "warning": "Warning",
    "final-warning": "Final warning",
    "suspension": "Suspension from membership",
    "expulsion": "Expulsion",
}


def comparisons() -> tuple[Comparison, ...]:
    """Every comparison, deliberately not in the order the report shows them (by attribute, then group)."""
    return (
        Comparison(
            attribute="office",
            group="senior office",
            outcome="suspended or expelled",
            measure="rate",
            cases=48,
            too_small=False,
            value=0.042,
            value_interval=Interval(0.042, 0.012, 0.140),
            reference_value=0.213,
            raw=Interval(0.16, 0.04, 0.68),
            adjusted=Interval(0.21, 0.05, 0.83),
            p_value=0.002,
            p_adjusted=0.011,
            reported=True,
        ),
        Comparison(
            attribute="region",
            group="Wales",
            outcome="suspended or expelled",
            measure="rate",
            cases=4,
            too_small=True,
        ),
        Comparison(
            attribute="region",
            group="North",
            outcome="suspended or expelled",
            measure="rate",
            cases=61,
            too_small=False,
            value=0.246,
            value_interval=Interval(0.246, 0.155, 0.367),
            reference_value=0.180,
            raw=Interval(1.49, 0.78, 2.84),
            adjusted=Interval(1.31, 0.66, 2.60),
            p_value=0.44,
            p_adjusted=0.62,
        ),
        Comparison(
            attribute="office",
            group="senior office",
            outcome="days to decision",
            measure="time",
            cases=48,
            too_small=False,
            value=41.0,
            reference_value=63.0,
            raw=Interval(0.68, 0.52, 0.89),
            adjusted=Interval(0.71, 0.54, 0.93),
            p_value=0.013,
            p_adjusted=0.035,
            reported=True,
        ),
        Comparison(
            attribute="region",
            group="London",
            outcome="suspended or expelled",
            measure="rate",
            cases=87,
            too_small=False,
            value=0.161,
            value_interval=Interval(0.161, 0.099, 0.251),
            reference_value=0.203,
            raw=Interval(0.75, 0.41, 1.38),
            adjusted=Interval(0.92, 0.49, 1.72),
            p_value=0.79,
            p_adjusted=0.84,
        ),
        # Sanction severity, in steps of the scale: office holders' sanctions sit below what their facts call for.
        Comparison(
            attribute="office",
            group="senior office",
            outcome="sanction severity",
            measure="steps",
            cases=48,
            too_small=False,
            value=1.1042,
            reference_value=2.3125,
            raw=Interval(-1.2083, -1.5214, -0.8952),
            adjusted=Interval(-0.3112, -0.4236, -0.1988),
            p_value=0.0001,
            p_adjusted=0.0012,
            reported=True,
        ),
        Comparison(
            attribute="region",
            group="North",
            outcome="sanction severity",
            measure="steps",
            cases=61,
            too_small=False,
            value=2.4426,
            reference_value=2.2668,
            raw=Interval(0.1758, -0.1204, 0.472),
            adjusted=Interval(0.0614, -0.1523, 0.2751),
            p_value=0.57,
            p_adjusted=0.71,
        ),
    )


def sample_report(**changes: Any) -> Report:
    all_comparisons = comparisons()
    report = Report(
        generated_at="2026-03-02T09:15:00+00:00",
        cases=300,
        decisions=212,
        assessed=187,
        settings={
            "alpha": 0.05,
            "min_group": 10,
            "precedents_shown": 3,
            "special_category": None,
            "sanction_names": dict(SANCTION_NAMES),
            "sanction_scale": list(SANCTION_NAMES),
        },
        model={
            "kind": "proportional-odds (cumulative logit), ridge-penalised, cross-fitted and trimmed",
            "features": ["guideline start", "seriousness", "aggravating", "mitigating", "allegations"],
            "folds": 5,
            "trim_tail": 0.02,
            "coefficients": {"guideline start": 1.8412, "seriousness": 0.4127},
            "converged": True,
        },
        outliers=(
            Outlier(
                case_ref="FH-2025-0042",
                body=BRANCH,
                year=2025,
                decided_on="2025-06-14",
                sanction="suspension",
                severity=4,
                expected="advice",
                direction="harsh",
                p_value=0.0004,
                p_adjusted=0.0031,
                precedents=("FH-2024-0107", "FH-2025-0013", "FH-2024-0090"),
                precedent_sanctions=("advice", "no-action", "warning"),
            ),
            Outlier(
                case_ref="FH-2025-0077",
                body=NDP,
                year=2025,
                decided_on="2025-09-02",
                sanction="no-action",
                severity=0,
                expected="suspension",
                direction="lenient",
                p_value=0.001,
                p_adjusted=0.0124,
                precedents=("FH-2024-0011", "FH-2025-0003"),
                precedent_sanctions=("suspension", "final-warning"),
            ),
        ),
        outside_guideline=(
            GuidelineDeparture(
                case_ref="FH-2025-0042",
                body=BRANCH,
                decided_on="2025-06-14",
                sanction="suspension",
                lowest="advice",
                highest="warning",
                direction="above",
                departure_reason="The member's post was widely shared.",
            ),
        ),
        indices=(
            ConsistencyIndex(BRANCH, 2025, 6, True, None, None, 0, None),
            ConsistencyIndex(NDP, None, 94, False, 0.61, 0.8, 14, 0.71),
            ConsistencyIndex("", None, 187, False, 0.68, 0.6, 31, 0.78),
            ConsistencyIndex(NDP, 2025, 51, False, 0.55, 0.9, 9, 0.66),
            ConsistencyIndex(BRANCH, None, 19, False, 0.72, 0.5, 4, 0.84),
            ConsistencyIndex(NDP, 2024, 43, False, 0.66, 0.7, 7, 0.77),
        ),
        disparities=tuple(c for c in all_comparisons if c.reported),
        comparisons=all_comparisons,
        funnels=(
            Funnel(
                attribute="body",
                outcome="suspended or expelled",
                points=(
                    FunnelPoint(BRANCH, 19, 9, 3.1, 9 / 3.1),
                    FunnelPoint(NDP, 94, 11, 19.6, 11 / 19.6),
                    FunnelPoint(REGIONAL, 74, 14, 13.8, 14 / 13.8),
                    FunnelPoint("Constitutional Committee", 2, 0, 0.0, 0.0),
                ),
                limits=funnel_limits(),
            ),
            Funnel(
                attribute="decision_maker",
                outcome="suspended or expelled",
                points=(
                    FunnelPoint("NDP panel A", 50, 5, 10.4, 5 / 10.4),
                    FunnelPoint("NDP panel B", 44, 6, 9.2, 6 / 9.2),
                    FunnelPoint("North branch panel", 12, 6, 2.0, 3.0),
                ),
                limits=funnel_limits(),
            ),
        ),
        notes=(
            "Appeal decisions are not included: each case counts once, at first instance.",
            "25 decisions were not assessed against the guideline and are left out of the model.",
        ),
    )
    return replace(report, **changes)


def stored(report: Report | None = None) -> dict[str, Any]:
    """The report as an AnalysisRun holds it: JSON, so tuples are lists and infinities are null."""

    def finite(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: finite(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [finite(v) for v in value]
        return value

    return json.loads(json.dumps(finite((report or sample_report()).as_dict()), allow_nan=False))
