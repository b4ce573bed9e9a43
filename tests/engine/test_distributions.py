"""Every distribution honours its parameters: KS against the theoretical CDF and moments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.engine._util import one

N = 60_000
KS_MAX = 0.012  # KS critical value at alpha=0.001 for n=60k is about 0.008; a little slack

CONTINUOUS: dict[str, tuple[dict[str, Any], Any]] = {
    "uniform": ({"kind": "uniform", "low": -3, "high": 7}, stats.uniform(-3, 10)),
    "normal": ({"kind": "normal", "mean": 5, "sd": 2}, stats.norm(5, 2)),
    "truncnormal": (
        {"kind": "truncnormal", "mean": 0, "sd": 1, "low": -0.5, "high": 2},
        stats.truncnorm(-0.5, 2),
    ),
    "lognormal": ({"kind": "lognormal", "mu": 1, "sigma": 0.5}, stats.lognorm(s=0.5, scale=np.e)),
    "exponential": ({"kind": "exponential", "rate": 0.5}, stats.expon(scale=2)),
    "gamma": ({"kind": "gamma", "shape": 2.5, "scale": 3}, stats.gamma(2.5, scale=3)),
    "beta": (
        {"kind": "beta", "a": 2, "b": 5, "low": 10, "high": 20},
        stats.beta(2, 5, loc=10, scale=10),
    ),
    "weibull": ({"kind": "weibull", "shape": 1.5, "scale": 2}, stats.weibull_min(1.5, scale=2)),
    "triangular": (
        {"kind": "triangular", "low": 0, "mode": 2, "high": 10},
        stats.triang(0.2, loc=0, scale=10),
    ),
}
DISCRETE: dict[str, tuple[dict[str, Any], Any]] = {
    "poisson": ({"kind": "poisson", "lam": 4.5}, stats.poisson(4.5)),
    "binomial": ({"kind": "binomial", "n": 20, "p": 0.3}, stats.binom(20, 0.3)),
    "geometric": ({"kind": "geometric", "p": 0.25}, stats.geom(0.25)),
    "negbinomial": ({"kind": "negbinomial", "n": 3, "p": 0.4}, stats.nbinom(3, 0.4)),
    "zipf": ({"kind": "zipf", "s": 1.3, "n": 50}, stats.zipfian(1.3, 50)),
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    fields: dict[str, Any] = {
        f"c_{k}": {"type": "float", "dist": d} for k, (d, _) in CONTINUOUS.items()
    }
    fields.update({f"d_{k}": {"type": "int", "dist": d} for k, (d, _) in DISCRETE.items()})
    fields["mix"] = {
        "type": "float",
        "dist": {
            "kind": "mixture",
            "components": [
                {"weight": 3, "dist": {"kind": "normal", "mean": 0, "sd": 1}},
                {"weight": 1, "dist": {"kind": "exponential", "rate": 0.2}},
            ],
        },
    }
    fields["emp"] = {
        "type": "int",
        "dist": {"kind": "empirical", "values": [1, 5, 9], "weights": [0.2, 0.5, 0.3]},
    }
    fields["qua"] = {
        "type": "float",
        "dist": {"kind": "quantiles", "probs": [0, 0.5, 0.9, 1], "values": [0, 10, 11, 50]},
    }
    fields["his"] = {
        "type": "float",
        "dist": {"kind": "histogram", "edges": [0, 1, 3], "weights": [1, 3]},
    }
    fields["const"] = {"type": "float", "dist": {"kind": "constant", "value": 2.5}}
    fields["trunc_int"] = {
        "type": "int",
        "dist": {"kind": "normal", "mean": 40, "sd": 12},
        "min": 18,
        "max": 90,
    }
    return one(fields, rows=N, seed=11)


@pytest.mark.parametrize("kind", sorted(CONTINUOUS))
def test_continuous_kinds_match_their_cdf_and_moments(frame: pd.DataFrame, kind: str) -> None:
    x = frame[f"c_{kind}"].to_numpy()
    ref = CONTINUOUS[kind][1]
    assert stats.kstest(x, ref.cdf).statistic < KS_MAX
    assert x.mean() == pytest.approx(ref.mean(), abs=4 * ref.std() / np.sqrt(N))
    assert x.std() == pytest.approx(ref.std(), rel=0.03)


@pytest.mark.parametrize("kind", sorted(DISCRETE))
def test_discrete_kinds_match_their_pmf(frame: pd.DataFrame, kind: str) -> None:
    x = frame[f"d_{kind}"].to_numpy()
    ref = DISCRETE[kind][1]
    support = np.unique(x)
    ecdf = np.searchsorted(np.sort(x), support, side="right") / len(x)
    assert np.max(np.abs(ecdf - ref.cdf(support))) < KS_MAX
    assert x.mean() == pytest.approx(ref.mean(), abs=5 * ref.std() / np.sqrt(N))
    assert np.issubdtype(x.dtype, np.integer)


def test_a_mixture_is_the_weighted_sum_of_its_components(frame: pd.DataFrame) -> None:
    def cdf(v: np.ndarray) -> np.ndarray:
        return 0.75 * stats.norm.cdf(v) + 0.25 * stats.expon(scale=5).cdf(v)

    assert stats.kstest(frame["mix"], cdf).statistic < KS_MAX


def test_empirical_values_and_weights(frame: pd.DataFrame) -> None:
    shares = frame["emp"].value_counts(normalize=True)
    assert set(shares.index) == {1, 5, 9}
    assert shares[1] == pytest.approx(0.2, abs=0.01)
    assert shares[5] == pytest.approx(0.5, abs=0.01)


def test_quantiles_and_histograms_are_piecewise_linear_cdfs(frame: pd.DataFrame) -> None:
    q = frame["qua"]
    assert (
        stats.kstest(q, lambda v: np.interp(v, [0, 10, 11, 50], [0, 0.5, 0.9, 1])).statistic
        < KS_MAX
    )
    h = frame["his"]
    assert stats.kstest(h, lambda v: np.interp(v, [0, 1, 3], [0, 0.25, 1])).statistic < KS_MAX
    assert (frame["const"] == 2.5).all()


def test_bounds_truncate_exactly(frame: pd.DataFrame) -> None:
    age = frame["trunc_int"]
    assert age.min() >= 18 and age.max() <= 90
    expected = stats.truncnorm((17.5 - 40) / 12, (90.5 - 40) / 12, loc=40, scale=12).mean()
    assert age.mean() == pytest.approx(expected, abs=0.2)


def test_category_weights_zipf_upsample_and_balance() -> None:
    df = one(
        {
            "w": {"type": "category", "values": {"a": 0.7, "b": 0.2, "c": 0.1}},
            "z": {"type": "category", "values": ["x", "y", "z"], "dist": {"kind": "zipf", "s": 2}},
            "u": {
                "type": "category",
                "values": {"ok": 0.98, "fraud": 0.02},
                "upsample": {"fraud": 10},
            },
            "bal": {"type": "category", "values": {"ok": 0.98, "fraud": 0.02}, "balance": True},
            "flag": {"type": "bool", "p": 0.015, "upsample": 10},
        },
        rows=N,
    )
    w = df["w"].value_counts(normalize=True)
    assert w["a"] == pytest.approx(0.7, abs=0.01) and w["c"] == pytest.approx(0.1, abs=0.01)
    z = df["z"].value_counts(normalize=True)
    total = 1 + 1 / 4 + 1 / 9
    assert z["x"] == pytest.approx(1 / total, abs=0.01)
    assert df["u"].eq("fraud").mean() == pytest.approx(0.2 / 1.18, abs=0.01)
    assert df["bal"].eq("fraud").mean() == pytest.approx(0.5, abs=0.01)
    odds = 0.015 / 0.985 * 10
    assert df["flag"].mean() == pytest.approx(odds / (1 + odds), abs=0.01)
