"""The native ``spec`` synthesizer: learn an editable spec in the engine's language.

Per column: empirical quantiles (201 points) or exact value weights for numbers with few
values, category weights, bool probability, datetime quantiles within the observed range, null
rates; rank correlations of every pair through the engine's Gaussian copula (categories are
ordinal in the declared order): a matrix for up to 50 correlated columns, a factor structure
(``factors`` + ``uniqueness``) for wider tables, whose quantile points shrink so that the
spec stays under the API's per-spec size limit. Keys and identifier columns are never learned: the spec holds
them, in the table's column order, as fields that cannot give a real value (an ``id`` past the
largest real integer key or a UUID; emails at reserved domains no real address uses, phones in
the 555-01xx range kept for fiction, SSNs in the never-issued 9xx area, codes prefixed
``SYN-``; names drawn from the engine's pools), so a Schema saved from it regenerates the
whole table. The fitted model samples the learned fields only and makes keys and identifiers
itself (with its guard of the real values). Depends on no BSL package.
"""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from generation import engine
from generation.engine.spec import MAX_FIELDS
from generation.synthesis.fitted import row_hashes
from generation.synthesis.identifiers import int_key_offset
from generation.synthesis.spec_pairs import learn_conditionals

__all__ = ["field_name", "learn_spec", "spec_sampler"]

_QUANTILE_POINTS = 201
# A learned spec is sampled through the API's spec check: it keeps under the per-spec limit
# (SYNDATA_MAX_SPEC_BYTES' default, less a margin) by fewer quantile points on wide tables.
MAX_LEARNED_BYTES = 240 * 1024
_FEWER_POINTS = (101, 51, 26, 11)
_EXACT_VALUES = 40
_MAX_CATEGORIES = 5000


