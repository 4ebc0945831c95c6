"""The release log blocks differencing: no count under the threshold can be had by subtracting published releases
of nested periods from one another, late corrections included (`analytics.differencing`, used by `protect`).

The attacker here is independent of the check: given every release published, it subtracts every set of disjoint
periods from every period containing them, using each published figure's exact value (stronger than a real reader,
who sees them rounded), and reports any count it learns that is under the threshold.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

from fairhearing.analytics.differencing import PeriodConflict, PriorRelease, differencing_risks
from fairhearing.analytics.disclosure import THRESHOLD, Microdata, Release, Status, TableSpec, protect
from fairhearing.analytics.periods import Period, parse

BODIES = ("Central unit", "National panel", "Regional office")
TABLES = (TableSpec("received_by_body", "Cases received by body", "received", "body"),)
YEAR = parse("2026")


def _release(records: list[tuple[date, str]], period: Period, priors: list[PriorRelease]) -> Release:
    data = Microdata(
        "received", {"body": BODIES}, [{"body": body} for day, body in records if period.start <= day <= period.end]
    )
    return protect([data], TABLES, period=period, priors=priors)


def _prior(release: Release) -> PriorRelease:
    return PriorRelease(release.period.label, release.period, release.published_truth())


def small_counts_learnt(releases: list[PriorRelease]) -> list[str]:
    """Every count under the threshold that subtracting published releases gives, described."""
    found = []
    for container in releases:
        inside = [r for r in releases if r is not container and container.period.contains(r.period)]
        for size in range(1, len(inside) + 1):
            for chosen in itertools.combinations(inside, size):
                if any(a.period.overlaps(b.period) for a, b in itertools.combinations(chosen, 2)):
                    continue
                covered = sum(r.period.days for r in chosen) == container.period.days
                for cell, value in container.cells.items():
                    if not all(cell in r.cells for r in chosen):
                        continue
                    learnt = value - sum(r.cells[cell] for r in chosen)
                    if (0 < abs(learnt) < THRESHOLD) if covered else abs(learnt) < THRESHOLD:
                        names = " - ".join([container.label, *(r.label for r in chosen)])
                        found.append(f"{cell}: {names} = {learnt}")
    return found


def test_a_year_after_its_quarters_withholds_what_the_last_quarter_withheld():
    # 30 cases a quarter at the central unit, and 4 at the national panel in the fourth quarter only.
    records = [(date(2026, 3 * q - 1, 10), BODIES[0]) for q in range(1, 5) for _ in range(30)]
    records += [(date(2026, 11, 5), BODIES[1])] * 4
    priors = []
    for quarter in ("2026Q1", "2026Q2", "2026Q3", "2026Q4"):
        priors.append(_prior(_release(records, parse(quarter), priors)))
    year = _release(records, YEAR, priors)
    # The year's total, 124, less the first three quarters' (30 each) gives the fourth quarter's 34, which that
    # quarter published itself: nothing new, so the year publishes it.
    assert year.table("received_by_body").cell("Total").status == Status.PUBLISHED
    assert year.differenced_with == ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
    assert not small_counts_learnt([*priors, _prior(year)])


def test_a_late_correction_is_not_revealed_by_publishing_the_year():
    records = [(date(2026, 2, 1), BODIES[0])] * 40 + [(date(2026, 8, 1), BODIES[0])] * 40
    first_half = _release(records, parse("2026-01-01..2026-06-30"), [])
    priors = [_prior(first_half)]
    second_half = _release(records, parse("2026-07-01..2026-12-31"), priors)
    priors.append(_prior(second_half))
    # Three cases recorded late for February: the year (83) less both halves (40 + 40) would show them.
    records += [(date(2026, 2, 3), BODIES[0])] * 3
    year = _release(records, YEAR, priors)
    table = year.table("received_by_body")
    assert table.cell("Total").status == Status.DIFFERENCING
    assert not small_counts_learnt([*priors, _prior(year)])


def test_a_period_inside_a_published_one_is_checked_against_it():
    records = [(date(2026, 1, 1) + timedelta(days=d % 365), BODIES[0]) for d in range(0, 365 * 3, 3)]
    records += [(date(2026, 12, 20), BODIES[0])] * 2
    year = _release(records, YEAR, [])
    # The first three quarters, after the year: the year minus them is the fourth quarter, with few cases at the
    # end of December... the check compares the new release with the container either way round.
    nine_months = _release(records, parse("2026-01-01..2026-09-30"), [_prior(year)])
    assert not small_counts_learnt([_prior(year), _prior(nine_months)])
    assert nine_months.differenced_with == ("2026",)


def test_disjoint_periods_do_not_interact():
    records = [(date(2026, 2, 1), BODIES[0])] * 12 + [(date(2026, 5, 1), BODIES[0])] * 13
    q1 = _release(records, parse("2026Q1"), [])
    q2 = _release(records, parse("2026Q2"), [_prior(q1)])
    assert q2.table("received_by_body").cell("Total").status == Status.PUBLISHED
    assert q2.differenced_with == ()


def test_a_period_that_overlaps_an_earlier_release_without_nesting_is_refused_naming_it():
    q1 = PriorRelease("2026Q1", parse("2026Q1"), {})
    with pytest.raises(PeriodConflict, match=r"2026Q1 \(2026-01-01 to 2026-03-31\)"):
        differencing_risks(parse("2026-02-01..2026-04-30"), {}, [q1], threshold=THRESHOLD)
    # Containing it, lying inside it, or apart from it are all fine.
    for period in ("2026", "2026-02-01..2026-02-28", "2026Q2"):
        differencing_risks(parse(period), {}, [q1], threshold=THRESHOLD)


def test_a_republished_period_may_not_differ_by_a_few():
    q1 = PriorRelease("2026Q1", parse("2026Q1"), {("t", "a", "Total"): 40, ("t", "b", "Total"): 40})
    risks = differencing_risks(
        parse("2026Q1"), {("t", "a", "Total"): 43, ("t", "b", "Total"): 40}, [q1], threshold=THRESHOLD
    )
    # 43 - 40 = 3 late cases: withheld. The same 40 again reveals nothing.
    assert set(risks) == {("t", "a", "Total")} and "2026Q1" in risks[("t", "a", "Total")]


@pytest.mark.parametrize("seed", range(6))
def test_no_sequence_of_releases_lets_an_attacker_learn_a_small_count(seed: int):
    """Quarters, halves, the year and a few months, published in a random order while cases keep being recorded
    (some late, for periods already published): whatever was published, subtraction finds nothing small."""
    rng = random.Random(seed)
    records: list[tuple[date, str]] = []

    def record(n: int) -> None:
        for _ in range(n):
            day = YEAR.start + timedelta(days=rng.randrange(365))
            records.append((day, rng.choices(BODIES, weights=(6, 3, 1))[0]))

    periods = ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026-01-01..2026-06-30", "2026-07-01..2026-12-31", "2026"]
    periods += ["2026-01-01..2026-01-31", "2026-11-01..2026-11-30"]
    rng.shuffle(periods)
    record(rng.randrange(60, 200))
    published: list[PriorRelease] = []
    for label in periods:
        release = _release(records, parse(label), published)
        published.append(_prior(release))
        record(rng.randrange(0, 12))  # recorded after this release, some for periods already published
    assert not small_counts_learnt(published)
    # The check did not simply withhold everything: most releases publish their total.
    assert sum(("received_by_body", "Total", "Total") in r.cells for r in published) >= len(published) // 2
