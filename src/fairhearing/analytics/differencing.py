"""The release log's check: a new release must not let a reader subtract releases from one another to find a count
under the threshold.

If the year 2026 was published with 57 warnings by a body and the first three quarters with 14, 18 and 21, the
fourth quarter had 4: a count the fourth quarter's own release suppressed. So before a release is published, every
cell it would publish is compared with the same cell of every earlier release whose period contains it or lies inside
it. For a container X and any set S of disjoint periods inside it (the new release being X or one of S), X minus
the sum over S counts the days of X outside S; if those days exist, that count must not be under the threshold
(zero included: a zero is as telling as a one). If S covers X exactly, the difference counts only records added or
corrected since, and must be zero or at least the threshold. A cell that fails is withheld from the new release.

Periods that overlap without one containing the other are refused instead (`PeriodConflict`): their differences mix
days of both and would need a far larger search, and a fixed calendar of quarters and years never produces them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from fairhearing.analytics.periods import Period, PeriodError

CellId = tuple[str, str, str]
# Sets of earlier periods tried per container: a calendar of quarters and years needs at most a few dozen.
MAX_SETS = 20_000


class PeriodConflict(PeriodError):
    """The period overlaps an earlier release's without either containing the other."""


@dataclass(frozen=True)
class PriorRelease:
    """An earlier release as the release log keeps it: its period and the true value of each cell it published."""

    label: str
    period: Period
    cells: Mapping[CellId, int]


def check_period(period: Period, priors: Sequence[PriorRelease]) -> None:
    for prior in priors:
        if prior.period.overlaps(period) and not prior.period.nested_with(period):
            raise PeriodConflict(
                f"the period {period} overlaps the release for {prior.label} ({prior.period.start} to "
                f"{prior.period.end}) without containing it or lying inside it: choose a period that does one or the "
                "other, such as a quarter or a year"
            )


def differencing_risks(
    period: Period, candidate: Mapping[CellId, int], priors: Sequence[PriorRelease], *, threshold: int
) -> dict[CellId, str]:
    """The cells of `candidate` (cell -> true value, before this check) that must be withheld, each with the
    earlier releases it would be subtracted from."""
    check_period(period, priors)
    new = PriorRelease("this release", period, candidate)
    family = [p for p in priors if p.period.nested_with(period)]
    risks: dict[CellId, str] = {}
    for container in [new, *(p for p in family if p.period.contains(period))]:
        # Every earlier release inside the container, not only those nested with this one: with 2026 and its
        # first three quarters published, the fourth quarter's figure is compared with 2026 minus all three.
        inside = [n for n in [new, *priors] if n is not container and container.period.contains(n.period)]
        for chosen in _disjoint_sets(inside, required=None if container is new else new):
            days = sum(n.period.days for n in chosen)
            covered = days == container.period.days
            others = [n for n in (container, *chosen) if n is not new]
            for cell in candidate:
                if cell in risks or any(cell not in n.cells for n in (container, *chosen)):
                    continue
                value = container.cells[cell] - sum(n.cells[cell] for n in chosen)
                if (0 < abs(value) < threshold) if covered else abs(value) < threshold:
                    risks[cell] = ", ".join(sorted(n.label for n in others))
    return risks


def _disjoint_sets(items: Sequence[PriorRelease], required: PriorRelease | None) -> Iterator[list[PriorRelease]]:
    """Every non-empty set of pairwise disjoint periods among `items` (that includes `required` if given)."""
    ordered = sorted(items, key=lambda n: (n.period.start, n.period.end))
    produced = 0

    def extend(start: int, chosen: list[PriorRelease]) -> Iterator[list[PriorRelease]]:
        nonlocal produced
        for position in range(start, len(ordered)):
            item = ordered[position]
            if any(item.period.overlaps(c.period) for c in chosen):
                continue
            grown = [*chosen, item]
            if required is None or any(c is required for c in grown):
                produced += 1
                if produced > MAX_SETS:
                    raise PeriodError(
                        f"too many earlier releases inside this period to compare with (more than {MAX_SETS} sets)"
                    )
                yield grown
            yield from extend(position + 1, grown)

    yield from extend(0, [])