def field_name(column: str, taken: set[str]) -> str:
    """A spec field name for a column (letters, digits, _; not starting with a digit or _)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", column)[:60].strip("_") or "col"
    if name[0].isdigit():
        name = "c_" + name
    base, i = name, 2
    while name in taken:
        name = f"{base}_{i}"
        i += 1
    taken.add(name)
    return name


def _round_sig(x: float) -> float:
    return float(f"{x:.10g}")


def _decimals(values: np.ndarray) -> int:
    for places in range(0, 7):
        if np.allclose(values, np.round(values, places), rtol=0, atol=1e-9):
            return places
    return 6


def _numeric_field(col: pd.Series, rep: str, points: int = _QUANTILE_POINTS) -> dict[str, Any]:
    values = pd.to_numeric(col, errors="coerce").dropna().to_numpy(dtype=float)
    field: dict[str, Any] = {"type": "int" if rep == "int" else "float"}
    if len(values) == 0:
        return {"type": "float", "dist": {"kind": "constant", "value": 0}, "nulls": 1.0}
    lo, hi = float(values.min()), float(values.max())
    uniq, counts = np.unique(values, return_counts=True)
    if len(uniq) == 1:
        field["dist"] = {"kind": "constant", "value": _round_sig(lo)}
    elif len(uniq) <= _EXACT_VALUES:
        field["dist"] = {
            "kind": "empirical",
            "values": [_round_sig(v) for v in uniq],
            "weights": [int(c) for c in counts],
        }
    else:
        probs = np.linspace(0, 1, points)
        qs = np.quantile(values, probs, method="linear")
        qs = np.maximum.accumulate(qs)
        field["dist"] = {
            "kind": "quantiles",
            "probs": [_round_sig(p) for p in probs],
            "values": [_round_sig(v) for v in qs],
        }
        field["min"], field["max"] = _round_sig(lo), _round_sig(hi)
        if qs[1] == qs[0]:
            # The points bound the values already; a min on a plateau (a column of mostly
            # zeros) would truncate away the plateau, as the engine reads F(min) at its top.
            field.pop("min")
    some = uniq[:: max(1, len(uniq) // 5000)]
    if rep != "int":
        # from the distinct values: a column of mostly zeros has its decimals in the rest
        field["precision"] = _decimals(some)
    if field["dist"]["kind"] == "quantiles":  # exact values keep their structure already
        step = _step(uniq, 0 if rep == "int" else field["precision"])
        if step is not None:
            field["step"] = step
    return field


def _step(values: np.ndarray, places: int) -> float | None:
    """The step every value is a multiple of, past the last decimal kept (100, 0.5, 0.02):
    the greatest common divisor of the values in units of that decimal; None for 1 unit."""
    units = np.abs(np.round(values * 10.0**places))
    units = units[(units > 0) & (units < 2**62)].astype(np.int64)
    if len(units) < 2:
        return None
    g = int(np.gcd.reduce(units))
    return _round_sig(g / 10.0**places) if g > 1 else None


def _category_field(col: pd.Series) -> tuple[dict[str, Any], list[str]]:
    labels = col.dropna().map(
        lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    )
    counts = labels.value_counts()
    counts = counts.head(_MAX_CATEGORIES)
    order = [str(k) for k in counts.index]
    values = {k: int(v) for k, v in counts.items()}
    return {"type": "category", "values": values}, order


def _datetime_field(col: pd.Series, points: int = _QUANTILE_POINTS) -> dict[str, Any]:
    values = col.dropna()
    if len(values) == 0:
        return {"type": "datetime", "start": "2000-01-01", "end": "2000-01-02", "nulls": 1.0}
    ns = values.astype("int64").to_numpy()
    probs = np.linspace(0, 1, points)
    qs = np.maximum.accumulate(np.quantile(ns, probs, method="linear"))
    iso = [pd.Timestamp(int(v)).isoformat() for v in qs]
    start = pd.Timestamp(int(ns.min()))
    end = pd.Timestamp(int(ns.max())) + pd.Timedelta(seconds=1)
    return {
        "type": "datetime",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "dist": {"kind": "quantiles", "probs": [_round_sig(p) for p in probs], "values": iso},
    }


def _codes(col: pd.Series, sdtype: str, order: list[str] | None) -> pd.Series:
    if sdtype == "datetime":
        return col.astype("int64").where(col.notna()).astype(float)
    if sdtype in ("categorical", "boolean") and order is not None:
        labels = col.map(
            lambda v: (
                None
                if v is None or (isinstance(v, float) and math.isnan(v))
                else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            )
        )
        index = {label: i for i, label in enumerate(order)}
        return labels.map(index).astype(float)
    return pd.to_numeric(col, errors="coerce").astype(float)


_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "example.test", "example.invalid")
_PATTERN_SPECIAL = set("#%?^*\\")
_CODE_PREFIXES = ("SYN-", "SYN-X-", "SYNTH-")


def _text(col: pd.Series) -> pd.Series:
    return col.dropna().astype(str).str.strip()


def _shape_pattern(shape: str) -> str:
    """The engine pattern of a code shape (A letter, a lower letter, 9 digit, the rest as is)."""
    out = []
    for ch in shape:
        if ch == "A":
            out.append("?")
        elif ch == "a":
            out.append("^")
        elif ch == "9":
            out.append("#")
        else:
            out.append("\\" + ch if ch in _PATTERN_SPECIAL else ch)
    return "".join(out) or "????####"


def _key_field(col: pd.Series, entry: dict[str, Any], column: str) -> dict[str, Any]:
    """A key column as an ``id`` field none of whose values is a real key."""
    if entry.get("representation") == "int":
        return {
            "type": "id",
            "start": min(int_key_offset(col) + 1, 2**53),
            "description": f"key {column}: counts on past the largest real key",
        }
    return {"type": "id", "strategy": "uuid", "description": f"key {column}: random UUIDs"}


def _identifier_field(col: pd.Series, kind: str, column: str) -> dict[str, Any]:
    """A direct identifier as an engine field of the same kind, of values no real one has."""
    from generation.synthesis.identifiers import code_shape

    text = _text(col)
    field: dict[str, Any]
    if kind == "email":
        used = set(text.str.rsplit("@", n=1).str[-1].str.lower())
        domains = [d for d in _EMAIL_DOMAINS if d not in used] or ["syn-data.invalid"]
        field = {"type": "email", "domains": domains}
    elif kind == "phone":
        field = {"type": "phone", "pattern": "(%##) 555-01##"}  # 555-01xx: fiction only
    elif kind == "ssn":
        field = {"type": "string", "pattern": "9##-%#-%###"}  # area 9xx is never issued
    elif kind == "person_name":
        field = {"type": "name"}
    elif kind in ("first_name", "last_name"):
        field = {"type": kind}
    else:  # account_id, free_text_id: the column's shape behind a prefix no real value has
        prefix = next(
            (p for p in _CODE_PREFIXES if not text.str.startswith(p).any()), "SYN-" + "X" * 8
        )
        field = {"type": "string", "pattern": prefix + _shape_pattern(code_shape(col))}
    field["description"] = f"identifier {column} ({kind}): synthetic values, never learned"
    nulls = float(col.isna().mean())
    if nulls > 0:
        field["nulls"] = round(nulls, 6)
    return field


def _with_keys_and_identifiers(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    learned_fields: dict[str, Any],
    names: dict[str, str],
    taken: set[str],
) -> dict[str, Any]:
    """The table's fields in its column order: learned ones as learned (hidden helper fields
    just before the field they serve), keys and identifiers as fields of synthetic values."""
    by_column = {column: name for name, column in names.items()}
    served: dict[str, list[str]] = {}  # learned field -> hidden fields placed before it
    pending: list[str] = []
    for name in learned_fields:
        if name in names:
            served[name] = pending
            pending = []
        else:
            pending.append(name)
    out: dict[str, Any] = {}
    for column, entry in metadata["columns"].items():
        if column in by_column:
            name = by_column[column]
            for hidden in served[name]:
                out[hidden] = learned_fields[hidden]
            out[name] = learned_fields[name]
        elif column in frame.columns and entry.get("identifier"):
            out[field_name(column, taken)] = _identifier_field(
                frame[column], entry["identifier"], column
            )
        elif column in frame.columns and entry["sdtype"] == "id":
            out[field_name(column, taken)] = _key_field(frame[column], entry, column)
    for hidden in pending:
        out[hidden] = learned_fields[hidden]
    return out


def _learned_only(spec_doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The spec without its key and identifier fields (the fitted model makes those)."""
    table = next(iter(spec_doc["tables"]))
    fields = spec_doc["tables"][table]["fields"]
    keep = {n: f for n, f in fields.items() if n in names or f.get("hidden")}
    if len(keep) == len(fields):
        return spec_doc
    doc = copy.copy(spec_doc)
    doc["tables"] = {table: {**spec_doc["tables"][table], "fields": keep}}
    return doc


