"""Statistical disclosure control for the transparency reports: tables of counts that reveal the process and no one.

A release is a set of tables built from microdata: one record per unit (a case received, a decision, a suspension)
with a category for each dimension (body, region, outcome ...). Each table counts the records of one *universe* by
one or two dimensions, with its totals. `protect` then decides what may be published:

1. **Primary suppression**: every cell under the threshold (10), zeros included, and every cell whose difference
   from an earlier release would be such a cell (`differencing`).
2. **Secondary suppression**: a line (row or column with its total) never holds a single suppressed cell, since
   subtraction would give it back.
3. **Audit**: for every suppressed cell, linear programming over the universe's finest cells (every combination of
   every dimension its tables use) finds the least and greatest value the cell can take given every published cell
   of every table of that universe, each exactly as it truly is (a stronger reader than the real one, who sees the
   rounded figures). A cell whose range is narrower than the threshold costs a further cell, the smallest published
   one in a line with it, until every suppressed cell passes.
4. **Rounding**: the published counts are rounded to the nearest 5.

Rates and medians are decided separately (`may_summarise`): none from fewer than the threshold.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

from fairhearing.analytics.differencing import PriorRelease, differencing_risks
from fairhearing.analytics.periods import Period

THRESHOLD = 10
ROUNDING = 5
TOTAL = "Total"

# (table key, row, column): the identity of a cell across releases, so the release log can compare them.
CellId = tuple[str, str, str]


class Status(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # under the threshold
    DIFFERENCING = "differencing"  # an earlier release minus this cell would give a small count
    SECONDARY = "secondary"  # withheld so that no suppressed cell can be worked out from the others


SUPPRESSED_BECAUSE = {
    Status.PRIMARY: f"fewer than {THRESHOLD}",
    Status.DIFFERENCING: "would reveal a small count when compared with an earlier release",
    Status.SECONDARY: "withheld so that the suppressed figures cannot be worked out from the others",
}


@dataclass(frozen=True)
class TableSpec:
    """One table of a release: the records of `universe` counted by `rows` and, for a two-way table, `columns`."""

    key: str
    title: str
    universe: str
    rows: str
    columns: str | None = None
    description: str = ""
    # A count as at the end of the period (members), not of what happened during it: two releases' stocks differ
    # by the net change between two dates, not by a count over the days one period has and the other lacks, so
    # the release log's check against differencing does not apply to them.
    stock: bool = False


@dataclass(frozen=True)
class Microdata:
    """The records of one universe. `dimensions` lists every category of each dimension in the order tables show
    them, empty ones included: a category left out would hide that its count is zero, and the reader's arithmetic
    must be checked over every value a cell could take."""

    universe: str
    dimensions: Mapping[str, Sequence[str]]
    records: Sequence[Mapping[str, str]]


@dataclass
class Cell:
    row: str
    column: str
    true: int  # never published
    status: Status = Status.PUBLISHED
    published: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.status != Status.PUBLISHED


@dataclass(frozen=True)
class ProtectedTable:
    spec: TableSpec
    rows: tuple[str, ...]  # the categories, then TOTAL
    columns: tuple[str, ...]  # the categories, then TOTAL; a one-way table has only TOTAL
    cells: Mapping[tuple[str, str], Cell]

    def cell(self, row: str, column: str = TOTAL) -> Cell:
        return self.cells[(row, column)]

    def published(self, row: str, column: str = TOTAL) -> int | None:
        return self.cells[(row, column)].published


@dataclass(frozen=True)
class Release:
    period: Period
    tables: tuple[ProtectedTable, ...]
    threshold: int
    rounding: int
    # Why cells were withheld beyond the threshold, for the report's notes (never which cells: that would help).
    notes: tuple[str, ...] = ()
    differenced_with: tuple[str, ...] = field(default=())

    def table(self, key: str) -> ProtectedTable:
        for table in self.tables:
            if table.spec.key == key:
                return table
        raise KeyError(key)

    def published_truth(self) -> dict[CellId, int]:
        """The true value of every published cell: what the release log keeps so that a later release can be
        checked against this one. Internal: the true values never leave the organisation."""
        return {
            (t.spec.key, c.row, c.column): c.true for t in self.tables for c in t.cells.values() if not c.suppressed
        }

    def counts(self) -> dict[Status, int]:
        tally = dict.fromkeys(Status, 0)
        for table in self.tables:
            for cell in table.cells.values():
                tally[cell.status] += 1
        return tally


def may_summarise(n: int, threshold: int = THRESHOLD) -> bool:
    """Whether a rate, median or percentile may be published from `n` cases."""
    return n >= threshold


def round_to(value: int, base: int = ROUNDING) -> int:
    """To the nearest multiple of `base`, halves up (12 -> 10, 13 -> 15): never below the threshold it passed."""
    return int(math.floor(value / base + 0.5) * base)


def protect(
    microdata: Iterable[Microdata],
    specs: Sequence[TableSpec],
    *,
    period: Period,
    priors: Sequence[PriorRelease] = (),
    threshold: int = THRESHOLD,
    rounding: int = ROUNDING,
) -> Release:
    """The tables of a release with every cell's fate decided (module docstring). Raises `ValueError` for a record
    whose category its dimension does not list, and `differencing.PeriodConflict` for a period that overlaps an
    earlier release's without one containing the other."""
    by_universe = {m.universe: m for m in microdata}
    grids = []
    for spec in specs:
        if spec.universe not in by_universe:
            raise ValueError(f"table {spec.key!r} counts the universe {spec.universe!r}, which has no microdata")
        grids.append(_Grid.build(by_universe[spec.universe], spec))
    tables = [grid.table for grid in grids]

    notes: list[str] = []
    for table in tables:
        for cell in table.cells.values():
            if cell.true < threshold:
                cell.status = Status.PRIMARY
    candidate = {
        (t.spec.key, c.row, c.column): c.true
        for t in tables
        if not t.spec.stock
        for c in t.cells.values()
        if not c.suppressed
    }
    risks = differencing_risks(period, candidate, priors, threshold=threshold)
    index = {(t.spec.key, r, c): cell for t in tables for (r, c), cell in t.cells.items()}
    for cell_id in risks:
        index[cell_id].status = Status.DIFFERENCING
    if risks:
        notes.append(
            f"{len(risks)} figures are withheld because, compared with an earlier release, they would reveal a count "
            f"under {threshold}."
        )

    for universe in {g.spec.universe for g in grids}:
        _Audit([g for g in grids if g.spec.universe == universe], threshold).run()

    for table in tables:
        for cell in table.cells.values():
            cell.published = None if cell.suppressed else round_to(cell.true, rounding)
    release = Release(
        period=period,
        tables=tuple(tables),
        threshold=threshold,
        rounding=rounding,
        notes=tuple(notes),
        differenced_with=tuple(sorted({p.label for p in priors if p.period.nested_with(period)})),
    )
    return release


