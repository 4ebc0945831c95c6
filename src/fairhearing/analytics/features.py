"""The legitimate features of a decided case: what the sanction guidelines say may bear on the sanction.

The guideline starting point (the rulebook's own reading of culpability and harm), how serious the conduct
alleged is, how many allegations there were, and the balance of the aggravating and mitigating factors the panel
found.

Who the respondent is - their region, offices, or any personal attribute - is never a feature: the analytics ask
whether outcomes depend on those, so the model must not be allowed to explain them away. Nor is the kind of
conduct (its category or clause): the guidelines are the same for every kind, and a term per kind would let the
model learn a pattern such as "retweets are punished with suspension" and call it consistent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fairhearing.analytics.records import CaseRecord

# The balance of factors enters as categories, not as a straight line: panels weigh factors against each other
# and move a step or two for the balance, not one step per factor however many there are.
BALANCES = (-2, -1, 1, 2)
COLUMNS = (
    "guideline starting point",
    "seriousness",
    "allegations",
    "two or more mitigating factors on balance",
    "one mitigating factor on balance",
    "one aggravating factor on balance",
    "two or more aggravating factors on balance",
)


def matrix(records: Sequence[CaseRecord]) -> np.ndarray:
    """One row per assessed decision, in `COLUMNS` order."""
    x = np.zeros((len(records), len(COLUMNS)), dtype=float)
    for i, r in enumerate(records):
        d = r.decision
        if d is None or d.guideline_start is None:
            raise ValueError(f"{r.ref} has no assessed decision")
        balance = max(-2, min(2, len(d.aggravating) - len(d.mitigating)))
        x[i, :3] = (d.guideline_start, r.seriousness, len(r.clauses))
        if balance:
            x[i, 3 + BALANCES.index(balance)] = 1.0
    return x
