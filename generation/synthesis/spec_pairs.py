"""Pair dependence the copula misses, learned by the ``spec`` synthesizer as conditional fields.

One rank-correlation matrix ties a category to a number only through the category's position
in its declared order, and no copula ties a null in one column to the value of another. For
the pairs where that loses the most (the mutual information of the pair, binned as sdmetrics
bins it, nulls as a level of their own, beyond what a Gaussian copula of the pair's rank
correlation carries), a column gets a ``conditional`` on its strongest driver: per driver value
its own marginal (quantiles / values / p) and its own null rate. A numeric driver is binned by
a hidden helper category (``where(isnull(x), 'n', where(x < e1, 'b0', ...))``). Each column
has one driver at most and the drivers form no cycle; the copula then learns the column's rank
*within its case*, so the rank dependence on the other columns holds across cases.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["learn_conditionals"]

MAX_CONDITIONAL = 24  # columns that get a driver
MAX_CASES = 60  # driver values with a case of their own (the rest use the field's own keys)
MIN_CASE_ROWS = 30  # rows a driver value needs for a case
DRIVER_BINS = 8  # quantile bins of a numeric driver
TARGET_BINS = 10  # equal-width bins of a numeric column when scoring (as sdmetrics bins it)
MAX_TARGET_LABELS = 100  # categories with more labels keep their one marginal
MIN_GAIN = 0.02  # nats of dependence beyond the copula's before a column gets a driver
CASE_POINTS = 41  # quantile points of a case's marginal
EXACT_VALUES = 40  # a case with at most this many distinct numbers keeps them exactly
SCORE_ROWS = 20_000  # rows the pair scores are computed on (a seeded subset past that)
MIN_SCORE_ROWS = 2_000  # ... however wide the table


def _sig(x: float) -> float:
    return float(f"{x:.10g}")


def _label(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


class _Column:
    """One learned column as the pair scoring sees it."""

    def __init__(self, name: str, field: dict[str, Any], col: pd.Series) -> None:
        self.name = name
        self.field = field
        self.kind = {"int": "num", "float": "num", "category": "cat", "bool": "bool"}[field["type"]]
        self.null = col.isna().to_numpy()
        self.edges: list[float] = []
        if self.kind == "num":
            self.values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            present = self.values[~self.null]
            edges = np.histogram_bin_edges(present, bins=TARGET_BINS)
            self.target = np.where(self.null, TARGET_BINS + 1, np.digitize(self.values, edges))
            inner = np.quantile(present, np.linspace(0, 1, DRIVER_BINS + 1)[1:-1])
            self.edges = sorted({_sig(e) for e in inner if present.min() < e <= present.max()})
            bins = np.searchsorted(np.array(self.edges), self.values, side="right")
            self.keys = np.where(self.null, "n", np.char.add("b", bins.astype(str)))
            self.ordinal = self.values
        else:
            if self.kind == "bool":
                labels = col.map(lambda v: None if pd.isna(v) else ("true" if v else "false"))
                order = ["false", "true"]
            else:
                labels = col.map(_label)
                order = list(field["values"])
            index = {label: i for i, label in enumerate(order)}
            codes = labels.map(index).to_numpy(dtype=float)  # NaN: null or not declared
            self.ordinal = codes
            self.order = order
            top = set(order[:MAX_CASES])
            self.keys = np.array(
                [lab if lab in top else None for lab in labels.to_numpy()], dtype=object
            )
            capped = np.where(np.isnan(codes), len(order), np.minimum(codes, MAX_TARGET_LABELS))
            self.target = capped.astype(np.int64)
        self.driver = pd.factorize(pd.Series(self.keys, dtype=object), use_na_sentinel=False)[0]
        self.target = np.unique(self.target, return_inverse=True)[1].reshape(-1)
        self.null_codes = self.null.astype(np.int64)
        self.ranks = pd.Series(self.ordinal).rank().to_numpy()  # NaN where null

    @property
    def can_drive(self) -> bool:
        return self.kind != "num" or len(self.edges) >= 1

    @property
    def can_follow(self) -> bool:
        if self.kind == "cat":
            return 2 <= len(self.order) <= MAX_TARGET_LABELS
        return True


def _mutual_information(a: np.ndarray, b: np.ndarray) -> float:
    """Mutual information (nats) of two code arrays (codes 0..k-1, each code present: the
    columns' target and driver codes are compact), less its small-sample bias."""
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    joint = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb) / len(a)
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    nz = joint > 0
    mi = float((joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz])).sum())
    return mi - (ka - 1) * (kb - 1) / (2 * len(a))


