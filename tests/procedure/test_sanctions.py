from __future__ import annotations

import pytest

from fairhearing.procedure.sanctions import guideline, within_range


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
