"""The synthetic histories the analytics are tested on: deterministic, shaped like the example rulebook's
cases, and carrying exactly the truth they claim (the injected outliers and the bias)."""

from __future__ import annotations

from collections import Counter

import pytest

from fairhearing.analytics.records import CaseRecord
from fairhearing.analytics.synthetic import (
    AGGRAVATING,
    CLAUSES,
    GRID,
    MITIGATING,
    SANCTIONS,
    SENIOR_OFFICES,
    SERIOUSNESS,
    Bias,
    SyntheticHistory,
    synthetic_history,
)
from fairhearing.procedure.jurisdiction import case_seriousness, route
from fairhearing.procedure.rulebook import Power, Rulebook
from fairhearing.procedure.sanctions import hearing_body_for

CASES = 5000


@pytest.fixture(scope="module")
def history() -> SyntheticHistory:
    return synthetic_history(CASES, seed=11, outlier_share=0.05)


def _outside(record: CaseRecord) -> bool:
    d = record.decision
    assert d is not None and d.guideline_lowest is not None and d.guideline_highest is not None
    return d.proven and not d.guideline_lowest <= d.severity <= d.guideline_highest


def _share(items: list[bool]) -> float:
    return sum(items) / len(items)


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    bias = Bias("region", "london", 1, 0.3)
    first = synthetic_history(800, seed=3, outlier_share=0.05, bias=bias)
    again = synthetic_history(800, seed=3, outlier_share=0.05, bias=bias)
    other = synthetic_history(800, seed=4, outlier_share=0.05, bias=bias)
    assert first.records == again.records
    assert (first.injected, first.biased) == (again.injected, again.biased)
    assert first.records != other.records
    assert first.injected != other.injected


def test_the_tables_are_the_example_rulebooks(example_rulebook: Rulebook):
    rb = example_rulebook
    assert [(s.id, s.name) for s in rb.sanctions] == list(SANCTIONS)
    assert [s.id for s in rb.seriousness] == list(SERIOUSNESS)
    assert {c.id: (c.category, rb.seriousness_rank(c.seriousness)) for c in rb.clauses} == {
        clause: (category, rank) for clause, (category, rank, _) in CLAUSES.items()
    }
    assert {(c.culpability, c.harm): (c.starting_point, *c.range) for c in rb.guidelines.grid} == GRID
    assert [f.id for f in rb.guidelines.aggravating] == list(AGGRAVATING)
    assert [f.id for f in rb.guidelines.mitigating] == list(MITIGATING)
    assert {o.id for o in rb.offices if o.senior} == SENIOR_OFFICES
    assert [b.id for b in rb.bodies if b.has(Power.EXPEL)] == ["constitutional-committee"]


def test_cases_are_routed_graded_and_heard_as_the_rulebook_says(history: SyntheticHistory, example_rulebook: Rulebook):
    rb = example_rulebook
    for r in history.records:
        assert r.body == route(rb, r.clauses, r.offices).body_id
        assert r.seriousness == rb.seriousness_rank(case_seriousness(rb, r.clauses))
        assert r.categories == {rb.clause(c).category for c in r.clauses}
        assert r.senior == bool(r.offices & SENIOR_OFFICES)
        d = r.decision
        if d is None:
            continue
        # Whoever heard it had the power to impose what it imposed.
        assert hearing_body_for(rb, d.body, d.sanction) == d.body
        assert d.sanction == history.scale.sanctions[d.severity]
        if d.proven:
            start, lowest, highest = GRID[(d.culpability, d.harm)]
            assert (d.guideline_start, d.guideline_lowest, d.guideline_highest) == tuple(
                rb.sanction_rank(s) for s in (start, lowest, highest)
            )
            assert d.aggravating <= set(AGGRAVATING) and d.mitigating <= set(MITIGATING)


def test_dismissals_decisions_and_dates_are_consistent(history: SyntheticHistory):
    for r in history.records:
        assert r.concluded_on is not None and r.received_on < r.concluded_on < history.end
        if r.dismissed_at_triage:
            assert r.decision is None and r.dismissed_on is not None
            continue
        d = r.decision
        assert d is not None and r.dismissed_on is None
        if not d.proven:
            assert (d.severity, d.culpability, d.harm, d.guideline_start) == (0, "", "", None)
            assert not d.aggravating and not d.mitigating
        else:
            assert d.assessed