def _copula_information(x: np.ndarray, y: np.ndarray) -> float:
    """What a Gaussian copula of the pair's rank correlation carries (nats); ``x`` and ``y``
    are the columns' ranks (NaN where null), correlated over the rows where both are present."""
    both = ~np.isnan(x) & ~np.isnan(y)
    if both.sum() < 10:
        return 0.0
    a, b = x[both] - x[both].mean(), y[both] - y[both].mean()
    scale = math.sqrt(float(a @ a) * float(b @ b))
    if scale <= 0:
        return 0.0
    rho = float(a @ b) / scale
    return -0.5 * math.log(1 - min(rho * rho, 0.999))


def _numeric_case(values: np.ndarray, integer: bool) -> dict[str, Any]:
    uniq, counts = np.unique(values, return_counts=True)
    if len(uniq) == 1:
        return {"kind": "constant", "value": _sig(uniq[0])}
    if len(uniq) <= EXACT_VALUES:
        return {
            "kind": "empirical",
            "values": [_sig(v) for v in uniq],
            "weights": [int(c) for c in counts],
        }
    probs = np.linspace(0, 1, CASE_POINTS)
    qs = np.maximum.accumulate(np.quantile(values, probs))
    return {
        "kind": "quantiles",
        "probs": [_sig(p) for p in probs],
        "values": [_sig(v) for v in qs],
    }


def _case(
    target: _Column, rows: np.ndarray, base_nulls: float, *, nulls_only: bool
) -> dict[str, Any]:
    """The sampling keys of ``target`` on ``rows`` (its marginal there, its null rate there;
    the null rate alone for a number on a number, whose trend the copula keeps)."""
    null = target.null[rows]
    case: dict[str, Any] = {}
    nulls = float(null.mean())
    if not null.all() and not nulls_only:
        present = rows[~null]
        if target.kind == "num":
            case["dist"] = _numeric_case(target.values[present], target.field["type"] == "int")
        elif target.kind == "bool":
            case["p"] = round(float(target.ordinal[present].mean()), 6)
        else:
            codes = target.ordinal[present]
            counts = np.bincount(codes[~np.isnan(codes)].astype(int), minlength=len(target.order))
            case["values"] = {
                lab: int(c) for lab, c in zip(target.order, counts, strict=True) if c > 0
            }
            if not case["values"]:
                case.pop("values")
    if abs(nulls - base_nulls) > 1e-3 or (nulls == 1.0 and not case):
        case["nulls"] = round(nulls, 6)
    return case


def _creates_cycle(parents: dict[str, str], target: str, driver: str) -> bool:
    node: str | None = driver
    while node is not None:
        if node == target:
            return True
        node = parents.get(node)
    return False


def _bin_expr(name: str, edges: list[float]) -> str:
    expr = f"'b{len(edges)}'"
    for i in range(len(edges) - 1, -1, -1):
        expr = f"where({name} < {edges[i]!r}, 'b{i}', {expr})"
    return f"where(isnull({name}), 'n', {expr})"


