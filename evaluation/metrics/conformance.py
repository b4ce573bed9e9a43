"""Conformance of generated rows to what their spec declared.

For every column with a fixed reference (generation.engine.reference_for): numbers and
datetimes are compared with the theoretical CDF (KS statistic, after truncation and rounding),
categories and bools with the declared weights (total-variation distance), nulls with the
declared rate; conditional fields case by case; correlations with the requested rank
correlations (error per pair and for the matrix).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from generation.engine import TableSpec
from generation.engine.reference import ColumnReference, _single, reference_for

__all__ = ["conformance_report"]

HIST_BINS = 30
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def _as_numbers(values: pd.Series, kind: str) -> np.ndarray:
    if kind == "datetime":
        ts = pd.to_datetime(values, errors="coerce", utc=True).dropna()
        return ((ts - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
    if values.dtype == object:
        values = values.map(lambda v: float(v) if v is not None and v == v else np.nan)
    return pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)


def _ks(ref: ColumnReference, x: np.ndarray) -> float:
    m = ref.marginal
    discrete = bool(getattr(m, "integer", False) or getattr(m, "date", False))
    if discrete or len(np.unique(x)) < 50:
        # KS against a step CDF: compare the empirical and declared CDFs at the support points.
        support = np.unique(x)
        ecdf = np.searchsorted(np.sort(x), support, side="right") / len(x)
        return float(np.max(np.abs(ecdf - m.cdf(support))))
    return float(stats.kstest(x, m.cdf).statistic)


def _numeric(ref: ColumnReference, values: pd.Series) -> dict[str, Any]:
    x = _as_numbers(values, ref.kind)
    out: dict[str, Any] = {
        "kind": ref.kind,
        "reference": ref.describe,
        "nulls": {
            "declared": ref.nulls,
            "observed": float(values.isna().mean()) if len(values) else 0.0,
        },
    }
    if len(x) == 0:
        out.update({"ks": None, "score": None})
        return out
    ks = _ks(ref, x)
    lo, hi = np.quantile(x, [0.001, 0.999]) if len(x) > 10 else (x.min(), x.max())
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, HIST_BINS + 1)
    counts, _ = np.histogram(x, bins=edges)
    expected = np.diff(ref.marginal.cdf(edges)) * len(x)
    out.update(
        {
            "ks": ks,
            "score": 1.0 - ks,
            "mean": float(x.mean()),
            "std": float(x.std()),
            "min": float(x.min()),
            "max": float(x.max()),
            "histogram": {
                "edges": edges.round(6).tolist(),
                "synthetic": counts.tolist(),
                "reference": expected.round(3).tolist(),
            },
        }
    )
    return out


def _label_text(values: pd.Series) -> pd.Series:
    present = values.dropna()
    if present.dtype == bool or present.map(type).eq(bool).all() and len(present):
        return present.map(lambda v: "true" if v else "false")
    return present.astype(str)


def _categorical(ref: ColumnReference, values: pd.Series) -> dict[str, Any]:
    declared = ref.weights or {}
    observed = _label_text(values).value_counts(normalize=True)
    keys = set(declared) | set(observed.index)
    tv = 0.5 * sum(abs(declared.get(k, 0.0) - float(observed.get(k, 0.0))) for k in keys)
    labels = list(declared)
    return {
        "kind": "categorical",
        "tv_distance": float(tv),
        "score": float(1.0 - tv),
        "declared": declared,
        "observed": {str(k): float(v) for k, v in observed.items()},
        "coverage": float(sum(1 for k in labels if k in observed.index) / len(labels))
        if labels
        else None,
        "nulls": {
            "declared": ref.nulls,
            "observed": float(values.isna().mean()) if len(values) else 0.0,
        },
    }


def _column(ref: ColumnReference, values: pd.Series) -> dict[str, Any]:
    if ref.kind in ("numeric", "datetime"):
        return _numeric(ref, values)
    if ref.kind == "categorical":
        return _categorical(ref, values)
    if ref.kind == "key":
        unique = bool(values.dropna().is_unique)
        return {"kind": "key", "unique": unique, "score": 1.0 if unique else 0.0}
    return {
        "kind": "unchecked",
        "reason": ref.reason,
        "score": None,
        "nulls": {
            "declared": ref.nulls,
            "observed": float(values.isna().mean()) if len(values) else 0.0,
        },
    }


def _conditional(ref: ColumnReference, frame: pd.DataFrame, name: str) -> dict[str, Any]:
    on = [c for c in ref.conditional_on if c in frame.columns]
    if len(on) != len(ref.conditional_on):
        return {
            "kind": "conditional",
            "score": None,
            "reason": "the condition fields are not in the output",
        }
    keys = _label_text(frame[on[0]]).reindex(frame.index)
    for c in on[1:]:
        keys = keys + "|" + _label_text(frame[c]).reindex(frame.index)
    cases: dict[str, Any] = {}
    matched = pd.Series(False, index=frame.index)
    for key, case_ref in ref.cases.items():
        if key == "":
            continue
        rows = keys == key
        matched |= rows
        if rows.sum() >= 20:
            cases[key] = {"rows": int(rows.sum()), **_column(case_ref, frame.loc[rows, name])}
    rest = ~matched
    if rest.sum() >= 20 and "" in ref.cases:
        cases["(default)"] = {
            "rows": int(rest.sum()),
            **_column(ref.cases[""], frame.loc[rest, name]),
        }
    scored = [(c["rows"], c["score"]) for c in cases.values() if c.get("score") is not None]
    score = sum(r * s for r, s in scored) / sum(r for r, _ in scored) if scored else None
    return {"kind": "conditional", "on": ref.conditional_on, "cases": cases, "score": score}


def _correlations(
    table: TableSpec, frame: pd.DataFrame
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    pairs = []
    for corr in table.correlations:
        for a, b, r in corr.pairs():
            if a not in frame.columns or b not in frame.columns:
                continue
            kinds = {
                n: "datetime" if table.fields[n].type in ("datetime", "date") else "numeric"
                for n in (a, b)
            }
            order = {
                n: {lab: i for i, lab in enumerate(table.fields[n].labels())}
                for n in (a, b)
                if table.fields[n].type == "category"
            }
            xa = pd.Series(_series_numbers(frame[a], kinds[a], order.get(a)), index=frame.index)
            xb = pd.Series(_series_numbers(frame[b], kinds[b], order.get(b)), index=frame.index)
            pair = pd.concat([xa, xb], axis=1).dropna()
            observed = (
                float(stats.spearmanr(pair.iloc[:, 0], pair.iloc[:, 1]).statistic)
                if len(pair) > 2 and pair.iloc[:, 0].nunique() > 1 and pair.iloc[:, 1].nunique() > 1
                else float("nan")
            )
            pairs.append(
                {
                    "fields": [a, b],
                    "requested": r,
                    "observed": observed,
                    "error": abs(observed - r) if np.isfinite(observed) else None,
                }
            )
    errors = [p["error"] for p in pairs if p["error"] is not None]
    matrix = (
        {
            "max_error": max(errors),
            "mean_error": float(np.mean(errors)),
            "score": 1.0 - float(np.mean(errors)),
        }
        if errors
        else None
    )
    return pairs, matrix


def _series_numbers(
    values: pd.Series, kind: str, order: dict[str, int] | None = None
) -> np.ndarray:
    if order is not None:  # a category: its declared order
        return values.map(lambda v: order.get(str(v), np.nan)).to_numpy(dtype=float)
    if kind == "datetime":
        ts = pd.to_datetime(values, errors="coerce", utc=True)
        return ((ts - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
    if values.dtype == object:
        values = values.map(_as_float)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def _as_float(v: Any) -> float:
    try:
        return float(v) if v is not None and v == v else np.nan
    except (TypeError, ValueError):
        return np.nan


def conformance_report(
    table: TableSpec, frame: pd.DataFrame, *, spec: Any = None, name: str | None = None
) -> dict[str, Any]:
    """Compare a sample of generated rows with what the table's spec declared.

    Args:
        table: the validated table spec.
        frame: generated rows of that table.
        spec: the whole spec (gives conditional cases and lookups); optional.
        name: the table's name in ``spec``.

    Returns:
        ``{"rows_evaluated", "columns": {...}, "correlations": [...], "correlation_matrix",
        "utility": mean column score}``.
    """
    columns: dict[str, Any] = {}
    for fname, field in table.fields.items():
        if fname not in frame.columns:
            continue
        if spec is not None and name is not None:
            ref = reference_for(spec, name, fname)
        else:
            ref = _single(field)
            if field.conditional is not None:
                ref = ColumnReference("unchecked", field.nulls, reason="conditional (give spec)")
        if ref.kind == "conditional":
            columns[fname] = _conditional(ref, frame, fname)
        else:
            columns[fname] = _column(ref, frame[fname])
    correlations, matrix = _correlations(table, frame)
    scores = [c["score"] for c in columns.values() if c.get("score") is not None]
    if matrix is not None:
        scores.append(matrix["score"])
    return {
        "rows_evaluated": len(frame),
        "columns": columns,
        "correlations": correlations,
        "correlation_matrix": matrix,
        "utility": float(np.mean(scores)) if scores else None,
    }
