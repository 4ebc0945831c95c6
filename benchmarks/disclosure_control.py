"""Disclosure control for the transparency reports, from a small organisation to a national one.

Run: .venv/bin/python benchmarks/disclosure_control.py [--sizes 500,5000,50000] [--baseline-size 600]

For each size, synthetic records of every universe the report counts (cases received and decided, suspensions,
appeals, evidence excluded, members at 10 per case) with the report's own tables (`analytics.transparency.TABLES`),
timed in one run on one machine:

- counting the tables alone, with no disclosure control: the baseline every report pays anyway;
- `disclosure.protect`: the same counting plus primary and secondary suppression, the audit's linear programmes
  and rounding; its ratio to the baseline is what compares between machines (they are shared and noisy);
- the audit's independent re-check (`disclosure.audit_ranges`: two programmes per withheld figure).

Then, at --baseline-size decisions, the audit's small model (each table's own cells, tied where tables share a
dimension) against the full cross-tabulation of every dimension, which is exact for any design but grows with the
product of the dimensions' sizes: the two must give every withheld figure the same range.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

from fairhearing.analytics import transparency as t
from fairhearing.analytics.disclosure import Microdata, Status, TableSpec, _Grid, audit_ranges, protect
from fairhearing.analytics.periods import parse

PERIOD = parse("2026Q3")
BODIES = [f"Body {i}" for i in range(8)]
REGIONS = [f"Region {i}" for i in range(12)]
CATEGORIES = [f"Category {i}" for i in range(10)]
OUTCOMES = [t.NOT_PROVEN, "No further action", "Advice", "Warning", "Final warning", "Suspension", "Expulsion"]


def synthetic(cases: int, seed: int = 1) -> list[Microdata]:
    rng = random.Random(seed)
    skew = [2**-i for i in range(12)]

    def case() -> dict[str, str]:
        return {
            "body": rng.choices(BODIES, skew[:8])[0],
            "region": rng.choice(REGIONS),
            "category": rng.choices(CATEGORIES, skew[:10])[0],
            "office": rng.choices(t.OFFICES, [1, 4, 30])[0],
        }

    received = [case() for _ in range(cases)]
    decided = [{**case(), "outcome": rng.choices(OUTCOMES, [8, 6, 5, 4, 3, 2, 1])[0]} for _ in range(cases * 2 // 3)]
    dims = {"body": BODIES, "region": REGIONS, "category": CATEGORIES, "office": list(t.OFFICES)}
    return [
        Microdata(t.RECEIVED, dims, received),
        Microdata(t.DISMISSED, {"body": BODIES, "category": CATEGORIES}, [case() for _ in range(cases // 8)]),
        Microdata(t.DECIDED, {**dims, "outcome": OUTCOMES}, decided),
        Microdata(
            t.SUSPENSIONS,
            {"body": BODIES, "ending": list(t.ENDINGS), "review": list(t.REVIEWS)},
            [
                {"body": rng.choice(BODIES), "ending": rng.choice(t.ENDINGS), "review": rng.choice(t.REVIEWS)}
                for _ in range(cases // 20)
            ],
        ),
        Microdata(
            t.APPEALS,
            {"body": BODIES, "result": list(t.APPEAL_RESULTS)},
            [{"body": rng.choice(BODIES), "result": rng.choice(t.APPEAL_RESULTS)} for _ in range(cases // 10)],
        ),
        Microdata(
            t.EVIDENCE,
            {"reason": list(t.EXCLUSION_REASONS)},
            [{"reason": rng.choice(t.EXCLUSION_REASONS)} for _ in range(cases // 15)],
        ),
        Microdata(t.MEMBERS, {"region": REGIONS}, [{"region": rng.choice(REGIONS)} for _ in range(cases * 10)]),
    ]


def count_only(microdata: Sequence[Microdata], specs: Sequence[TableSpec]) -> int:
    by_universe = {m.universe: m for m in microdata}
    return sum(len(_Grid.build(by_universe[s.universe], s).table.cells) for s in specs)


def full_cross_tabulation_ranges(microdata: Microdata, specs: Sequence[TableSpec], release) -> dict:
    """Each withheld figure's range over every combination of every dimension: the exact model for any design."""
    dims = sorted(microdata.dimensions)
    shape = [len(microdata.dimensions[d]) for d in dims]
    atoms = int(np.prod(shape))
    rows, truth, keys = [], [], []
    for table_spec in specs:
        table = release.table(table_spec.key)
        for (row, column), cell in table.cells.items():
            mask = np.ones(shape, dtype=bool)
            for dim, value in ((table_spec.rows, row), (table_spec.columns, column)):
                if dim is None or value == "Total":
                    continue
                axis = dims.index(dim)
                keep = np.array([v == value for v in microdata.dimensions[dim]])
                mask &= keep.reshape([-1 if a == axis else 1 for a in range(len(shape))])
            rows.append(mask.reshape(-1).astype(float))
            truth.append(cell.true)
            keys.append((table_spec.key, row, column, cell.suppressed))
    matrix, truth = np.array(rows), np.array(truth, dtype=float)
    published = [i for i, k in enumerate(keys) if not k[3]]
    ranges = {}
    for i, key in enumerate(keys):
        if not key[3]:
            continue
        ends = []
        for sign in (1, -1):
            result = linprog(sign * matrix[i], A_eq=matrix[published], b_eq=truth[published], bounds=(0, None))
            ends.append(np.inf if result.status == 3 else sign * result.fun)
        ranges[key[:3]] = tuple(ends)
    return {"atoms": atoms, "ranges": ranges}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000", help="cases received per period, comma-separated")
    parser.add_argument("--baseline-size", type=int, default=600, help="decisions for the full cross-tabulation")
    args = parser.parse_args()

    print(
        f"{'cases':>7} {'count only':>11} {'protect':>9} {'ratio':>7} {'re-check':>9} "
        f"{'cells':>6} {'withheld':>9} {'secondary':>10}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        microdata = synthetic(size)
        started = time.perf_counter()
        cells = count_only(microdata, t.TABLES)
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        release = protect(microdata, t.TABLES, period=PERIOD)
        protected = time.perf_counter() - started
        started = time.perf_counter()
        audit_ranges(release, microdata)
        recheck = time.perf_counter() - started
        counts = release.counts()
        withheld = cells - counts[Status.PUBLISHED]
        print(
            f"{size:>7} {baseline:>10.2f}s {protected:>8.2f}s {protected / baseline:>6.1f}x {recheck:>8.2f}s "
            f"{cells:>6} {withheld:>9} {counts[Status.SECONDARY]:>10}"
        )

    # The small model against the full cross-tabulation, on the decisions' four tables.
    rng = random.Random(2)
    dims = {"body": BODIES, "region": REGIONS, "category": CATEGORIES, "office": list(t.OFFICES), "outcome": OUTCOMES}
    records = [{d: rng.choice(v) for d, v in dims.items()} for _ in range(args.baseline_size)]
    decided = Microdata(t.DECIDED, dims, records)
    specs = [s for s in t.TABLES if s.universe == t.DECIDED]
    started = time.perf_counter()
    release = protect([decided], specs, period=PERIOD)
    small = audit_ranges(release, [decided])
    small_time = time.perf_counter() - started
    started = time.perf_counter()
    full = full_cross_tabulation_ranges(decided, specs, release)
    full_time = time.perf_counter() - started
    agree = all(np.allclose(small[k], full["ranges"][k]) for k in small)
    print()
    print(f"{'model':<26} {'unknowns':>9} {'withheld':>9} {'time':>9}")
    unknowns = sum(len(list(itertools.product(*(dims[d] for d in (s.rows, s.columns) if d)))) for s in specs)
    print(f"{'tables tied by dimension':<26} {unknowns:>9} {len(small):>9} {small_time:>8.2f}s")
    print(f"{'full cross-tabulation':<26} {full['atoms']:>9} {len(full['ranges']):>9} {full_time:>8.2f}s")
    print(f"ranges agree: {'yes' if agree else 'NO'}; speed-up {full_time / small_time:.0f}x")


if __name__ == "__main__":
    main()
