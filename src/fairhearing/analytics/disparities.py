"""Differences in outcomes between groups of respondents, raw and adjusted for the mix of cases.

Each group is compared with everyone else (one against the rest) on each outcome:

- dismissed at triage (among cases that were dismissed or decided), like cases = same seriousness;
- suspended or expelled, and expelled (among proven, assessed decisions), like cases = same guideline starting
  point;
- time from receipt to decision or dismissal, like cases = same seriousness and the same way of ending.

Decision-makers are compared only with others on the same body, and time only within the same body (except in
the comparison of bodies themselves): the rulebook gives bodies different powers and routes different cases to
them, and a chair of the national panel is not harsh for hearing the cases that may end in expulsion.

A rate is shown with its Wilson interval. The raw effect is the odds ratio against the rest; the adjusted effect
is the Mantel-Haenszel odds ratio pooled over strata of like cases, so a body that hears graver cases is not
called harsh for it. Time is compared on the log scale by least squares, with and without the strata. Every
comparison's adjusted p-value goes through a Benjamini-Hochberg correction, so that across all the groups and
outcomes looked at, the expected share of reported differences that are flukes stays at `alpha`; comparisons
between bodies form one family and those between people (respondents' groups, decision-makers) another. A group with
fewer than `min_group` cases is shown as too small to judge: no rate, no test, no place in any ranking.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import t as student_t
from statsmodels.stats.contingency_tables import StratifiedTable, Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from fairhearing.analytics.records import CaseRecord, Scale
from fairhearing.analytics.results import Comparison, Interval

GroupOf = Callable[[CaseRecord], Sequence[str]]


def _decision_body(r: CaseRecord) -> Sequence[str]:
    return [r.decision.body] if r.decision is not None else [r.body]


def _decision_maker(r: CaseRecord) -> Sequence[str]:
    return [r.decision.decision_maker] if r.decision is not None and r.decision.decision_maker else []


def _offices(r: CaseRecord) -> Sequence[str]:
    groups = sorted(r.offices)
    if r.offices:
        groups.append("any office")
    if r.senior:
        groups.append("senior office")
    return groups


ATTRIBUTES: dict[str, GroupOf] = {
    "region": lambda r: [r.region] if r.region else [],
    "body": _decision_body,
    "decision_maker": _decision_maker,
    "office": _offices,
    "special_category": lambda r: [r.special] if r.special else [],
}
# Groups within an attribute whose comparison population is every case with a known value of the attribute;
# for offices, that is everyone (holding no office is a value too).
EVERYONE_HAS = {"office"}


@dataclass(frozen=True)
class Outcome:
    name: str
    measure: str  # "rate", "time" or "steps"
    population: Callable[[CaseRecord], bool]
    value: Callable[[CaseRecord], float]
    stratum: Callable[[CaseRecord], Hashable]


def outcomes(scale: Scale) -> tuple[Outcome, ...]:
    def assessed(r: CaseRecord) -> bool:
        return r.decision is not None and r.decision.assessed

    def concluded(r: CaseRecord) -> bool:
        return r.concluded_on is not None

    def like_decisions(r: CaseRecord) -> Hashable:
        # The guideline starting point alone: finer strata (say, by the factors recorded) would leave a group
        # whose decisions all record some unusual combination of factors with nobody to be compared with.
        d = r.decision
        assert d is not None
        return d.guideline_start

    def days(r: CaseRecord) -> float:
        end = r.concluded_on
        assert end is not None
        return float(max(0, (end - r.received_on).days))

    return (
        Outcome(
            "dismissed at triage", "rate", concluded, lambda r: float(r.dismissed_at_triage), lambda r: r.seriousness
        ),
        Outcome(
            "suspended or expelled",
            "rate",
            assessed,
            lambda r: float(r.decision.severity >= scale.suspension_from),  # type: ignore[union-attr]
            like_decisions,
        ),
        Outcome(
            "expelled",
            "rate",
            assessed,
            lambda r: float(r.decision.severity >= scale.expulsion),  # type: ignore[union-attr]
            like_decisions,
        ),
        Outcome("days to decision", "time", concluded, days, lambda r: (r.seriousness, r.dismissed_at_triage)),
    )


def _severity_outcome(expected: Mapping[str, float]) -> Outcome:
    return Outcome(
        "sanction severity",
        "steps",
        lambda r: r.ref in expected and r.decision is not None and r.decision.assessed,
        lambda r: float(r.decision.severity),  # type: ignore[union-attr]
        lambda r: None,
    )


def _interval(estimate: float, low: float, high: float) -> Interval:
    return Interval(round(float(estimate), 4), round(float(low), 4), round(float(high), 4))


def _enough_events(tables: list[np.ndarray]) -> bool:
    """Mantel and Fleiss's (1980) criterion for the Mantel-Haenszel test: the group's expected number of events
    must sit at least 5 from both the fewest and the most it could have had, given the margins of each stratum.
    With fewer, as for a rare outcome in a small group, the test's p-values are too small and the comparison is
    left untested (its estimate is still shown)."""
    expected = lowest = highest = 0.0
    for t in tables:
        n1, m1, total = t[0].sum(), t[:, 0].sum(), t.sum()
        expected += n1 * m1 / total
        lowest += max(0.0, n1 - (total - m1))
        highest += min(n1, m1)
    return min(expected - lowest, highest - expected) >= 5


def _rate_comparison(base: Comparison, member: np.ndarray, y: np.ndarray, strata: list[Hashable]) -> Comparison:
    events, n = int(y[member].sum()), int(member.sum())
    rest_events, rest = int(y[~member].sum()), int((~member).sum())
    low, high = proportion_confint(events, n, alpha=0.05, method="wilson")
    raw_table = Table2x2(np.array([[events, n - events], [rest_events, rest - rest_events]]), shift_zeros=True)
    raw = _interval(raw_table.oddsratio, *raw_table.oddsratio_confint())
    tables = []
    by_stratum: dict[Hashable, list[int]] = defaultdict(list)
    for i, s in enumerate(strata):
        by_stratum[s].append(i)
    for rows in by_stratum.values():
        idx = np.array(rows)
        g, yy = member[idx], y[idx]
        table = np.array([[yy[g].sum(), g.sum() - yy[g].sum()], [yy[~g].sum(), (~g).sum() - yy[~g].sum()]], dtype=float)
        # A stratum tells something only if it holds both groups and both outcomes.
        if table.sum(axis=1).all() and table.sum(axis=0).all():
            tables.append(table)
    adjusted, p = None, None
    if tables:
        with np.errstate(divide="ignore", invalid="ignore"):
            if _enough_events(tables):
                p = float(StratifiedTable(tables).test_null_odds(correction=True).pvalue)
            pooled = StratifiedTable(tables)
            if not (np.isfinite(pooled.oddsratio_pooled) and pooled.oddsratio_pooled > 0):
                # Every like case in the group went one way: add half to each cell (Haldane) for a finite estimate.
                pooled = StratifiedTable([t + 0.5 for t in tables])
            adjusted = _interval(pooled.oddsratio_pooled, *pooled.oddsratio_pooled_confint())
    return replace(
        base,
        value=round(events / n, 4),
        value_interval=_interval(events / n, low, high),
        reference_value=round(rest_events / rest, 4),
        raw=raw,
        adjusted=adjusted,
        p_value=None if p is None or not np.isfinite(p) else p,
    )


def _group_effect(values: np.ndarray, member: np.ndarray, strata: list[Hashable]) -> tuple[float, float, float, float]:
    """The group's difference from the rest in mean `values`, within strata: least squares with a fixed effect
    per stratum, with HC3 (heteroscedasticity-robust, small-sample) errors and t intervals.
    (estimate, low, high, p-value).

    Fitting a term per stratum with statsmodels means a design matrix as wide as the strata are many - hundreds
    of decision-maker and body strata at national size, decomposed once per comparison. The same estimate comes
    from centring both variables within each stratum (Frisch-Waugh-Lovell), and the same HC3 errors once each
    observation's leverage counts its stratum's share (1 / stratum size) as well as the group term's; the tests
    check the two against statsmodels' full fit."""
    codes = np.unique(np.array([repr(s) for s in strata]), return_inverse=True)[1]
    counts = np.bincount(codes)

    def centred(v: np.ndarray) -> np.ndarray:
        return v - (np.bincount(codes, weights=v) / counts)[codes]

    g, v = centred(member.astype(float)), centred(values.astype(float))
    spread = float(g @ g)
    df = len(values) - len(counts) - 1
    if spread <= 0 or df <= 0:
        return math.nan, math.nan, math.nan, math.nan
    beta = float(g @ v) / spread
    residual = v - beta * g
    leverage = 1.0 / counts[codes] + g * g / spread
    # An observation alone in its stratum (leverage 1) says nothing about the group and has no residual.
    informative = leverage < 1 - 1e-12
    scaled = (g * residual)[informative] / (1 - leverage[informative])
    se = math.sqrt(float(scaled @ scaled)) / spread
    if se == 0:
        return beta, beta, beta, 0.0 if beta else 1.0
    margin = float(student_t.ppf(0.975, df)) * se
    return beta, beta - margin, beta + margin, float(2 * student_t.sf(abs(beta / se), df))


