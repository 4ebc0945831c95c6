"""Comparable past decisions, in words, beside the decision form (REQ 22).

Anonymised: each earlier case appears by its reference, year, body, clauses, the panel's assessment and factors, its
sanction and how alike it is - never a name and never the particulars written about it, which identify people as
surely as names do. The spread of their outcomes is the range of what like cases got, shown so the panel can see
where its own decision would sit, not an answer: the panel still decides on the facts and the guideline.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairhearing.analysis.precedent_lookup import precedents_for
from fairhearing.analytics.results import OutcomeSpread, Precedent
from fairhearing.cases.actions.intake_forms import clause_title
from fairhearing.cases.models import Case
from fairhearing.procedure.rulebook import Rulebook

HOW_MANY = 10
# The outcome bars are drawn in tenths of the whole by the stylesheet (`.spread-bar.bar-N`): the Content Security
# Policy allows no inline style to give a bar its exact width.
BAR_STEPS = 10


@dataclass(frozen=True)
class ComparableDecision:
    reference: str
    year: str
    body: str
    clauses: tuple[str, ...]
    culpability: str
    harm: str
    aggravating: tuple[str, ...]
    mitigating: tuple[str, ...]
    sanction: str
    similarity: int  # per cent


@dataclass(frozen=True)
class OutcomeCount:
    sanction: str
    count: int
    bar: int  # the share of the comparable decisions, in tenths


@dataclass(frozen=True)
class Comparables:
    decisions: tuple[ComparableDecision, ...]
    outcomes: tuple[OutcomeCount, ...]  # every sanction of the rulebook, mildest first, none left out
    lowest: str = ""
    highest: str = ""
    median: str = ""

    @property
    def references(self) -> list[str]:
        return [d.reference for d in self.decisions]

    @property
    def shown(self) -> str:
        """The references as the form carries them back, to tell whether the list changed while it was open."""
        return ",".join(self.references)


def comparables(case: Case, rb: Rulebook, k: int = HOW_MANY) -> Comparables:
    """The `k` decided cases most like this one, and how they were decided, named as the case's rulebook names
    things (an earlier case judged under another version may use an id this one lacks: it is shown as it is)."""
    found, spread = precedents_for(case, k)
    names = _Names(rb)
    return Comparables(
        decisions=tuple(_decision(p, names) for p in found),
        outcomes=_outcomes(spread, rb),
        lowest=names.sanction(spread.lowest) if spread else "",
        highest=names.sanction(spread.highest) if spread else "",
        median=names.sanction(spread.median) if spread else "",
    )


class _Names:
    def __init__(self, rb: Rulebook) -> None:
        g = rb.guidelines
        self.rb = rb
        self.sanctions = {s.id: s.name for s in rb.sanctions}
        self.culpability = {c.id: c.name for c in g.culpability}
        self.harm = {h.id: h.name for h in g.harm}
        self.factors = {f.id: f.name for f in (*g.aggravating, *g.mitigating)}

    def sanction(self, sanction_id: str) -> str:
        return self.sanctions.get(sanction_id, sanction_id)

    def clause(self, clause_id: str) -> str:
        return f"{clause_id} ({clause_title(self.rb, clause_id)})"

    def level(self, levels: dict[str, str], level_id: str) -> str:
        return f"{level_id} ({levels[level_id].lower()})" if level_id in levels else level_id

    def factors_of(self, ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.factors.get(f, f) for f in ids)


def _decision(p: Precedent, names: _Names) -> ComparableDecision:
    return ComparableDecision(
        reference=p.case_ref,
        year=p.decided_on[:4],
        body=p.body,
        clauses=tuple(names.clause(c) for c in p.clauses),
        culpability=names.level(names.culpability, p.culpability),
        harm=names.level(names.harm, p.harm),
        aggravating=names.factors_of(p.aggravating),
        mitigating=names.factors_of(p.mitigating),
        sanction=names.sanction(p.sanction),
        similarity=round(p.score * 100),
    )


def _outcomes(spread: OutcomeSpread | None, rb: Rulebook) -> tuple[OutcomeCount, ...]:
    """Every sanction of the rulebook, with none got shown as none: the empty steps are part of the range."""
    if spread is None:
        return ()
    total = sum(spread.counts.values())
    ordered = [s.id for s in rb.sanctions]
    ordered += [s for s in spread.counts if s not in ordered]
    names = {s.id: s.name for s in rb.sanctions}
    counts = [(s, spread.counts.get(s, 0)) for s in ordered]
    # A sanction any like case got keeps a visible bar, however small its share.
    return tuple(OutcomeCount(names.get(s, s), n, max(1, round(BAR_STEPS * n / total)) if n else 0) for s, n in counts)
