"""The memory of learned sequences beyond AR(1): an AR(p) of a column's residuals with p
chosen by BIC, and the lag-1 cross-correlation between columns as a ``lead`` (a column's AR
innovations follow another column's standardised value one step before). Pure: numpy only,
used by sequence_synth.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from generation.synthesis.spec_synth import _round_sig

__all__ = ["fit_ar", "learn_leads"]


def _stationary(phis: np.ndarray) -> bool:
    """Whether an AR with these coefficients is stationary (as the engine requires)."""
    companion = np.zeros((len(phis), len(phis)))
    companion[0] = phis
    companion[1:, :-1] = np.eye(len(phis) - 1)
    return bool(np.abs(np.linalg.eigvals(companion)).max() < 1.0 - 1e-6)


def fit_ar(resid: np.ndarray, ent: np.ndarray, max_p: int) -> tuple[list[float], np.ndarray]:
    """AR(p) of the residuals by least squares on rows whose ``max_p`` previous rows of the
    same entity are present, p (1..max_p) chosen by BIC; (coefficients, innovations)."""
    lags = []
    for k in range(1, max_p + 1):
        prev = (
            np.r_[np.full(k, np.nan), resid[:-k]] if len(resid) > k else np.full(len(resid), np.nan)
        )
        same = (
            np.r_[np.zeros(k, bool), ent[k:] == ent[:-k]]
            if len(ent) > k
            else np.zeros(len(ent), bool)
        )
        lags.append(np.where(same, prev, np.nan))
    best: tuple[float, list[float], np.ndarray] | None = None
    for p in range(1, max_p + 1):
        x = np.column_stack(lags[:p])
        ok = np.isfinite(resid) & np.isfinite(x).all(axis=1)
        if ok.sum() <= 10 * p:
            break
        coef, *_ = np.linalg.lstsq(x[ok], resid[ok], rcond=None)
        coef = np.clip(coef, -0.99, 0.99)
        if not _stationary(coef):
            continue  # not stationary: the engine refuses it
        innov = np.where(ok, resid - x @ coef if p > 1 else resid - coef[0] * lags[0], np.nan)
        var = float(np.nanmean(innov[ok] ** 2))
        bic = ok.sum() * math.log(max(var, 1e-300)) + p * math.log(ok.sum())
        # BIC on the rows every order sees: the same rows for a fair comparison
        if best is None or bic < best[0] - 2.0:
            best = (bic, [round(float(c), 4) for c in coef], innov)
    if best is None:
        return [0.0], np.full(len(resid), np.nan)
    return best[1], best[2]


def learn_leads(
    fields: dict[str, Any],
    innovations: dict[str, np.ndarray],
    latents: dict[str, tuple[np.ndarray, np.ndarray]],
    ent: np.ndarray,
    prof: np.ndarray,
    labels: list[str],
) -> None:
    """Lag-1 cross-correlation: a numeric column's AR innovations that follow an earlier
    column's standardised value one step before (the wind, then the gust) get that column as
    their ``lead`` (the strongest, mean |r| >= 0.1 over the profiles), in place: its AR and
    the lead's coefficient refitted jointly on its residuals; its innovations lose what the
    lead explains. Columns learned on their quantiles (calibrated AR) take none."""
    names = list(innovations)
    same = np.r_[False, ent[1:] == ent[:-1]]

    def lagged(v: np.ndarray, k: int) -> np.ndarray:
        out = np.full(len(v), np.nan)
        if len(v) > k:
            ok = np.r_[np.zeros(k, bool), ent[k:] == ent[:-k]]
            out[k:] = v[:-k]
            out[~ok] = np.nan
        return out

    for i, a in enumerate(names):
        field = fields[a]
        if "dist" in field or not names[:i]:
            continue
        best, best_r = None, 0.0
        for b in names[:i]:
            prev = np.where(same, lagged(latents[b][0], 1), np.nan)
            rs = []
            for p in labels:
                rows = (prof == p) & np.isfinite(innovations[a]) & np.isfinite(prev)
                if rows.sum() > 30 and np.std(prev[rows]) > 0 and np.std(innovations[a][rows]) > 0:
                    rs.append(abs(float(np.corrcoef(innovations[a][rows], prev[rows])[0, 1])))
            mean = float(np.mean(rs)) if rs else 0.0
            if mean >= 0.1 and mean > best_r:
                best, best_r = b, mean
        if best is None:
            continue
        cases = field.get("conditional", {}).get("cases") or {labels[0]: field}
        resid = latents[a][1]
        drive = lagged(latents[best][0], 1)
        for p in labels:
            sig = cases[p].get("signal", {})
            if "ar" not in sig:
                continue
            phis = sig["ar"]["phi"] if isinstance(sig["ar"]["phi"], list) else [sig["ar"]["phi"]]
            rows = prof == p
            x = np.column_stack(
                [lagged(resid, k)[rows] for k in range(1, len(phis) + 1)] + [drive[rows]]
            )
            y = resid[rows]
            ok = np.isfinite(y) & np.isfinite(x).all(axis=1)
            if ok.sum() <= 30:
                continue
            coef, *_ = np.linalg.lstsq(x[ok], y[ok], rcond=None)
            own = np.clip(coef[:-1], -0.99, 0.99)
            if not _stationary(own):
                continue
            e = np.where(ok, y - x @ np.r_[own, coef[-1]], np.nan)
            sd = float(np.nanstd(e))
            sig["ar"] = {
                "phi": round(float(own[0]), 4)
                if len(own) == 1
                else [round(float(c), 4) for c in own],
                "sd": _round_sig(sd),
            }
            sig["lead"] = {"field": best, "coef": _round_sig(float(coef[-1]))}
            innov = innovations[a]
            innov[np.flatnonzero(rows)] = e / sd if sd > 0 else e
        field["signal"] = cases[labels[0]]["signal"]