# Building the tables.


@dataclass(eq=False)
class _Grid:
    """A table with its inner cells (those no total adds up) as the unknowns a reader would solve for."""

    spec: TableSpec
    table: ProtectedTable
    inner: tuple[tuple[str, str], ...]

    @classmethod
    def build(cls, data: Microdata, spec: TableSpec) -> _Grid:
        for dim in (spec.rows, spec.columns):
            if dim is not None and dim not in data.dimensions:
                raise ValueError(f"table {spec.key!r} counts by {dim!r}, a dimension {data.universe!r} does not have")
        rows = (*data.dimensions[spec.rows], TOTAL)
        columns = (*data.dimensions[spec.columns], TOTAL) if spec.columns else (TOTAL,)
        known = {dim: set(values) for dim, values in data.dimensions.items()}
        counts: dict[tuple[str, str], int] = {}
        for number, record in enumerate(data.records, start=1):
            for dim, values in known.items():
                if record.get(dim) not in values:
                    raise ValueError(
                        f"record {number} of {data.universe!r} has {dim} {record.get(dim)!r}, which is not one of "
                        "its categories"
                    )
            key = (record[spec.rows], record[spec.columns] if spec.columns else TOTAL)
            counts[key] = counts.get(key, 0) + 1
        inner = tuple(itertools.product(rows[:-1], columns[:-1] if spec.columns else (TOTAL,)))
        grid = cls(spec, ProtectedTable(spec, rows, columns, {}), inner)
        cells = {}
        for row, column in itertools.product(rows, columns):
            cells[(row, column)] = Cell(row, column, sum(counts.get(k, 0) for k in grid.members(row, column)))
        object.__setattr__(grid.table, "cells", cells)
        return grid

    def members(self, row: str, column: str) -> list[tuple[str, str]]:
        """The inner cells that add up to the cell (row, column)."""
        return [
            (r, c)
            for r, c in self.inner
            if (row == TOTAL or r == row) and (column == TOTAL or c == column or not self.spec.columns)
        ]

    def dims(self) -> frozenset[str]:
        return frozenset(d for d in (self.spec.rows, self.spec.columns) if d)

    def lines(self) -> list[list[tuple[str, str]]]:
        """Every additive relation of the table: each row and each column with its total, as cell keys."""
        inner_rows, inner_columns = self.table.rows[:-1], self.table.columns[:-1]
        lines = [[(r, TOTAL) for r in inner_rows] + [(TOTAL, TOTAL)]]
        if inner_columns:
            lines = [[(r, c) for c in inner_columns] + [(r, TOTAL)] for r in self.table.rows]
            lines += [[(r, c) for r in inner_rows] + [(TOTAL, c)] for c in self.table.columns]
        return lines


