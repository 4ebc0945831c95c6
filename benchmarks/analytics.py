"""The consistency analytics at national size: precedent search and the whole analysis over 50,000 decided cases.

Run: .venv/bin/python benchmarks/analytics.py [--cases 50000] [--queries 200] [--baseline-queries 20]

Builds a synthetic history (`fairhearing.analytics.synthetic`, 5% injected outliers) with --cases decided cases
and times, in one run on one machine:

- building the precedent index (`PrecedentIndex`: sparse matrices of the structured fields and a BM25 index);
- `PrecedentIndex.search` for --queries random decided cases (each excluding itself), per query;
- the baseline: `PrecedentIndex.brute_force_search`, the same scores computed case by case in plain Python, for
  the first --baseline-queries of the same queries (it is slow), checking that both return the same top refs;
- `run_analysis` over the whole history: model, outliers with their precedents, indices, comparisons, funnels.

Prints the median and 99th percentile latency of each search and the ratio of the search's to the baseline's
(machines are shared and noisy; the ratio measured in one run is what compares between machines). No database
is involved: the analytics are pure Python over plain records.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from datetime import time as midnight

import numpy as np

from fairhearing.analytics.analyse import run_analysis
from fairhearing.analytics.precedents import PrecedentIndex
from fairhearing.analytics.records import CaseRecord
from fairhearing.analytics.results import Precedent
from fairhearing.analytics.synthetic import SyntheticHistory, synthetic_history

# About one complaint in eight is dismissed at triage; ask for a few more so that enough are decided.
DECIDED_SHARE = 0.85


def _history(decided: int, seed: int) -> tuple[SyntheticHistory, list[CaseRecord]]:
    """A history with at least `decided` decided cases, cut after the one that makes `decided`."""
    history = synthetic_history(math.ceil(decided / DECIDED_SHARE), seed=seed, outlier_share=0.05)
    records, count = [], 0
    for r in history.records:
        if count == decided:
            break
        records.append(r)
        count += r.decision is not None
    if count < decided:
        raise SystemExit(f"the history has only {count} decided cases; raise DECIDED_SHARE's margin")
    return history, records


def _latencies(
    search: Callable[..., list[Precedent]], queries: Sequence[CaseRecord], k: int
) -> tuple[list[float], list[list[str]]]:
    took, refs = [], []
    for q in queries:
        started = time.perf_counter()
        found = search(q, k, exclude=q.ref)
        took.append(time.perf_counter() - started)
        refs.append([p.case_ref for p in found])
    return took, refs


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000, help="decided cases in the history")
    parser.add_argument("--queries", type=int, default=200, help="precedent searches timed with the index")
    parser.add_argument("--baseline-queries", type=int, default=20, help="of those, timed with the brute force")
    parser.add_argument("--k", type=int, default=10, help="precedents per search")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)  # statsmodels on empty strata cells: noise here

    started = time.perf_counter()
    history, records = _history(args.cases, args.seed)
    generated = time.perf_counter() - started
    decided = [r for r in records if r.decision is not None]
    print(
        f"({len(records):,} cases, {len(decided):,} decided, generated in {generated:.1f} s; "
        f"{os.cpu_count()} CPU cores)"
    )

    started = time.perf_counter()
    index = PrecedentIndex(records, history.scale)
    build = time.perf_counter() - started
    pool = [r for r in decided if r.decision is not None and r.decision.assessed]
    queries = random.Random(args.seed).sample(pool, min(args.queries, len(pool)))
    baseline_queries = queries[: min(args.baseline_queries, len(queries))]

    fast, fast_refs = _latencies(index.search, queries, args.k)
    slow, slow_refs = _latencies(index.brute_force_search, baseline_queries, args.k)
    same = sum(a == b for a, b in zip(fast_refs, slow_refs, strict=False))

    started = time.perf_counter()
    report = run_analysis(records, history.scale, now=datetime.combine(history.end, midnight(), UTC))
    analysis = time.perf_counter() - started

    baseline = float(np.median(slow))
    print(f"{'run':<44} {'n':>5} {'median ms':>10} {'p99 ms':>10} {'x baseline':>10}")
    for name, took in [
        ("baseline: brute_force_search, per query", slow),
        ("PrecedentIndex.search, per query", fast),
    ]:
        median, p99 = float(np.median(took)), float(np.percentile(took, 99))
        print(f"{name:<44} {len(took):>5} {_ms(median):>10} {_ms(p99):>10} {median / baseline:>10.4f}")
    print(f"{'building the index (once)':<44} {1:>5} {_ms(build):>10} {'':>10} {build / baseline:>10.2f}")
    print(f"{'run_analysis, whole history':<44} {1:>5} {_ms(analysis):>10} {'':>10} {analysis / baseline:>10.2f}")
    speedup = baseline / float(np.median(fast))
    saved = baseline - float(np.median(fast))
    print(
        f"search is {speedup:,.0f}x faster than the baseline; the index pays for its building after "
        f"{math.ceil(build / saved) if saved > 0 else 'no'} queries"
    )
    print(
        f"same top {args.k} refs as the baseline: {same} of {len(slow_refs)} queries"
        f"{'' if same == len(slow_refs) else ' - MISMATCH'}"
    )
    injected = history.injected.keys() & {r.ref for r in records}
    flagged = {o.case_ref for o in report.outliers}
    print(
        f"run_analysis: {report.assessed:,} assessed decisions; {len(flagged):,} outliers flagged, "
        f"{len(flagged & injected):,} of the {len(injected):,} injected among them; "
        f"{len(report.disparities)} disparities reported of {len(report.comparisons)} comparisons"
    )
    if same != len(slow_refs):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
