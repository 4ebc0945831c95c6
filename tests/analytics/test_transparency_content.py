"""The report's plain data (`analytics.transparency.build_content`): rates only from published figures, medians only
from enough cases, and every table of the release in it."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from fairhearing.analytics import transparency as t
from fairhearing.analytics.differencing import PriorRelease
from fairhearing.analytics.disclosure import Microdata, Status, protect
from fairhearing.analytics.periods import parse

PERIOD = parse("2026Q3")
BODIES = ["Central Complaints Unit", "National Disputes Panel", "Regional Office"]
REGIONS = ["North", "South", "East"]


def _facts(seed: int = 3, decided: int = 200) -> t.ReportFacts:
    rng = random.Random(seed)
    cats, outcomes = ["Abuse", "Conduct"], [t.NOT_PROVEN, "Warning", "Suspension"]

    def pick(values: list[str], weights: list[int] | None = None) -> str:
        return rng.choices(values, weights=weights)[0]

    case_dims = {"body": BODIES, "region": REGIONS, "category": cats, "office": list(t.OFFICES)}
    received = [
        {"body": pick(BODIES), "region": pick(REGIONS), "category": pick(cats), "office": pick(list(t.OFFICES))}
        for _ in range(300)
    ]
    decisions = [{**r, "outcome": pick(outcomes, [5, 3, 1])} for r in rng.sample(received, decided)]
    microdata = (
        Microdata(t.RECEIVED, case_dims, received),
        Microdata(t.DISMISSED, {"body": BODIES, "category": cats}, [{"body": BODIES[0], "category": "Abuse"}] * 4),
        Microdata(t.DECIDED, {**case_dims, "outcome": outcomes}, decisions),
        Microdata(t.SUSPENSIONS, {"body": BODIES, "ending": list(t.ENDINGS), "review": list(t.REVIEWS)}, []),
        Microdata(
            t.APPEALS,
            {"body": BODIES, "result": list(t.APPEAL_RESULTS)},
            [{"body": BODIES[0], "result": pick(list(t.APPEAL_RESULTS[:3]), [4, 1, 2])} for _ in range(60)]
            + [{"body": BODIES[1], "result": t.APPEAL_DISMISSED} for _ in range(12)],
        ),
        Microdata(t.EVIDENCE, {"reason": list(t.EXCLUSION_REASONS)}, [{"reason": t.EXCLUSION_MONITORING}] * 14),
        Microdata(t.MEMBERS, {"region": REGIONS}, [{"region": pick(REGIONS)} for _ in range(6000)]),
    )
    return t.ReportFacts(
        organisation="Example Party",
        microdata=microdata,
        decision_days={BODIES[0]: list(range(20, 80)), BODIES[1]: [30] * 9},
        target_days=120,
        suspension_days={},
        review_days=28,
    )


def _table(content: dict, key: str) -> dict:
    return next(table for s in content["sections"] for table in s["tables"] if table["key"] == key)


def _content(facts: t.ReportFacts) -> dict:
    release = protect(facts.microdata, t.TABLES, period=PERIOD)
    return build(facts, release)


def build(facts: t.ReportFacts, release) -> dict:
    return t.build_content(facts, release, published_at=datetime(2026, 10, 5, 9, tzinfo=UTC))


def test_every_table_of_the_release_is_in_the_report_with_its_rows_and_totals():
    facts = _facts()
    release = protect(facts.microdata, t.TABLES, period=PERIOD)
    content = build(facts, release)
    keys = {table["key"] for s in content["sections"] for table in s["tables"]}
    # The members are the region table's denominator, not a table of their own.
    assert {spec.key for spec in t.TABLES} - {"members_by_region"} <= keys
    assert content["period"] == {"label": "2026Q3", "slug": "2026q3", "start": "2026-07-01", "end": "2026-09-30"}
    for section in content["sections"]:
        for table in section["tables"]:
            assert table["rows"][-1]["total"] and table["rows"][-1]["label"] == "Total"
            assert all(len(row["values"]) == len(table["columns"]) for row in table["rows"])
    assert content["disclosure"]["withheld"] == {
        status.value: n for status, n in release.counts().items() if status.value != "published"
    }


def test_rates_come_from_published_rounded_figures_only():
    content = _content(_facts())
    regions = _table(content, "received_by_region")
    for row in regions["rows"]:
        cases, members, rate = row["values"]
        if cases is None or members is None:
            assert rate is None
        else:
            assert rate == round(1000 * cases / members, 1)
    appeals = _table(content, "appeals_by_body_result")
    for row in appeals["rows"]:
        dismissed, varied, overturned, _pending, _total, rate = row["values"]
        if None in (dismissed, varied, overturned):
            # A rate from a withheld figure would give the figure back.
            assert rate is None
        else:
            assert rate == overturned / (dismissed + varied + overturned)


def test_medians_need_ten_cases():
    content = _content(_facts())
    times = {row["label"]: row["values"] for row in _table(content, "time_to_decision")["rows"]}
    # Days 20 to 79: the median halfway between 49 and 50, the 90th percentile 53.1 places in (linear interpolation).
    assert times[BODIES[0]] == [49.5, 73.1, 120]
    # Nine decisions: no median, no percentile, though the target still shows.
    assert times[BODIES[1]] == [None, None, 120]
    assert times["Total"][0] is not None
    assert all(v is None for row in _table(content, "suspension_duration")["rows"] for v in row["values"])


def test_no_count_in_the_report_is_under_the_threshold():
    for seed in range(4):
        content = _content(_facts(seed, decided=40 + 40 * seed))
        for section in content["sections"]:
            for table in section["tables"]:
                for row in table["rows"]:
                    for value, column in zip(row["values"], table["columns"], strict=True):
                        if column["kind"] == "count" and value is not None:
                            assert value >= 10 and value % 5 == 0


def test_members_are_a_stock_the_release_log_does_not_difference():
    # The year and its last quarter count the members on the same day, 31 December: the same figures, which is no
    # subtraction of one period from another. The cases received are a flow, and the year minus the quarter would
    # be a count over January to September: held to the rule like any other.
    facts = _facts()
    quarter = protect(facts.microdata, t.TABLES, period=parse("2026Q4"))
    prior = PriorRelease("2026Q4", quarter.period, quarter.published_truth())
    year = protect(facts.microdata, t.TABLES, period=parse("2026"), priors=[prior])
    members = year.table("members_by_region")
    assert all(not cell.suppressed for cell in members.cells.values())
    # Nothing received from January to September: every count the quarter published is withheld from the year.
    received = year.table("received_by_body")
    assert received.cell("Total").status == Status.DIFFERENCING