def learn_spec(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    table: str,
    learned: list[str],
    rows: int,
    max_bytes: int = MAX_LEARNED_BYTES,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Learn a spec for the ``learned`` columns of ``frame``; the other columns of the table
    that are keys or identifiers join it as fields of synthetic values (see the module).

    Conditionals (spec_pairs) make the dependence closer to the real rows; where that makes
    a sample mostly copies of real rows (a table whose columns one column determines), the
    guard would drop the common rows and skew what is left: fewer conditionals, then.

    Returns:
        The spec and the mapping of its learned field names to column names.
    """
    for limit in _CONDITIONAL_LIMITS:
        spec, names = _learn(frame, metadata, table, learned, rows, max_bytes, limit)
        if limit == 0 or _copy_rate(spec, names, frame, metadata) <= MAX_COPY_RATE:
            return spec, names
    raise AssertionError("unreachable")


# Conditional columns tried in turn until a sample has few copies of real rows.
_CONDITIONAL_LIMITS = (24, 6, 2, 0)
MAX_COPY_RATE = 0.05
_COPY_SAMPLE = 2000


def _copy_rate(
    spec: dict[str, Any], names: dict[str, str], frame: pd.DataFrame, metadata: dict[str, Any]
) -> float:
    """The share of a sample of the spec equal to a row of ``frame`` on the learned columns."""
    fields = next(iter(spec["tables"].values()))["fields"]
    if not any("conditional" in f for n, f in fields.items() if n in names):
        return 0.0
    columns = list(names.values())
    sample = spec_sampler(spec, names)(min(_COPY_SAMPLE, max(len(frame), 1)), 1, [])
    real = set(row_hashes(frame, columns, metadata["columns"], "spec-copy-check!").tolist())
    ours = row_hashes(sample, columns, metadata["columns"], "spec-copy-check!")
    return float(np.mean([h in real for h in ours.tolist()])) if len(ours) else 0.0


def _learn(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    table: str,
    learned: list[str],
    rows: int,
    max_bytes: int,
    limit: int,
) -> tuple[dict[str, Any], dict[str, str]]:
    fields: dict[str, Any] = {}
    names: dict[str, str] = {}
    taken: set[str] = set()
    orders: dict[str, list[str] | None] = {}
    for column in learned:
        entry = metadata["columns"][column]
        col = frame[column]
        name = field_name(column, taken)
        names[name] = column
        sdtype = entry["sdtype"]
        order: list[str] | None = None
        if sdtype == "numerical":
            field = _numeric_field(col, entry.get("representation", "float"))
        elif sdtype == "datetime":
            field = _datetime_field(col)
        elif sdtype == "boolean":
            non_null = col.dropna().astype(bool)
            p = float(non_null.mean()) if len(non_null) else 0.5
            field = {"type": "bool", "p": round(p, 6)}
            order = ["False", "True"]
        else:
            field, order = _category_field(col)
        nulls = float(col.isna().mean())
        if nulls > 0 and "nulls" not in field:
            field["nulls"] = round(nulls, 6)
        fields[name] = field
        orders[name] = order
    # Pairs the copula misses (a category's numbers, nulls tied to another column): the
    # columns that lose most get a conditional on their strongest driver (spec_pairs).
    fields, within = learn_conditionals(
        frame,
        fields,
        names,
        new_name=lambda base: field_name(base, taken),
        max_bytes=max_bytes // 3,
        limit=limit,
        max_helpers=max(0, MAX_FIELDS - len(metadata["columns"])),
    )
    spec_table: dict[str, Any] = {"rows": rows, "fields": fields}
    # Rank correlations of every pair of varying columns, through the copula (a conditional
    # column by its rank within its case: the case gives its marginal).
    candidates = [
        n
        for n, f in fields.items()
        if n in names
        and f.get("nulls", 0) < 1
        and (f.get("dist") or {}).get("kind") != "constant"
        and not (f["type"] == "category" and len(f["values"]) < 2)
    ]
    if len(candidates) >= 2:
        codes = pd.DataFrame(
            {
                n: (
                    within[n].to_numpy()
                    if n in within
                    else _codes(frame[names[n]], metadata["columns"][names[n]]["sdtype"], orders[n])
                )
                for n in candidates
            },
            index=frame.index,
        )
        if len(candidates) > engine.MAX_MATRIX_FIELDS:  # wide: a factor structure
            spec_table["correlations"] = [{"fields": candidates, **_factor_structure(codes)}]
        else:
            ranks = codes.rank()
            rho = ranks.corr(method="pearson", min_periods=10).fillna(0.0).to_numpy()
            np.fill_diagonal(rho, 1.0)
            rho = np.clip(rho, -0.999, 0.999)
            np.fill_diagonal(rho, 1.0)
            spec_table["correlations"] = [
                {"fields": candidates, "matrix": [[round(float(v), 4) for v in row] for row in rho]}
            ]
            spec_table["repair_correlations"] = True
    spec = {
        "description": f"Learned from the real table {table!r} by Syn-Data's spec synthesizer.",
        "tables": {_table_name(table): spec_table},
    }
    if spec_table.get("correlations") and not _engine_accepts(spec):
        _categories_through_codes(spec_table, taken)
        if not _engine_accepts(spec):  # numbers and times only, then
            corr = spec_table["correlations"][0]
            keep = [
                i
                for i, n in enumerate(corr["fields"])
                if spec_table["fields"][n]["type"] in ("int", "float", "datetime", "date")
            ]
            if len(keep) >= 2:
                corr["fields"] = [corr["fields"][i] for i in keep]
                if "matrix" in corr:
                    corr["matrix"] = [[corr["matrix"][i][j] for j in keep] for i in keep]
                else:  # a factor structure: the kept fields' loadings and uniqueness
                    corr["factors"] = [[row[i] for i in keep] for row in corr["factors"]]
                    corr["uniqueness"] = [corr["uniqueness"][i] for i in keep]
            else:
                spec_table.pop("correlations")
                spec_table.pop("repair_correlations")
    learned_fields = spec_table["fields"]
    spec_table["fields"] = _with_keys_and_identifiers(frame, metadata, learned_fields, names, taken)
    if not _engine_accepts(spec):  # never expected: the learned fields alone still work
        spec_table["fields"] = learned_fields
    _fit_size(spec, frame, metadata, names, max_bytes)
    return spec, names


def _size(spec: dict[str, Any]) -> int:
    return len(json.dumps(spec, separators=(",", ":"), default=str).encode("utf-8"))


def _fit_size(
    spec: dict[str, Any],
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    names: dict[str, str],
    max_bytes: int,
) -> None:
    """Relearn the quantile fields with fewer points until the spec is under ``max_bytes``
    (in place): a table of hundreds of columns keeps every column and its correlations."""
    fields = next(iter(spec["tables"].values()))["fields"]
    quantiled = [
        n for n in names if n in fields and (fields[n].get("dist") or {}).get("kind") == "quantiles"
    ]
    if not quantiled:
        return
    total = _size(spec)
    share = sum(_size(fields[n]["dist"]) for n in quantiled)  # what the points take
    # Straight to the most points the estimate allows (they take bytes in proportion), then
    # fewer while the spec is still over.
    fit = [p for p in _FEWER_POINTS if total - share * (1 - p / _QUANTILE_POINTS) <= max_bytes]
    for points in _FEWER_POINTS[_FEWER_POINTS.index(fit[0]) if fit else -1 :]:
        if _size(spec) <= max_bytes:
            return
        for name in quantiled:
            column = names[name]
            entry = metadata["columns"][column]
            if entry["sdtype"] == "datetime":
                new = _datetime_field(frame[column], points)
            else:
                new = _numeric_field(frame[column], entry.get("representation", "float"), points)
            fields[name]["dist"] = new["dist"]


_FACTORS = 12  # common factors of a wide table's copula (loadings: fields x this numbers)
_FACTOR_ROUNDS = 15  # principal-axis iterations
_MIN_OWN = 0.005  # the least uniqueness of a field: the latent matrix stays positive definite


def _normal_scores(codes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column: standardised normal scores of the mid-ranks (0 where null), the mask of
    values present, and how much the column's ties damp a correlation through the copula.

    The engine turns a field's normal score Z into a value by cells of Phi(Z); the value's
    normal score g(Z) correlates with another field's by about ``c_a * c_b * latent``, with
    ``c = corr(g(Z), Z)`` (the first Hermite coefficient): 1 for a continuous field, less for
    a field of a few values. Dividing by it learns the latent correlation the engine needs.
    """
    from generation.engine._special import ndtri as inv

    n, k = codes.shape
    scores = np.zeros((n, k))
    present = codes.notna().to_numpy()
    damp = np.ones(k)
    for j, name in enumerate(codes.columns):
        values = codes[name].to_numpy()[present[:, j]]
        if len(values) < 2:
            continue
        uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        p = counts / counts.sum()
        hi = np.cumsum(p)
        lo = hi - p
        g = inv(np.clip((lo + hi) / 2, 1e-12, 1 - 1e-12))
        mean = float(p @ g)
        sd = float(np.sqrt(max(p @ (g - mean) ** 2, 1e-300)))
        if sd < 1e-9:
            continue
        edge = np.concatenate([[0.0], hi])
        z = inv(np.clip(edge, 1e-300, 1 - 1e-16))  # +-inf past the ends: no density
        dens = np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)
        dens[0] = dens[-1] = 0.0
        damp[j] = max(0.05, float(g @ (dens[:-1] - dens[1:])) / sd)
        scores[present[:, j], j] = (g[inverse] - mean) / sd
    return scores, present, damp


