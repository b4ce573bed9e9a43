"""Gaussian-copula rank correlations: matrix checks, nearest-PSD repair, correlated uniforms.

The requested coefficients are Spearman's rho. For a Gaussian copula the Pearson correlation
of the latent normals that gives rank correlation rho is ``2 sin(pi rho / 6)``; each field is
then sampled by inverse CDF of its uniform, so the output shows rho whatever the marginals.
"""

from __future__ import annotations

import numpy as np

from generation.engine import _special as special

__all__ = ["copula_uniforms", "latent_from_rank", "nearest_correlation", "rank_from_latent"]


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
