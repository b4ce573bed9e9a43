"""Where a copula-driven field's uniform makes ties: its levels' cumulative probabilities.

A field sampled by inverse CDF of a uniform ``u`` takes one value over a whole interval of
``u`` when it is discrete (bool, category, integer, a discrete distribution, rounded floats);
the calibration of rank correlations (correlation.py) needs those intervals. The common
continuous kinds are evaluated in plain Python so that validating a spec does not load scipy.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

from generation.engine.correlation import Steps, steps_from_cumulative
from generation.engine.fields.models import (
    BoolField,
    CategoryField,
    DecimalField,
    FloatField,
    IntField,
)

__all__ = ["field_steps"]

_MAX_LEVELS = 20_000  # beyond this many levels every level is too light to tie


def _closed_cdf(dist: Any) -> Any:
    """A scipy-free CDF for the kinds that have a closed form, else None."""
    k = dist.kind
    if k == "normal":
        nd = NormalDist(dist.mean, dist.sd)
        return nd.cdf
    if k == "lognormal":
        nd = NormalDist(dist.mu, dist.sigma)
        return lambda x: nd.cdf(math.log(x)) if x > 0 else 0.0
    if k == "uniform":
        lo, hi = float(dist.low), float(dist.high)
        return lambda x: min(max((x - lo) / (hi - lo), 0.0), 1.0)
    if k == "exponential":
        rate = float(dist.rate)
        return lambda x: -math.expm1(-x * rate) if x > 0 else 0.0
    return None


def _closed_range(dist: Any) -> tuple[float, float] | None:
    """Where all but 1e-9 of a closed-form kind's mass lies, else None."""
    q = NormalDist().inv_cdf(1 - 1e-9)
    if dist.kind == "normal":
        return dist.mean - q * dist.sd, dist.mean + q * dist.sd
    if dist.kind == "lognormal":
        return math.exp(dist.mu - q * dist.sigma), math.exp(dist.mu + q * dist.sigma)
    if dist.kind == "uniform":
        return float(dist.low), float(dist.high)
    if dist.kind == "exponential":
        return 0.0, -math.log(1e-9) / dist.rate
    return None


def _grid_points(
    f: Any, dist: Any, integer: bool, discrete: bool, step: float | None
) -> tuple[np.ndarray, bool] | None:
    """Upper ends of the levels a numeric field's values fall on (None: no ties), and whether
    the list was cut short (the levels beyond are a tail of light ones)."""
    if dist.kind == "constant":
        return np.array([float(dist.value)]), False
    if dist.kind == "empirical" and not integer and step is None:
        vals = [float(v) for v in dist.values if not isinstance(v, str)]
        return (np.unique(vals), False) if len(vals) == len(dist.values) else None
    if not (integer or discrete or step is not None):
        return None
    span = _closed_range(dist)
    if f.min is not None and f.max is not None:
        lo, hi = float(f.min), float(f.max)
    elif span is not None:
        lo = span[0] if f.min is None else max(span[0], float(f.min))
        hi = span[1] if f.max is None else min(span[1], float(f.max))
    else:
        # The quantiles of the rarer kinds come from a Marginal (scipy).
        from generation.engine.distributions.marginal import Marginal

        m = Marginal(dist, f.min, f.max, integer=integer)
        lo, hi = (float(x) for x in m.ppf(np.array([1e-9, 1 - 1e-9])))
    unit = 1.0 if (integer or discrete) else float(step)  # type: ignore[arg-type]
    if not np.isfinite(lo / unit):
        return None
    a = math.floor(lo / unit)
    # A long tail (an unbounded zipf) is cut: beyond _MAX_LEVELS every level is light.
    last = math.ceil(hi / unit) if np.isfinite(hi / unit) else math.inf
    cut = last > a + _MAX_LEVELS
    ks = np.arange(a, min(last, a + _MAX_LEVELS) + 1, dtype=float)
    if integer or discrete:
        return ks, cut
    return (ks + 0.5) * unit, cut  # rounding to the grid: level k holds [k - 1/2, k + 1/2)


