"""What an analysis finds, as plain data: the JSON report, the oversight page and the alerts all read these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class Precedent:
    case_ref: str
    score: float
    structured: float
    text: float
    decided_on: str
    body: str
    clauses: tuple[str, ...]
    culpability: str
    harm: str
    aggravating: tuple[str, ...]
    mitigating: tuple[str, ...]
    sanction: str
    severity: int


@dataclass(frozen=True)
class OutcomeSpread:
    """How the top precedents were decided: counts per sanction, in the rulebook's order."""

    counts: dict[str, int]
    lowest: str
    highest: str
    median: str


@dataclass(frozen=True)
class Outlier:
    case_ref: str
    body: str
    year: int
    decided_on: str
    sanction: str
    severity: int
    expected: str  # the most likely sanction for a case with these facts, under the model
    direction: str  # "harsh" or "lenient"
    p_value: float  # the chance, under the model, of an outcome at least this far in this direction
    p_adjusted: float  # Benjamini-Hochberg adjusted across every decision and both directions
    precedents: tuple[str, ...]  # refs of the most similar like cases, which were decided otherwise
    precedent_sanctions: tuple[str, ...]


@dataclass(frozen=True)
class GuidelineDeparture:
    case_ref: str
    body: str
    decided_on: str
    sanction: str
    lowest: str
    highest: str
    direction: str  # "above" or "below" the range
    departure_reason: str


@dataclass(frozen=True)
class ConsistencyIndex:
    body: str  # "" for the whole organisation
    year: int | None  # None for all years
    decisions: int
    too_few: bool
    explained_share: float | None  # share of the variation in severity the legitimate factors explain
    like_case_spread: float | None  # mean absolute difference, in sanction steps, within groups of like cases
    like_case_groups: int
    neighbour_agreement: float | None  # 1 - mean gap to the five nearest decisions, as a share of the scale


@dataclass(frozen=True)
class Comparison:
    """One group against everyone else on one outcome."""

    attribute: str
    group: str
    outcome: str
    measure: str  # "rate", "time" or "steps"
    cases: int
    too_small: bool
    value: float | None = None  # rate, median days, or mean severity in steps
    value_interval: Interval | None = None  # Wilson interval for a rate
    reference_value: float | None = None
    # Rates: odds ratio. Time: ratio of geometric means. Steps: difference in mean severity.
    raw: Interval | None = None
    # Rates: Mantel-Haenszel odds ratio over like cases. Time: ratio within like cases. Steps: difference in
    # severity above what the ordinal model expects from the legitimate facts.
    adjusted: Interval | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    reported: bool = False


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    decisions: int
    observed: int
    expected: float
    ratio: float


@dataclass(frozen=True)
class Funnel:
    """Observed against expected sanctions of suspension or more, adjusted for case mix, for each unit."""

    attribute: str  # "body" or "decision_maker"
    outcome: str
    points: tuple[FunnelPoint, ...]
    limits: tuple[tuple[float, float, float, float, float], ...]  # expected, low 99.8%, low 95%, high 95%, high 99.8%


@dataclass(frozen=True)
class Report:
    generated_at: str
    cases: int
    decisions: int
    assessed: int
    settings: dict[str, Any]
    model: dict[str, Any]
    outliers: tuple[Outlier, ...]
    outside_guideline: tuple[GuidelineDeparture, ...]
    indices: tuple[ConsistencyIndex, ...]
    disparities: tuple[Comparison, ...]  # the reported ones
    comparisons: tuple[Comparison, ...]  # every comparison made, reported or not, too small ones included
    funnels: tuple[Funnel, ...]
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
