"""What disclosure control promises a reader of a release, checked independently of how `protect` decides:

* no published count is under the threshold (10), zeros included, and each is its true value rounded to 5;
* no withheld count is a linear combination of published counts and totals (a rank test over the full
  cross-tabulation of every dimension the tables use);
* no withheld count can be narrowed to fewer than 10 values: by linear programming over the full cross-tabulation
  (which `protect`'s own audit replaces with a far smaller model), and by exhaustive search over every whole-number
  table agreeing with the published figures, for tables small enough to list.

Every check takes each published figure as exactly its true value: a stronger reader than a real one, who sees
rounded figures.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from scipy.optimize import linprog

from fairhearing.analytics.disclosure import (
    THRESHOLD,
    TOTAL,
    Microdata,
    Release,
    Status,
    TableSpec,
    protect,
    round_to,
)
from fairhearing.analytics.periods import parse

PERIOD = parse("2026Q3")


def _random_release(seed: int) -> tuple[Microdata, list[TableSpec], Release]:
    """Decisions by body and outcome, by region, and by office and outcome: three linked tables, with many small
    counts (a few large categories and a long tail)."""
    rng = random.Random(seed)
    dims = {
        "body": [f"B{i}" for i in range(rng.randint(2, 4))],
        "outcome": [f"O{i}" for i in range(rng.randint(2, 4))],
        "region": [f"R{i}" for i in range(rng.randint(2, 4))],
        "office": ["senior", "other", "none"],
    }
    weights = {d: [rng.random() ** 2 + 0.01 for _ in values] for d, values in dims.items()}
    records = [
        {d: rng.choices(values, weights[d])[0] for d, values in dims.items()} for _ in range(rng.randint(0, 160))
    ]
    data = Microdata("decided", dims, records)
    specs = [
        TableSpec("by_body_outcome", "By body and outcome", "decided", "body", "outcome"),
        TableSpec("by_region", "By region", "decided", "region"),
        TableSpec("by_office_outcome", "By office and outcome", "decided", "office", "outcome"),
    ]
    return data, specs, protect([data], specs, period=PERIOD)


def _cross_tabulation(data: Microdata, release: Release) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str, str]]]:
    """Every table cell as the indicator row of the full cross-tabulation's cells it adds up, with its true value."""
    dims = sorted(data.dimensions)
    atoms = list(itertools.product(*(data.dimensions[d] for d in dims)))
    rows, truth, keys = [], [], []
    for table in release.tables:
        for (row, column), cell in table.cells.items():
            wanted = {table.spec.rows: row}
            if table.spec.columns:
                wanted[table.spec.columns] = column
            rows.append(
                [float(all(value in (TOTAL, atom[dims.index(d)]) for d, value in wanted.items())) for atom in atoms]
            )
            truth.append(cell.true)
            keys.append((table.spec.key, row, column))
    return np.array(rows), np.array(truth, dtype=float), keys


def _statuses(release: Release) -> dict[tuple[str, str, str], Status]:
    return {(t.spec.key, r, c): cell.status for t in release.tables for (r, c), cell in t.cells.items()}


@pytest.mark.parametrize("seed", range(40))
def test_no_published_count_is_small_and_each_is_its_true_value_rounded(seed: int):
    _, _, release = _random_release(seed)
    for table in release.tables:
        for cell in table.cells.values():
            if cell.true < THRESHOLD:
                assert cell.suppressed and cell.published is None
            if not cell.suppressed:
                assert cell.published == round_to(cell.true) >= THRESHOLD and cell.published % 5 == 0


@pytest.mark.parametrize("seed", range(25))
def test_no_withheld_count_is_a_linear_combination_of_published_ones(seed: int):
    data, _, release = _random_release(seed)
    matrix, _, keys = _cross_tabulation(data, release)
    statuses = _statuses(release)
    published = matrix[[statuses[k] == Status.PUBLISHED for k in keys]]
    rank = np.linalg.matrix_rank(published) if len(published) else 0
    for i, key in enumerate(keys):
        if statuses[key] != Status.PUBLISHED:
            # Appending a withheld cell's row raises the rank: it lies outside what the published rows span.
            assert np.linalg.matrix_rank(np.vstack([published, matrix[i]])) == rank + 1, key


