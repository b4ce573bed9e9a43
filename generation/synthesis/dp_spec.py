"""Differentially private ``spec`` fits: the statistics a spec holds, released with noise.

Neighbouring tables differ by one row replaced (bounded DP: the row count is public, and it is
the spec's ``rows``), so a histogram count moves by at most 2 in all and Kendall's tau-a of
``m`` rows by at most 4/m. The budget is spent by basic composition over the released
statistics, each listed in the accounting with its epsilon:

- number and date columns: the range, from a Laplace histogram over fixed bins (powers of two
  for numbers, years 1800-2200 for dates: data-independent), 25% of the column's share; then
  a Laplace histogram of 50 equal bins over that range plus a null bin, 75%, whose cumulative
  counts give the spec's quantiles (values outside the range are clipped into it);
- category columns: the category set is data-dependent, so categories are released by a
  thresholded Laplace histogram (a value is kept when its noisy count passes
  ``1 + (2/eps) ln(1/delta_c)``: (eps, delta_c)-DP), nulls as one more bin; booleans: a
  Laplace histogram of False / True / null;
- correlations (two or more varying columns): each pair's Kendall tau-a on a seeded sample of
  at most 20,000 rows with Laplace noise (4/m sensitivity), the pairs sharing a quarter of
  the budget; tau becomes the spec's rank correlation through the Gaussian copula, and the
  engine repairs the matrix to a valid one (post-processing, free).

Not covered, and stated on the model: keys and direct identifiers are fields of synthetic
values (their formats come from the real column); the exact-copy guard drops sampled rows
equal to a real row (a data-dependent filter). Depends on no BSL package.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

__all__ = ["DpError", "check_request", "learn_dp_spec", "released_categories"]

_BINS = 50
_CORR_ROWS = 20_000
_CORR_SHARE = 0.25
_RANGE_SHARE = 0.25
_MAX_CORR_COLUMNS = 50
_QUANTILES = 51


class DpError(ValueError):
    """A differential_privacy request that cannot be honoured; the message says why."""


#: The synthesizers with a differentially private fit: spec (this module) and argn (the
#: engine's DP-SGD, argn_backend.py).
DP_SYNTHESIZERS = ("spec", "argn")


def check_request(value: Any, synthesizer: str) -> dict[str, float]:
    """``{"epsilon": > 0, "delta": in (0, 1e-3]}`` for a synthesizer of ``DP_SYNTHESIZERS``,
    or DpError."""
    if synthesizer not in DP_SYNTHESIZERS:
        raise DpError(
            f"differential_privacy: {synthesizer} has no differentially private fit; "
            "only spec (noisy marginals and correlations) and argn (DP-SGD) have"
        )
    if not isinstance(value, dict):
        raise DpError('differential_privacy: must be an object {"epsilon": 3, "delta": 1e-6}')
    extra = sorted(set(value) - {"epsilon", "delta"})
    if extra:
        raise DpError(f"differential_privacy.{extra[0]}: unknown (epsilon, delta)")
    epsilon = value.get("epsilon")
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not epsilon > 0:
        raise DpError("differential_privacy.epsilon: must be a number above 0")
    if not math.isfinite(epsilon) or epsilon > 100:
        raise DpError("differential_privacy.epsilon: must be at most 100")
    delta = value.get("delta", 1e-6)
    if isinstance(delta, bool) or not isinstance(delta, int | float) or not 0 < delta <= 1e-3:
        raise DpError("differential_privacy.delta: must be above 0 and at most 0.001")
    return {"epsilon": float(epsilon), "delta": float(delta)}


def _laplace(rng: np.random.Generator, counts: np.ndarray, scale: float) -> np.ndarray:
    return counts + rng.laplace(0.0, scale, size=counts.shape)


def _number_edges() -> np.ndarray:
    powers = 2.0 ** np.arange(-20, 65)
    return np.concatenate([-powers[::-1], [0.0], powers])


def _date_edges() -> np.ndarray:
    years = pd.date_range("1800-01-01", "2200-01-01", freq="YS")
    return years.as_unit("ns").asi8.astype(float)


def _noisy_range(
    values: np.ndarray, edges: np.ndarray, eps: float, rng: np.random.Generator
) -> tuple[float, float]:
    """The span of the bins (fixed ``edges``) whose noisy count passes a threshold."""
    idx = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    counts = np.bincount(idx, minlength=len(edges) - 1).astype(float)
    noisy = _laplace(rng, counts, 2.0 / eps)
    # a threshold that an empty bin's noise passes with probability about 1e-3 over all bins
    above = np.flatnonzero(noisy > (2.0 / eps) * math.log(len(counts) / 1e-3))
    if not len(above):
        above = np.array([int(np.argmax(noisy))])
    return float(edges[above[0]]), float(edges[above[-1] + 1])


def _noisy_histogram(
    values: np.ndarray, nulls: int, lo: float, hi: float, eps: float, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """Noisy counts of ``_BINS`` equal bins over [lo, hi] and of the nulls; small counts
    (under three noise scales) are taken as noise and zeroed."""
    width = (hi - lo) or 1.0
    idx = np.clip(((np.clip(values, lo, hi) - lo) / width * _BINS).astype(int), 0, _BINS - 1)
    counts = np.append(np.bincount(idx, minlength=_BINS), nulls).astype(float)
    scale = 2.0 / eps
    noisy = _laplace(rng, counts, scale)
    noisy[noisy < 3 * scale] = 0.0
    bins, null = noisy[:-1], noisy[-1]
    total = bins.sum() + null
    if bins.sum() <= 0:
        bins = np.ones(_BINS)
    return bins, (float(null / total) if total > 0 else 0.0)


def _quantiles(bins: np.ndarray, lo: float, hi: float) -> tuple[list[float], list[float]]:
    """The spec's quantile points of a histogram (uniform within each bin)."""
    edges = np.linspace(lo, hi, _BINS + 1)
    cdf = np.concatenate([[0.0], np.cumsum(bins) / bins.sum()])
    probs = np.linspace(0, 1, _QUANTILES)
    values = np.maximum.accumulate(np.interp(probs, cdf, edges))
    return [float(p) for p in probs], [float(f"{v:.10g}") for v in values]


