"""The facts the analytics work on: one record per case, and its first-instance decision if there is one.

Only what the statistics need, and nothing that names a person: the respondent appears as the region, the
offices held at the time of the conduct and (when oversight chose to include it) one self-declared attribute
held as special-category data. That attribute is used for group comparisons only and never leaves in a
per-case result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DecisionRecord:
    """A first-instance decision. `severity` is the sanction's rank in the rulebook (0 = no action)."""

    decided_on: date
    body: str
    decision_maker: str
    proven: bool
    sanction: str
    severity: int
    culpability: str = ""
    harm: str = ""
    aggravating: frozenset[str] = frozenset()
    mitigating: frozenset[str] = frozenset()
    guideline_start: int | None = None
    guideline_lowest: int | None = None
    guideline_highest: int | None = None
    departure_reason: str = ""

    @property
    def assessed(self) -> bool:
        """Proven and assessed against the guideline: the decisions whose sanction the model explains."""
        return self.proven and bool(self.culpability) and bool(self.harm) and self.guideline_start is not None


@dataclass(frozen=True)
class CaseRecord:
    ref: str
    received_on: date
    body: str
    region: str
    clauses: tuple[str, ...]
    categories: frozenset[str]
    seriousness: int
    text: str
    offices: frozenset[str] = frozenset()
    senior: bool = False
    dismissed_at_triage: bool = False
    dismissed_on: date | None = None
    decision: DecisionRecord | None = None
    special: str | None = field(default=None, repr=False)
    # The conduct category of the first allegation: the one category a case is counted under in published tables.
    category: str = ""

    @property
    def concluded_on(self) -> date | None:
        """When the case was decided or dismissed: the end of the 'time to decision'."""
        if self.decision is not None:
            return self.decision.decided_on
        return self.dismissed_on if self.dismissed_at_triage else None


@dataclass(frozen=True)
class Scale:
    """The rulebook's ordered sanctions and what the analytics call each step."""

    sanctions: tuple[str, ...]
    names: tuple[str, ...]
    suspension_from: int
    expulsion: int

    def name(self, severity: int) -> str:
        return self.names[severity]