def _factor_structure(codes: pd.DataFrame) -> dict[str, Any]:
    """``factors`` and ``uniqueness`` of a wide table: the latent correlation of the columns'
    normal scores (two matrix products, nulls left out pair by pair), then principal-axis
    factoring to ``_FACTORS`` factors (eigen decompositions of k x k, at fit time only)."""
    scores, present, damp = _normal_scores(codes)
    mask = present.astype(float)
    both = mask.T @ mask
    corr = (scores.T @ scores) / np.maximum(both, 1.0)
    corr[both < 10] = 0.0
    corr = np.clip(corr / np.outer(damp, damp), -0.999, 0.999)
    np.fill_diagonal(corr, 1.0)
    k = corr.shape[0]
    m = min(_FACTORS, k - 1)
    off = np.abs(corr - np.eye(k))
    communality = np.clip(off.max(axis=1), 0.05, 1 - _MIN_OWN)
    loadings = np.zeros((k, m))
    for _ in range(_FACTOR_ROUNDS):
        reduced = corr.copy()
        np.fill_diagonal(reduced, communality)
        vals, vecs = np.linalg.eigh(reduced)
        top = np.argsort(vals)[::-1][:m]
        loadings = vecs[:, top] * np.sqrt(np.clip(vals[top], 0.0, None))
        communality = np.clip((loadings**2).sum(axis=1), 0.0, 1 - _MIN_OWN)
    # Rows past the cap shrink to it; rounding to 3 places, then uniqueness from the rounded
    # loadings, so that every field's variance is 1 to the validator's tolerance.
    norm = np.sqrt((loadings**2).sum(axis=1))
    cap = np.sqrt(1 - _MIN_OWN)
    loadings *= np.where(norm > cap, cap / np.maximum(norm, 1e-300), 1.0)[:, None]
    loadings = np.round(loadings, 3)
    own = np.round(np.clip(1.0 - (loadings**2).sum(axis=1), 0.0, 1.0), 6)
    return {
        "factors": [[float(v) for v in column] for column in loadings.T],
        "uniqueness": [float(v) for v in own],
    }


