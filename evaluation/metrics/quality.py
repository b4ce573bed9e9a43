"""Utility of synthetic rows against real rows: sdmetrics' QualityReport and DiagnosticReport.

SDMetrics is MIT-licensed (unlike SDV); this module never imports SDV.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["column_histograms", "diagnostic_report", "quality_report", "sdmetrics_metadata"]


def sdmetrics_metadata(frame: pd.DataFrame, metadata: dict[str, Any]) -> dict[str, Any]:
    """sdmetrics' single-table metadata for the columns of ``frame``.

    Args:
        frame: the columns to evaluate.
        metadata: Syn-Data dataset metadata (``columns.<name>.sdtype``).

    Returns:
        ``{"columns": {name: {"sdtype": ...}}}``.
    """
    columns: dict[str, Any] = {}
    for name in frame.columns:
        sdtype = metadata["columns"].get(name, {}).get("sdtype", "categorical")
        if sdtype not in ("numerical", "datetime", "boolean"):
            sdtype = "categorical"
        columns[name] = {"sdtype": sdtype}
    return {"columns": columns}


def _aligned(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames in the same dtypes (numbers as float, datetimes parsed, categories text)."""
    real = real.copy()
    synthetic = synthetic[list(real.columns)].copy()
    for name in real.columns:
        sdtype = metadata["columns"].get(name, {}).get("sdtype", "categorical")
        if sdtype == "numerical":
            real[name] = pd.to_numeric(real[name], errors="coerce").astype(float)
            synthetic[name] = pd.to_numeric(synthetic[name], errors="coerce").astype(float)
        elif sdtype == "datetime":
            fmt = metadata["columns"][name].get("datetime_format")
            for frame in (real, synthetic):
                col = frame[name]
                if not pd.api.types.is_datetime64_any_dtype(col):
                    col = pd.to_datetime(
                        col.astype("string"), format=fmt, errors="coerce", utc=True
                    )
                if getattr(col.dt, "tz", None) is not None:
                    col = col.dt.tz_convert("UTC").dt.tz_localize(None)
                frame[name] = col
        else:
            for frame in (real, synthetic):
                col = frame[name]
                frame[name] = (
                    col.astype(object)
                    .where(col.notna(), None)
                    .map(
                        lambda v: (
                            None
                            if v is None
                            else (
                                str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
                            )
                        )
                    )
                )
    return real, synthetic


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, np.floating | np.integer):
        return _clean(value.item())
    return value


def quality_report(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]
) -> dict[str, Any]:
    """sdmetrics QualityReport: overall score, column shapes and column pair trends.

    Args:
        real: the real rows (training data).
        synthetic: the synthetic rows, same columns.
        metadata: Syn-Data dataset metadata.

    Returns:
        ``{"score", "column_shapes", "column_pair_trends", "columns": {name: {metric, score}},
        "pairs": [{"columns", "metric", "score", "real", "synthetic"}]}``.
    """
    from sdmetrics.reports.single_table import QualityReport

    real, synthetic = _aligned(real, synthetic, metadata)
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic, sdmetrics_metadata(real, metadata), verbose=False)
        props = report.get_properties().set_index("Property")["Score"]
        shapes = report.get_details("Column Shapes")
        pairs = report.get_details("Column Pair Trends")
    columns = {
        str(row["Column"]): {"metric": row["Metric"], "score": _clean(row["Score"])}
        for _, row in shapes.iterrows()
    }
    pair_list = [
        {
            "columns": [str(row["Column 1"]), str(row["Column 2"])],
            "metric": row["Metric"],
            "score": _clean(row["Score"]),
            "real": _clean(row.get("Real Correlation", row.get("Real Association"))),
            "synthetic": _clean(row.get("Synthetic Correlation")),
        }
        for _, row in pairs.iterrows()
    ]
    return {
        "score": _clean(float(report.get_score())),
        "column_shapes": _clean(float(props.get("Column Shapes", float("nan")))),
        "column_pair_trends": _clean(float(props.get("Column Pair Trends", float("nan")))),
        "columns": columns,
        "pairs": pair_list,
    }


def diagnostic_report(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]
) -> dict[str, Any]:
    """sdmetrics DiagnosticReport: data validity and structure.

    Args:
        real: the real rows.
        synthetic: the synthetic rows.
        metadata: Syn-Data dataset metadata.

    Returns:
        ``{"score", "properties": {name: score}}``.
    """
    from sdmetrics.reports.single_table import DiagnosticReport

    real, synthetic = _aligned(real, synthetic, metadata)
    report = DiagnosticReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic, sdmetrics_metadata(real, metadata), verbose=False)
        props = report.get_properties().set_index("Property")["Score"]
    return {
        "score": _clean(float(report.get_score())),
        "properties": {str(k): _clean(float(v)) for k, v in props.items()},
    }


