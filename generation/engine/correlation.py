"""Gaussian-copula rank correlations: matrix checks, nearest-PSD repair, correlated uniforms.

The requested coefficients are Spearman's rho. For a Gaussian copula the Pearson correlation
of the latent normals that gives rank correlation rho is ``2 sin(pi rho / 6)``; each field is
then sampled by inverse CDF of its uniform, so two continuous fields show rho whatever their
marginals.

A discrete field (bool, category, integer counts) maps whole intervals of its uniform to one
value, and the ties weaken the rank correlation. For a pair with such a field the latent
correlation is calibrated instead: the output's Spearman (Pearson of mid-ranks, the population
value over tied levels) is computed by deterministic Gauss-Legendre quadrature from each
field's level probabilities (:class:`Steps`), and the latent value that gives the request is
found by bisection (the Spearman grows monotonically with the latent correlation). Calibrated
values are rounded to 1e-6 so that every machine samples with the same matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from generation.engine import _special as special

__all__ = [
    "Steps",
    "calibrated_latent",
    "copula_uniforms",
    "factor_uniforms",
    "latent_from_rank",
    "nearest_correlation",
    "rank_from_latent",
    "reachable_ranks",
    "steps_from_cumulative",
    "tied_rank",
]

# Levels lighter than this count as continuous: their ties change a Spearman by < 1e-5.
_TIE_MIN = 1.0 / 512
# Continuous stretches are integrated (and, as the inner field, tabulated) in cells this wide.
_CELL = 1.0 / 128
_GL_WIDE = np.polynomial.legendre.leggauss(8)
_GL_NARROW = np.polynomial.legendre.leggauss(3)
_NARROW = 1.0 / 64
_R_MAX = 1.0 - 1e-9
_ROUND = 6  # calibrated latent correlations are rounded to 1e-6: the same bytes everywhere


@dataclass(frozen=True)
class Steps:
    """How one field's copula uniform becomes values with ties.

    ``edges`` cut [0, 1] into cells (``edges[0] == 0``, ``edges[-1] == 1``); a ``tied`` cell
    maps to one value (its mid-rank is the cell's midpoint), any other cell is continuous (the
    rank is the uniform itself).
    """

    edges: np.ndarray
    tied: np.ndarray

    @property
    def variance(self) -> float:
        """Variance of the mid-rank score (1/12 less what the ties take)."""
        p = np.diff(self.edges)[self.tied]
        return float((1.0 - np.sum(p**3)) / 12.0)

    def score(self, u: np.ndarray) -> np.ndarray:
        """The mid-rank of the value each uniform maps to."""
        cell = np.clip(np.searchsorted(self.edges, u, side="right") - 1, 0, len(self.tied) - 1)
        mid = (self.edges[cell] + self.edges[cell + 1]) / 2
        return np.where(self.tied[cell], mid, u)

    def reflected(self) -> Steps:
        return Steps(1.0 - self.edges[::-1], self.tied[::-1].copy())


def steps_from_cumulative(cum: np.ndarray, *, open_tail: bool = False) -> Steps | None:
    """Steps of a field from the cumulative probabilities at its levels' upper ends.

    ``open_tail``: the list stops short of the last level; the mass above it is spread over
    many light levels. Returns None when no level is heavy enough to matter (continuous).
    """
    c = np.unique(np.clip(np.asarray(cum, dtype=float), 0.0, 1.0))
    edges = np.unique(np.concatenate([[0.0], c, [1.0]]))
    tied = np.diff(edges) >= _TIE_MIN
    if open_tail and c[-1] < 1.0:
        tied[-1] = False  # the rest is a tail of light levels, not one value
    if not tied.any():
        return None
    # Neighbouring light cells merge into one continuous stretch.
    out_e, out_t = [0.0], []
    for b, t in zip(edges[1:], tied, strict=True):
        if not t and out_t and not out_t[-1]:
            out_e[-1] = float(b)
        else:
            out_e.append(float(b))
            out_t.append(bool(t))
    return Steps(np.array(out_e), np.array(out_t))


def _split(edges: np.ndarray, tied: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Continuous cells cut into pieces at most ``_CELL`` wide."""
    a, b = edges[:-1], edges[1:]
    k = np.where(tied, 1, np.maximum(1, np.ceil((b - a) / _CELL))).astype(np.int64)
    cell = np.repeat(np.arange(len(k)), k)
    j = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k) + 1
    ends = np.where(j == k[cell], b[cell], a[cell] + (b - a)[cell] * j / k[cell])
    return np.concatenate([edges[:1], ends]), np.repeat(tied, k)


