"""Routing by the published jurisdiction rules: first match wins, the reason is recorded, nobody is exempt."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairhearing.procedure.jurisdiction import case_seriousness, route


@pytest.mark.parametrize(
    ("clauses", "offices", "body", "rule"),
    [
        (["2.1"], [], "branch-executive", 6),  # minor, ordinary member: resolved locally
        (["2.1"], ["mp"], "national-disputes-panel", 1),  # the same conduct by an MP goes national
        (["2.1"], ["councillor"], "regional-office", 5),
        (["2.4"], [], "complaints-unit", 2),  # harassment: trained central investigators
        (["6.2"], [], "national-disputes-panel", 3),  # confidentiality
        (["8.2"], [], "regional-office", 4),  # serious
        (["2.5"], [], "constitutional-committee", 0),  # grave: could end in expulsion
        (["4.3"], ["mp"], "constitutional-committee", 0),  # grave beats office: the first match wins
        (["2.1", "2.3"], [], "constitutional-committee", 0),  # a case is as serious as its gravest clause
    ],
)
def test_routing(example_rulebook, clauses, offices, body, rule):
    routing = route(example_rulebook, clauses, offices)
    assert (routing.body_id, routing.rule_index) == (body, rule)
    # The recorded reason quotes the published rule and says which one it was.
    assert example_rulebook.jurisdiction[rule].reason.rstrip(".") in routing.reason
    assert f"jurisdiction rule {rule + 1}" in routing.reason


def test_seriousness_is_that_of_the_gravest_clause(example_rulebook):
    assert case_seriousness(example_rulebook, ["2.1"]) == "minor"
    assert case_seriousness(example_rulebook, ["2.1", "5.1", "8.3"]) == "serious"


def test_unknown_clause_or_no_clause_is_refused(example_rulebook):
    with pytest.raises(ValueError, match=r"no clause '99\.9'"):
        route(example_rulebook, ["99.9"], [])
    with pytest.raises(ValueError, match="at least one alleged clause"):
        route(example_rulebook, [], [])


@settings(max_examples=200)
@given(data=st.data())
def test_every_case_is_routed_by_a_published_rule(example_rulebook, data):
    rb = example_rulebook
    clauses = data.draw(st.lists(st.sampled_from([c.id for c in rb.clauses]), min_size=1, max_size=4, unique=True))
    offices = data.draw(st.lists(st.sampled_from([o.id for o in rb.offices]), max_size=3, unique=True))
    routing = route(rb, clauses, offices)
    rule = rb.jurisdiction[routing.rule_index]
    assert rule.body == routing.body_id
    # No earlier rule matched: re-routing with the earlier rules alone fails to match.
    for earlier in rb.jurisdiction[: routing.rule_index]:
        assert not (
            (not earlier.clauses or set(earlier.clauses) & set(clauses))
            and (not earlier.categories or {rb.clause(c).category for c in clauses} & set(earlier.categories))
            and (not earlier.offices or set(earlier.offices) & set(offices))
            and (
                earlier.min_seriousness is None
                or rb.seriousness_rank(routing.seriousness) >= rb.seriousness_rank(earlier.min_seriousness)
            )
        )