def _acyclic(edges: Sequence[frozenset[str]]) -> bool:
    """Whether the tables' dimensions form an acyclic hypergraph (the GYO reduction empties it). Only then do the
    tables' own cells, tied together where they share a dimension, allow exactly the values a full cross-tabulation
    of every dimension would: the audit's small model is then as strong as the reader's largest one."""
    remaining = [set(e) for e in edges]
    changed = True
    while changed:
        changed = False
        for edge in remaining:
            lonely = {v for v in edge if sum(v in other for other in remaining) == 1}
            if lonely:
                edge -= lonely
                changed = True
        for i, edge in enumerate(remaining):
            if any(j != i and edge <= other for j, other in enumerate(remaining)) or not edge:
                del remaining[i]
                changed = True
                break
    return not remaining


# Secondary suppression and its audit.


class _Audit:
    """Suppress further cells until no suppressed cell of one universe can be narrowed below the threshold.

    The unknowns are every table's inner cells; where two tables count the same dimension, their counts of each of
    its categories are tied equal, and all of a universe's tables share its grand total.
    """

    def __init__(self, grids: Sequence[_Grid], threshold: int) -> None:
        if not _acyclic([g.dims() for g in grids]):
            names = ", ".join(g.spec.key for g in grids)
            raise ValueError(f"the tables {names} cross their dimensions in a cycle; the audit cannot check them")
        self.grids = grids
        self.threshold = threshold
        offsets, size = {}, 0
        for grid in grids:
            offsets[id(grid)] = size
            size += len(grid.inner)
        self.keys = [(g, key) for g in grids for key in g.table.cells]

        def vector(grid: _Grid, members: Iterable[tuple[str, str]]) -> np.ndarray:
            out = np.zeros(size)
            place = {k: offsets[id(grid)] + n for n, k in enumerate(grid.inner)}
            out[[place[m] for m in members]] = 1.0
            return out

        self.masks = np.array([vector(g, g.members(*key)) for g, key in self.keys])
        self.truth = np.array([g.table.cells[key].true for g, key in self.keys], dtype=float)
        ties = []
        anchor = grids[0]
        for grid in grids[1:]:
            ties.append(vector(anchor, anchor.inner) - vector(grid, grid.inner))
            for dim in grid.dims():
                first = next(g for g in grids if dim in g.dims())
                if first is grid:
                    continue
                for category in first.table.rows[:-1] if first.spec.rows == dim else first.table.columns[:-1]:
                    ties.append(vector(first, _with(first, dim, category)) - vector(grid, _with(grid, dim, category)))
            twin = next(g for g in grids if g.dims() == grid.dims())
            if twin is not grid and len(grid.dims()) == 2:
                # Two tables of the same two dimensions (one perhaps transposed) count the very same inner cells:
                # tying only their margins would let one publish a cell the other withholds.
                for row, column in grid.inner:
                    named = {grid.spec.rows: row, grid.spec.columns: column}
                    same = (named[twin.spec.rows], named[twin.spec.columns])
                    ties.append(vector(twin, [same]) - vector(grid, [(row, column)]))
        self.ties = np.array(ties).reshape(len(ties), size)
        place = {(id(g), key): i for i, (g, key) in enumerate(self.keys)}
        self.lines = [[place[(id(g), key)] for key in line] for g in grids for line in g.lines()]
        # Suppressed cells already shown wide enough: more suppression only widens a range, so they stay so.
        self.safe: set[int] = set()
        # The least and greatest value each cell took in any feasible solution found so far. Both are values the
        # cell can take (more suppression only adds solutions), so a cell whose seen values are far enough apart is
        # shown wide without a programme of its own: at national size that saves most of them.
        self.seen_low = np.full(len(self.keys), np.inf)
        self.seen_high = np.full(len(self.keys), -np.inf)

    def cell(self, i: int) -> Cell:
        grid, key = self.keys[i]
        return grid.table.cells[key]

    def run(self) -> None:
        self._close_lines()
        hidden = np.zeros(len(self.keys))
        hidden[self._suppressed()] = 1.0
        if hidden.any():
            # Push every withheld cell up together and down together, and then in a few mixed directions: the
            # solutions bracket most cells at once.
            generator = np.random.default_rng(0)
            for weights in (hidden, -hidden, *(hidden * generator.choice([-1.0, 1.0], len(hidden)) for _ in range(4))):
                self._solve(weights @ self.masks)
        while True:
            self._close_lines()
            failing = next((i for i in self._suppressed() if i not in self.safe and not self._wide(i)), None)
            if failing is None:
                return
            self._withhold(self._partner(failing))

    def _suppressed(self) -> list[int]:
        return [i for i in range(len(self.keys)) if self.cell(i).suppressed]

    def _close_lines(self) -> None:
        """No line may hold exactly one suppressed cell: its total minus the rest would give it back."""
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                hidden = [i for i in line if self.cell(i).suppressed]
                if len(hidden) == 1:
                    self._withhold(self._smallest(i for i in line if not self.cell(i).suppressed))
                    changed = True

    def _partner(self, i: int) -> int:
        """The published cell to withhold for a cell that is still too narrow: the smallest in a line with it; if
        its lines are all withheld already, the smallest anywhere in the universe."""
        beside = {j for line in self.lines if i in line for j in line if not self.cell(j).suppressed}
        return self._smallest(beside or (j for j in range(len(self.keys)) if not self.cell(j).suppressed))

    def _smallest(self, candidates: Iterable[int]) -> int:
        # Inner cells before totals (a total is what readers want most), then the least informative: the smallest.
        def cost(j: int) -> tuple[bool, float, int]:
            return (self.cell(j).row == TOTAL or self.cell(j).column == TOTAL, self.truth[j], j)

        return min(candidates, key=cost)

    def _withhold(self, i: int) -> None:
        cell = self.cell(i)
        if not cell.suppressed:
            cell.status = Status.SECONDARY

    def _wide(self, i: int) -> bool:
        if self.seen_high[i] - self.seen_low[i] >= self.threshold:
            self.safe.add(i)
            return True
        low, high = self.range_of(i)
        if high - low >= self.threshold:
            self.safe.add(i)
            return True
        return False

    def range_of(self, i: int) -> tuple[float, float]:
        """The least and greatest value cell `i` can take, given every published cell of the universe exactly."""
        low, high = self._solve(self.masks[i]), self._solve(-self.masks[i])
        return low, (math.inf if high is None else -high)

    def _solve(self, objective: np.ndarray) -> float | None:
        """The least value of `objective` over the unknowns consistent with the published cells (None: no least,
        it falls without limit), noting the solution's value of every cell."""
        published = [j for j in range(len(self.keys)) if not self.cell(j).suppressed]
        matrix = csr_array(np.vstack([self.masks[published], self.ties]))
        target = np.concatenate([self.truth[published], np.zeros(len(self.ties))])
        result = linprog(objective, A_eq=matrix, b_eq=target, bounds=(0, None), method="highs")
        if result.status == 3:
            return None
        if result.status != 0:
            raise RuntimeError(f"the disclosure audit's linear programme failed: {result.message}")
        values = self.masks @ result.x
        np.minimum(self.seen_low, values, out=self.seen_low)
        np.maximum(self.seen_high, values, out=self.seen_high)
        return float(result.fun)


def _with(grid: _Grid, dim: str, category: str) -> list[tuple[str, str]]:
    return [(r, c) for r, c in grid.inner if (r if grid.spec.rows == dim else c) == category]


def audit_ranges(release: Release, microdata: Iterable[Microdata]) -> dict[CellId, tuple[float, float]]:
    """The range a reader holding every published figure exactly could narrow each suppressed cell to, worked out
    afresh from the microdata and the release's choices: what the tests check."""
    by_universe = {m.universe: m for m in microdata}
    ranges: dict[CellId, tuple[float, float]] = {}
    for universe in sorted({t.spec.universe for t in release.tables}):
        grids = []
        for table in release.tables:
            if table.spec.universe == universe:
                grid = _Grid.build(by_universe[universe], table.spec)
                for key, cell in grid.table.cells.items():
                    cell.status = table.cells[key].status
                grids.append(grid)
        audit = _Audit(grids, release.threshold)
        for i in audit._suppressed():
            grid, (row, column) = audit.keys[i]
            ranges[(grid.spec.key, row, column)] = audit.range_of(i)
    return ranges
