from __future__ import annotations

import pytest

from fairhearing.procedure.rulebook import Power
from fairhearing.procedure.sanctions import guideline, hearing_body_for, may_impose, power_needed, within_range


def test_guideline_gives_starting_point_and_range(example_rulebook):
    g = guideline(example_rulebook, "A", "1")
    assert (g.starting_point, g.lowest, g.highest) == ("expulsion", "suspension", "expulsion")
    g = guideline(example_rulebook, "C", "3")
    assert (g.starting_point, g.lowest, g.highest) == ("advice", "no-action", "warning")


def test_within_range_uses_the_sanction_order(example_rulebook):
    g = guideline(example_rulebook, "C", "3")
    assert within_range(example_rulebook, g, "no-action")
    assert within_range(example_rulebook, g, "warning")
    assert not within_range(example_rulebook, g, "suspension")
    assert not within_range(example_rulebook, guideline(example_rulebook, "A", "1"), "no-action")


def test_unknown_assessment_is_refused(example_rulebook):
    with pytest.raises(KeyError, match="culpability 'Z'"):
        guideline(example_rulebook, "Z", "1")


def test_each_outcome_needs_its_power(example_rulebook):
    rb = example_rulebook
    assert power_needed(rb, "expulsion") == Power.EXPEL
    assert power_needed(rb, "suspension") == Power.SANCTION
    assert power_needed(rb, "no-action") == Power.HEAR
    assert may_impose(rb.body("constitutional-committee"), rb, "expulsion")
    assert not may_impose(rb.body("national-disputes-panel"), rb, "expulsion")
    assert not may_impose(rb.body("complaints-unit"), rb, "no-action")  # it cannot hold hearings at all


def test_a_case_is_heard_by_a_body_with_the_power_needed(example_rulebook):
    rb = example_rulebook
    assert hearing_body_for(rb, "regional-office", "warning") == "regional-office"
    assert hearing_body_for(rb, "regional-office", "expulsion") == "constitutional-committee"
    assert hearing_body_for(rb, "complaints-unit", "no-action") == "national-disputes-panel"


def test_no_body_with_the_power_is_refused(example_rulebook):
    bodies = tuple(b.model_copy(update={"powers": b.powers - {Power.EXPEL}}) for b in example_rulebook.bodies)
    rb = example_rulebook.model_copy(update={"bodies": bodies})
    with pytest.raises(LookupError, match=r"no body in rulebook 2022\.1 may impose 'expulsion'"):
        hearing_body_for(rb, "regional-office", "expulsion")