def learn_conditionals(
    frame: pd.DataFrame,
    fields: dict[str, Any],
    names: dict[str, str],
    *,
    new_name: Callable[[str], str],
    max_bytes: int,
    limit: int = MAX_CONDITIONAL,
    max_helpers: int = MAX_CONDITIONAL,
) -> tuple[dict[str, Any], dict[str, pd.Series]]:
    """Give the columns whose pair dependence the copula misses most a ``conditional``.

    Args:
        frame: the training rows.
        fields: the learned fields (name -> field), changed in place where a column gets a
            driver; returned again with the hidden bin helpers placed before the fields using
            them.
        names: learned field name -> column.
        new_name: a fresh field name for a helper.
        max_bytes: what the conditionals may add to the spec at most.
        limit: columns that may get a driver (the strongest first).
        max_helpers: hidden bin helpers that may be added (the spec's field limit less the
            table's columns: a 500-column table gets numeric drivers only through none).

    Returns:
        The fields, and per conditional field its rank within its case (for the copula).
    """
    sub = frame
    # Pairs grow with the square of the columns: a wide table is scored on fewer rows (40
    # columns on 20,000, 500 on 2,000), enough for the strong dependences that win a driver.
    score_rows = max(MIN_SCORE_ROWS, min(SCORE_ROWS, SCORE_ROWS * 40 // max(1, len(fields))))
    if len(frame) > score_rows:
        sub = frame.iloc[np.random.default_rng(0).permutation(len(frame))[:score_rows]]
    cols: dict[str, _Column] = {}
    for name, field in fields.items():
        kind = field["type"]
        if name not in names or kind not in ("int", "float", "category", "bool"):
            continue
        if (field.get("dist") or {}).get("kind") == "constant" or field.get("nulls", 0) >= 1:
            continue
        if kind == "category" and not isinstance(field.get("values"), dict):
            continue
        col = _Column(name, field, sub[names[name]].reset_index(drop=True))
        if len(np.unique(col.target)) >= 2:
            cols[name] = col
    gains = []
    for t in cols.values():
        if not t.can_follow:
            continue
        for d in cols.values():
            if d is t or not d.can_drive:
                continue
            if t.kind == d.kind == "num":
                # Number on number: the copula carries the measured trends; what it cannot
                # carry is a null in one tied to the other (structural missingness).
                if not t.null.any():
                    continue
                gain = _mutual_information(t.null_codes, d.driver)
            else:
                gain = _mutual_information(t.target, d.driver)
                if gain <= MIN_GAIN:
                    continue
                gain -= _copula_information(t.ranks, d.ranks)
            if gain > MIN_GAIN:
                gains.append((gain, t.name, d.name))
    gains.sort(reverse=True)
    parents: dict[str, str] = {}
    helpers: dict[str, tuple[str, dict[str, Any]]] = {}  # driver -> (helper name, field)
    within: dict[str, pd.Series] = {}
    spent = 0
    for _, tname, dname in gains:
        if len(parents) >= limit:
            break
        if tname in parents or _creates_cycle(parents, tname, dname):
            continue
        built = _conditional(frame, fields[tname], names[tname], dname, fields[dname], names[dname])
        if built is None:
            continue
        conditional, keys, helper_field = built
        if helper_field is not None and dname not in helpers and len(helpers) >= max_helpers:
            continue
        if dname in helpers:
            helper = helpers[dname][0]
        elif helper_field is not None:
            helper = new_name(f"{dname}_bin")
        else:
            helper = dname
        conditional["on"] = helper
        cost = len(json.dumps(conditional, separators=(",", ":")))
        if helper_field is not None and dname not in helpers:
            cost += len(json.dumps(helper_field, separators=(",", ":")))
        if spent + cost > max_bytes:
            continue
        spent += cost
        if helper_field is not None and dname not in helpers:
            helpers[dname] = (helper, helper_field)
        parents[tname] = dname
        target = fields[tname]
        ordered = dict(target)  # the declared order the ranks within cases are taken in
        fallback = keys.isna() | ~keys.isin(list(conditional["cases"]))
        if fallback.sum() >= MIN_CASE_ROWS:
            numbers = {target["type"], fields[dname]["type"]} <= {"int", "float"}
            _own_keys(target, frame[names[tname]], fallback.to_numpy(), nulls_only=numbers)
        target["conditional"] = conditional
        if keys.notna().any():
            within[tname] = _within_case(
                frame[names[tname]], ordered, keys.where(~fallback, "\x00")
            )
    if not helpers:
        return fields, within
    placed: dict[str, Any] = {}
    waiting = {helper: (name, field) for name, (helper, field) in helpers.items()}
    for name, field in fields.items():
        on = (field.get("conditional") or {}).get("on")
        if on in waiting:
            placed[on] = waiting.pop(on)[1]
        placed[name] = field
    return placed, within


def _own_keys(
    target: dict[str, Any], col: pd.Series, fallback: np.ndarray, *, nulls_only: bool
) -> None:
    """The field's own keys from the rows without a case: the driver's nulls and its values
    too rare for a case. Those rows use the field's own keys, so a null (or a missing
    category) in the driver carries its own null rate and marginal down a chain: A null =>
    B null => C null, each link one conditional."""
    t = _Column("target", target, col.reset_index(drop=True))
    own = _case(t, np.flatnonzero(fallback), -1.0, nulls_only=nulls_only)
    rate = own.pop("nulls")
    if rate > 0:
        target["nulls"] = rate
    else:
        target.pop("nulls", None)
    for key, value in own.items():  # dist / values / p of those rows, where any is present
        target[key] = value


def _conditional(
    frame: pd.DataFrame,
    target: dict[str, Any],
    tcol: str,
    dname: str,
    driver: dict[str, Any],
    dcol: str,
) -> tuple[dict[str, Any], pd.Series, dict[str, Any] | None] | None:
    """The conditional of ``target`` on ``driver`` over all training rows, the rows' case
    keys (None where no key) and the bin helper a numeric driver needs."""
    d = _Column("driver", driver, frame[dcol].reset_index(drop=True))
    t = _Column("target", target, frame[tcol].reset_index(drop=True))
    keys = pd.Series(d.keys, dtype=object)
    helper = None
    if d.kind == "num":
        helper = {
            "type": "category",
            "hidden": True,
            "description": f"bins of {dcol} that {tcol} is conditional on",
        }
    base_nulls = float(target.get("nulls", 0.0))
    cases: dict[str, Any] = {}
    counts = keys.value_counts()
    for key, n in counts.items():
        if n < MIN_CASE_ROWS or len(cases) >= MAX_CASES:
            continue
        rows = np.flatnonzero((keys == key).to_numpy())
        case = _case(t, rows, base_nulls, nulls_only=t.kind == d.kind == "num")
        if case:
            cases[str(key)] = case
    if len(cases) < 2 and not (len(cases) == 1 and len(counts) == 1):
        return None
    if t.kind == d.kind == "num":
        keys = pd.Series([None] * len(keys), dtype=object)  # the copula's ranks stay global
    if helper is not None:
        helper["expr"] = _bin_expr(dname, d.edges)
    return {"on": "", "cases": cases}, keys, helper


def _within_case(col: pd.Series, field: dict[str, Any], keys: pd.Series) -> pd.Series:
    """The column's rank within its case, 0..1 (mid-ranks for ties), NaN where null: what the
    copula's uniform of the field is once the case picks the marginal."""
    if field["type"] == "category":
        index = {label: i for i, label in enumerate(field["values"])}
        codes = col.map(_label).map(index).astype(float)
    elif field["type"] == "bool":
        codes = col.astype(float)
    else:
        codes = pd.to_numeric(col, errors="coerce").astype(float)
    codes = codes.reset_index(drop=True)
    return codes.groupby(keys.reset_index(drop=True).to_numpy()).rank(pct=True)