def _text(col: pd.Series) -> pd.Series:
    return col.dropna().map(
        lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    )


def learn_dp_spec(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    table: str,
    learned: list[str],
    epsilon: float,
    delta: float,
    seed: int,
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """A spec of the ``learned`` columns from noisy statistics, its field names -> columns,
    and the accounting (``epsilon_spent``, ``delta_spent``, ``releases``)."""
    from generation.synthesis.spec_synth import (
        _categories_through_codes,
        _engine_accepts,
        _table_name,
        _with_keys_and_identifiers,
        field_name,
    )

    rng = np.random.default_rng([seed, 1789])
    n = len(frame)
    varying = len(learned) >= 2
    eps_corr = epsilon * _CORR_SHARE if varying else 0.0
    eps_col = (epsilon - eps_corr) / max(1, len(learned))
    categorical = [c for c in learned if metadata["columns"][c]["sdtype"] == "categorical"]
    delta_col = delta / max(1, len(categorical))
    releases: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    names: dict[str, str] = {}
    taken: set[str] = set()
    orders: dict[str, list[str]] = {}
    for column in learned:
        entry = metadata["columns"][column]
        sdtype = entry["sdtype"]
        col = frame[column]
        name = field_name(column, taken)
        names[name] = column
        if sdtype in ("numerical", "datetime"):
            if sdtype == "datetime":
                values = col.dropna().astype("int64").to_numpy(dtype=float)
                edges = _date_edges()
            else:
                values = pd.to_numeric(col, errors="coerce").dropna().to_numpy(dtype=float)
                edges = _number_edges()
            eps_range = eps_col * _RANGE_SHARE
            lo, hi = _noisy_range(values, edges, eps_range, rng)
            bins, null = _noisy_histogram(values, n - len(values), lo, hi, eps_col - eps_range, rng)
            probs, points = _quantiles(bins, lo, hi)
            releases.append({"what": f"{column}: range (fixed bins)", "epsilon": eps_range})
            releases.append(
                {
                    "what": f"{column}: histogram of {_BINS} bins and nulls",
                    "epsilon": eps_col - eps_range,
                }
            )
            if sdtype == "datetime":
                iso = [pd.Timestamp(int(v)).isoformat() for v in points]
                field = {
                    "type": "datetime",
                    "start": iso[0],
                    "end": (pd.Timestamp(int(points[-1])) + pd.Timedelta(seconds=1)).isoformat(),
                    "dist": {"kind": "quantiles", "probs": probs, "values": iso},
                }
            else:
                integer = entry.get("representation") == "int"
                field = {
                    "type": "int" if integer else "float",
                    "dist": {"kind": "quantiles", "probs": probs, "values": points},
                    "min": points[0],
                    "max": points[-1],
                }
                if points[0] == points[-1]:
                    field = {
                        "type": field["type"],
                        "dist": {"kind": "constant", "value": points[0]},
                    }
                if not integer:  # a few significant digits of the released range
                    width = abs(points[-1] - points[0]) or 1.0
                    field["precision"] = int(min(6, max(0, 3 - math.floor(math.log10(width)))))
            orders[name] = []
        elif sdtype == "boolean":
            text = col.dropna().astype(bool)
            counts = np.array([(~text).sum(), text.sum(), n - len(text)], dtype=float)
            noisy = np.maximum(_laplace(rng, counts, 2.0 / eps_col), 0.0)
            total = noisy.sum() or 1.0
            p = float(noisy[1] / (noisy[0] + noisy[1])) if noisy[0] + noisy[1] > 0 else 0.5
            field = {"type": "bool", "p": round(p, 6)}
            null = float(noisy[2] / total)
            releases.append({"what": f"{column}: False / True / null counts", "epsilon": eps_col})
            orders[name] = ["False", "True"]
        else:
            labels = _text(col)
            counts = labels.value_counts()
            noisy = _laplace(rng, counts.to_numpy(dtype=float), 2.0 / eps_col)
            threshold = 1.0 + (2.0 / eps_col) * math.log(1.0 / delta_col)
            kept = {
                str(k): float(v) for k, v in zip(counts.index, noisy, strict=True) if v > threshold
            }
            null = float(
                max(0.0, _laplace(rng, np.array([float(n - len(labels))]), 2.0 / eps_col)[0])
            )
            if not kept:  # every value rarer than the threshold: nothing of them is released
                kept = {"(suppressed)": 1.0}
            ordered = sorted(kept.items(), key=lambda kv: -kv[1])
            total = sum(kept.values()) + null
            field = {"type": "category", "values": {k: round(v, 3) for k, v in ordered}}
            null = null / total if total > 0 else 0.0
            releases.append(
                {
                    "what": f"{column}: categories over a threshold of {threshold:.1f} and nulls",
                    "epsilon": eps_col,
                    "delta": delta_col,
                }
            )
            orders[name] = [k for k, _ in ordered]
        if null > 0:
            field["nulls"] = round(min(1.0, null), 6)
        fields[name] = field
    spec_table: dict[str, Any] = {"rows": n, "fields": fields}
    candidates = [
        f
        for f, field in fields.items()
        if field.get("nulls", 0) < 1
        and (field.get("dist") or {}).get("kind") != "constant"
        and not (field["type"] == "category" and len(field["values"]) < 2)
    ][:_MAX_CORR_COLUMNS]
    if eps_corr and len(candidates) >= 2:
        sample = frame.sample(min(n, _CORR_ROWS), random_state=seed % 2**32) if n else frame
        codes = {
            f: _code(sample[names[f]], metadata["columns"][names[f]]["sdtype"], orders[f])
            for f in candidates
        }
        pairs = len(candidates) * (len(candidates) - 1) // 2
        scale = 4.0 / max(1, len(sample)) / (eps_corr / pairs)
        k = len(candidates)
        rho = np.eye(k)
        for i in range(k):
            for j in range(i + 1, k):
                tau = _tau_a(codes[candidates[i]], codes[candidates[j]])
                noisy = float(np.clip(tau + rng.laplace(0.0, scale), -1.0, 1.0))
                gauss = math.sin(math.pi * noisy / 2)  # Kendall -> Gaussian copula -> Spearman
                rho[i, j] = rho[j, i] = 6 / math.pi * math.asin(gauss / 2)
        rho = np.clip(rho, -0.999, 0.999)
        np.fill_diagonal(rho, 1.0)
        spec_table["correlations"] = [
            {"fields": candidates, "matrix": [[round(float(v), 4) for v in row] for row in rho]}
        ]
        spec_table["repair_correlations"] = True
        releases.append(
            {
                "what": f"Kendall tau of {pairs} column pairs ({len(sample)} rows)",
                "epsilon": eps_corr,
            }
        )
    elif eps_corr:
        eps_corr = 0.0  # nothing to correlate: that share is not spent
    spec = {
        "description": f"Learned from {table!r} by the spec synthesizer with differential "
        f"privacy (epsilon {epsilon:g}, delta {delta:g}).",
        "tables": {_table_name(table): spec_table},
    }
    if spec_table.get("correlations") and not _engine_accepts(spec):
        _categories_through_codes(spec_table, taken)
        if not _engine_accepts(spec):
            spec_table.pop("correlations")
            spec_table.pop("repair_correlations")
    spec_table["fields"] = _with_keys_and_identifiers(
        frame, metadata, spec_table["fields"], names, taken
    )
    spent = sum(r["epsilon"] for r in releases)
    accounting = {
        "epsilon": epsilon,
        "delta": delta,
        "epsilon_spent": round(spent, 9),
        "delta_spent": sum(r.get("delta", 0.0) for r in releases),
        "composition": "basic (sum over the released statistics)",
        "neighbouring": "one row replaced; the row count is public",
        "releases": releases,
        "not_covered": (
            "key and identifier columns (synthetic values; their formats follow the real "
            "column) and the exact-copy guard (it drops sampled rows equal to a real row)"
        ),
    }
    return spec, names, accounting


def released_categories(
    spec: dict[str, Any], names: dict[str, str], categories: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Of the real categories per column (the fitted model's, for checking conditions), those
    the noisy spec released: an error message must not name a suppressed one."""
    fields = next(iter(spec["tables"].values()))["fields"]
    by_column = {column: name for name, column in names.items()}
    out: dict[str, list[str]] = {}
    for column, values in categories.items():
        field = fields.get(by_column.get(column, ""), {})
        if field.get("type") == "category" and isinstance(field.get("values"), dict):
            out[column] = [v for v in values if v in field["values"]]
        else:  # booleans: their two values are no secret
            out[column] = values
    return out


def _code(col: pd.Series, sdtype: str, order: list[str]) -> np.ndarray:
    """A column as numbers for Kendall's tau: categories by released order (others, nulls:
    one code past them), numbers and dates as they are (nulls lowest)."""
    if sdtype == "datetime":
        values = col.astype("int64").where(col.notna()).astype(float)
    elif sdtype in ("categorical", "boolean"):
        index = {label: i for i, label in enumerate(order)}
        text = col.map(
            lambda v: (
                None
                if pd.isna(v)
                else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            )
        )
        if sdtype == "boolean":
            text = col.map(lambda v: None if pd.isna(v) else str(bool(v)))
        values = text.map(
            lambda v: index.get(v, len(order)) if v is not None else len(order)
        ).astype(float)
        return values.to_numpy()
    else:
        values = pd.to_numeric(col, errors="coerce").astype(float)
    out = values.to_numpy()
    missing = np.isnan(out)
    if missing.all():
        return np.zeros(len(out))
    # tau reads only the order: nulls rank below every value
    return np.where(missing, out[~missing].min() - 1, out) if missing.any() else out


def _tau_a(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-a, (concordant - discordant) / all pairs, from scipy's tau-b."""
    n = len(x)
    if n < 2:
        return 0.0
    tau_b = kendalltau(x, y).statistic
    if not np.isfinite(tau_b):
        return 0.0
    n0 = n * (n - 1) / 2
    ties_x = sum(t * (t - 1) / 2 for t in np.unique(x, return_counts=True)[1])
    ties_y = sum(t * (t - 1) / 2 for t in np.unique(y, return_counts=True)[1])
    return float(tau_b * math.sqrt((n0 - ties_x) * (n0 - ties_y)) / n0)
