"""One run of the whole analysis: outliers, guideline departures, consistency indices, disparities and funnels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from scipy.stats import poisson
from statsmodels.stats.multitest import multipletests

from fairhearing.analytics import features, ordinal
from fairhearing.analytics.disparities import compare
from fairhearing.analytics.indices import consistency_indices, like_case_gaps, neighbour_gaps
from fairhearing.analytics.precedents import PrecedentIndex
from fairhearing.analytics.records import CaseRecord, Scale
from fairhearing.analytics.results import (
    Funnel,
    FunnelPoint,
    GuidelineDeparture,
    Outlier,
    Report,
)

PRECEDENTS_SHOWN = 5
# Fewer assessed decisions than this and no model is fitted: there is too little to say what is usual.
MIN_DECISIONS = 30


def guideline_departures(records: Sequence[CaseRecord], scale: Scale) -> list[GuidelineDeparture]:
    out = []
    for r in records:
        d = r.decision
        if d is None or not d.assessed or d.guideline_lowest is None or d.guideline_highest is None:
            continue
        if d.guideline_lowest <= d.severity <= d.guideline_highest:
            continue
        out.append(
            GuidelineDeparture(
                case_ref=r.ref,
                body=d.body,
                decided_on=d.decided_on.isoformat(),
                sanction=d.sanction,
                lowest=scale.sanctions[d.guideline_lowest],
                highest=scale.sanctions[d.guideline_highest],
                direction="above" if d.severity > d.guideline_highest else "below",
                departure_reason=d.departure_reason,
            )
        )
    return sorted(out, key=lambda g: (g.decided_on, g.case_ref))


def _outliers(
    decided: Sequence[CaseRecord],
    y: np.ndarray,
    fitted: ordinal.CrossFitted,
    index: PrecedentIndex,
    scale: Scale,
    alpha: float,
) -> list[Outlier]:
    # One two-sided p-value per decision (twice the smaller tail), then one Benjamini-Hochberg correction across
    # every decision: the expected share of flags that are flukes stays at alpha.
    two_sided = np.minimum(1.0, 2 * np.minimum(fitted.harsh, fitted.lenient))
    reject, adjusted, *_ = multipletests(two_sided, alpha=alpha, method="fdr_bh")
    flagged = {decided[i].ref for i in np.flatnonzero(reject)}
    out = []
    for i in np.flatnonzero(reject):
        r = decided[i]
        d = r.decision
        assert d is not None
        harsh = fitted.harsh[i] < fitted.lenient[i]
        # The like cases that make it stand out: the most similar decisions not themselves flagged.
        like = [p for p in index.search(r, PRECEDENTS_SHOWN * 4, exclude=r.ref) if p.case_ref not in flagged]
        like = like[:PRECEDENTS_SHOWN]
        out.append(
            Outlier(
                case_ref=r.ref,
                body=d.body,
                year=d.decided_on.year,
                decided_on=d.decided_on.isoformat(),
                sanction=d.sanction,
                severity=d.severity,
                expected=scale.sanctions[int(np.argmax(fitted.probabilities[i]))],
                direction="harsh" if harsh else "lenient",
                p_value=float(f"{min(fitted.harsh[i], fitted.lenient[i]):.3g}"),
                p_adjusted=float(f"{adjusted[i]:.3g}"),
                precedents=tuple(p.case_ref for p in like),
                precedent_sanctions=tuple(p.sanction for p in like),
            )
        )
    return sorted(out, key=lambda o: (o.p_adjusted, o.case_ref))


def _funnel(
    attribute: str, decided: Sequence[CaseRecord], y: np.ndarray, expected_events: np.ndarray, scale: Scale
) -> Funnel:
    observed: dict[str, int] = defaultdict(int)
    expected: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for i, r in enumerate(decided):
        d = r.decision
        assert d is not None
        label = d.body if attribute == "body" else d.decision_maker
        if not label:
            continue
        observed[label] += int(y[i] >= scale.suspension_from)
        expected[label] += float(expected_events[i])
        count[label] += 1
    points = tuple(
        FunnelPoint(
            label,
            count[label],
            observed[label],
            round(expected[label], 3),
            round(observed[label] / expected[label], 4) if expected[label] > 0 else 0.0,
        )
        for label in sorted(count)
    )
    limits = []
    positive = [p.expected for p in points if p.expected > 0]
    if positive:
        for e in np.geomspace(max(min(positive) * 0.8, 0.5), max(positive) * 1.2, 40):
            low3, low2, high2, high3 = (poisson.ppf(q, e) / e for q in (0.001, 0.025, 0.975, 0.999))
            limits.append(tuple(round(float(v), 4) for v in (e, low3, low2, high2, high3)))
    return Funnel(attribute, "suspended or expelled", points, tuple(limits))  # type: ignore[arg-type]


def assessed(records: Sequence[CaseRecord]) -> list[CaseRecord]:
    return [r for r in records if r.decision is not None and r.decision.assessed]


def _expected(decided: Sequence[CaseRecord], fitted: ordinal.CrossFitted) -> dict[str, float]:
    expected = fitted.probabilities @ np.arange(fitted.probabilities.shape[1])
    return {r.ref: float(e) for r, e in zip(decided, expected, strict=True)}


def expected_severity(records: Sequence[CaseRecord], scale: Scale) -> dict[str, float] | None:
    """Each assessed decision's expected severity under the cross-fitted model, by case reference - what the
    severity comparisons of `disparities.compare` measure against. None when there are too few decisions."""
    decided = assessed(records)
    if len(decided) < MIN_DECISIONS:
        return None
    y = np.array([r.decision.severity for r in decided])  # type: ignore[union-attr]
    return _expected(decided, ordinal.cross_fitted(features.matrix(decided), y, len(scale.sanctions)))


def run_analysis(
    records: Sequence[CaseRecord],
    scale: Scale,
    *,
    now: datetime,
    alpha: float = 0.05,
    min_group: int = 10,
) -> Report:
    decided = assessed(records)
    index = PrecedentIndex(decided, scale)
    size = len(scale.sanctions)
    notes = [
        "First-instance decisions only: an appeal asks a different question (was the decision wrong?).",
        "The model explains sanctions by the guideline starting point, seriousness, the number of allegations and "
        "the balance of aggravating and mitigating factors - never by who the respondent is.",
    ]
    unassessed = sum(1 for r in records if r.decision is not None and not r.decision.assessed)
    if unassessed:
        notes.append(f"{unassessed} decision(s) found nothing proven or recorded no assessment; they are not modelled.")
    outliers: list[Outlier] = []
    indices = []
    funnels: list[Funnel] = []
    expected_by_ref: dict[str, float] | None = None
    model: dict[str, object] = {
        "kind": "proportional-odds (cumulative logit), ridge-penalised, cross-fitted and trimmed",
        "features": list(features.COLUMNS),
        "folds": ordinal.FOLDS,
        "trim_tail": ordinal.TRIM_TAIL,
        "penalty": ordinal.PENALTY,
    }
    if len(decided) >= MIN_DECISIONS:
        x = features.matrix(decided)
        y = np.array([r.decision.severity for r in decided])  # type: ignore[union-attr]
        fitted = ordinal.cross_fitted(x, y, size)
        whole = ordinal.fit_trimmed(x, y, size)
        model.update(
            {
                "coefficients": dict(zip(features.COLUMNS, (round(float(b), 4) for b in whole.beta), strict=True)),
                "trimmed_while_fitting": fitted.trimmed,
                "converged": fitted.converged,
            }
        )
        outliers = _outliers(decided, y, fitted, index, scale, alpha)
        expected_by_ref = _expected(decided, fitted)
        expected = np.array([expected_by_ref[r.ref] for r in decided])
        indices = consistency_indices(
            decided,
            y,
            expected,
            like_case_gaps(decided, y),
            neighbour_gaps(x, y, size),
            min_group=min_group,
        )
        events = fitted.probabilities[:, scale.suspension_from :].sum(axis=1)
        funnels = [_funnel(a, decided, y, events, scale) for a in ("body", "decision_maker")]
    else:
        notes.append(
            f"Only {len(decided)} assessed decision(s): at least {MIN_DECISIONS} are needed before the model, the "
            "outliers and the indices mean anything."
        )
    comparisons = compare(records, scale, alpha=alpha, min_group=min_group, expected=expected_by_ref)
    return Report(
        generated_at=now.isoformat(),
        cases=len(records),
        decisions=sum(1 for r in records if r.decision is not None),
        assessed=len(decided),
        settings={
            "alpha": alpha,
            "min_group": min_group,
            "precedents_shown": PRECEDENTS_SHOWN,
            "sanction_names": dict(zip(scale.sanctions, scale.names, strict=True)),
            # The order of the scale, as a list: a JSON object's keys keep no order once stored (PostgreSQL's
            # jsonb sorts them), so the names alone cannot say which sanction is milder.
            "sanction_scale": list(scale.sanctions),
        },
        model=model,
        outliers=tuple(outliers),
        outside_guideline=tuple(guideline_departures(records, scale)),
        indices=tuple(indices),
        disparities=tuple(c for c in comparisons if c.reported),
        comparisons=tuple(comparisons),
        funnels=tuple(funnels),
        notes=tuple(notes),
    )
