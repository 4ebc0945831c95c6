"""Sanction severity as an ordinal outcome: a proportional-odds (cumulative logit) model.

P(severity <= k | x) = logistic(cut_k - x.beta), one cut between each pair of neighbouring steps of the
rulebook's sanction scale. The likelihood is maximised with scipy's L-BFGS-B and carries a light ridge penalty.
statsmodels' `OrderedModel` fits the same model (the tests check the two agree on well-posed data), but has no
penalty, and a penalty is needed here: an organisation that decides consistently produces data the model can
separate perfectly, where unpenalised coefficients run off to infinity and the cuts of a rarely used step
collapse. The penalty keeps every fit finite and gives every step of the scale some probability.

Two more things make a plain fit unfit for finding inconsistent decisions, and both are handled here:

- **Self-influence.** A decision must not help predict itself, or a harsh outlier teaches the model that such
  cases are punished harshly. Predictions for a decision come from a model fitted on the *other* folds only
  (cross-fitting, `cross_fitted`).
- **Masking.** When several inconsistent decisions share features, they pull the fitted model towards
  themselves and hide one another. Each fold's model is therefore fitted by trimming (`fit_trimmed`): fit, set
  aside the training decisions the model itself finds grossly surprising, refit, until nothing changes. The
  trimmed decisions still get their own out-of-fold prediction like every other; they just do not shape the
  yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.model_selection import KFold

FOLDS = 5
# A training decision whose own outcome the model puts in a tail this thin is set aside while fitting.
TRIM_TAIL = 0.02
TRIM_ROUNDS = 8
# Ridge penalty on the standardised coefficients and on the log-gaps between cuts (towards one logit unit).
PENALTY = 1.0
MAX_ITER = 500


@dataclass(frozen=True)
class Fit:
    beta: np.ndarray  # per original column (zero where a column did not vary in training)
    cuts: np.ndarray  # scale_size - 1 increasing cuts
    converged: bool
    trimmed: int = 0

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(severity = s | x) for every step s of the scale."""
        cdf = expit(self.cuts[None, :] - (x @ self.beta)[:, None])
        cdf = np.hstack([np.zeros((len(x), 1)), cdf, np.ones((len(x), 1))])
        return np.clip(np.diff(cdf, axis=1), 0.0, 1.0)


def _cuts(theta: np.ndarray, p: int) -> np.ndarray:
    return theta[p] + np.concatenate([[0.0], np.cumsum(np.exp(theta[p + 1 :]))])


def _objective(theta: np.ndarray, z: np.ndarray, y: np.ndarray, k: int, penalty: float) -> tuple[float, np.ndarray]:
    _n, p = z.shape
    cuts = _cuts(theta, p)
    eta = z @ theta[:p]
    upper = np.where(y < k - 1, np.append(cuts, np.inf)[y], np.inf)
    lower = np.where(y > 0, np.concatenate([[-np.inf], cuts])[y], -np.inf)
    a, b = expit(upper - eta), expit(lower - eta)
    prob = np.maximum(a - b, 1e-300)
    da, db = a * (1 - a), b * (1 - b)
    gaps = theta[p + 1 :]
    value = -np.log(prob).sum() + 0.5 * penalty * (theta[:p] @ theta[:p] + gaps @ gaps)
    grad = np.zeros_like(theta)
    grad[:p] = z.T @ ((da - db) / prob) + penalty * theta[:p]
    # The gradient with respect to each cut: observations just below it push it up, just above push it down.
    d_cut = np.zeros(k - 1)
    np.add.at(d_cut, y[y < k - 1], -(da / prob)[y < k - 1])
    np.add.at(d_cut, y[y > 0] - 1, (db / prob)[y > 0])
    grad[p] = d_cut.sum()
    tail = np.cumsum(d_cut[::-1])[::-1]  # gap j moves every cut above it
    grad[p + 1 :] = np.exp(gaps) * tail[1:] + penalty * gaps
    return value, grad


def fit(x: np.ndarray, y: np.ndarray, scale_size: int, *, penalty: float = PENALTY) -> Fit:
    """Fit on rows `x` (one per decision) and severities `y` (0 .. scale_size - 1)."""
    n, p = x.shape
    mean, sd = x.mean(axis=0) if n else np.zeros(p), x.std(axis=0) if n else np.zeros(p)
    varies = sd > 0
    z = (x[:, varies] - mean[varies]) / sd[varies]
    q = int(varies.sum())
    # Start from cuts at the empirical cumulative shares, which is where a model with no features would be.
    shares = np.clip(np.cumsum(np.bincount(y, minlength=scale_size))[:-1] / max(n, 1), 0.02, 0.98)
    start_cuts = np.maximum.accumulate(np.log(shares / (1 - shares)) + np.arange(scale_size - 1) * 1e-3)
    theta0 = np.concatenate([np.zeros(q), start_cuts[:1], np.log(np.maximum(np.diff(start_cuts), 0.05))])
    result = minimize(
        _objective,
        theta0,
        args=(z, y, scale_size, penalty),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITER},
    )
    theta = result.x
    beta = np.zeros(p)
    beta[varies] = theta[:q] / sd[varies]
    cuts = _cuts(theta, q) + (mean[varies] / sd[varies]) @ theta[:q]
    return Fit(beta, cuts, bool(result.success))


def tails(probabilities: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-sided p-values: P(an outcome at least this severe) and P(an outcome at most this severe)."""
    cumulative = np.cumsum(probabilities, axis=1)
    rows = np.arange(len(y))
    at_most = cumulative[rows, y]
    at_least = 1.0 - at_most + probabilities[rows, y]
    return np.clip(at_least, 0.0, 1.0), np.clip(at_most, 0.0, 1.0)


def fit_trimmed(x: np.ndarray, y: np.ndarray, scale_size: int) -> Fit:
    kept = np.ones(len(y), dtype=bool)
    model = fit(x, y, scale_size)
    for _ in range(TRIM_ROUNDS):
        harsh, lenient = tails(model.probabilities(x), y)
        keep = np.minimum(harsh, lenient) >= TRIM_TAIL
        if np.array_equal(keep, kept) or not keep.any():
            break
        kept = keep
        model = fit(x[kept], y[kept], scale_size)
    return Fit(model.beta, model.cuts, model.converged, int((~kept).sum()))


@dataclass(frozen=True)
class CrossFitted:
    probabilities: np.ndarray  # (decisions, scale steps), each row from a model that did not see that decision
    harsh: np.ndarray
    lenient: np.ndarray
    trimmed: int
    converged: bool


def cross_fitted(x: np.ndarray, y: np.ndarray, scale_size: int, *, folds: int = FOLDS, seed: int = 0) -> CrossFitted:
    probabilities = np.zeros((len(y), scale_size))
    trimmed, converged = 0, True
    for train, test in KFold(n_splits=min(folds, len(y)), shuffle=True, random_state=seed).split(x):
        model = fit_trimmed(x[train], y[train], scale_size)
        probabilities[test] = model.probabilities(x[test])
        trimmed += model.trimmed
        converged &= model.converged
    harsh, lenient = tails(probabilities, y)
    return CrossFitted(probabilities, harsh, lenient, trimmed, converged)
