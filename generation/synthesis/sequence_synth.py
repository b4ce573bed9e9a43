"""The ``spec`` synthesizer on sequences: learn a table of entities' time series into the
engine's series language (a parent table of entities, a child table with ``series``).

Entities are grouped into profiles (one per real entity up to ``MAX_PROFILES``, else k-means
clusters of their per-column means and spreads); the parent table draws a profile per
synthetic entity, its static columns (constant within an entity), its start and its length;
the child's fields take their parameters from the profile through ``conditional`` on
``parent.profile``. Per numeric column and profile: level, spread of entity levels, trend,
the seasonalities whose period fits the sampling step and span (daily, weekly, yearly) and
pay their way, an AR(1) of the residuals, runs of nulls (dropouts); a skewed or lumpy column
is learned on its normal scores and mapped back through its quantiles (``signal`` + ``dist``).
The AR innovations of the numeric columns are correlated at lag 0 (``correlations``).
Categories are Markov chains per profile (state runs). Columns equal to a calendar part of
the time (year, month, day, hour) become expressions of it. Pure: no Django, no BSL.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from generation.synthesis.sequence_memory import fit_ar, learn_leads
from generation.synthesis.spec_synth import _datetime_field, _decimals, _round_sig, field_name

__all__ = ["MAX_PROFILES", "SequenceInputError", "learn_sequence_spec", "sequence_issues"]

MAX_PROFILES = 20
_QUANTILE_POINTS = 101
_MAX_STATES = 200
_DAY = 86400.0
#: candidate seasonal periods (seconds); one is tried when the step is at most a quarter of
#: it and the span holds at least ~0.9 of it.
_PERIODS = {"1d": _DAY, "7d": 7 * _DAY, "365.25d": 365.25 * _DAY}
_CALIBRATION_ROWS = 40_000
_MAX_AR = 3  # the highest AR order tried (BIC)
_MIN_GAIN = 0.01  # share of the variance a season (or trend) must explain to be kept
_PARTS = {"year": "year", "month": "month", "day": "day", "hour": "hour", "minute": "minute"}


class SequenceInputError(ValueError):
    """A sequence table the learner cannot read as regular series; says which entity, where."""


def sequence_issues(
    frame: pd.DataFrame, key: str, index: str | None, *, regular: bool = False
) -> list[str]:
    """What is wrong with a table as sequences of ``key`` ordered by ``index`` (empty: fine).

    Every entity with a single row (nothing to learn an order from), an order column that
    repeats within an entity, and (``regular``) steps that are not one sampling step apart.
    """
    issues: list[str] = []
    sizes = frame.groupby(key, sort=False).size()
    if len(sizes) and (sizes <= 1).all():
        first = sizes.index[0]
        issues.append(
            f"metadata.sequence_key: every entity of {key!r} has a single row (e.g. {first!r}); "
            "a sequence key names an entity with several rows in time"
        )
        return issues
    if index is None:
        return issues
    dup = frame.duplicated([key, index], keep=False)
    if dup.any():
        row = frame[dup].iloc[0]
        issues.append(
            f"metadata.sequence_index: {index!r} repeats within entity {row[key]!r} "
            f"(value {row[index]!s} at row {int(frame.index[dup.to_numpy()][0])})"
        )
    if regular and not dup.any():
        step, seconds = _step(frame, key, index)
        if step > 0:
            diffs = pd.Series(seconds).groupby(frame[key].to_numpy()).diff()
            off = diffs.notna() & ((diffs - step).abs() > 1e-6 * step)
            if off.any():
                pos = int(np.flatnonzero(off.to_numpy())[0])
                issues.append(
                    f"metadata.sequence_index: entity {frame[key].iloc[pos]!r} steps by "
                    f"{diffs.iloc[pos]:g}s at row {int(frame.index[pos])}, not the regular "
                    f"{step:g}s"
                )
    return issues


def _seconds(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.as_unit("ns").to_numpy().view(np.int64) / 1e9
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


def _step(frame: pd.DataFrame, key: str, index: str | None) -> tuple[float, np.ndarray]:
    """The sampling step (median positive difference, seconds) and each row's seconds."""
    if index is None:
        seconds = frame.groupby(key, sort=False).cumcount().to_numpy(dtype=float)
        return 1.0, seconds
    seconds = _seconds(frame[index])
    diffs = pd.Series(seconds).groupby(frame[key].to_numpy()).diff().to_numpy()
    diffs = diffs[np.isfinite(diffs) & (diffs > 0)]
    return (float(np.median(diffs)) if len(diffs) else 1.0), seconds


