"""Marginals: every distribution sampled by inverse CDF of a uniform, checked by its CDF.

Sampling by ``ppf(u)`` lets the Gaussian copula drive any marginal, lets ``min``/``max``
truncate exactly (``u`` is mapped into ``[F(min), F(max)]``), and lets drift move parameters
row by row (scipy broadcasts parameter arrays).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from generation.engine import _special as special
from generation.engine.distributions.models import (
    DISCRETE_KINDS,
    Constant,
    Empirical,
    Histogram,
    Mixture,
    Quantiles,
)
from generation.engine.timeutil import parse_datetime_seconds

__all__ = ["Marginal", "base_params", "make_marginal", "scipy_dist"]

_TABLE_LIMIT = 2_000_000
Params = Mapping[str, Any]


def base_params(dist: Any) -> dict[str, Any]:
    """The numeric parameters of a parametric distribution (what drift can move)."""
    return {k: v for k, v in dist.model_dump().items() if k != "kind" and v is not None}


def scipy_dist(kind: str, p: Params) -> Any:
    """A frozen scipy distribution; parameters may be arrays (drift)."""
    from scipy import stats  # heavy (about a second): only when a kind needs it

    if kind == "uniform":
        return stats.uniform(loc=p["low"], scale=np.subtract(p["high"], p["low"]))
    if kind == "normal":
        return stats.norm(loc=p["mean"], scale=p["sd"])
    if kind == "truncnormal":
        a = np.divide(np.subtract(p["low"], p["mean"]), p["sd"])
        b = np.divide(np.subtract(p["high"], p["mean"]), p["sd"])
        return stats.truncnorm(a, b, loc=p["mean"], scale=p["sd"])
    if kind == "lognormal":
        return stats.lognorm(s=p["sigma"], scale=np.exp(p["mu"]))
    if kind == "exponential":
        return stats.expon(scale=np.divide(1.0, p["rate"]))
    if kind == "gamma":
        return stats.gamma(a=p["shape"], scale=p["scale"])
    if kind == "beta":
        return stats.beta(p["a"], p["b"], loc=p["low"], scale=np.subtract(p["high"], p["low"]))
    if kind == "weibull":
        return stats.weibull_min(c=p["shape"], scale=p["scale"])
    if kind == "triangular":
        span = np.subtract(p["high"], p["low"])
        return stats.triang(
            c=np.divide(np.subtract(p["mode"], p["low"]), span), loc=p["low"], scale=span
        )
    if kind == "poisson":
        return stats.poisson(mu=p["lam"])
    if kind == "binomial":
        return stats.binom(n=p["n"], p=p["p"])
    if kind == "geometric":
        return stats.geom(p=p["p"])
    if kind == "negbinomial":
        return stats.nbinom(n=p["n"], p=p["p"])
    if kind == "zipf":
        if p.get("n") is not None:
            return stats.zipfian(a=p["s"], n=p["n"])
        return stats.zipf(a=p["s"])
    raise ValueError(f"not a parametric distribution: {kind}")


def _fast_cdf(kind: str, p: Params) -> Callable[[np.ndarray], np.ndarray] | None:
    """Closed-form CDFs of the common kinds (no scipy.stats import)."""
    if kind == "uniform":
        return lambda x: np.clip(
            (np.asarray(x, float) - p["low"]) / (np.subtract(p["high"], p["low"])), 0.0, 1.0
        )
    if kind == "normal":
        return lambda x: special.ndtr((np.asarray(x, float) - p["mean"]) / p["sd"])
    if kind == "lognormal":

        def cdf(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x, float)
            with np.errstate(all="ignore"):
                z = (np.log(np.where(x > 0, x, 1.0)) - p["mu"]) / p["sigma"]
            return np.where(x > 0, special.ndtr(z), 0.0)

        return cdf
    if kind == "exponential":
        return lambda x: np.where(
            np.asarray(x, float) > 0, -np.expm1(-np.asarray(x, float) * p["rate"]), 0.0
        )
    return None


def _fast_ppf(kind: str, p: Params) -> Callable[[np.ndarray], np.ndarray] | None:
    """Closed-form inverse CDFs of the common kinds (much faster than scipy's generic path)."""
    if kind == "uniform":
        return lambda q: p["low"] + q * (np.subtract(p["high"], p["low"]))
    if kind == "normal":
        return lambda q: p["mean"] + p["sd"] * special.ndtri(q)
    if kind == "lognormal":
        return lambda q: np.exp(p["mu"] + p["sigma"] * special.ndtri(q))
    if kind == "exponential":
        return lambda q: -np.log1p(-q) / p["rate"]
    return None


class _Custom:
    """ppf/cdf of the non-parametric kinds, over float values."""

    def __init__(
        self, ppf: Callable[[np.ndarray], np.ndarray], cdf: Callable[[np.ndarray], np.ndarray]
    ) -> None:
        self.ppf = ppf
        self.cdf = cdf


def _num(values: list[Any]) -> np.ndarray:
    return np.array(
        [parse_datetime_seconds(v) if isinstance(v, str) else float(v) for v in values], dtype=float
    )


def _quantile_ppf(probs: np.ndarray, vals: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Linear interpolation between quantile points; with equally spaced probabilities (what
    the spec synthesizer learns) the segment is found by arithmetic instead of a binary search,
    several times faster than ``np.interp`` and equal to it to the last bit or two."""
    k = len(probs) - 1
    even = (
        k >= 1
        and probs[0] == 0.0
        and probs[-1] == 1.0
        and bool(np.allclose(np.diff(probs), 1.0 / k, rtol=0.0, atol=1e-12))
    )
    if not even:
        return lambda q: np.interp(q, probs, vals)
    slopes = np.append(np.diff(vals), 0.0)

    def ppf(q: np.ndarray) -> np.ndarray:
        pos = np.clip(np.asarray(q, dtype=float), 0.0, 1.0) * k
        i = np.minimum(pos.astype(np.intp), k)
        return vals[i] + (pos - i) * slopes[i]

    return ppf


def _custom(dist: Any) -> _Custom:
    if isinstance(dist, Constant):
        c = float(dist.value)
        return _Custom(lambda q: np.full(np.shape(q), c), lambda x: (np.asarray(x) >= c) * 1.0)
    if isinstance(dist, Empirical):
        vals = _num(dist.values)
        w = np.ones(len(vals)) if dist.weights is None else np.asarray(dist.weights, dtype=float)
        order = np.argsort(vals, kind="stable")
        vals, w = vals[order], w[order]
        cum = np.cumsum(w) / w.sum()
        cum[-1] = 1.0

        def ppf(q: np.ndarray) -> np.ndarray:
            return vals[np.minimum(np.searchsorted(cum, q, side="left"), len(vals) - 1)]

        def cdf(x: np.ndarray) -> np.ndarray:
            i = np.searchsorted(vals, np.asarray(x, dtype=float), side="right") - 1
            return np.where(i >= 0, cum[np.maximum(i, 0)], 0.0)

        return _Custom(ppf, cdf)
    if isinstance(dist, Quantiles):
        probs = np.asarray(dist.probs, dtype=float)
        vals = np.maximum.accumulate(_num(dist.values))
        return _Custom(_quantile_ppf(probs, vals), lambda x: np.interp(x, vals, probs))
    if isinstance(dist, Histogram):
        edges = np.asarray(dist.edges, dtype=float)
        cum = np.concatenate([[0.0], np.cumsum(dist.weights)])
        cum /= cum[-1]
        return _Custom(lambda q: np.interp(q, cum, edges), lambda x: np.interp(x, edges, cum))
    if isinstance(dist, Mixture):
        parts = [(c.weight, _unbounded(c.dist)) for c in dist.components]
        total = sum(w for w, _ in parts)
        qs = np.concatenate(
            [[1e-9, 1e-7, 1e-5], np.linspace(1e-4, 1 - 1e-4, 1500), [1 - 1e-5, 1 - 1e-7, 1 - 1e-9]]
        )
        grid = np.unique(np.concatenate([m.ppf(qs) for _, m in parts]))
        grid = grid[np.isfinite(grid)]

        def mcdf(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x, dtype=float)
            return sum(w * m.cdf(x) for w, m in parts) / total

        cgrid = np.maximum.accumulate(mcdf(grid))
        return _Custom(lambda q: np.interp(q, cgrid, grid), mcdf)
    raise ValueError(f"unknown distribution {dist!r}")


@dataclass
class _Unbounded:
    ppf: Callable[[np.ndarray], np.ndarray]
    cdf: Callable[[np.ndarray], np.ndarray]


def _unbounded(dist: Any) -> _Unbounded:
    if dist.kind in DISCRETE_KINDS or dist.kind in (
        "uniform",
        "normal",
        "truncnormal",
        "lognormal",
        "exponential",
        "gamma",
        "beta",
        "weibull",
        "triangular",
    ):
        frozen = scipy_dist(dist.kind, base_params(dist))
        return _Unbounded(frozen.ppf, frozen.cdf)
    c = _custom(dist)
    return _Unbounded(c.ppf, c.cdf)


def _zipf_ppf(s: float, n: int | None, head: int = 1_000_000) -> Callable[[np.ndarray], np.ndarray]:
    """Inverse CDF of a (bounded or not) Zipf law: the first ``head`` ranks tabulated exactly,
    ranks beyond by the midpoint integral of k^-s (relative error below 1e-12 there)."""
    ks = np.arange(1, head + 1, dtype=float)
    cum = np.cumsum(ks**-s)
    h = cum[-1]
    a = head + 0.5

    def tail(x: float) -> float:  # integral of t^-s from a to x
        if abs(s - 1) < 1e-12:
            return float(np.log(x / a))
        return (a ** (1 - s) - x ** (1 - s)) / (s - 1)

    total = h + (tail(n + 0.5) if n is not None else (a ** (1 - s) / (s - 1)))

    def ppf(q: np.ndarray) -> np.ndarray:
        qs = np.asarray(q, dtype=float) * total
        out = np.empty(qs.shape)
        in_head = qs <= h
        out[in_head] = 1 + np.minimum(np.searchsorted(cum, qs[in_head], side="left"), head - 1)
        r = qs[~in_head] - h
        with np.errstate(all="ignore"):
            if abs(s - 1) < 1e-12:
                x = a * np.exp(r)
            else:
                x = np.power(np.maximum(a ** (1 - s) - r * (s - 1), 1e-300), 1 / (1 - s))
        k = np.ceil(x - 0.5)
        out[~in_head] = np.clip(k, head + 1, np.inf if n is None else n)
        return out

    return ppf


class Marginal:
    """A possibly truncated, possibly rounded marginal.

    Args:
        dist: the distribution model.
        lo_x / hi_x: bounds (``min``/``max``), or None.
        integer: values are integers (continuous kinds are rounded to the nearest).
        params: parameter overrides (arrays, for drift).
    """

    def __init__(
        self,
        dist: Any,
        lo_x: float | None = None,
        hi_x: float | None = None,
        *,
        integer: bool = False,
        params: Params | None = None,
    ) -> None:
        self.dist = dist
        self.kind = dist.kind
        self.integer = integer
        self.discrete = dist.kind in DISCRETE_KINDS
        self.lo_x, self.hi_x = lo_x, hi_x
        p = dict(base_params(dist)) if params is None else dict(params)
        self.params = p
        self._table: tuple[int, np.ndarray] | None = None
        tabulated = False  # quantiles, empirical, histogram...: may hold atoms
        if dist.kind in DISCRETE_KINDS or dist.kind in (
            "uniform",
            "normal",
            "truncnormal",
            "lognormal",
            "exponential",
            "gamma",
            "beta",
            "weibull",
            "triangular",
        ):
            fast_ppf, fast_cdf = _fast_ppf(dist.kind, p), _fast_cdf(dist.kind, p)
            if fast_ppf is not None and fast_cdf is not None:
                self._ppf, self._cdf = fast_ppf, fast_cdf
            else:
                frozen = scipy_dist(dist.kind, p)
                self._ppf = fast_ppf or frozen.ppf
                self._cdf = frozen.cdf
        else:
            custom = _custom(dist)
            self._ppf, self._cdf = custom.ppf, custom.cdf
            tabulated = True
        # Truncation: map u into [F(lo), F(hi)].
        if self.discrete:
            lo_c = None if lo_x is None else float(np.ceil(lo_x)) - 1.0
            hi_c = None if hi_x is None else float(np.floor(hi_x))
        elif integer:
            lo_c = None if lo_x is None else float(np.ceil(lo_x)) - 0.5
            hi_c = None if hi_x is None else float(np.floor(hi_x)) + 0.5
        elif tabulated:
            # Just outside the bounds: an atom at min or max of a tabulated marginal (a
            # learned one's zeros, its flat top) stays inside them: P(X < min), P(X <= max).
            lo_c = None if lo_x is None else float(np.nextafter(lo_x, -np.inf))
            hi_c = None if hi_x is None else float(np.nextafter(hi_x, np.inf))
        else:
            lo_c, hi_c = lo_x, hi_x
        with np.errstate(all="ignore"):
            self.lo = (
                np.asarray(self._cdf(lo_c), dtype=float) if lo_c is not None else np.float64(0.0)
            )
            self.hi = (
                np.asarray(self._cdf(hi_c), dtype=float) if hi_c is not None else np.float64(1.0)
            )
        self.lo = np.nan_to_num(self.lo, nan=0.0)
        self.hi = np.nan_to_num(self.hi, nan=1.0)
        if self.discrete and params is None:
            self._build_table()

    def _build_table(self) -> None:
        """Tabulate a discrete CDF over its (truncated) support: exact and fast ppf."""
        if self.kind == "zipf":
            n = self.params.get("n")
            if n is not None and n <= _TABLE_LIMIT:
                ks = np.arange(1, int(n) + 1, dtype=float)
                w = ks ** -float(self.params["s"])
                self._table = (1, np.cumsum(w) / w.sum())
            else:
                # Large supports: exact head, integral tail (scipy's generic ppf is far too slow).
                self._ppf = _zipf_ppf(float(self.params["s"]), n)
            return
        frozen = scipy_dist(self.kind, self.params)
        lo_q = float(self.lo) + 1e-15
        hi_q = min(float(self.hi), 1 - 1e-12)
        a = float(frozen.ppf(lo_q))
        b = float(frozen.ppf(hi_q))
        if np.isfinite(a) and np.isfinite(b) and b - a <= _TABLE_LIMIT:
            ks = np.arange(a, b + 1)
            self._table = (int(a), frozen.cdf(ks))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms on [0, 1) to values of the truncated marginal."""
        q = self.lo + np.asarray(u, dtype=float) * (self.hi - self.lo)
        if self._table is not None:
            a, table = self._table
            x = a + np.minimum(np.searchsorted(table, q, side="left"), len(table) - 1).astype(float)
        else:
            with np.errstate(all="ignore"):
                x = np.asarray(self._ppf(np.clip(q, 1e-300, 1 - 1e-16)), dtype=float)
        if self.integer and not self.discrete:
            x = np.floor(x + 0.5)
        if self.lo_x is not None or self.hi_x is not None:
            lo = -np.inf if self.lo_x is None else self.lo_x
            hi = np.inf if self.hi_x is None else self.hi_x
            if self.integer:
                lo, hi = np.ceil(lo), np.floor(hi)
            x = np.clip(x, lo, hi)
        return x

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """CDF of the values the engine emits (after truncation and rounding)."""
        x = np.asarray(x, dtype=float)
        if self.integer:
            x = np.floor(x) + (0.0 if self.discrete else 0.5)
        with np.errstate(all="ignore"):
            raw = np.asarray(self._cdf(x), dtype=float)
        span = self.hi - self.lo
        out = np.where(
            span > 0, (raw - self.lo) / np.where(span > 0, span, 1.0), (raw >= self.lo) * 1.0
        )
        return np.clip(out, 0.0, 1.0)

    def median(self) -> float:
        return float(np.median(self.ppf(np.array([0.5]))))


def make_marginal(dist: Any, lo: float | None, hi: float | None, integer: bool) -> Marginal:
    return Marginal(dist, lo, hi, integer=integer)
