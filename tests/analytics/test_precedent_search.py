"""Precedent search: the vectorised index ranks exactly as the one-case-at-a-time baseline, and ranks sensibly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairhearing.analytics.precedents import PrecedentIndex, spread
from fairhearing.analytics.records import CaseRecord, DecisionRecord, Scale

SCALE = Scale(
    ("no-action", "advice", "warning", "final-warning", "suspension", "expulsion"),
    ("No action", "Advice", "Warning", "Final warning", "Suspension", "Expulsion"),
    4,
    5,
)
WORDS = ["retweet", "councillor", "abusive", "messages", "branch", "meeting", "leaflets", "rival", "minutes", "press"]


def record(
    ref: str,
    *,
    clauses: tuple[str, ...] = ("2.1",),
    text: str = "abusive messages",
    culpability: str = "B",
    harm: str = "2",
    severity: int = 2,
    aggravating: frozenset[str] = frozenset(),
    offices: frozenset[str] = frozenset(),
    day: int = 0,
    decided: bool = True,
) -> CaseRecord:
    decision = (
        DecisionRecord(
            decided_on=date(2024, 1, 1) + timedelta(days=day),
            body="panel",
            decision_maker="Chair",
            proven=True,
            sanction=SCALE.sanctions[severity],
            severity=severity,
            culpability=culpability,
            harm=harm,
            aggravating=aggravating,
            guideline_start=2,
            guideline_lowest=1,
            guideline_highest=3,
        )
        if decided
        else None
    )
    return CaseRecord(
        ref=ref,
        received_on=date(2023, 6, 1),
        body="panel",
        region="north",
        clauses=clauses,
        categories=frozenset(c.split(".")[0] for c in clauses),
        seriousness=int(clauses[0].split(".")[0]) % 4,
        text=text,
        offices=offices,
        decision=decision,
    )


def test_same_clause_and_assessment_rank_first():
    query = record("Q", clauses=("2.1",), culpability="C", harm="3", text="abusive messages in the branch")
    index = PrecedentIndex(
        [
            record("same", clauses=("2.1",), culpability="C", harm="3", text="swore at a volunteer"),
            record("other-clause", clauses=("4.4",), culpability="C", harm="3", text="abusive messages"),
            record("other-assessment", clauses=("2.1",), culpability="A", harm="1", text="posted a picture"),
        ],
        SCALE,
    )
    assert index.search(query, 3)[0].case_ref == "same"


def test_text_breaks_ties_between_structurally_equal_cases():
    query = record("Q", text="retweeted a rival councillor")
    index = PrecedentIndex(
        [record("unrelated", text="leaflets at a meeting"), record("related", text="retweet by a rival councillor")],
        SCALE,
    )
    assert [p.case_ref for p in index.search(query, 2)] == ["related", "unrelated"]


def test_excludes_the_case_itself_later_decisions_and_undecided_cases():
    cases = [record("A", day=0), record("B", day=10), record("C", day=20), record("open", decided=False)]
    index = PrecedentIndex(cases, SCALE)
    assert len(index) == 3
    refs = [p.case_ref for p in index.search(cases[1], 5, exclude="B", before=date(2024, 1, 15))]
    assert refs == ["A"]


def test_an_undecided_query_is_compared_on_what_it_has():
    index = PrecedentIndex([record("A", culpability="A"), record("B", culpability="C")], SCALE)
    query = record("Q", decided=False)
    scores = {p.case_ref: p.structured for p in index.search(query, 2)}
    assert scores["A"] == scores["B"]  # the assessment is not known yet, so it cannot tell them apart


def test_spread_shows_the_range_not_one_answer():
    index = PrecedentIndex([record(str(i), severity=s) for i, s in enumerate([1, 2, 2, 4])], SCALE)
    result = spread(index.search(record("Q"), 4), SCALE)
    assert result is not None
    assert result.counts == {"advice": 1, "warning": 2, "suspension": 1}
    assert (result.lowest, result.median, result.highest) == ("advice", "warning", "suspension")
    assert spread([], SCALE) is None


texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
cases = st.builds(
    lambda i, clause, text, c, h, s, agg, office, day: record(
        f"R{i}",
        clauses=(clause,),
        text=text,
        culpability=c,
        harm=h,
        severity=s,
        aggravating=frozenset(agg),
        offices=frozenset(office),
        day=day,
    ),
    st.integers(0, 10**6),
    st.sampled_from(["2.1", "2.2", "4.4", "5.2"]),
    texts,
    st.sampled_from("ABC"),
    st.sampled_from("123"),
    st.integers(0, 5),
    st.sets(st.sampled_from(["public-platform", "repeated-conduct"])),
    st.sets(st.sampled_from(["mp", "councillor"])),
    st.integers(0, 400),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(cases, min_size=1, max_size=30, unique_by=lambda r: r.ref), cases, st.booleans())
def test_vectorised_search_ranks_exactly_as_the_brute_force_baseline(history, query, undecided):
    if undecided:
        query = record(query.ref, clauses=query.clauses, text=query.text, decided=False)
    index = PrecedentIndex(history, SCALE)
    fast = index.search(query, 5, exclude=history[0].ref)
    slow = index.brute_force_search(query, 5, exclude=history[0].ref)
    assert [p.case_ref for p in fast] == [p.case_ref for p in slow]
    # Scores are shown to four places; the two sums may round a last binary digit differently.
    assert [p.score for p in fast] == pytest.approx([p.score for p in slow], abs=1.01e-4)
