"""Precedent search: the earlier decided cases most like a given one, and how they were decided.

Likeness fuses two scores. The structured score compares what the rules care about: the clauses alleged, the
kind and seriousness of the conduct, the panel's assessment of culpability and harm, the aggravating and
mitigating factors, and the respondent's offices (the same conduct by an office holder may abuse a position).
Parts the query does not have yet - an undecided case has no assessment - are left out and the rest reweighted.
The text score is BM25 over the particulars of the allegations (bm25s, over sparse matrices), scaled so that
the best-matching earlier case scores 1. The fused score weighs the structure three times as much as the text,
because two cases with the same words can be very different conduct, while the same clause, assessment and
factors are what make cases alike under the rulebook.

Only proven, assessed decisions are precedents: the question they answer is which sanction like cases got.
`PrecedentIndex.search` is vectorised; `brute_force_search` scores every case one at a time in plain Python,
with the same formulas, and exists as the benchmark's baseline and the tests' cross-check.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

import bm25s
import numpy as np
from scipy import sparse

from fairhearing.analytics.records import CaseRecord, Scale
from fairhearing.analytics.results import OutcomeSpread, Precedent

WEIGHTS = {
    "clauses": 0.30,
    "categories": 0.10,
    "seriousness": 0.10,
    "culpability": 0.15,
    "harm": 0.15,
    "aggravating": 0.075,
    "mitigating": 0.075,
    "offices": 0.05,
}
STRUCTURE_SHARE = 0.75
SET_FIELDS = ("clauses", "categories", "aggravating", "mitigating", "offices")
# bm25s logs each index build at debug level; an analysis run builds several and has its own output to keep clean.
logging.getLogger("bm25s").setLevel(logging.WARNING)
# bm25s's defaults (Lucene's BM25), repeated for the brute-force baseline.
K1, B = 1.5, 0.75


def tokens(text: str) -> list[str]:
    return bm25s.tokenize([text], stopwords="en", show_progress=False, return_ids=False)[0]


def _sets(record: CaseRecord) -> dict[str, frozenset[str]]:
    d = record.decision
    return {
        "clauses": frozenset(record.clauses),
        "categories": record.categories,
        "aggravating": d.aggravating if d else frozenset(),
        "mitigating": d.mitigating if d else frozenset(),
        "offices": record.offices,
    }


def _parts(query: CaseRecord) -> dict[str, float]:
    """The weights that apply to this query: assessment and factors only once the query has been decided."""
    assessed = query.decision is not None and query.decision.assessed
    skip = set() if assessed else {"culpability", "harm", "aggravating", "mitigating"}
    parts = {name: w for name, w in WEIGHTS.items() if name not in skip}
    total = sum(parts.values())
    return {name: w / total for name, w in parts.items()}


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


class PrecedentIndex:
    def __init__(self, records: Iterable[CaseRecord], scale: Scale):
        self.scale = scale
        self.cases = [r for r in records if r.decision is not None and r.decision.assessed]
        n = len(self.cases)
        self.refs = np.array([r.ref for r in self.cases], dtype=object)
        self._position = {r.ref: i for i, r in enumerate(self.cases)}
        self.decided_on = np.array([r.decision.decided_on.toordinal() for r in self.cases], dtype=np.int64)
        self.seriousness = np.array([r.seriousness for r in self.cases], dtype=float)
        self._codes: dict[str, dict[str, int]] = {"culpability": {}, "harm": {}}
        self.culpability = self._encode("culpability", [r.decision.culpability for r in self.cases])
        self.harm = self._encode("harm", [r.decision.harm for r in self.cases])
        self._vocab: dict[str, dict[str, int]] = {}
        self._matrix: dict[str, sparse.csr_matrix] = {}
        self._sizes: dict[str, np.ndarray] = {}
        all_sets = [_sets(r) for r in self.cases]
        for name in SET_FIELDS:
            vocab = {v: i for i, v in enumerate(sorted({v for s in all_sets for v in s[name]}))}
            rows = [i for i, s in enumerate(all_sets) for _ in s[name]]
            cols = [vocab[v] for s in all_sets for v in s[name]]
            self._vocab[name] = vocab
            self._matrix[name] = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(vocab), 1)))
            self._sizes[name] = np.array([len(s[name]) for s in all_sets], dtype=float)
        self._texts = bm25s.tokenize(
            [r.text for r in self.cases], stopwords="en", show_progress=False, return_ids=False
        )
        self._bm25 = bm25s.BM25(k1=K1, b=B, dtype="float64")
        # BM25 needs some words to index: a history with no particulars at all is compared on structure alone.
        self._has_text = any(self._texts)
        if self._has_text:
            self._bm25.index(self._texts, show_progress=False)

    def __len__(self) -> int:
        return len(self.cases)

    def _encode(self, field: str, values: Sequence[str]) -> np.ndarray:
        codes = self._codes[field]
        return np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int64)

    # --- the vectorised search -----------------------------------------------------------------------

    def text_scores(self, query: CaseRecord) -> np.ndarray:
        words = [w for w in tokens(query.text) if self._has_text and w in self._bm25.vocab_dict]
        if not words:
            return np.zeros(len(self.cases))
        scores = np.asarray(self._bm25.get_scores(words), dtype=float)
        top = scores.max()
        return scores / top if top > 0 else np.zeros(len(self.cases))

    def structured_scores(self, query: CaseRecord) -> np.ndarray:
        parts = _parts(query)
        sets = _sets(query)
        score = np.zeros(len(self.cases))
        for name in SET_FIELDS:
            if name not in parts:
                continue
            q = np.zeros(self._matrix[name].shape[1])
            for v in sets[name]:
                if v in self._vocab[name]:
                    q[self._vocab[name][v]] = 1.0
            common = self._matrix[name] @ q
            union = self._sizes[name] + len(sets[name]) - common
            score += parts[name] * np.where(union > 0, common / np.maximum(union, 1), 1.0)
        score += parts["seriousness"] * (1 - np.abs(self.seriousness - query.seriousness) / 3).clip(0, 1)
        if "culpability" in parts:
            d = query.decision
            assert d is not None
            score += parts["culpability"] * (self.culpability == self._codes["culpability"].get(d.culpability, -1))
            score += parts["harm"] * (self.harm == self._codes["harm"].get(d.harm, -1))
        return score

    def search(
        self, query: CaseRecord, k: int = 10, *, exclude: str | None = None, before: date | None = None
    ) -> list[Precedent]:
        """The `k` most similar precedents, best first; ties broken by the more recent decision."""
        if not self.cases:
            return []
        structured = self.structured_scores(query)
        text = self.text_scores(query)
        fused = STRUCTURE_SHARE * structured + (1 - STRUCTURE_SHARE) * text
        allowed = np.ones(len(self.cases), dtype=bool)
        if exclude is not None and exclude in self._position:
            allowed[self._position[exclude]] = False
        if before is not None:
            allowed &= self.decided_on < before.toordinal()
        candidates = np.flatnonzero(allowed)
        if not len(candidates):
            return []
        take = min(k, len(candidates))
        # Round so that float noise never reorders true ties; then sort by score, recency, reference.
        rounded = np.round(fused[candidates], 9)
        best = candidates[np.argpartition(-rounded, take - 1)[:take]] if take < len(candidates) else candidates
        # argpartition may cut through a tie: widen to every candidate scoring at least the k-th best.
        cutoff = np.round(fused[best], 9).min()
        best = candidates[rounded >= cutoff]
        order = sorted(best, key=lambda i: (-round(fused[i], 9), -self.decided_on[i], self.refs[i]))[:take]
        return [self._precedent(i, fused[i], structured[i], text[i]) for i in order]

    def _precedent(self, i: int, score: float, structured: float, text: float) -> Precedent:
        r = self.cases[i]
        d = r.decision
        assert d is not None
        return Precedent(
            case_ref=r.ref,
            score=round(float(score), 4),
            structured=round(float(structured), 4),
            text=round(float(text), 4),
            decided_on=d.decided_on.isoformat(),
            body=d.body,
            clauses=r.clauses,
            culpability=d.culpability,
            harm=d.harm,
            aggravating=tuple(sorted(d.aggravating)),
            mitigating=tuple(sorted(d.mitigating)),
            sanction=d.sanction,
            severity=d.severity,
        )

    # --- the baseline: every case, one at a time -----------------------------------------------------

    def brute_force_search(
        self, query: CaseRecord, k: int = 10, *, exclude: str | None = None, before: date | None = None
    ) -> list[Precedent]:
        parts = _parts(query)
        q_sets = _sets(query)
        words = [w for w in tokens(query.text)]
        n = len(self._texts)
        lengths = [len(t) for t in self._texts]
        average = sum(lengths) / n if n else 0.0
        average = average or 1.0  # no words anywhere: every text score is zero, whatever the average
        frequency: Counter[str] = Counter()
        for text in self._texts:
            frequency.update(set(text))
        raw_text = []
        for text in self._texts:
            counts = Counter(text)
            total = 0.0
            for w in words:
                tf = counts.get(w, 0)
                if not tf:
                    continue
                idf = math.log(1 + (n - frequency[w] + 0.5) / (frequency[w] + 0.5))
                total += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(text) / average))
            raw_text.append(total)
        top = max(raw_text, default=0.0)
        scored = []
        for i, r in enumerate(self.cases):
            d = r.decision
            assert d is not None
            if r.ref == exclude or (before is not None and d.decided_on >= before):
                continue
            sets = _sets(r)
            s = sum(parts[name] * _jaccard(q_sets[name], sets[name]) for name in SET_FIELDS if name in parts)
            s += parts["seriousness"] * min(1.0, max(0.0, 1 - abs(r.seriousness - query.seriousness) / 3))
            if "culpability" in parts:
                assert query.decision is not None
                s += parts["culpability"] * (d.culpability == query.decision.culpability)
                s += parts["harm"] * (d.harm == query.decision.harm)
            t = raw_text[i] / top if top > 0 else 0.0
            fused = STRUCTURE_SHARE * s + (1 - STRUCTURE_SHARE) * t
            scored.append((-round(fused, 9), -d.decided_on.toordinal(), r.ref, i, fused, s, t))
        scored.sort()
        return [self._precedent(i, f, s, t) for *_, i, f, s, t in scored[:k]]


def spread(precedents: Sequence[Precedent], scale: Scale) -> OutcomeSpread | None:
    """How the precedents were decided, in the rulebook's order: the range and the middle, not one answer."""
    if not precedents:
        return None
    counts = Counter(p.severity for p in precedents)
    ordered = sorted(p.severity for p in precedents)
    return OutcomeSpread(
        counts={scale.sanctions[s]: counts[s] for s in range(len(scale.sanctions)) if counts[s]},
        lowest=scale.sanctions[ordered[0]],
        highest=scale.sanctions[ordered[-1]],
        median=scale.sanctions[ordered[(len(ordered) - 1) // 2]],
    )
