"""Jurisdiction: which body is in charge of a case, by the rulebook's published routing rules.

Office holders and ordinary members go through the same rules; the reason for the choice is returned so that it
can be recorded on the case, and nobody has to guess why a case went where it went.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from fairhearing.procedure.rulebook import JurisdictionRule, Rulebook


@dataclass(frozen=True)
class Routing:
    body_id: str
    reason: str
    rule_index: int
    seriousness: str


def case_seriousness(rulebook: Rulebook, clause_ids: Collection[str]) -> str:
    """A case is as serious as the most serious clause alleged."""
    if not clause_ids:
        raise ValueError("a case needs at least one alleged clause")
    return max((rulebook.clause(c).seriousness for c in clause_ids), key=rulebook.seriousness_rank)


def _matches(
    rulebook: Rulebook, rule: JurisdictionRule, clause_ids: Collection[str], offices: Collection[str], seriousness: str
) -> bool:
    if rule.clauses and not set(rule.clauses) & set(clause_ids):
        return False
    if rule.categories and not {rulebook.clause(c).category for c in clause_ids} & set(rule.categories):
        return False
    if rule.offices and not set(rule.offices) & set(offices):
        return False
    return rule.min_seriousness is None or (
        rulebook.seriousness_rank(seriousness) >= rulebook.seriousness_rank(rule.min_seriousness)
    )


def route(rulebook: Rulebook, clause_ids: Collection[str], offices: Collection[str] = ()) -> Routing:
    """The first matching rule wins; a valid rulebook always ends with a rule that matches every case."""
    unknown = [c for c in clause_ids if c not in {cl.id for cl in rulebook.clauses}]
    if unknown:
        raise ValueError(f"rulebook {rulebook.version} has no clause {', '.join(map(repr, unknown))}")
    seriousness = case_seriousness(rulebook, clause_ids)
    for index, rule in enumerate(rulebook.jurisdiction):
        if _matches(rulebook, rule, clause_ids, offices, seriousness):
            return Routing(
                body_id=rule.body,
                reason=f"{rule.reason.rstrip('.')} (rulebook {rulebook.version}, jurisdiction rule {index + 1}).",
                rule_index=index,
                seriousness=seriousness,
            )
    raise LookupError(f"rulebook {rulebook.version} has no jurisdiction rule matching this case")
