"""Differentially private ``spec`` fits: the statistics a spec holds, released with noise.

Neighbouring tables differ by one row replaced (bounded DP: the row count is public, and it is
the spec's ``rows``), so a histogram moves by at most sqrt(2) in L2 (one count down, one up)
and Kendall's tau-a of ``m`` rows by at most 4/m. Every release is a Gaussian mechanism; the
budget is a zCDP rho (they add up), from the asked (epsilon, delta) by
``epsilon = rho + 2 sqrt(rho ln(1/delta'))`` (delta' is half of delta when category
thresholds take the other half). Each release is listed with its rho and its share of
epsilon:

- the columns share 70% of rho, a number or date column twice a category's share:
- number and date columns: the range, from a histogram over fixed bins (powers of two for
  numbers, years 1800-2200 for dates: data-independent) whose bins pass a threshold, 30% of
  the column's share; then a histogram in up to three levels, each over bins fixed by what
  the levels before released (post-processing): 8 equal bins refined at powers of two and a
  point at 0, then each bin with enough noisy rows split in 4 (an integer bin of at most 4
  integers: a point per integer); a bin under a floor (about 3 empty bins of a column pass it)
  is taken as noise. Integer columns of a span up to 256 have a point per integer. The last
  level's counts give the spec's quantiles (values outside the range are clipped into it);
- category columns: the category set is data-dependent, so categories are released by a
  thresholded Gaussian histogram (a value is kept when its noisy count passes
  ``1 + sigma z(delta_c / 2)``: Gaussian partition selection), nulls as one more bin;
  booleans: a Gaussian histogram of False / True / null;
- correlations (two or more varying columns): the vector of all pairs' Kendall tau-a on a
  seeded sample of at most 20,000 rows with Gaussian noise (30% of rho), each noisy tau
  shrunk towards 0 by tau^2 / (tau^2 + sigma^2) (post-processing); tau becomes the spec's
  rank correlation through the Gaussian copula, and the engine repairs the matrix to a valid
  one (post-processing, free).

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

_BINS = 8
_CORR_ROWS = 20_000
_CORR_SHARE = 0.3
_RANGE_SHARE = 0.3
_MAX_CORR_COLUMNS = 50
_QUANTILES = 201
#: A noisy histogram bin under a floor is taken as noise (post-processing): the floor that
#: this many empty bins pass, in expectation, over all the bins of a column.
_FALSE_BINS = 3.0
#: Integer columns of at most this span get a histogram point per integer.
_POINT_SPAN = 256
#: The histogram of a number column in up to ``_LEVELS`` levels: the coarser levels' share
#: of its budget, and the parts each bin that kept a count is split into for the next.
_COARSE_SHARE = 0.5
_LEVELS = 3
_NUMBER_WEIGHT = 2.0
#: A bin is split when its noisy count is at least this many noise deviations per part.
_SPLIT_SIGMAS = 2.0
_SPLIT = 4
#: The coarse level's cuts at signed powers of two, this many per doubling.
_LOG_STEPS = 1


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


def _gauss(rng: np.random.Generator, counts: np.ndarray, sigma: float) -> np.ndarray:
    return counts + rng.normal(0.0, sigma, size=counts.shape)


def zcdp_rho(epsilon: float, delta: float) -> float:
    """The zCDP budget rho whose (epsilon, delta) conversion is the asked one:
    ``epsilon = rho + 2 sqrt(rho ln(1/delta))`` (Bun and Steinke 2016, Prop. 1.3)."""
    root = math.sqrt(math.log(1.0 / delta))
    return (math.sqrt(root * root + epsilon) - root) ** 2


def zcdp_epsilon(rho: float, delta: float) -> float:
    return rho + 2.0 * math.sqrt(rho * math.log(1.0 / delta))


def _sigma(rho: float, l2: float = math.sqrt(2.0)) -> float:
    """The Gaussian mechanism's deviation for rho-zCDP at L2 sensitivity ``l2`` (a
    histogram under one row replaced: one count down, one up)."""
    return l2 / math.sqrt(2.0 * rho)


def _z(tail: float) -> float:
    from scipy.stats import norm

    return float(norm.isf(tail))


def _number_edges() -> np.ndarray:
    powers = 2.0 ** np.arange(-20, 65)
    return np.concatenate([-powers[::-1], [0.0], powers])


def _date_edges() -> np.ndarray:
    years = pd.date_range("1800-01-01", "2200-01-01", freq="YS")
    return years.as_unit("ns").asi8.astype(float)


def _noisy_range(
    values: np.ndarray, edges: np.ndarray, rho: float, rng: np.random.Generator
) -> tuple[float, float]:
    """The span of the bins (fixed ``edges``) whose noisy count passes a threshold."""
    idx = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    counts = np.bincount(idx, minlength=len(edges) - 1).astype(float)
    sigma = _sigma(rho)
    noisy = _gauss(rng, counts, sigma)
    # a threshold that an empty bin's noise passes with probability about 1e-3 over all bins
    above = np.flatnonzero(noisy > sigma * _z(1e-3 / len(counts)))
    if not len(above):
        above = np.array([int(np.argmax(noisy))])
    return float(edges[above[0]]), float(edges[above[-1] + 1])


def _segments(lo: float, hi: float, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    """The histogram's bins over [lo, hi], data-independent given the released range: each
    integer as a point of its own for integer columns of a span up to ``_POINT_SPAN``; else
    ``_BINS`` equal bins refined at signed powers of two (log resolution near zero, for
    skewed columns) and a point at 0 (zero-inflated ones). ``(lefts, rights)``, sorted; a
    point has left == right."""
    if integer and hi - lo <= _POINT_SPAN:
        points = np.arange(math.ceil(lo), math.floor(hi) + 1, dtype=float)
        if len(points):
            return points, points
    logs = 2.0 ** (np.arange(-40 * _LOG_STEPS, 65 * _LOG_STEPS) / _LOG_STEPS)
    cuts = np.unique(
        np.concatenate(
            [np.linspace(lo, hi, _BINS + 1), [v for v in np.r_[logs, -logs] if lo < v < hi]]
        )
    )
    if len(cuts) < 2:
        cuts = np.array([lo, lo + 1.0])
    lefts, rights = cuts[:-1], cuts[1:]
    atoms = [0.0] if lo <= 0 <= hi else []
    for atom in atoms:  # a point of its own, before the bin that starts there
        at = int(np.searchsorted(lefts, atom, side="left"))
        lefts, rights = np.insert(lefts, at, atom), np.insert(rights, at, atom)
    return lefts, rights


def _bin_of(values: np.ndarray, lefts: np.ndarray, rights: np.ndarray) -> np.ndarray:
    """Each value's segment: its point when there is one, else the bin holding it."""
    points = lefts == rights
    intervals = np.flatnonzero(~points)
    out = np.empty(len(values), dtype=int)
    placed = np.zeros(len(values), dtype=bool)
    if points.any():
        at = np.flatnonzero(points)
        pos = np.clip(np.searchsorted(lefts[at], values), 0, len(at) - 1)
        hit = lefts[at][pos] == values
        out[hit], placed = at[pos[hit]], hit
    if len(intervals):
        edges = lefts[intervals]
        pos = np.clip(np.searchsorted(edges, values[~placed], side="right") - 1, 0, len(edges) - 1)
        out[~placed] = intervals[pos]
    elif (~placed).any():  # points only: a value between them goes to the nearest below
        pos = np.clip(np.searchsorted(lefts, values[~placed], side="right") - 1, 0, len(lefts) - 1)
        out[~placed] = pos
    return out