_MAX_CODED = 1000  # conditional cases per field


def _categories_through_codes(spec_table: dict[str, Any], taken: set[str]) -> None:
    """For engines whose copula takes numbers only: a category joins the correlations through
    a hidden integer code (its values in declared order, with their weights) and a conditional
    that turns code i into value i. The category keeps its own weights as a fallback."""
    corr = spec_table["correlations"][0]
    fields = spec_table["fields"]
    new_fields: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    for name, field in fields.items():
        if (
            name in corr["fields"]
            and field["type"] == "category"
            and "conditional" not in field
            and isinstance(field["values"], dict)
            and 2 <= len(field["values"]) <= _MAX_CODED
        ):
            labels = list(field["values"])
            code, key = field_name(f"{name}__code", taken), field_name(f"{name}__key", taken)
            new_fields[code] = {
                "type": "int",
                "hidden": True,
                "dist": {
                    "kind": "empirical",
                    "values": list(range(len(labels))),
                    "weights": [field["values"][label] for label in labels],
                },
                "description": f"rank code of {name} (copula); edit {name} weights here",
            }
            new_fields[key] = {"type": "category", "hidden": True, "expr": f"str({code})"}
            new_fields[name] = {
                **field,
                "conditional": {
                    "on": key,
                    "cases": {str(i): {"values": {label: 1}} for i, label in enumerate(labels)},
                },
            }
            renamed[name] = code
        else:
            new_fields[name] = field
    spec_table["fields"] = new_fields
    corr["fields"] = [renamed.get(n, n) for n in corr["fields"]]


