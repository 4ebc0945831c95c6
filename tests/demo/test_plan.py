"""The demo plan: deterministic, realistic, and containing the pattern fairhearing exists to expose."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from fairhearing.demo.plan import MINIMUM_HISTORY, SENIOR_OFFICES, plan_demo
from fairhearing.procedure.sanctions import may_impose, within_range
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


def _assert_history_is_possible(plan, example_rulebook, today):
    for case in plan.cases:
        times = [e.at for e in case.events]
        assert times == sorted(times), case.reference
        assert case.events[0].at == case.received_at
        assert all(t.date() <= today for t in times), case.reference
        for allegation in case.allegations:
            # Every conduct date has a rulebook version in force, and precedes the complaint.
            assert example_rulebook.effective_from <= allegation.conduct_date <= case.received_at.date()
        stage_changes = [e for e in case.events if e.stage_to]
        assert stage_changes[-1].stage_to == case.stage.value, case.reference


def test_history_is_chronological_and_never_in_the_future(plan, example_rulebook):
    _assert_history_is_possible(plan, example_rulebook, TODAY)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_history_fits_when_today_is_as_early_as_allowed(example_rulebook, seed):
    today = example_rulebook.effective_from + MINIMUM_HISTORY
    plan = plan_demo(example_rulebook, seed=seed, today=today, members=300, cases=60)
    _assert_history_is_possible(plan, example_rulebook, today)


def test_a_date_before_the_rulebook_has_a_history_is_refused(example_rulebook):
    too_early = example_rulebook.effective_from + MINIMUM_HISTORY - timedelta(days=1)
    with pytest.raises(ValueError, match="must be on or after 1 January 2024"):
        plan_demo(example_rulebook, seed=1, today=too_early, members=300, cases=60)


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_smallest_demo_still_shows_every_stage(example_rulebook, seed):
    plan = plan_demo(example_rulebook, seed=seed, today=TODAY, members=100, cases=20)
    assert {c.stage for c in plan.cases} == set(Stage)


def test_every_decision_is_made_by_a_body_with_the_power_to_make_it(plan, example_rulebook):
    rb = example_rulebook
    transferred = 0
    for case in plan.cases:
        for decision in case.decisions:
            assert may_impose(rb.body(decision.body_kind), rb, decision.sanction) or decision.kind == "appeal"
        if case.decisions:
            first = case.decisions[0]
            assert case.body_kind == first.body_kind
            if first.body_kind != case.routing.body_id:
                transferred += 1
                # The transfer is on the record, with its reason.
                assert any(e.kind == "transferred" and rb.body(first.body_kind).name in e.summary for e in case.events)
        for appeal in case.decisions[1:]:
            assert appeal.body_kind == rb.body(case.decisions[0].body_kind).appeals_to
            assert appeal.body_kind != case.decisions[0].body_kind
    assert transferred > 0


def test_nobody_appeals_no_action(plan, example_rulebook):
    for case in plan.cases:
        if len(case.decisions) > 1 or case.stage in (Stage.APPEAL_LODGED, Stage.APPEAL_DECIDED):
            assert case.decisions[0].sanction != "no-action", case.reference


def test_interim_suspensions_end_when_the_case_does(plan):
    for case in plan.cases:
        for suspension in case.suspensions:
            closed = case.stage in (Stage.CLOSED, Stage.DISMISSED)
            assert (suspension.lifted_at is not None) == (
                closed or Stage.DECIDED.value in {e.stage_to for e in case.events}
            ), case.reference


def test_member_status_follows_outcomes(plan):
    members = {m.number: m for m in plan.members}
    expelled = [
        c for c in plan.cases if c.stage == Stage.CLOSED and c.decisions and c.decisions[-1].sanction == "expulsion"
    ]
    assert expelled
    assert all(members[c.respondent].status == "expelled" for c in expelled)
    interim = [c for c in plan.cases if any(s.lifted_at is None for s in c.suspensions)]
    assert all(members[c.respondent].status in ("suspended", "expelled") for c in interim)


def test_routing_follows_the_published_rules(plan, example_rulebook):
    from fairhearing.procedure.jurisdiction import route

    for case in plan.cases:
        expected = route(example_rulebook, [a.clause for a in case.allegations], case.respondent_offices)
        assert case.routing == expected


def test_the_pattern_is_there(plan, example_rulebook):
    members = {m.number: m for m in plan.members}
    harsh = [c for c in plan.cases if c.pattern == "harsh"]
    lenient = [c for c in plan.cases if c.pattern == "lenient"]
    assert len(harsh) >= 4 and len(lenient) >= 4

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