def _time_comparison(base: Comparison, member: np.ndarray, y: np.ndarray, strata: list[Hashable]) -> Comparison:
    # On the log scale a difference is a ratio: "their cases took 1.4 times as long".
    logs = np.log1p(y)
    raw = _group_effect(logs, member, [None] * len(y))
    adjusted = _group_effect(logs, member, strata)
    return replace(
        base,
        value=float(np.median(y[member])),
        reference_value=float(np.median(y[~member])),
        raw=_interval(*np.exp(raw[:3])),
        adjusted=_interval(*np.exp(adjusted[:3])),
        p_value=adjusted[3] if np.isfinite(adjusted[3]) else None,
    )


def _steps_comparison(
    base: Comparison, member: np.ndarray, y: np.ndarray, residual: np.ndarray, strata: list[Hashable]
) -> Comparison:
    # Raw: the difference in mean severity, in steps of the sanction scale. Adjusted: the difference in how far
    # each decision sits above what the ordinal model expects from its legitimate facts.
    raw = _group_effect(y, member, [None] * len(y))
    adjusted = _group_effect(residual, member, strata)
    return replace(
        base,
        value=round(float(y[member].mean()), 4),
        reference_value=round(float(y[~member].mean()), 4),
        raw=_interval(*raw[:3]),
        adjusted=_interval(*adjusted[:3]),
        p_value=adjusted[3] if np.isfinite(adjusted[3]) else None,
    )