@pytest.mark.parametrize("seed", range(12))
def test_a_solver_over_the_full_cross_tabulation_cannot_narrow_a_withheld_count(seed: int):
    data, _, release = _random_release(seed)
    matrix, truth, keys = _cross_tabulation(data, release)
    statuses = _statuses(release)
    published = [i for i, k in enumerate(keys) if statuses[k] == Status.PUBLISHED]
    for i, key in enumerate(keys):
        if statuses[key] == Status.PUBLISHED:
            continue
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * matrix[i],
                A_eq=matrix[published] if published else None,
                b_eq=truth[published] if published else None,
                bounds=(0, None),
            )
            ends.append(np.inf if result.status == 3 else sign * result.fun)
        assert ends[1] - ends[0] >= THRESHOLD, (key, ends)


def _exhaustive_ranges(table_cells: dict[tuple[str, str], tuple[int, bool]], rows: int, columns: int, cap: int):
    """Every whole-number filling of a rows x columns table's inner cells from 0 to `cap` agreeing with each
    published cell's true value; for each withheld cell, the least and greatest value it takes (infinity when a
    filling reaching the cap agrees, so the cap, not the figures, stopped the search)."""
    grid = np.indices((cap + 1,) * (rows * columns)).reshape(rows * columns, -1).T
    inner = grid.reshape(-1, rows, columns)
    with_totals = np.zeros((len(grid), rows + 1, columns + 1), dtype=int)
    with_totals[:, :rows, :columns] = inner
    with_totals[:, :rows, columns] = inner.sum(axis=2)
    with_totals[:, rows, :columns] = inner.sum(axis=1)
    with_totals[:, rows, columns] = inner.sum(axis=(1, 2))
    keep = np.ones(len(grid), dtype=bool)
    for (r, c), (true, suppressed) in table_cells.items():
        if not suppressed:
            keep &= with_totals[:, r, c] == true
    agreeing, at_cap = with_totals[keep], (grid[keep] == cap).any(axis=1)
    ranges = {}
    for (r, c), (_, suppressed) in table_cells.items():
        if suppressed:
            values = agreeing[:, r, c]
            high = np.inf if at_cap.any() else values.max()
            ranges[(r, c)] = (values.min(), high)
    return ranges


@pytest.mark.parametrize("seed", range(30))
def test_exhaustive_search_of_small_tables_cannot_narrow_a_withheld_count(seed: int):
    rng = random.Random(1000 + seed)
    rows, columns = rng.choice([(2, 2), (1, 3), (1, 4), (3, 1)])
    counts = [[rng.choice([0, 1, 2, 4, 7, 9, 10, 12, 15, 22]) for _ in range(columns)] for _ in range(rows)]
    dims = {"row": [f"r{i}" for i in range(rows)], "column": [f"c{j}" for j in range(columns)]}
    records = [
        {"row": f"r{i}", "column": f"c{j}"} for i in range(rows) for j in range(columns) for _ in range(counts[i][j])
    ]
    spec = TableSpec("t", "Table", "u", "row", "column")
    table = protect([Microdata("u", dims, records)], [spec], period=PERIOD).table("t")
    position = {**{f"r{i}": i for i in range(rows)}, TOTAL: rows}
    column_position = {**{f"c{j}": j for j in range(columns)}, TOTAL: columns}
    cells = {(position[r], column_position[c]): (cell.true, cell.suppressed) for (r, c), cell in table.cells.items()}
    cap = max(40, sum(map(sum, counts)) + 12)
    if (cap + 1) ** (rows * columns) > 3_000_000:
        cap = int(3_000_000 ** (1 / (rows * columns))) - 1
    for key, (low, high) in _exhaustive_ranges(cells, rows, columns, cap).items():
        assert low <= cells[key][0] <= high
        assert high - low >= THRESHOLD, (counts, key, low, high)