def test_the_shares_are_roughly_as_stated(history: SyntheticHistory):
    records = history.records
    decided = history.decided
    assert 0.09 <= _share([r.dismissed_at_triage for r in records]) <= 0.15
    assert 0.06 <= _share([not r.decision.proven for r in decided]) <= 0.10
    assert 0.08 <= _share([bool(r.offices) for r in records]) <= 0.12
    assert 0.005 <= _share([r.senior for r in records]) <= 0.03
    assert 0.56 <= _share([r.special is not None for r in records]) <= 0.64
    assert {r.special for r in records} == {None, "group-a", "group-b", "group-c", "group-d"}
    assert len({r.region for r in records}) == 9
    assert len({r.decision.decision_maker for r in decided}) == 40
    assert len({r.body for r in records}) == 5
    assert len({r.decision.body for r in decided}) == 4
    # Every step of the scale is used, and the middle of it most.
    counts = Counter(r.decision.sanction for r in decided)
    assert set(counts) == set(history.scale.sanctions)
    assert counts["warning"] > counts["expulsion"]
    # The text carries the kind of conduct: like cases share words.
    assert all(r.text and "alleged" in r.text for r in records)


def test_ordinary_decisions_stay_near_the_guideline_and_explain_their_departures(history: SyntheticHistory):
    ordinary = [r for r in history.decided if r.decision.proven and r.ref not in history.injected]
    for r in ordinary:
        d = r.decision
        # A factor step and a noise step at most.
        assert abs(d.severity - d.guideline_start) <= 2
        assert not _outside(r) or d.departure_reason
    departures = _share([_outside(r) for r in ordinary])
    assert 0.005 <= departures <= 0.06


def test_injected_outliers_are_far_from_their_facts_and_unexplained(history: SyntheticHistory):
    proven = [r for r in history.decided if r.decision.proven]
    assert len(history.injected) == round(0.05 * len(proven))
    directions = Counter(history.injected.values())
    assert directions["harsh"] > 0.3 * len(history.injected) and directions["lenient"] > 0.3 * len(history.injected)
    by_ref = {r.ref: r for r in history.records}
    for ref, direction in history.injected.items():
        d = by_ref[ref].decision
        assert d is not None and d.proven
        # Three steps from a warranted sanction that is itself at most one step from the starting point.
        moved = d.severity - d.guideline_start
        assert (moved >= 2) if direction == "harsh" else (moved <= -2)
        assert _outside(by_ref[ref]) and not d.departure_reason
    assert not synthetic_history(500, seed=1).injected


def test_a_bias_moves_a_share_of_its_group_only():
    bias = Bias("region", "north-east", 1, 0.4)
    history = synthetic_history(CASES, seed=5, bias=bias)
    plain = synthetic_history(CASES, seed=5)
    in_group = [r for r in history.decided if r.region == "north-east" and r.decision.proven]
    assert history.biased and all(ref in {r.ref for r in in_group} for ref in history.biased)
    # 40% were picked; those already at their panel's harshest sanction could not move.
    assert 0.2 <= len(history.biased) / len(in_group) <= 0.45
    mean = {}
    for name, h in (("biased", history), ("plain", plain)):
        severities = [r.decision.severity for r in h.decided if r.region == "north-east" and r.decision.proven]
        mean[name] = sum(severities) / len(severities)
    assert mean["biased"] - mean["plain"] > 0.2
    assert not history.injected


@pytest.mark.parametrize(
    ("attribute", "group"),
    [("body", "regional-office"), ("decision_maker", "Chair 05"), ("senior_office", "senior"), ("special", "group-c")],
)
def test_a_bias_can_be_put_on_any_attribute(attribute: str, group: str):
    history = synthetic_history(3000, seed=2, bias=Bias(attribute, group, -1, 0.5))
    assert history.biased
    value = {
        "body": lambda r: r.decision.body,
        "decision_maker": lambda r: r.decision.decision_maker,
        "senior_office": lambda r: "senior" if r.senior else "other",
        "special": lambda r: r.special,
    }[attribute]
    by_ref = {r.ref: r for r in history.records}
    assert all(value(by_ref[ref]) == group for ref in history.biased)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown bias attribute 'branch'"):
        Bias("branch", "x", 1, 0.5)
    with pytest.raises(ValueError, match="share"):
        Bias("region", "london", 1, 1.5)
    with pytest.raises(ValueError, match="outlier_share"):
        synthetic_history(10, seed=1, outlier_share=0.9)
    with pytest.raises(ValueError, match="negative"):
        synthetic_history(-1, seed=1)