def _engine_accepts(spec: dict[str, Any]) -> bool:
    try:
        engine.parse_spec(spec)
    except engine.SpecError:
        return False
    return True


def _table_name(table: str) -> str:
    return field_name(table, set())


def spec_sampler(
    spec_doc: dict[str, Any], names: dict[str, str], *, categorical: bool = False
) -> Any:
    """A ``sampler(n, seed, conditions)`` over the learned spec, for ``fitted.sample_block``.

    ``categorical``: text columns come back as pandas Categoricals (dictionary-encoded by
    Arrow), which the copy check and the type finishing of a block read without hashing every
    value; otherwise as object columns of ``str``.
    """
    spec_doc = _learned_only(spec_doc, names)
    table = next(iter(spec_doc["tables"]))
    by_column = {column: name for name, column in names.items()}
    base = engine.parse_spec(spec_doc)
    engine.compile_spec(base)  # once per model (cached per spec object), not in the first block

    def run(spec: Any, n: int, seed: int) -> pd.DataFrame:
        if n <= 0:
            return pd.DataFrame(columns=list(names.values()))
        block = engine.BlockPlan(table, 0, 0, n)
        data = engine.generate_block(spec, table, block, seed, dictionaries=categorical)
        data = data.to_pandas(strings_to_categorical=categorical)
        return data.rename(columns=names)

    def with_weights(column: str, keep: dict[str, bool], *, exact: bool) -> Any:
        doc = copy.deepcopy(spec_doc)
        field = doc["tables"][table]["fields"][by_column[column]]
        if field["type"] == "bool":
            if keep.get("True") and not keep.get("False"):
                field["p"] = 1.0
            elif keep.get("False") and not keep.get("True"):
                field["p"] = 0.0
        else:
            values = field["values"]
            chosen = {k: (v if keep.get(k, False) else 0) for k, v in values.items()}
            if sum(chosen.values()) <= 0:
                chosen = {k: 1 for k in chosen if keep.get(k)}
            field["values"] = {k: v for k, v in chosen.items() if v > 0}
            on = (field.get("conditional") or {}).get("on")
            fields = doc["tables"][table]["fields"]
            if on in fields and str(fields[on].get("expr", "")).startswith("str("):
                # a coded category (see _categories_through_codes): reweight its code
                code = fields[fields[on]["expr"][4:-1]]
                order = list(values)
                code["dist"]["weights"] = [chosen[label] for label in order]
        cases = (field.get("conditional") or {}).get("cases", {})
        for case in cases.values():  # a conditional column (spec_pairs): each case too
            if field["type"] == "bool" and "p" in case:
                if keep.get("True") != keep.get("False"):
                    case["p"] = field["p"]
            elif "values" in case:
                kept = {k: v for k, v in case["values"].items() if keep.get(k, False)}
                case["values"] = kept or {k: v for k, v in field["values"].items()}
            if exact:
                case.pop("nulls", None)
        if exact:  # conditioned rows hold the value, never a null
            field.pop("nulls", None)
        return engine.parse_spec(doc)

    def sampler(n: int, seed: int, conditions: list[tuple[str, Any, int]]) -> pd.DataFrame:
        parts = []
        for i, (column, value, rows) in enumerate(conditions):
            label = "True" if value is True else "False" if value is False else str(value)
            spec = with_weights(column, {label: True}, exact=True)
            parts.append(run(spec, rows, seed * 31 + i + 1))
        if n > 0:
            spec = base
            if conditions:
                column = conditions[0][0]
                field = spec_doc["tables"][table]["fields"][by_column[column]]
                excluded = {str(v) for c, v, _ in conditions if c == column}
                labels = list(field["values"]) if field["type"] == "category" else ["True", "False"]
                keep = {label: label not in excluded for label in labels}
                if any(keep.values()):
                    spec = with_weights(column, keep, exact=False)
            parts.append(run(spec, n, seed))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    return sampler
