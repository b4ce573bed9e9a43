"""Arithmetic shortcuts of the engine give what the plain numpy definitions give."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from generation.engine.correlation import copula_uniforms
from generation.engine.distributions.marginal import _quantile_ppf


@pytest.mark.parametrize("points", [2, 3, 11, 201])
def test_evenly_spaced_quantiles_interpolate_like_np_interp(points: int) -> None:
    rng = np.random.default_rng(points)
    probs = np.linspace(0, 1, points)
    steps = rng.random(points) * (rng.random(points) < 0.7)  # flat runs: repeated values
    values = np.cumsum(steps) - 3.0
    u = np.concatenate([rng.random(50_000), probs, [0.0, 1.0, np.nextafter(1.0, 0.0)]])
    got = _quantile_ppf(probs, values)(u)
    np.testing.assert_allclose(got, np.interp(u, probs, values), rtol=0, atol=1e-12)
    assert got.min() >= values[0] and got.max() <= values[-1]


def test_unevenly_spaced_quantiles_use_np_interp() -> None:
    probs = np.array([0.0, 0.1, 0.5, 1.0])
    values = np.array([1.0, 2.0, 4.0, 9.0])
    u = np.linspace(0, 1, 1001)
    assert np.array_equal(_quantile_ppf(probs, values)(u), np.interp(u, probs, values))


@pytest.mark.parametrize("k", [2, 3, 14, 60])
def test_copula_uniforms_are_the_normal_scores_times_the_factor(k: int) -> None:
    rng = np.random.default_rng(k)
    factor = np.linalg.cholesky(np.corrcoef(rng.standard_normal((k, 3 * k + 3))))
    n = 20_001
    got = copula_uniforms(factor, n, np.random.default_rng(5))
    z = np.random.default_rng(5).standard_normal((n, k)) @ factor.T
    expected = np.clip(special.ndtr(z), 1e-12, 1 - 1e-12)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