def _duration(seconds: float) -> str:
    for unit, size in (("d", _DAY), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and abs(seconds / size - round(seconds / size)) < 1e-9:
            return f"{round(seconds / size)}{unit}"
    return f"{_round_sig(seconds)}s"


def _profiles(
    frame: pd.DataFrame, key: str, numeric: list[str], max_profiles: int, seed: int
) -> tuple[pd.Series, bool]:
    """Each entity's profile label (a Series by entity) and whether profiles are entities."""
    entities = frame[key].drop_duplicates()
    if len(entities) <= max_profiles:
        return pd.Series([str(e) for e in entities], index=entities.to_numpy()), True
    grouped = frame.groupby(key, sort=False)[numeric]
    feats = pd.concat([grouped.mean(), grouped.std()], axis=1).reindex(entities.to_numpy())
    x = feats.fillna(feats.mean()).fillna(0.0).to_numpy(dtype=float)
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    rng = np.random.default_rng(seed)
    centers = x[rng.choice(len(x), max_profiles, replace=False)]
    for _ in range(25):
        labels = ((x[:, None, :] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
        for k in range(max_profiles):
            if (labels == k).any():
                centers[k] = x[labels == k].mean(axis=0)
    return pd.Series([f"cluster_{k + 1}" for k in labels], index=entities.to_numpy()), False


def _design(t: np.ndarray, t0: np.ndarray, periods: list[float], trend: bool) -> np.ndarray:
    cols = [np.ones(len(t))]
    if trend:
        cols.append((t - t0) / _DAY)
    for p in periods:
        cols += [np.cos(2 * np.pi * t / p), np.sin(2 * np.pi * t / p)]
    return np.column_stack(cols)


def _fit_signal(
    y: np.ndarray,
    t: np.ndarray,
    ent: np.ndarray,
    t0: np.ndarray,
    candidates: list[float],
    names: dict[float, str],
    max_p: int = 1,
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Level, trend, seasons and AR(1) of ``y`` (rows of one profile, entity codes ``ent``,
    in time order within each entity): (the signal, its innovations per row, NaN where none)."""
    ok = np.isfinite(y)
    yo, to, eo, t0o = y[ok], t[ok], ent[ok], t0[ok]
    total = float(np.var(yo)) if len(yo) else 0.0
    # Entity levels apart: seasons and trend are fitted on the deviations from them.
    means = pd.Series(yo).groupby(eo).transform("mean").to_numpy()
    dev = yo - means

    def rss(periods: list[float], trend: bool) -> tuple[float, np.ndarray]:
        x = _design(to, t0o, periods, trend)
        coef, *_ = np.linalg.lstsq(x, dev, rcond=None)
        return float(((dev - x @ coef) ** 2).sum()), coef

    keep: list[float] = []
    base, _ = rss([], False)
    for p in candidates:  # a season stays when it explains its share of the variance
        r, _ = rss([*keep, p], False)
        if total > 0 and (base - r) / (total * max(len(dev), 1)) >= _MIN_GAIN:
            keep, base = [*keep, p], r
    span = float((to - t0o).max()) if len(to) else 0.0
    trend = False
    if span > 0 and (not keep or span >= 2 * max(keep)):
        r, _ = rss(keep, True)
        trend = total > 0 and (base - r) / (total * max(len(dev), 1)) >= _MIN_GAIN
    _, coef = rss(keep, trend)
    fitted = _design(to, t0o, keep, trend) @ coef
    entity_means = pd.Series(yo).groupby(eo).mean()
    sig: dict[str, Any] = {"level": _round_sig(float(entity_means.mean() + coef[0]))}
    if len(entity_means) > 1:
        sig["entity_sd"] = _round_sig(float(entity_means.std(ddof=0)))
    k = 1
    if trend:
        sig["trend"] = _round_sig(float(coef[1]))
        k = 2
    seasons = []
    for i, p in enumerate(keep):
        c, s = coef[k + 2 * i], coef[k + 2 * i + 1]
        seasons.append(
            {
                "period": names[p],
                "amplitude": _round_sig(float(math.hypot(c, s))),
                "peak": round(float(math.atan2(s, c) / (2 * math.pi)) % 1.0, 6),
            }
        )
    if seasons:
        sig["seasonality"] = seasons
    resid = np.full(len(y), np.nan)
    resid[ok] = dev - fitted
    phis, innov = fit_ar(resid, ent, max_p)
    sd = float(np.nanstd(innov)) if np.isfinite(innov).any() else float(np.nanstd(resid))
    phi: float | list[float] = phis[0] if len(phis) == 1 else phis
    sig["ar"] = {"phi": phi, "sd": _round_sig(sd if math.isfinite(sd) else 0.0)}
    return sig, innov, resid


def _null_runs(mask: np.ndarray, ent: np.ndarray) -> dict[str, float] | None:
    """Runs of nulls as dropouts: run starts per row and their mean length."""
    if not mask.any():
        return None
    start = mask & ~np.r_[False, mask[:-1] & (ent[1:] == ent[:-1])]
    runs = int(start.sum())
    rate = runs / len(mask)
    length = float(mask.sum()) / max(runs, 1)
    if mask.all():
        rate, length = 1.0, 1_000_000.0
    return {"rate": _round_sig(rate), "length": _round_sig(min(max(length, 1.0), 1_000_000.0))}


def _lumpy(values: np.ndarray) -> bool:
    """Far from normal (skewed, heavy-tailed or one value for many rows): learned on normal
    scores and mapped back through the column's quantiles."""
    v = values[np.isfinite(values)]
    if len(v) < 20 or np.std(v) == 0:
        return False
    z = (v - v.mean()) / v.std()
    _, counts = np.unique(v, return_counts=True)
    return bool(abs((z**3).mean()) > 0.5 or (z**4).mean() - 3 > 1.0 or counts.max() / len(v) > 0.05)


def _normal_scores(values: np.ndarray, censor: dict[str, Any] | None = None) -> np.ndarray:
    """Normal scores of the present values; with ``censor`` the nulls rank as one tie at
    their end of the column (a latent value on every row: the AR sees the null runs)."""
    from scipy.special import ndtri

    out = np.full(len(values), np.nan)
    ok = np.isfinite(values)
    if censor is not None:
        ok = np.ones(len(values), dtype=bool)
        fill = -np.inf if censor["tail"] == "low" else np.inf
        values = np.where(np.isfinite(values), values, fill)
    u = pd.Series(values[ok]).rank(method="average").to_numpy() / (ok.sum() + 1)
    out[ok] = ndtri(u)
    return out


def _outliers(values: np.ndarray, ent: np.ndarray) -> tuple[dict[str, Any], np.ndarray] | None:
    """Isolated values far past the column's spread (more than 20 interquartile ranges out,
    a neighbour within it): the engine's ``outliers`` on single rows, a sentinel when they
    share one value; the signal and its quantiles learn the other rows."""
    v = values[np.isfinite(values)]
    if len(v) < 100:
        return None
    q25, med, q75 = np.quantile(v, [0.25, 0.5, 0.75])
    iqr = q75 - q25
    if iqr <= 0:
        return None
    with np.errstate(invalid="ignore"):
        far = np.isfinite(values) & ((values > q75 + 20 * iqr) | (values < q25 - 20 * iqr))
    if not far.any() or far.mean() > 0.01:
        return None
    before = np.r_[False, far[:-1] & (ent[1:] == ent[:-1])]
    after = np.r_[far[1:] & (ent[1:] == ent[:-1]), False]
    if (far & (before | after)).mean() > 0.5 * far.mean():
        return None  # runs of extreme values are a regime, not outliers
    rate = _round_sig(float(far.mean()))
    out = values[far]
    if np.all(out == out[0]):
        return {"rate": rate, "value": _round_sig(float(out[0]))}, far
    rest = np.abs(v[(v <= q75 + 20 * iqr) & (v >= q25 - 20 * iqr)] - med).mean()
    scale = float(np.median(np.abs(out - med)) / max(rest, 1e-12))
    return {"rate": rate, "scale": _round_sig(scale)}, far


def _censor(y: np.ndarray, ent: np.ndarray) -> dict[str, Any] | None:
    """Nulls that stand for one end of the column (recorded only past a threshold: a gust,
    a reading above detection): the present values next to a null lie at that end. Then
    the nulls are the signal's lowest (highest) share, not dropouts independent of it."""
    miss = ~np.isfinite(y)
    share = float(miss.mean())
    if share < 0.05 or share > 0.98 or miss.sum() < 20:
        return None
    z = _normal_scores(y)
    same = ent[1:] == ent[:-1]
    edge = np.zeros(len(y), dtype=bool)
    edge[1:] |= same & miss[:-1] & ~miss[1:]  # a value just after a null
    edge[:-1] |= same & miss[1:] & ~miss[:-1]  # a value just before one
    if edge.sum() < 10:
        return None
    side = float(np.mean(z[edge]))
    if abs(side) < 0.3:
        return None
    return {"share": round(share, 6), "tail": "low" if side < 0 else "high"}


def _quantiles(values: np.ndarray) -> dict[str, Any]:
    v = values[np.isfinite(values)]
    # denser in the tails: one outlier must not spread a whole 1% of the rows up to it
    probs = np.unique(np.r_[np.linspace(0, 1, _QUANTILE_POINTS), 0.001, 0.003, 0.997, 0.999])
    qs = np.maximum.accumulate(np.quantile(v, probs)) if len(v) else np.zeros(len(probs))
    return {
        "kind": "quantiles",
        "probs": [_round_sig(p) for p in probs],
        "values": [_round_sig(q) for q in qs],
    }


def _calendar_part(col: pd.Series, times: pd.Series | None) -> str | None:
    """The expression function whose value on the time column this column always equals."""
    if times is None or not pd.api.types.is_datetime64_any_dtype(times):
        return None
    values = pd.to_numeric(col, errors="coerce")
    for part in _PARTS:
        if values.notna().all() and (values == getattr(times.dt, part)).all():
            return part
    return None


def _label(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "True" if v else "False"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def learn_sequence_spec(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    table: str,
    key: str,
    index: str | None,
    learned: list[str],
    seed: int = 0,
    max_profiles: int = MAX_PROFILES,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Learn the two-table series spec of ``frame`` (see the module).

    Returns:
        The spec, and what the fitted model needs to sample and check it: the child table's
        name, its field -> column names, the static columns and the profile of each static
        value (for conditions), whether profiles are real entities.

    Raises:
        SequenceInputError: the table is no set of sequences (see :func:`sequence_issues`).
    """
    issues = sequence_issues(frame, key, index)
    if issues:
        raise SequenceInputError(issues[0])
    frame = frame.dropna(subset=[key] + ([index] if index else []))
    frame = frame.sort_values([key, index] if index else [key], kind="stable")
    frame = frame.reset_index(drop=True)
    columns = metadata["columns"]
    step, seconds = _step(frame, key, index)
    ent_codes, _ = pd.factorize(frame[key], sort=False)
    first = pd.Series(seconds).groupby(ent_codes).transform("min").to_numpy()
    others = [c for c in learned if c not in (key, index)]
    grouped = frame.groupby(key, sort=False)
    static = [c for c in others if (grouped[c].nunique(dropna=False) <= 1).all()]
    numeric = [c for c in others if c not in static and columns[c]["sdtype"] == "numerical"]
    profile_of, per_entity = _profiles(frame, key, numeric, max_profiles, seed)
    prof = frame[key].map(profile_of).to_numpy()
    labels = list(pd.Series(profile_of.to_numpy()).value_counts().index)
    weights = pd.Series(profile_of.to_numpy()).value_counts()
    taken: set[str] = set()
    parent_name = field_name(f"{table}_entities", set())
    child_name = field_name(table, {parent_name})
    names: dict[str, str] = {}  # child field -> column
    pfields: dict[str, Any] = {
        "entity_id": {"type": "id", "description": f"the synthetic entity ({key})"},
        "profile": {
            "type": "category",
            "values": {p: int(weights[p]) for p in labels},
            "description": (
                "the real entity whose parameters this one follows"
                if per_entity
                else "the cluster of real entities whose parameters this one follows"
            ),
        },
    }
    ptaken = set(pfields)
    lengths = grouped.size()
    len_by_prof = {p: lengths[profile_of.index[profile_of == p]].to_numpy() for p in labels}

    def per_profile(base: dict[str, Any], cases: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {**base, "conditional": {"on": "profile", "cases": cases}} if cases else base

    def lengths_dist(v: np.ndarray) -> dict[str, Any]:
        uniq, counts = np.unique(v, return_counts=True)
        return {
            "kind": "empirical",
            "values": [int(u) for u in uniq],
            "weights": [int(c) for c in counts],
        }

    pfields["n_steps"] = per_profile(
        {"type": "int", "hidden": True, "dist": lengths_dist(len_by_prof[labels[0]]), "min": 1},
        {p: {"dist": lengths_dist(len_by_prof[p])} for p in labels},
    )
    if index is not None and pd.api.types.is_datetime64_any_dtype(frame[index]):
        starts = grouped[index].min()
        start_field = _datetime_field(starts)
        start_field.pop("dist", None)  # per profile below
        start_field["hidden"] = True
        cases = {}
        for p in labels:
            s = starts[profile_of.index[profile_of == p]]
            f = _datetime_field(s, points=min(11, max(2, len(s))))
            cases[p] = {k: f[k] for k in ("start", "end", "dist")}
        pfields["start"] = per_profile(start_field, cases)
        series_start = "parent.start"
    else:
        series_start = "1970-01-01"
    static_values: dict[str, dict[str, list[str]]] = {}
    for c in static:
        fname = field_name(c, ptaken)
        names_static = frame.drop_duplicates(key).set_index(key)[c]
        by_prof = {}
        for p in labels:
            vals = names_static[profile_of.index[profile_of == p]]
            counts = vals.map(lambda v: None if pd.isna(v) else _label(v)).value_counts(
                dropna=False
            )
            by_prof[p] = {("" if k is None else str(k)): int(v) for k, v in counts.items()}
        all_vals: dict[str, int] = {}
        for d in by_prof.values():
            for k, v in d.items():
                all_vals[k] = all_vals.get(k, 0) + v
        pfields[fname] = per_profile(
            {"type": "category", "values": all_vals, "description": f"static column {c}"},
            {p: {"values": by_prof[p]} for p in labels},
        )
        static_values[c] = {v: [p for p in labels if v in by_prof[p]] for v in all_vals}
        names[f"parent.{fname}"] = c  # replaced by the child's lookup field below
    # --- the child table -------------------------------------------------------------
    time_name = field_name(index, taken) if index else field_name("_t", taken).lstrip("_")
    key_name = field_name(key, taken)
    fields: dict[str, Any] = {}
    names[key_name] = key
    static_field = {c: f for f, c in names.items() if f.startswith("parent.")}
    times = frame[index] if index else None
    candidates = [p for p in _PERIODS.values() if step <= p / 4]
    span = float((seconds - first).max()) if len(seconds) else 0.0
    candidates = [p for p in candidates if span >= 0.9 * p]
    period_names = {v: k for k, v in _PERIODS.items()}
    innovations: dict[str, np.ndarray] = {}
    latents: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # (standardised, residuals)
    for c in [c for c in columns if c == key or c in learned]:  # the table's column order
        if c == key:
            fields[key_name] = {"type": "foreign_key", "table": parent_name}
            continue
        if c in static:
            fname = field_name(c, taken)
            fields[fname] = {"type": "lookup", "key": key_name, "field": static_field[c][7:]}
            names[fname] = c
            continue
        if c == index:
            fields[time_name] = (
                {"type": "datetime"}
                if times is not None and pd.api.types.is_datetime64_any_dtype(times)
                else {"type": "datetime", "hidden": True}
            )
            names[time_name] = c
            continue
        entry = columns[c]
        fname = field_name(c, taken)
        names[fname] = c
        col = frame[c]
        part = _calendar_part(col, times) if entry["sdtype"] == "numerical" else None
        if part is not None:
            fields[fname] = {"type": "int", "expr": f"{_PARTS[part]}({time_name})"}
            continue
        if entry["sdtype"] == "numerical":
            fields[fname], innovations[fname], latents[fname] = _numeric_series(
                col, entry, seconds, first, ent_codes, prof, labels, candidates, period_names
            )
        elif entry["sdtype"] == "datetime":
            f = _datetime_field(col)
            nulls = float(col.isna().mean())
            if nulls:
                f["nulls"] = round(nulls, 6)
            fields[fname] = f
        else:
            fields[fname] = _category_series(col, ent_codes, prof, labels)
    if index is None:
        fields[time_name] = {"type": "datetime", "hidden": True}
    names = {f: c for f, c in names.items() if not f.startswith("parent.")}
    child: dict[str, Any] = {
        "parent": parent_name,
        "series": {
            "length": {
                "expr": "parent.n_steps",
                "min": 1,
                "max": int(min(lengths.max(), 1_000_000)),
            },
            "start": series_start,
            "every": _duration(step),
            "time_field": time_name,
        },
        "fields": fields,
    }
    learn_leads(fields, innovations, latents, ent_codes, prof, labels)
    corr = _innovation_correlations(innovations)
    if corr is not None:
        child["correlations"] = [corr]
        child["repair_correlations"] = True
    spec = {
        "description": (
            f"Learned from the real sequences of {table!r} (entity {key!r}"
            + (f", order {index!r}" if index else "")
            + ") by Syn-Data's spec synthesizer: edit the profiles' signals and generate again."
        ),
        "tables": {parent_name: {"rows": int(len(lengths)), "fields": pfields}, child_name: child},
    }
    info = {
        "parent": parent_name,
        "child": child_name,
        "names": names,
        "time_field": time_name,
        "index_numeric": bool(
            index is not None
            and times is not None
            and not pd.api.types.is_datetime64_any_dtype(times)
        ),
        "static": static_values,
        "profiles": labels,
        "per_entity": per_entity,
        "step_s": step,
        "periods": [period_names[p] for p in candidates],
    }
    return spec, info


def _numeric_series(
    col: pd.Series,
    entry: dict[str, Any],
    seconds: np.ndarray,
    first: np.ndarray,
    ent: np.ndarray,
    prof: np.ndarray,
    labels: list[str],
    candidates: list[float],
    period_names: dict[float, str],
) -> tuple[dict[str, Any], np.ndarray, tuple[np.ndarray, np.ndarray]]:
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    present = values[np.isfinite(values)]
    integer = entry.get("representation") == "int"
    field: dict[str, Any] = {"type": "int" if integer else "float"}
    if len(present):
        field["min"], field["max"] = (
            _round_sig(float(present.min())),
            _round_sig(float(present.max())),
        )
        if field["min"] == field["max"]:
            field.pop("max")
        if not integer:
            field["precision"] = _decimals(present[:5000])
    outliers = _outliers(values, ent)
    if outliers is not None:
        field["outliers"], far = outliers
        values = np.where(far, np.nan, values)  # the signal learns the rest; not nulls
        nulls = ~np.isfinite(pd.to_numeric(col, errors="coerce").to_numpy(dtype=float))
    else:
        nulls = ~np.isfinite(values)
    censors = {p: _censor(values[prof == p], ent[prof == p]) for p in labels}
    lumpy = _lumpy(values) or any(c is not None for c in censors.values())
    innov_all = np.full(len(values), np.nan)
    latent = np.full(len(values), np.nan)  # the standardised signal (what a lead reads)
    resid_all = np.full(len(values), np.nan)
    cases: dict[str, dict[str, Any]] = {}
    for p in labels:
        rows = prof == p
        y = values[rows]
        if not np.isfinite(y).any():
            cases[p] = {"signal": {"dropouts": {"rate": 1.0, "length": 1_000_000.0}}}
            continue
        censor = censors[p]
        target = _normal_scores(y, censor) if lumpy else y
        sig, innov, resid = _fit_signal(
            target,
            seconds[rows],
            ent[rows],
            first[rows],
            candidates,
            period_names,
            max_p=1 if lumpy else _MAX_AR,  # calibrated columns keep an AR(1)
        )
        drops = None if censor is not None else _null_runs(nulls[rows], ent[rows])
        if drops is not None:
            sig["dropouts"] = drops
        if censor is not None:
            sig["censor"] = censor
        case: dict[str, Any] = {"signal": sig}
        if lumpy:
            case["dist"] = _quantiles(y)
            _calibrate_phi(sig, case["dist"], y, seconds[rows], ent[rows], first[rows])
        cases[p] = case
        # innovations on one scale: divided by their sd, so profiles pool
        sd = np.nanstd(innov)
        innov_all[rows] = innov / sd if sd > 0 else innov
        spread = np.nanstd(target)
        latent[rows] = (target - np.nanmean(target)) / spread if spread > 0 else 0.0
        resid_all[rows] = resid
    field.update(cases[labels[0]])
    if len(labels) > 1:
        field["conditional"] = {"on": "parent.profile", "cases": cases}
    return field, innov_all, (latent, resid_all)


def _category_series(
    col: pd.Series, ent: np.ndarray, prof: np.ndarray, labels: list[str]
) -> dict[str, Any]:
    text = col.map(lambda v: None if pd.isna(v) else _label(v))
    counts = text.value_counts()
    values = {str(k): int(v) for k, v in counts.items()}
    if not values:
        return {"type": "category", "values": {"": 1}, "nulls": 1.0}
    field: dict[str, Any] = {"type": "category", "values": values}
    nulls = float(text.isna().mean())
    if nulls:
        field["nulls"] = round(nulls, 6)
    if len(values) > _MAX_STATES or len(values) < 2:
        return field
    arr = text.to_numpy(dtype=object)
    cases = {}
    for p in labels:
        rows = np.flatnonzero(prof == p)
        s = arr[rows]
        nxt = np.r_[s[1:], None]
        same = np.r_[ent[rows][1:] == ent[rows][:-1], False]
        pairs = pd.DataFrame({"a": s, "b": nxt})[same & pd.notna(s) & pd.notna(nxt)]
        trans: dict[str, dict[str, float]] = {}
        for (a, b), n in pairs.value_counts().items():
            trans.setdefault(str(a), {})[str(b)] = int(n)
        pv = pd.Series(s).value_counts()
        case: dict[str, Any] = {"values": {k: int(pv.get(k, 0)) for k in values}}
        if sum(case["values"].values()) == 0:
            case["values"] = values
        if trans:
            case["markov"] = {"transitions": trans}
        cases[p] = case
    field.update(cases[labels[0]])
    if len(labels) > 1:
        field["conditional"] = {"on": "parent.profile", "cases": cases}
    return field


def _innovation_correlations(innovations: dict[str, np.ndarray]) -> dict[str, Any] | None:
    """The lag-0 correlation of the numeric columns' AR innovations (the engine correlates
    the innovations of signal fields in ``correlations``)."""
    names = [n for n, v in innovations.items() if np.isfinite(v).sum() > 10 and np.nanstd(v) > 0]
    if len(names) < 2:
        return None
    frame = pd.DataFrame({n: innovations[n] for n in names})
    rho = frame.corr(min_periods=10).fillna(0.0).to_numpy()
    rho = np.clip(rho, -0.999, 0.999)
    np.fill_diagonal(rho, 1.0)
    return {"fields": names, "matrix": [[round(float(v), 4) for v in row] for row in rho]}


def lag1(values: np.ndarray, ent: np.ndarray) -> float | None:
    """Pooled lag-1 autocorrelation within entities: pairs of consecutive present rows, both
    sides centred on the column's mean and scaled by its variance (as the temporal metric
    measures it: where nulls stand for one end of the column, the pairs lie at the other)."""
    present = values[np.isfinite(values)]
    if len(present) < 10 or np.std(present) == 0:
        return None
    x = values - present.mean()
    a, b = x[1:], x[:-1]
    ok = (ent[1:] == ent[:-1]) & np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 10:
        return None
    return float((a[ok] * b[ok]).mean() / np.mean((present - present.mean()) ** 2))


def _calibrate_phi(
    sig: dict[str, Any],
    dist: dict[str, Any],
    y: np.ndarray,
    t: np.ndarray,
    ent: np.ndarray,
    t0: np.ndarray,
) -> None:
    """A column learned on normal scores comes back through its quantiles, which changes its
    autocorrelation (ties, skew): the AR coefficient is set, in place and keeping the AR
    variance, so that the simulated column's lag-1 autocorrelation is the real one's."""
    from scipy.signal import lfilter
    from scipy.special import ndtr

    target = lag1(y, ent)
    censor = sig.get("censor")
    if target is None or sig["ar"]["sd"] <= 0:
        return
    phi0, sd0 = sig["ar"]["phi"], sig["ar"]["sd"]
    var = sd0**2 / (1 - phi0**2)
    det = np.zeros(len(t))
    for s in sig.get("seasonality", []):
        period = _PERIODS[s["period"]]
        det += s["amplitude"] * np.cos(2 * np.pi * (t / period - s["peak"]))
    since = (t - t0) / _DAY  # the engine centres a dist-mapped signal's trend per entity
    det += sig.get("trend", 0.0) * (since - pd.Series(since).groupby(ent).transform("mean"))
    # replicas of the real rows (as more entities): the simulated lag-1 steady to ~0.01
    reps = max(1, math.ceil(_CALIBRATION_ROWS / max(len(t), 1)))
    det = np.tile(det, reps)
    ent = np.tile(ent, reps) + np.repeat(np.arange(reps), len(ent)) * (int(ent.max()) + 1)
    noise = np.random.default_rng(0).standard_normal(len(det))
    probs, qs = np.asarray(dist["probs"]), np.asarray(dist["values"])
    scale = math.sqrt(sum(s["amplitude"] ** 2 / 2 for s in sig.get("seasonality", [])) + var)

    def simulated(phi: float) -> float:
        e = noise * math.sqrt(var * (1 - phi * phi))
        starts = np.r_[True, ent[1:] != ent[:-1]]
        e[starts] /= math.sqrt(1 - phi * phi)
        x = np.empty(len(e))
        bounds = np.r_[np.flatnonzero(starts), len(e)]
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
            x[lo:hi] = lfilter([1.0], [1.0, -phi], e[lo:hi])
        u = ndtr((det + x) / scale)
        cut = None
        if censor is not None:
            share = censor["share"]
            low = censor["tail"] == "low"
            cut = u < share if low else u > 1 - share
            u = (u - share) / (1 - share) if low else u / (1 - share)
        v = np.interp(u, probs, qs)
        if cut is not None:
            v[cut] = np.nan
        return lag1(v, ent) or 0.0

    lo, hi = -0.99, 0.99
    for _ in range(14):  # the lag-1 of the output rises with phi
        mid = (lo + hi) / 2
        if simulated(mid) < target:
            lo = mid
        else:
            hi = mid
    phi = round((lo + hi) / 2, 4)
    sig["ar"] = {"phi": phi, "sd": _round_sig(math.sqrt(var * (1 - phi * phi)))}
