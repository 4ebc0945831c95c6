"""Sanction guidelines: culpability x harm gives a starting point and a range, as in sentencing practice."""

from __future__ import annotations

from dataclasses import dataclass

from fairhearing.procedure.rulebook import Body, Power, Rulebook


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


def power_needed(rulebook: Rulebook, sanction_id: str) -> Power:
    """The power a body needs to reach this outcome: the most severe sanction ends membership and needs 'expel';
    any other sanction needs 'sanction'; 'no action' needs only a hearing."""
    rank = rulebook.sanction_rank(sanction_id)
    if rank == len(rulebook.sanctions) - 1:
        return Power.EXPEL
    return Power.SANCTION if rank > 0 else Power.HEAR


def may_impose(body: Body, rulebook: Rulebook, sanction_id: str) -> bool:
    return body.has(Power.HEAR) and body.has(power_needed(rulebook, sanction_id))


def hearing_body_for(rulebook: Rulebook, body_in_charge: str, sanction_id: str) -> str:
    """The body that hears a case which may end in `sanction_id`: the body in charge if it has the power, else
    the first body in the rulebook that does (the case is transferred there, with that reason)."""
    if may_impose(rulebook.body(body_in_charge), rulebook, sanction_id):
        return body_in_charge
    for body in rulebook.bodies:
        if may_impose(body, rulebook, sanction_id):
            return body.id
    raise LookupError(f"no body in rulebook {rulebook.version} may impose {sanction_id!r}")