def column_histograms(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any], bins: int = 20
) -> dict[str, Any]:
    """Per column, what a chart needs: shared bin edges (numbers) or category shares.

    Args:
        real: the real rows.
        synthetic: the synthetic rows.
        metadata: Syn-Data dataset metadata.
        bins: bins per numeric histogram.

    Returns:
        ``{name: {"kind": "numeric", "edges", "real", "synthetic"}`` or
        ``{"kind": "categorical", "labels", "real", "synthetic"}}`` with shares that sum to 1.
    """
    real, synthetic = _aligned(real, synthetic, metadata)
    out: dict[str, Any] = {}
    for name in real.columns:
        r, s = real[name], synthetic[name]
        if pd.api.types.is_datetime64_any_dtype(r):
            r = r.astype("int64").where(r.notna()) / 1e9
            s = s.astype("int64").where(s.notna()) / 1e9
        if pd.api.types.is_numeric_dtype(r):
            rv, sv = r.dropna().to_numpy(float), s.dropna().to_numpy(float)
            if len(rv) == 0:
                continue
            lo, hi = float(np.min(rv)), float(np.max(rv))
            if lo == hi:
                hi = lo + 1.0
            edges = np.linspace(lo, hi, bins + 1)
            rh = np.histogram(np.clip(rv, lo, hi), edges)[0]
            sh = np.histogram(np.clip(sv, lo, hi), edges)[0] if len(sv) else np.zeros(bins)
            out[name] = {
                "kind": "numeric",
                "edges": [float(e) for e in edges],
                "real": [float(x) for x in rh / max(1, rh.sum())],
                "synthetic": [float(x) for x in sh / max(1, sh.sum())],
            }
        else:
            rc = r.value_counts(normalize=True)
            sc = s.value_counts(normalize=True)
            labels = [str(k) for k in rc.index[:20]]
            out[name] = {
                "kind": "categorical",
                "labels": labels,
                "real": [float(rc.get(k, 0.0)) for k in labels],
                "synthetic": [float(sc.get(k, 0.0)) for k in labels],
            }
    return out


