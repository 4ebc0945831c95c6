"""Consistency indices, for the organisation and for each body and year.

- **Explained share**: of the differences between the sanctions given, how much the legitimate facts of the
  cases explain - one minus the squared error of the model's expected severity (each decision predicted by a
  model that did not see it) over the total variance. 1 would be perfectly predictable from the facts; low
  values mean outcomes turn on something else.
- **Like-case spread**: like cases share the guideline starting point, seriousness and the balance of
  aggravating over mitigating factors. For each decision with like cases elsewhere, the gap in sanction steps
  between it and the median of those like cases; the index is the average gap. 0 means like cases were decided
  alike.
- **Neighbour agreement**: one minus the average gap between each decision and the mean of its five nearest
  decisions in the space of legitimate features, as a share of the whole sanction scale (Zemel et al.'s
  consistency). 1 means every decision matches its most similar cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.neighbors import NearestNeighbors

from fairhearing.analytics.records import CaseRecord
from fairhearing.analytics.results import ConsistencyIndex

NEIGHBOURS = 5


def like_key(r: CaseRecord) -> Hashable:
    d = r.decision
    assert d is not None
    return (d.guideline_start, r.seriousness, max(-2, min(2, len(d.aggravating) - len(d.mitigating))))


def like_case_gaps(records: Sequence[CaseRecord], y: np.ndarray) -> np.ndarray:
    """Per decision, |severity - median of the other like cases|; NaN where it has no like case."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        groups[like_key(r)].append(i)
    gaps = np.full(len(records), np.nan)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        rows_array = np.array(rows)
        gaps[rows_array] = np.abs(y[rows_array] - _medians_without_each(y[rows_array]))
    return gaps


def _medians_without_each(values: np.ndarray) -> np.ndarray:
    """The median of `values` with each element left out in turn, in O(n log n) rather than O(n^2)."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    m = len(v) - 1
    position = np.arange(len(v))  # where each left-out element sits in the sorted values

    def reduced(h: int) -> np.ndarray:
        # The h-th smallest once element j is removed: v[h] below j, v[h + 1] from j on.
        return np.where(h < position, v[h], v[min(h + 1, len(v) - 1)])

    medians = reduced((m - 1) // 2) if m % 2 == 1 else (reduced(m // 2 - 1) + reduced(m // 2)) / 2
    out = np.empty(len(v))
    out[order] = medians
    return out


def neighbour_gaps(x: np.ndarray, y: np.ndarray, scale_size: int) -> np.ndarray:
    """Per decision, |severity - mean severity of its nearest decisions| as a share of the scale."""
    if len(y) < 2:
        return np.full(len(y), np.nan)
    sd = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    k = min(NEIGHBOURS, len(y) - 1)
    _, idx = NearestNeighbors(n_neighbors=k + 1).fit(z).kneighbors(z)
    # Drop each decision itself; with exact duplicates it may not come first, so drop by identity.
    neighbours = np.array([[j for j in row if j != i][:k] for i, row in enumerate(idx)])
    return np.abs(y - y[neighbours].mean(axis=1)) / max(scale_size - 1, 1)


def consistency_indices(
    records: Sequence[CaseRecord],
    y: np.ndarray,
    expected: np.ndarray,
    like_gaps: np.ndarray,
    nn_gaps: np.ndarray,
    *,
    min_group: int = 10,
) -> list[ConsistencyIndex]:
    """Rows for the whole organisation, each year, each body, and each body in each year."""
    keys: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        d = r.decision
        assert d is not None
        year = d.decided_on.year
        for key in (("", None), ("", year), (d.body, None), (d.body, year)):
            keys[key].append(i)
    rows = []
    for (body, year), members in sorted(keys.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        idx = np.array(members)
        if len(idx) < min_group:
            rows.append(ConsistencyIndex(body, year, len(idx), True, None, None, 0, None))
            continue
        total = float(((y[idx] - y[idx].mean()) ** 2).sum())
        explained = None if total == 0 else max(0.0, 1 - float(((y[idx] - expected[idx]) ** 2).sum()) / total)
        gaps = like_gaps[idx]
        with_like = gaps[~np.isnan(gaps)]
        groups = len({like_key(records[i]) for i in idx[~np.isnan(gaps)]})
        rows.append(
            ConsistencyIndex(
                body=body,
                year=year,
                decisions=len(idx),
                too_few=False,
                explained_share=None if explained is None else round(explained, 4),
                like_case_spread=round(float(with_like.mean()), 4) if len(with_like) else None,
                like_case_groups=groups,
                neighbour_agreement=round(1 - float(np.nanmean(nn_gaps[idx])), 4),
            )
        )
    return rows