def _phi(x: np.ndarray) -> np.ndarray:
    """The normal CDF in plain numpy (Chebyshev erfc, relative error < 1.2e-7).

    Calibration runs where specs are validated, which must not load scipy (see _special); its
    result is rounded to 1e-6, far above this error.
    """
    x = np.asarray(x, dtype=float) / -np.sqrt(2.0)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -1.26551223 + t * (
        1.00002368
        + t
        * (
            0.37409196
            + t
            * (
                0.09678418
                + t
                * (
                    -0.18628806
                    + t
                    * (
                        0.27886807
                        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                    )
                )
            )
        )
    )
    with np.errstate(under="ignore"):
        erfc = t * np.exp(-z * z + poly)
    return 0.5 * np.where(x >= 0, erfc, 2.0 - erfc)


def _phi_inv(u: np.ndarray) -> np.ndarray:
    inv = NormalDist().inv_cdf
    return np.array([inv(float(q)) for q in np.clip(u, 1e-300, 1.0 - 1e-16)])


def _nodes(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on every cell of [0, 1]: 8 on a wide cell, 3 on a
    narrow one (the integrand hardly bends there; this keeps many-valued fields cheap)."""
    us, ws = [], []
    wide = np.diff(edges) > _NARROW
    for mask, (x, wt) in ((wide, _GL_WIDE), (~wide, _GL_NARROW)):
        a, b = edges[:-1][mask, None], edges[1:][mask, None]
        us.append(((a + b) / 2 + (b - a) / 2 * x[None, :]).ravel())
        ws.append(((b - a) / 2 * wt[None, :]).ravel())
    return np.concatenate(us), np.concatenate(ws)


def _continuous() -> Steps:
    return Steps(np.array([0.0, 1.0]), np.array([False]))


def _rank_function(a: Steps | None, b: Steps | None) -> Callable[[float], float]:
    """latent correlation -> output Spearman for one pair (at least one field with ties)."""
    if a is None or (b is not None and len(b.edges) < len(a.edges)):
        a, b = b, a
    assert a is not None
    outer_e, outer_t = _split(a.edges, a.tied)
    u, w = _nodes(outer_e)
    ws = w * Steps(outer_e, outer_t).score(u)
    z = _phi_inv(u)
    if b is None:
        var_b = 1.0 / 12.0
    else:
        e, t = _split(b.edges, b.tied)
        mid = (e[:-1] + e[1:]) / 2
        steps = np.diff(mid)
        thr = _phi_inv(e[1:-1])
        var_b = float((1.0 - np.sum(np.diff(e) ** 3)) / 12.0)
    scale = np.sqrt(a.variance * var_b)

    def rank(latent: float) -> float:
        r = float(np.clip(latent, -_R_MAX, _R_MAX))
        if b is None:
            h = _phi(r * z / np.sqrt(2.0 - r * r))  # E[V | Z1 = z] for a continuous V
        else:
            cdf = _phi((thr[None, :] - r * z[:, None]) / np.sqrt(1.0 - r * r))
            h = mid[-1] - cdf @ steps
        return (float(np.sum(ws * h)) - 0.25) / scale

    return rank


def tied_rank(a: Steps | None, b: Steps | None, latent: float) -> float:
    """The Spearman correlation (with ties) of two fields whose normal scores correlate."""
    if a is None and b is None:
        return float(rank_from_latent(np.array(latent)))
    if _constant(a) or _constant(b):
        return 0.0
    return _rank_function(a, b)(latent)


def _bound(a: Steps | None, b: Steps | None, sign: int) -> float:
    """Spearman at latent correlation +1 (comonotone) or -1 (countermonotone), exactly."""
    a = a or _continuous()
    b = b or _continuous()
    bb = b if sign > 0 else b.reflected()
    edges = np.unique(np.concatenate([a.edges, bb.edges]))
    edges, _ = _split(edges, np.zeros(len(edges) - 1, dtype=bool))
    u, w = _nodes(edges)
    sb = bb.score(u)
    if sign < 0:
        sb = 1.0 - sb
    cov = float(np.sum(w * a.score(u) * sb)) - 0.25
    return cov / np.sqrt(a.variance * b.variance)


def reachable_ranks(a: Steps | None, b: Steps | None) -> tuple[float, float]:
    """The lowest and highest Spearman correlation two fields can show under the copula."""
    if a is None and b is None:
        return -1.0, 1.0
    if _constant(a) or _constant(b):
        return 0.0, 0.0
    return _bounds(_key(a), _key(b))


@lru_cache(maxsize=4096)
def _bounds(ka: tuple[bytes, bytes] | None, kb: tuple[bytes, bytes] | None) -> tuple[float, float]:
    a, b = _unkey(ka), _unkey(kb)
    return _bound(a, b, -1), _bound(a, b, 1)


def _constant(s: Steps | None) -> bool:
    """One value only (a bool with p 0 or 1, a single category): no rank correlation."""
    return s is not None and s.variance < 1e-12


def calibrated_latent(a: Steps | None, b: Steps | None, rank: float) -> float:
    """The latent correlation (rounded to 1e-6) whose output Spearman is ``rank``.

    ``rank`` must lie in :func:`reachable_ranks`; values at the ends give +-1.
    """
    if a is None and b is None:
        return float(latent_from_rank(np.array(rank)))
    if rank == 0 or _constant(a) or _constant(b):
        return 0.0
    return _calibrate(_key(a), _key(b), float(rank))


def _key(s: Steps | None) -> tuple[bytes, bytes] | None:
    return None if s is None else (s.edges.tobytes(), s.tied.tobytes())


def _unkey(k: tuple[bytes, bytes] | None) -> Steps | None:
    return None if k is None else Steps(np.frombuffer(k[0]), np.frombuffer(k[1], dtype=bool))


@lru_cache(maxsize=4096)
def _calibrate(
    ka: tuple[bytes, bytes] | None, kb: tuple[bytes, bytes] | None, rank: float
) -> float:
    # Cached by content: a worker parses the same spec for every block it makes.
    f = _rank_function(_unkey(ka), _unkey(kb))
    # Illinois regula falsi on f(r) - rank (monotone in r), bracketed by -1 and 1.
    lo, hi = -_R_MAX, _R_MAX
    flo, fhi = f(lo) - rank, f(hi) - rank
    if flo >= 0:
        return round(lo, _ROUND)
    if fhi <= 0:
        return round(hi, _ROUND)
    side = 0
    for _ in range(100):
        mid = (lo * fhi - hi * flo) / (fhi - flo)
        fm = f(mid) - rank
        if fm > 0:
            hi, fhi = mid, fm
            if side == 1:
                flo /= 2
            side = 1
        else:
            lo, flo = mid, fm
            if side == -1:
                fhi /= 2
            side = -1
        if hi - lo < 1e-9 or abs(fm) < 1e-12:
            return round(mid, _ROUND)
    return round((lo + hi) / 2, _ROUND)


def latent_from_rank(rank: np.ndarray) -> np.ndarray:
    return 2.0 * np.sin(np.pi * np.asarray(rank, dtype=float) / 6.0)


def rank_from_latent(latent: np.ndarray) -> np.ndarray:
    return 6.0 / np.pi * np.arcsin(np.clip(np.asarray(latent, dtype=float) / 2.0, -1.0, 1.0))


def nearest_correlation(a: np.ndarray, iterations: int = 200, tol: float = 1e-10) -> np.ndarray:
    """Higham's alternating projections: the nearest correlation matrix (PSD, unit diagonal)."""
    y = np.array(a, dtype=float)
    ds = np.zeros_like(y)
    for _ in range(iterations):
        r = y - ds
        vals, vecs = np.linalg.eigh((r + r.T) / 2)
        x = (vecs * np.clip(vals, 1e-9, None)) @ vecs.T
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        if np.linalg.norm(y_new - y) < tol:
            y = y_new
            break
        y = y_new
    vals, vecs = np.linalg.eigh(y)
    y = (vecs * np.clip(vals, 1e-9, None)) @ vecs.T
    d = np.sqrt(np.diag(y))
    return y / np.outer(d, d)


def copula_factor(latent: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh(latent)
    return vecs * np.sqrt(np.clip(vals, 0.0, None))


_BLAS_ONE_THREAD = 262_144  # OpenBLAS multithreads a product only above m * n * k of this


def copula_uniforms(factor: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, k) uniforms whose normal scores have correlation ``factor @ factor.T``."""
    z = rng.standard_normal((n, factor.shape[0]))
    # In slices small enough that OpenBLAS keeps to one thread: on a busy machine its helper
    # threads spin and cost more CPU than the product itself (same result, bit for bit).
    rows = max(64, _BLAS_ONE_THREAD // max(factor.size, 1))
    out = np.empty_like(z)
    for start in range(0, n, rows):
        np.matmul(z[start : start + rows], factor.T, out=out[start : start + rows])
    special.ndtr(out, out=out)
    return np.clip(out, 1e-12, 1 - 1e-12, out=out)


_FACTOR_ROWS = 4096  # rows per slice of a factor block: bounded scratch memory, fixed draws


def factor_uniforms(
    loadings: np.ndarray, own: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """(n, k) uniforms whose normal scores have correlation ``L @ L.T + diag(own**2)``.

    O(n * k * factors) instead of the O(n * k^2) of a full factor: a 500-field table with a
    few factors costs little more than its independent draws.
    """
    k, m = loadings.shape
    common = rng.standard_normal((n, m))
    # Field-major: each field's column is contiguous for the inverse CDFs that read it.
    out = np.empty((k, n))
    rows = max(64, _BLAS_ONE_THREAD // max(loadings.size, 1))  # one BLAS thread, as above
    for start in range(0, n, _FACTOR_ROWS):
        stop = min(n, start + _FACTOR_ROWS)
        part = out[:, start:stop]
        np.multiply(rng.standard_normal((stop - start, k)).T, own[:, None], out=part)
        for s in range(start, stop, rows):
            e = min(stop, s + rows)
            part[:, s - start : e - start] += loadings @ common[s:e].T
    special.ndtr(out, out=out)
    return np.clip(out, 1e-12, 1 - 1e-12, out=out).T