def _also_alike(attribute: str, outcome: Outcome, r: CaseRecord) -> tuple[str, ...]:
    """What else like cases must share for this comparison. A decision-maker is compared with others sitting on
    the same body, since bodies differ in powers and in the cases routed to them. Time to decision depends on
    the body that hears a case, which the rulebook sets (offices route cases to national bodies, for one), so
    time is compared within bodies too - except between bodies, which is the comparison itself."""
    if attribute == "decision_maker" or (outcome.measure == "time" and attribute != "body"):
        return tuple(_decision_body(r))
    return ()


def _family(c: Comparison) -> str:
    """Bodies differ by design - in their powers, and in the cases the rulebook routes to them - so comparisons
    between bodies are corrected among themselves. Were they in one correction with the comparisons of people
    (respondents' groups and decision-makers), their many true differences would loosen the bar for the rest."""
    return "bodies" if c.attribute == "body" else "people"


def compare(
    records: Sequence[CaseRecord],
    scale: Scale,
    *,
    alpha: float = 0.05,
    min_group: int = 10,
    expected: Mapping[str, float] | None = None,
) -> list[Comparison]:
    """Every comparison made, in a fixed order (attribute, group, outcome) - never ranked by effect.

    With `expected` (each assessed decision's expected severity under the ordinal model, by case reference),
    severity itself is compared too, in steps of the scale: the most sensitive measure, since a group treated a
    step harsher shows there even where no step crosses into suspension."""
    comparisons: list[Comparison] = []
    steps = () if expected is None else (_severity_outcome(expected),)
    for outcome in (*outcomes(scale), *steps):
        population = [r for r in records if outcome.population(r)]
        for attribute, group_of in ATTRIBUTES.items():
            groups_of = [group_of(r) for r in population]
            known = [r for r, g in zip(population, groups_of, strict=True) if g or attribute in EVERYONE_HAS]
            known_groups = [g for g in groups_of if g or attribute in EVERYONE_HAS]
            names = sorted({name for g in known_groups for name in g})
            if len(known) < 2 * min_group or (len(names) < 2 and attribute not in EVERYONE_HAS):
                continue
            y = np.array([outcome.value(r) for r in known])
            strata = [(outcome.stratum(r), *_also_alike(attribute, outcome, r)) for r in known]
            for name in names:
                member = np.array([name in g for g in known_groups])
                base = Comparison(attribute, name, outcome.name, outcome.measure, int(member.sum()), True)
                if member.sum() < min_group or (~member).sum() < min_group:
                    comparisons.append(base)
                    continue
                base = replace(base, too_small=False)
                if outcome.measure == "rate":
                    comparisons.append(_rate_comparison(base, member, y, strata))
                elif outcome.measure == "time":
                    comparisons.append(_time_comparison(base, member, y, strata))
                else:
                    assert expected is not None
                    residual = y - np.array([expected[r.ref] for r in known])
                    alike = [_also_alike(attribute, outcome, r) for r in known]
                    comparisons.append(_steps_comparison(base, member, y, residual, alike))
    for family in ("bodies", "people"):
        tested = [i for i, c in enumerate(comparisons) if c.p_value is not None and _family(c) == family]
        if not tested:
            continue
        reject, adjusted, *_ = multipletests([comparisons[i].p_value for i in tested], alpha=alpha, method="fdr_bh")
        for i, r, q in zip(tested, reject, adjusted, strict=True):
            comparisons[i] = replace(comparisons[i], p_adjusted=float(f"{q:.3g}"), reported=bool(r))
    comparisons.sort(key=lambda c: (c.attribute, c.group, c.outcome))
    return comparisons
