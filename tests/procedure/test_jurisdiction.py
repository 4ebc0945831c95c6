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


clause_ids = st.sampled_from(["2.1", "2.2", "2.3", "2.4", "3.2", "4.1", "4.4", "5.2", "6.2", "7.3", "8.2", "8.4"])
office_ids = st.sampled_from(["mp", "national-officer", "councillor", "candidate", "branch-officer"])


@settings(max_examples=300)
@given(
    clauses=st.lists(clause_ids, min_size=1, max_size=3, unique=True),
    more_clauses=st.lists(clause_ids, max_size=2, unique=True),
    offices=st.lists(office_ids, max_size=2, unique=True),
    more_offices=st.lists(office_ids, max_size=2, unique=True),
)
def test_more_grounds_never_move_a_case_to_a_later_rule(example_rulebook, clauses, more_clauses, offices, more_offices):
    """Every condition asks 'any of these?' or 'at least this serious?', so adding an office or an allegation can
    only make more rules match: the case goes to the same rule or an earlier one, never a later one. Office holders
    cannot end up further down the list than an ordinary member with the same allegations."""
    rb = example_rulebook
    base = route(rb, clauses, offices)
    wider = route(rb, sorted({*clauses, *more_clauses}), sorted({*offices, *more_offices}))
    assert wider.rule_index <= base.rule_index
    assert base.body_id == rb.jurisdiction[base.rule_index].body
    assert rb.body(base.body_id).powers  # every route ends at a body that can act


@given(clauses=st.lists(clause_ids, min_size=1, max_size=4, unique=True))
def test_routing_does_not_depend_on_the_order_of_allegations(example_rulebook, clauses):
    assert route(example_rulebook, clauses) == route(example_rulebook, list(reversed(clauses)))