def _noisy_histogram(
    values: np.ndarray,
    nulls: int,
    segments: tuple[np.ndarray, np.ndarray],
    rho: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """Noisy counts of the ``segments`` (values clipped into them) and of the nulls; small
    counts (under the floor of ``_FALSE_BINS``) are taken as noise and zeroed."""
    lefts, rights = segments
    clipped = np.clip(values, lefts[0], rights[-1])
    idx = _bin_of(clipped, lefts, rights)
    counts = np.append(np.bincount(idx, minlength=len(lefts)), nulls).astype(float)
    sigma = _sigma(rho)
    noisy = _gauss(rng, counts, sigma)
    # an empty bin's noise passes the floor about _FALSE_BINS times over all bins
    noisy[noisy < sigma * _z(min(0.5, _FALSE_BINS / len(counts)))] = 0.0
    bins, null = noisy[:-1], noisy[-1]
    total = bins.sum() + null
    if bins.sum() <= 0:
        bins = np.ones(len(lefts))
    return bins, (float(null / total) if total > 0 else 0.0)


def _refined(
    segments: tuple[np.ndarray, np.ndarray], bins: np.ndarray, integer: bool, least: float
) -> tuple[np.ndarray, np.ndarray]:
    """The next level of the histogram (post-processing of this level's noisy counts): each
    bin with a noisy count of at least ``least`` split in ``_SPLIT`` equal parts (an integer
    column's bin of at most ``_SPLIT`` integers: a point per integer); the others, and
    points, as they are."""
    lefts, rights = segments
    out_l: list[float] = []
    out_r: list[float] = []
    for left, right, count in zip(lefts, rights, bins, strict=True):
        if left == right or count < least:  # a point, or too few rows to split
            out_l.append(left)
            out_r.append(right)
        elif integer and right - left <= _SPLIT:
            ints = np.arange(math.ceil(left), math.ceil(right), dtype=float)
            ints = ints[(ints > left) | ~np.isin(ints, lefts[lefts == rights])]
            if not len(ints):
                out_l.append(left)
                out_r.append(right)
            out_l.extend(ints)
            out_r.extend(ints)
        else:
            cuts = np.linspace(left, right, _SPLIT + 1)
            out_l.extend(cuts[:-1])
            out_r.extend(cuts[1:])
    if not out_l:
        return segments
    order = np.lexsort((np.array(out_r), np.array(out_l)))
    return np.array(out_l)[order], np.array(out_r)[order]


def _weight(sdtype: str) -> float:
    """A column's share of the columns' budget, relative: numbers and dates release a range
    and a histogram of several levels, categories one histogram."""
    return _NUMBER_WEIGHT if sdtype in ("numerical", "datetime") else 1.0


def _refinable(segments: tuple[np.ndarray, np.ndarray], integer: bool) -> bool:
    """Whether splitting would add detail: a bin wider than an integer (integer columns),
    or than 1/1024 of the whole span."""
    lefts, rights = segments
    widths = rights - lefts
    if not len(widths) or widths.max() <= 0:
        return False
    return bool(widths.max() > (1.0 if integer else (rights[-1] - lefts[0]) / 1024))


def _quantiles(
    bins: np.ndarray, segments: tuple[np.ndarray, np.ndarray]
) -> tuple[list[float], list[float]]:
    """The spec's quantile points of a histogram (uniform within each bin, a point's mass on
    its value)."""
    lefts, rights = segments
    cum = np.cumsum(bins) / bins.sum()
    probs = np.linspace(0, 1, _QUANTILES)
    values = []
    for p in probs:
        i = int(np.argmax(bins > 0)) if p == 0 else int(np.searchsorted(cum, p - 1e-12))
        i = min(i, len(bins) - 1)
        before = cum[i - 1] if i else 0.0
        share = (p - before) / (cum[i] - before) if cum[i] > before else 0.0
        values.append(lefts[i] + min(1.0, max(0.0, share)) * (rights[i] - lefts[i]))
    values = np.maximum.accumulate(np.array(values))
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
    categorical = [c for c in learned if metadata["columns"][c]["sdtype"] == "categorical"]
    # half of delta for the zCDP conversion, half for the category thresholds (if any)
    delta_conv = delta / 2 if categorical else delta
    delta_col = (delta - delta_conv) / max(1, len(categorical))
    rho = zcdp_rho(epsilon, delta_conv)
    rho_corr = rho * _CORR_SHARE if varying else 0.0
    weights = {c: _weight(metadata["columns"][c]["sdtype"]) for c in learned}
    rho_unit = (rho - rho_corr) / max(1e-12, sum(weights.values()))
    releases: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    names: dict[str, str] = {}
    taken: set[str] = set()
    orders: dict[str, list[str]] = {}
    for column in learned:
        entry = metadata["columns"][column]
        sdtype = entry["sdtype"]
        rho_col = rho_unit * weights[column]
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
            rho_range = rho_col * _RANGE_SHARE
            lo, hi = _noisy_range(values, edges, rho_range, rng)
            integer = sdtype == "numerical" and entry.get("representation") == "int"
            segments = _segments(lo, hi, integer)
            rho_hist = rho_col - rho_range
            levels = 0
            while levels < _LEVELS - 1 and _refinable(segments, integer):
                # a coarser level; the bins that kept a count are split finer for the next
                share = rho_hist * _COARSE_SHARE / (_LEVELS - 1)
                coarse, _ = _noisy_histogram(values, n - len(values), segments, share, rng)
                releases.append(
                    {"what": f"{column}: histogram of {len(coarse)} bins", "rho": share}
                )
                least = _SPLIT_SIGMAS * _SPLIT * _sigma(share)
                segments = _refined(segments, coarse, integer, least)
                rho_hist -= share
                levels += 1
            bins, null = _noisy_histogram(values, n - len(values), segments, rho_hist, rng)
            probs, points = _quantiles(bins, segments)
            releases.append({"what": f"{column}: range (fixed bins)", "rho": rho_range})
            releases.append(
                {
                    "what": f"{column}: histogram of {len(segments[0])} bins and nulls",
                    "rho": rho_hist,
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
            noisy = np.maximum(_gauss(rng, counts, _sigma(rho_col)), 0.0)
            total = noisy.sum() or 1.0
            p = float(noisy[1] / (noisy[0] + noisy[1])) if noisy[0] + noisy[1] > 0 else 0.5
            field = {"type": "bool", "p": round(p, 6)}
            null = float(noisy[2] / total)
            releases.append({"what": f"{column}: False / True / null counts", "rho": rho_col})
            orders[name] = ["False", "True"]
        else:
            labels = _text(col)
            counts = labels.value_counts()
            sigma = _sigma(rho_col)
            # the counts and the nulls as one histogram; a value of one row in a neighbour
            # passes the threshold with probability delta_col (Gaussian partition selection)
            noisy = _gauss(rng, np.append(counts.to_numpy(dtype=float), n - len(labels)), sigma)
            threshold = 1.0 + sigma * _z(delta_col / 2)
            kept = {
                str(k): float(v)
                for k, v in zip(counts.index, noisy[:-1], strict=True)
                if v > threshold
            }
            null = float(max(0.0, noisy[-1]))
            if not kept:  # every value rarer than the threshold: nothing of them is released
                kept = {"(suppressed)": 1.0}
            ordered = sorted(kept.items(), key=lambda kv: -kv[1])
            total = sum(kept.values()) + null
            field = {"type": "category", "values": {k: round(v, 3) for k, v in ordered}}
            null = null / total if total > 0 else 0.0
            releases.append(
                {
                    "what": f"{column}: categories over a threshold of {threshold:.1f} and nulls",
                    "rho": rho_col,
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
    if rho_corr and len(candidates) >= 2:
        sample = frame.sample(min(n, _CORR_ROWS), random_state=seed % 2**32) if n else frame
        codes = {
            f: _code(sample[names[f]], metadata["columns"][names[f]]["sdtype"], orders[f])
            for f in candidates
        }
        pairs = len(candidates) * (len(candidates) - 1) // 2
        # the vector of all pairs' tau-a: each moves by at most 4/m when a row is replaced
        sigma = _sigma(rho_corr, l2=4.0 / max(1, len(sample)) * math.sqrt(pairs))
        k = len(candidates)
        matrix = np.eye(k)
        for i in range(k):
            for j in range(i + 1, k):
                tau = _tau_a(codes[candidates[i]], codes[candidates[j]])
                noisy = float(np.clip(tau + rng.normal(0.0, sigma), -1.0, 1.0))
                noisy *= noisy * noisy / (noisy * noisy + sigma * sigma)  # shrink the noise
                gauss = math.sin(math.pi * noisy / 2)  # Kendall -> Gaussian copula -> Spearman
                matrix[i, j] = matrix[j, i] = 6 / math.pi * math.asin(gauss / 2)
        matrix = np.clip(matrix, -0.999, 0.999)
        np.fill_diagonal(matrix, 1.0)
        spec_table["correlations"] = [
            {"fields": candidates, "matrix": [[round(float(v), 4) for v in row] for row in matrix]}
        ]
        spec_table["repair_correlations"] = True
        releases.append(
            {"what": f"Kendall tau of {pairs} column pairs ({len(sample)} rows)", "rho": rho_corr}
        )
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
    rho_spent = sum(r["rho"] for r in releases)  # less than rho when nothing was correlated
    spent = zcdp_epsilon(rho_spent, delta_conv) if rho_spent > 0 else 0.0
    for release in releases:  # each release's share of the epsilon spent
        release["epsilon"] = round(spent * release["rho"] / rho_spent, 9) if rho_spent else 0.0
    accounting = {
        "epsilon": epsilon,
        "delta": delta,
        "epsilon_spent": round(spent, 9),
        "delta_spent": delta_conv + sum(r.get("delta", 0.0) for r in releases),
        "rho_spent": round(rho_spent, 9),
        "composition": (
            "zCDP over Gaussian mechanisms (rho adds up), converted to (epsilon, delta) by "
            "epsilon = rho + 2 sqrt(rho ln(1/delta')), with delta' half of delta when category "
            "thresholds take the other half; each release's epsilon is its share of rho"
        ),
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
