"""The demo plan: deterministic, realistic, and containing the pattern fairhearing exists to expose."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from fairhearing.demo.plan import SENIOR_OFFICES, plan_demo
from fairhearing.procedure.sanctions import within_range
from fairhearing.procedure.stages import Stage

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def plan(example_rulebook):
    return plan_demo(example_rulebook, seed=7, today=TODAY, members=1500, cases=160)


def test_same_seed_and_date_give_the_same_organisation(example_rulebook, plan):
    again = plan_demo(example_rulebook, seed=7, today=TODAY, members=1500, cases=160)
    assert again == plan


def test_another_seed_gives_another_organisation(example_rulebook, plan):
    other = plan_demo(example_rulebook, seed=8, today=TODAY, members=1500, cases=160)
    assert [m.name for m in other.members] != [m.name for m in plan.members]
    assert [c.received_at for c in other.cases] != [c.received_at for c in plan.cases]


def test_sizes_are_as_asked(plan):
    assert len(plan.members) == 1500
    assert len(plan.cases) == 160
    assert len({m.number for m in plan.members}) == 1500
    assert len({c.reference for c in plan.cases}) == 160
    assert len(plan.regions) >= 5


def test_every_stage_appears(plan):
    assert {c.stage for c in plan.cases} == set(Stage)


def test_every_outcome_appears(plan, example_rulebook):
    outcomes = {d.sanction for c in plan.cases for d in c.decisions}
    assert outcomes == {s.id for s in example_rulebook.sanctions}


def test_history_is_chronological_and_never_in_the_future(plan, example_rulebook):
    for case in plan.cases:
        times = [e.at for e in case.events]
        assert times == sorted(times), case.reference
        assert case.events[0].at == case.received_at
        assert all(t.date() <= TODAY for t in times), case.reference
        for allegation in case.allegations:
            # Every conduct date has a rulebook version in force, and precedes the complaint.
            assert example_rulebook.effective_from <= allegation.conduct_date <= case.received_at.date()
        stage_changes = [e for e in case.events if e.stage_to]
        assert stage_changes[-1].stage_to == case.stage.value, case.reference


def test_routing_follows_the_published_rules(plan, example_rulebook):
    from fairhearing.procedure.jurisdiction import route

    for case in plan.cases:
        expected = route(example_rulebook, [a.clause for a in case.allegations], case.respondent_offices)
        assert case.routing == expected


def test_the_pattern_is_there(plan, example_rulebook):
    members = {m.number: m for m in plan.members}
    harsh = [c for c in plan.cases if c.pattern == "harsh"]
    lenient = [c for c in plan.cases if c.pattern == "lenient"]
    assert len(harsh) >= 8 and len(lenient) >= 8

    for case in harsh:
        # An ordinary member, minor conduct (a retweet, swearing about a band), suspended.
        assert not members[case.respondent].offices
        assert case.routing.seriousness == "minor"
        first = case.decisions[0]
        assert first.sanction == "suspension"
        assert not within_range(example_rulebook, first.guideline, first.sanction)
        assert case.suspensions and (case.suspensions[0].lifted_at - case.suspensions[0].imposed_at).days > 100

    for case in lenient:
        # A senior office holder, graver conduct, no action at all.
        assert set(case.respondent_offices) & set(SENIOR_OFFICES)
        assert case.routing.seriousness in ("serious", "grave")
        first = case.decisions[0]
        assert first.sanction == "no-action"
        assert not within_range(example_rulebook, first.guideline, first.sanction)


def test_ordinary_decisions_are_consistent_with_the_guidelines(plan, example_rulebook):
    ordinary = [d for c in plan.cases if not c.pattern for d in c.decisions if d.kind == "first_instance" and d.proven]
    assert len(ordinary) >= 60
    assert all(within_range(example_rulebook, d.guideline, d.sanction) for d in ordinary)
    at_start = Counter(d.sanction == d.guideline.starting_point for d in ordinary)
    assert at_start[True] > at_start[False]  # mostly the starting point; departures inside the range are reasoned
    office_holders = [c for c in plan.cases if not c.pattern and c.respondent_offices and c.decisions]
    assert office_holders, "ordinary, consistent cases include office holders too"


def test_too_small_is_refused(example_rulebook):
    with pytest.raises(ValueError, match="at least 100 members"):
        plan_demo(example_rulebook, seed=1, today=TODAY, members=10, cases=50)
    with pytest.raises(ValueError, match="at least 20 cases"):
        plan_demo(example_rulebook, seed=1, today=TODAY, members=500, cases=5)