# --- the same scores without sdmetrics (which imports Copulas, BSL) ---------------------------
def _as_numbers(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.astype("int64").where(col.notna()).astype(float)
    return col.astype(float)


def _discretise(
    real: pd.Series, synthetic: pd.Series, bins: int = 10
) -> tuple[pd.Series, pd.Series]:
    """Both columns as codes, as sdmetrics' ``discretize_column``: numbers and dates in the
    real column's ``bins`` equal bins (the outer ones open), the synthetic column in the same
    bins; other columns as text; nulls as ``nan``."""
    numeric = pd.api.types.is_numeric_dtype(real) or pd.api.types.is_datetime64_any_dtype(real)
    if not numeric:
        return tuple(  # type: ignore[return-value]
            c.astype(object).where(c.notna(), "nan").astype(str) for c in (real, synthetic)
        )
    r, s = _as_numbers(real), pd.to_numeric(_as_numbers(synthetic), errors="coerce")
    finite = r.dropna()
    edges = np.histogram_bin_edges(finite, bins=bins) if len(finite) else np.zeros(2)
    edges[0], edges[-1] = -np.inf, np.inf
    return tuple(  # type: ignore[return-value]
        pd.Series(
            np.where(v.isna(), "nan", np.digitize(v.fillna(0.0), edges).astype(str)),
            index=v.index,
        )
        for v in (r, s)
    )


def native_quality_report(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]
) -> dict[str, Any]:
    """sdmetrics' QualityReport scores computed here: KS / TV complements per column,
    correlation similarity (numeric pairs) and contingency similarity (other pairs).

    Args:
        real: the real rows.
        synthetic: the synthetic rows, same columns.
        metadata: Syn-Data dataset metadata.

    Returns:
        The same shape as :func:`quality_report`.
    """
    from scipy.stats import ks_2samp

    real, synthetic = _aligned(real, synthetic, metadata)
    numeric = {
        c
        for c in real.columns
        if pd.api.types.is_numeric_dtype(real[c]) or pd.api.types.is_datetime64_any_dtype(real[c])
    }
    columns: dict[str, Any] = {}
    for c in real.columns:
        if c in numeric:
            r, s = real[c], synthetic[c]
            if pd.api.types.is_datetime64_any_dtype(r):
                r = r.astype("int64").where(r.notna())
                s = s.astype("int64").where(s.notna())
            r, s = r.dropna().astype(float), s.dropna().astype(float)
            score = 1 - ks_2samp(r, s).statistic if len(r) and len(s) else None
            columns[c] = {"metric": "KSComplement", "score": _clean(score)}
        else:
            rp = real[c].value_counts(normalize=True, dropna=False)
            sp = synthetic[c].value_counts(normalize=True, dropna=False)
            keys = set(rp.index) | set(sp.index)
            tv = 0.5 * sum(abs(rp.get(k, 0.0) - sp.get(k, 0.0)) for k in keys)
            columns[c] = {"metric": "TVComplement", "score": _clean(1 - tv)}
    pairs = []
    names = list(real.columns)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a in numeric and b in numeric:
                ra = (
                    real[[a, b]]
                    .apply(
                        lambda x: (
                            x.astype("int64").where(x.notna())
                            if pd.api.types.is_datetime64_any_dtype(x)
                            else x
                        )
                    )
                    .astype(float)
                    .dropna()
                )
                sa = (
                    synthetic[[a, b]]
                    .apply(
                        lambda x: (
                            x.astype("int64").where(x.notna())
                            if pd.api.types.is_datetime64_any_dtype(x)
                            else x
                        )
                    )
                    .astype(float)
                    .dropna()
                )
                if len(ra) < 2 or len(sa) < 2 or ra.std().min() == 0 or sa.std().min() == 0:
                    continue
                cr, cs = ra[a].corr(ra[b]), sa[a].corr(sa[b])
                pairs.append(
                    {
                        "columns": [a, b],
                        "metric": "CorrelationSimilarity",
                        "score": _clean(1 - abs(cr - cs) / 2),
                        "real": _clean(cr),
                        "synthetic": _clean(cs),
                    }
                )
            else:
                (ra, sa), (rb, sb) = (
                    _discretise(real[a], synthetic[a]),
                    _discretise(real[b], synthetic[b]),
                )
                rj = pd.DataFrame({"a": ra, "b": rb}).value_counts(normalize=True)
                sj = pd.DataFrame({"a": sa, "b": sb}).value_counts(normalize=True)
                keys = rj.index.union(sj.index)
                diff = rj.reindex(keys, fill_value=0.0) - sj.reindex(keys, fill_value=0.0)
                tv = 0.5 * float(diff.abs().sum())
                pairs.append(
                    {
                        "columns": [a, b],
                        "metric": "ContingencySimilarity",
                        "score": _clean(1 - tv),
                        "real": None,
                        "synthetic": None,
                    }
                )
    shape_scores = [v["score"] for v in columns.values() if v["score"] is not None]
    pair_scores = [p["score"] for p in pairs if p["score"] is not None]
    shapes = float(np.mean(shape_scores)) if shape_scores else None
    trends = float(np.mean(pair_scores)) if pair_scores else None
    parts = [x for x in (shapes, trends) if x is not None]
    return {
        "score": _clean(float(np.mean(parts))) if parts else None,
        "column_shapes": _clean(shapes),
        "column_pair_trends": _clean(trends),
        "columns": columns,
        "pairs": pairs,
        "backend": "native",
    }


def native_diagnostic_report(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Data validity without sdmetrics: numbers and times within the real range, categories
    among the real ones; structure: the same columns.

    Args:
        real: the real rows.
        synthetic: the synthetic rows.
        metadata: Syn-Data dataset metadata.

    Returns:
        ``{"score", "properties": {"Data Validity", "Data Structure"}}``.
    """
    real_a, synth_a = _aligned(real, synthetic, metadata)
    scores = []
    for c in real_a.columns:
        r, s = real_a[c].dropna(), synth_a[c].dropna()
        if len(s) == 0:
            continue
        if pd.api.types.is_numeric_dtype(r) or pd.api.types.is_datetime64_any_dtype(r):
            scores.append(float(((s >= r.min()) & (s <= r.max())).mean()))
        else:
            scores.append(float(s.isin(set(r)).mean()))
    validity = float(np.mean(scores)) if scores else 1.0
    structure = 1.0 if list(real.columns) == list(synthetic.columns) else 0.0
    return {
        "score": (validity + structure) / 2,
        "properties": {"Data Validity": validity, "Data Structure": structure},
        "backend": "native",
    }
