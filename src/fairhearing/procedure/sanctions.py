"""Sanction guidelines: culpability x harm gives a starting point and a range, as in sentencing practice."""

from __future__ import annotations

from dataclasses import dataclass

from fairhearing.procedure.rulebook import Rulebook


@dataclass(frozen=True)
class GuidelineResult:
    culpability: str
    harm: str
    starting_point: str
    lowest: str
    highest: str


def guideline(rulebook: Rulebook, culpability: str, harm: str) -> GuidelineResult:
    cell = rulebook.guidelines.cell(culpability, harm)
    return GuidelineResult(culpability, harm, cell.starting_point, cell.range[0], cell.range[1])


def within_range(rulebook: Rulebook, result: GuidelineResult, sanction_id: str) -> bool:
    rank = rulebook.sanction_rank(sanction_id)
    return rulebook.sanction_rank(result.lowest) <= rank <= rulebook.sanction_rank(result.highest)