def _zipf_cdf(s: float, n: int | None, points: np.ndarray) -> np.ndarray:
    """Zipf's CDF at ranks 1..K (scipy's generic one is far too slow over many ranks); the
    mass beyond the last rank by the midpoint integral of t^-s, as the sampler does."""
    ks = np.arange(1, int(points[-1]) + 1, dtype=float)
    cum = np.cumsum(ks**-s)
    a = ks[-1] + 0.5
    if n is not None and n <= ks[-1]:
        total = float(np.sum(np.arange(1, int(n) + 1, dtype=float) ** -s))
    elif n is not None:
        total = cum[-1] + (a ** (1 - s) - (n + 0.5) ** (1 - s)) / (s - 1)
    else:
        total = cum[-1] + a ** (1 - s) / (s - 1)
    idx = np.clip(points.astype(np.int64), 0, len(ks)) - 1
    return np.where(idx >= 0, cum[np.maximum(idx, 0)] / total, 0.0)


def _numeric_cum(f: Any, dist: Any, integer: bool, points: np.ndarray) -> np.ndarray:
    """The emitted CDF (truncation and rounding included) at these points."""
    from generation.engine.distributions.models import DISCRETE_KINDS

    if dist.kind == "zipf" and f.min is None and f.max is None:
        return _zipf_cdf(float(dist.s), dist.n, points)
    closed = _closed_cdf(dist)
    if closed is None or dist.kind in DISCRETE_KINDS:
        from generation.engine.distributions.marginal import Marginal

        return Marginal(dist, f.min, f.max, integer=integer).cdf(points)
    # The same truncation as Marginal: u is mapped into [F(lo), F(hi)].
    if integer:
        lo_c = None if f.min is None else math.ceil(f.min) - 0.5
        hi_c = None if f.max is None else math.floor(f.max) + 0.5
        xs = np.floor(points) + 0.5
    else:
        lo_c, hi_c = f.min, f.max
        xs = points
    flo = 0.0 if lo_c is None else closed(float(lo_c))
    fhi = 1.0 if hi_c is None else closed(float(hi_c))
    raw = np.array([closed(float(x)) for x in xs])
    if fhi <= flo:
        return (raw >= flo) * 1.0
    return np.clip((raw - flo) / (fhi - flo), 0.0, 1.0)


def field_steps(f: Any) -> Steps | None:
    """The tied levels of a copula-driven field, or None when it is continuous."""
    if isinstance(f, BoolField):
        return steps_from_cumulative(np.array([1.0 - f.probability()]))
    if isinstance(f, CategoryField):
        if f.signal_events is not None:
            return None
        _, weights = f.weights()
        return steps_from_cumulative(np.cumsum(weights)[:-1])
    if not isinstance(f, IntField | FloatField | DecimalField):
        return None  # datetimes, keys, text: levels far too fine to tie
    from generation.engine.distributions.models import DISCRETE_KINDS

    integer = isinstance(f, IntField)
    dist = f.default_dist(integer)
    discrete = dist.kind in DISCRETE_KINDS
    step = None
    if f.step is not None:  # levels at the multiples of the step, whatever the type
        step, integer, discrete = float(f.step), False, False
    elif isinstance(f, FloatField) and f.precision is not None:
        step = 10.0**-f.precision
    elif isinstance(f, DecimalField):
        step = 10.0**-f.scale
    if dist.kind == "empirical" and (integer or step is not None):
        vals = np.unique([float(v) for v in dist.values if not isinstance(v, str)])
        unit = 1.0 if integer else float(step)  # type: ignore[arg-type]
        levels = np.unique(np.round(vals / unit) * unit)
        return steps_from_cumulative(_numeric_cum(f, dist, False, levels + unit / 2))
    if dist.kind in ("mixture", "quantiles", "histogram") and not (integer or step):
        return None
    grid = _grid_points(f, dist, integer, discrete, step)
    if grid is None:
        return None
    points, cut = grid
    return steps_from_cumulative(_numeric_cum(f, dist, integer, points), open_tail=cut)
