"""The ordinal model: the same fit as statsmodels where both are well posed, finite where statsmodels' is not."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.miscmodels.ordinal_model import OrderedModel

from fairhearing.analytics import ordinal


def simulated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.normal(size=n), rng.integers(0, 3, n)]).astype(float)
    latent = 1.2 * x[:, 0] - 0.8 * x[:, 1] + rng.logistic(size=n)
    y = np.digitize(latent, [-2.0, -0.5, 0.5, 2.0])
    return x, y


def test_agrees_with_statsmodels_on_well_posed_data():
    x, y = simulated(3000, seed=1)
    ours = ordinal.fit(x, y, 5, penalty=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=1000)
    assert ours.converged
    np.testing.assert_allclose(ours.beta, theirs.params[:2], atol=0.01)
    np.testing.assert_allclose(ours.probabilities(x), theirs.predict(x), atol=0.005)


def test_recovers_the_coefficients_that_generated_the_data():
    x, y = simulated(20000, seed=2)
    model = ordinal.fit(x, y, 5)
    np.testing.assert_allclose(model.beta, [1.2, -0.8], atol=0.06)


def test_probabilities_cover_every_step_of_the_scale_and_sum_to_one():
    x, y = simulated(500, seed=3)
    model = ordinal.fit(x, y, 6)  # step 5 never happens in training; it still gets a little probability
    p = model.probabilities(x)
    assert p.shape == (500, 6)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p[:, 5] > 0).all()


def test_separable_data_gives_a_finite_confident_fit():
    # A perfectly consistent organisation: severity is exactly the guideline start plus the factors.
    rng = np.random.default_rng(4)
    start = rng.integers(1, 5, 400)
    agg = rng.integers(0, 2, 400)
    x = np.column_stack([start, agg]).astype(float)
    y = start + agg
    model = ordinal.fit(x, y, 6)
    assert np.isfinite(model.beta).all() and np.isfinite(model.cuts).all()
    p = model.probabilities(x)
    assert (p[np.arange(400), y] > 0.5).all()


def test_tails_are_the_two_one_sided_p_values():
    p = np.array([[0.1, 0.2, 0.3, 0.4]])
    harsh, lenient = ordinal.tails(p, np.array([2]))
    assert harsh[0] == pytest.approx(0.7)
    assert lenient[0] == pytest.approx(0.6)


def test_a_decision_never_predicts_itself():
    # Cross-fitting: one wildly harsh decision in a clean history must look surprising, which it would not if
    # the model had been fitted with it.
    x, y = simulated(400, seed=5)
    y = y.copy()
    lowest = int(np.argmin(x[:, 0] - x[:, 1]))  # the case the model expects to be mildest
    y[lowest] = 4
    fitted = ordinal.cross_fitted(x, y, 5)
    assert fitted.harsh[lowest] < 0.01


def test_trimming_unmasks_a_cluster_of_inconsistent_decisions():
    rng = np.random.default_rng(6)
    start = rng.integers(1, 5, 600)
    x = np.column_stack([start]).astype(float)
    y = np.clip(start + rng.choice([-1, 0, 0, 0, 0, 0, 0, 0, 1], 600), 0, 5)
    cluster = np.flatnonzero(start == 1)[:25]  # 25 like cases all given the maximum
    y[cluster] = 5
    plain = ordinal.tails(ordinal.fit(x, y, 6).probabilities(x), y)[0][cluster]
    trimmed = ordinal.tails(ordinal.fit_trimmed(x, y, 6).probabilities(x), y)[0][cluster]
    assert np.median(trimmed) < np.median(plain) / 100
