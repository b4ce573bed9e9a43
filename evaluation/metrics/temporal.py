"""Temporal fidelity of synthetic sequences: what column shapes and pair trends cannot see.

Per numeric column: the autocorrelation function up to a lag chosen from the data (real and
synthetic, pooled over entities and per entity), spectral power at the seasonal periods
found in the real series, the distribution of step-to-step changes; per pair of numeric
columns the lag-0 and lag-1 cross-correlation; run lengths of categorical states; the
distribution of sequence lengths. One ``score`` in [0, 1] summarises them (1: the same).
Pure numpy/pandas: no Django, no SDV.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_LAG", "acf", "temporal_report"]

MAX_LAG = 48
_MAX_COLUMNS = 20
_EXAMPLE_POINTS = 240


def _ordered(frame: pd.DataFrame, key: str, index: str | None) -> pd.DataFrame:
    frame = frame.dropna(subset=[key])
    return frame.sort_values([key, index] if index else [key], kind="stable").reset_index(drop=True)


def acf(values: np.ndarray, ent: np.ndarray, lags: int) -> list[float | None]:
    """Pooled autocorrelation at lags 1..``lags``: pairs k rows apart within one entity, both
    present, each side centred on the column's mean."""
    x = values - np.nanmean(values) if np.isfinite(values).any() else values
    var = np.nanmean(x * x) if np.isfinite(x).any() else 0.0
    out: list[float | None] = []
    for k in range(1, lags + 1):
        if len(x) <= k or var <= 0:
            out.append(None)
            continue
        a, b = x[k:], x[:-k]
        ok = (ent[k:] == ent[:-k]) & np.isfinite(a) & np.isfinite(b)
        out.append(round(float((a[ok] * b[ok]).mean() / var), 4) if ok.sum() >= 10 else None)
    return out


def _lag(real_acf: list[float | None], cap: int) -> int:
    """Where the real autocorrelation has faded: the first lag below 0.2, at most ``cap``,
    and at least a day's worth when it stays high (seasons)."""
    for k, v in enumerate(real_acf, start=1):
        if v is None or abs(v) < 0.2:
            return max(k, 2)
    return cap


def _cross(a: np.ndarray, b: np.ndarray, ent: np.ndarray, lag: int) -> float | None:
    x, y = (a[lag:], b[: len(b) - lag]) if lag else (a, b)
    same = ent[lag:] == ent[: len(ent) - lag] if lag else np.ones(len(a), bool)
    ok = same & np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 10 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return None
    return round(float(np.corrcoef(x[ok], y[ok])[0, 1]), 4)


def _power(values: np.ndarray, seconds: np.ndarray, ent: np.ndarray, period: float) -> float | None:
    """Share of a column's variance in the cosine/sine of ``period`` (entity means apart);
    None under 10 points (too few to tell)."""
    ok = np.isfinite(values) & np.isfinite(seconds)
    if ok.sum() < 10:
        return None
    v = values[ok] - pd.Series(values[ok]).groupby(ent[ok]).transform("mean").to_numpy()
    t = seconds[ok]
    x = np.column_stack([np.cos(2 * np.pi * t / period), np.sin(2 * np.pi * t / period)])
    coef, *_ = np.linalg.lstsq(x, v, rcond=None)
    total = float((v * v).sum())
    return round(float(((x @ coef) ** 2).sum() / total), 4) if total > 0 else 0.0


def _ks(a: np.ndarray, b: np.ndarray) -> float | None:
    a, b = np.sort(a[np.isfinite(a)]), np.sort(b[np.isfinite(b)])
    if not len(a) or not len(b):
        return None
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return round(float(np.abs(cdf_a - cdf_b).max()), 4)


def _runs(labels: np.ndarray, ent: np.ndarray) -> pd.Series:
    """Mean run length per state (consecutive rows of one entity in the same state)."""
    if not len(labels):
        return pd.Series(dtype=float)
    change = np.r_[True, (labels[1:] != labels[:-1]) | (ent[1:] != ent[:-1])]
    run_id = np.cumsum(change)
    runs = (
        pd.DataFrame({"state": labels, "run": run_id})
        .groupby("run")
        .agg(state=("state", "first"), length=("state", "size"))
    )
    return runs.groupby("state")["length"].mean()


def _seconds(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.as_unit("ns").to_numpy().view(np.int64) / 1e9
    parsed = pd.to_datetime(col, errors="coerce", utc=True)
    if parsed.notna().mean() > 0.9 and not pd.api.types.is_numeric_dtype(col):
        return parsed.dt.tz_localize(None).dt.as_unit("ns").to_numpy().view(np.int64) / 1e9
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


def _similar(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else max(0.0, 1.0 - abs(a - b))


def temporal_report(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    key: str,
    index: str | None,
    numeric: list[str],
    categorical: list[str],
    max_lag: int = MAX_LAG,
) -> dict[str, Any]:
    """The temporal section of a sequence job's metrics (see the module)."""
    real = _ordered(real, key, index)
    synthetic = _ordered(synthetic, key, index)
    r_ent = pd.factorize(real[key])[0]
    s_ent = pd.factorize(synthetic[key])[0]
    numeric = [c for c in numeric if c in synthetic.columns][:_MAX_COLUMNS]
    categorical = [c for c in categorical if c in synthetic.columns][:_MAX_COLUMNS]
    r_sec = _seconds(real[index]) if index else None
    step = None
    if r_sec is not None:
        d = np.diff(r_sec)[(r_ent[1:] == r_ent[:-1])]
        d = d[np.isfinite(d) & (d > 0)]
        step = float(np.median(d)) if len(d) else None
    periods = {
        name: p
        for name, p in (("1d", 86400.0), ("7d", 604800.0), ("365.25d", 365.25 * 86400.0))
        if step and step <= p / 4 and np.nanmax(r_sec) - np.nanmin(r_sec) >= 0.9 * p
    }
    s_sec = _seconds(synthetic[index]) if index else None
    columns: dict[str, Any] = {}
    parts: list[float] = []
    lag1_errors: dict[str, float] = {}
    for c in numeric:
        rv = pd.to_numeric(real[c], errors="coerce").to_numpy(dtype=float)
        sv = pd.to_numeric(synthetic[c], errors="coerce").to_numpy(dtype=float)
        r_acf_long = acf(rv, r_ent, max_lag)
        lags = _lag(r_acf_long, max_lag)
        r_acf, s_acf = r_acf_long[:lags], acf(sv, s_ent, lags)
        diffs = [
            abs(a - b) for a, b in zip(r_acf, s_acf, strict=True) if a is not None and b is not None
        ]
        acf_score = max(0.0, 1.0 - float(np.mean(diffs))) if diffs else None
        if acf_score is None and any(v is not None for v in r_acf):
            acf_score = 0.0  # the real series has an order the synthetic has none of
        per_entity = {
            "real": [v[0] for _, v in _per_entity(rv, r_ent)],
            "synthetic": [v[0] for _, v in _per_entity(sv, s_ent)][:50],
        }
        r_step = np.diff(rv)[r_ent[1:] == r_ent[:-1]]
        s_step = np.diff(sv)[s_ent[1:] == s_ent[:-1]]
        ks = _ks(r_step, s_step)
        if ks is None and np.isfinite(r_step).any():
            ks = 1.0  # no synthetic step at all (one-row sequences)
        entry: dict[str, Any] = {
            "lags": lags,
            "acf_real": r_acf,
            "acf_synthetic": s_acf,
            "lag1_real": r_acf[0] if r_acf else None,
            "lag1_synthetic": s_acf[0] if s_acf else None,
            "lag1_per_entity": per_entity,
            "acf_score": None if acf_score is None else round(acf_score, 4),
            "step_change_ks": ks,
        }
        if entry["lag1_real"] is not None and entry["lag1_synthetic"] is not None:
            lag1_errors[c] = round(abs(entry["lag1_real"] - entry["lag1_synthetic"]), 4)
        if periods and s_sec is not None:
            entry["seasonal_power"] = {
                name: {
                    "real": _power(rv, r_sec, r_ent, p),
                    "synthetic": _power(sv, s_sec, s_ent, p),
                }
                for name, p in periods.items()
            }
            for v in entry["seasonal_power"].values():
                if v["real"] is not None:
                    gap = 1.0 if v["synthetic"] is None else abs(v["real"] - v["synthetic"])
                    parts.append(max(0.0, 1.0 - gap))
        if acf_score is not None:
            parts.append(acf_score)
        if ks is not None:
            parts.append(1.0 - ks)
        columns[c] = entry
    cross: list[dict[str, Any]] = []
    for i, a in enumerate(numeric):
        for b in numeric[i + 1 :]:
            row: dict[str, Any] = {"columns": [a, b]}
            for lag in (0, 1):
                rv = _cross(_num(real, a), _num(real, b), r_ent, lag)
                sv = _cross(_num(synthetic, a), _num(synthetic, b), s_ent, lag)
                row[f"lag{lag}"] = {"real": rv, "synthetic": sv}
                sim = _similar(rv, sv)
                if sim is not None:
                    parts.append(sim)
            cross.append(row)
    runs: dict[str, Any] = {}
    for c in categorical:
        rl = _runs(real[c].astype(str).to_numpy(), r_ent)
        sl = _runs(synthetic[c].astype(str).to_numpy(), s_ent)
        states = list(rl.sort_values(ascending=False).index[:20])
        runs[c] = {
            "mean_run_real": {s: round(float(rl[s]), 3) for s in states},
            "mean_run_synthetic": {
                s: (round(float(sl[s]), 3) if s in sl.index else None) for s in states
            },
        }
        for s in states:
            if s in sl.index:
                parts.append(min(rl[s], sl[s]) / max(rl[s], sl[s]))
    r_len = real.groupby(key, sort=False).size().to_numpy(dtype=float)
    s_len = synthetic.groupby(key, sort=False).size().to_numpy(dtype=float)
    lengths = {
        "real": _summary(r_len),
        "synthetic": _summary(s_len),
        "ks": _ks(r_len, s_len),
    }
    if lengths["ks"] is not None:
        parts.append(1.0 - lengths["ks"])
    score = round(float(np.mean(parts)), 4) if parts else None
    return {
        "score": score,
        "sequences": {"real": int(len(r_len)), "synthetic": int(len(s_len))},
        "step_seconds": step,
        "periods": list(periods),
        "columns": columns,
        "lag1_errors": lag1_errors,
        "cross_correlations": cross,
        "runs": runs,
        "lengths": lengths,
        "examples": _examples(real, synthetic, key, numeric[:4]),
    }


def _num(frame: pd.DataFrame, c: str) -> np.ndarray:
    return pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)


def _per_entity(values: np.ndarray, ent: np.ndarray) -> list[tuple[int, list[float | None]]]:
    out = []
    for e in np.unique(ent)[:50]:
        rows = ent == e
        out.append((int(e), acf(values[rows], ent[rows], 1)))
    return out


def _summary(v: np.ndarray) -> dict[str, float | None]:
    if not len(v):
        return {"mean": None, "min": None, "max": None}
    return {"mean": round(float(v.mean()), 3), "min": float(v.min()), "max": float(v.max())}


def _examples(
    real: pd.DataFrame, synthetic: pd.DataFrame, key: str, numeric: list[str]
) -> dict[str, Any]:
    """The first entity of each side, its first points per column: the report's charts."""
    out: dict[str, Any] = {}
    for c in numeric:
        entry = {}
        for side, frame in (("real", real), ("synthetic", synthetic)):
            if not len(frame):
                entry[side] = []
                continue
            first = frame[frame[key] == frame[key].iloc[0]][c].head(_EXAMPLE_POINTS)
            entry[side] = [
                None if not np.isfinite(v) else round(float(v), 4)
                for v in pd.to_numeric(first, errors="coerce").to_numpy(dtype=float)
            ]
        out[c] = entry
    return out
