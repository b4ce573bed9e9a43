"""A fitted model on disk and the guarantees applied to every block it samples.

Folder ``MEDIA_ROOT/models/<id>/``:

- ``meta.json``: synthesizer, table, column order and metadata, category values (for
  conditions), salts;
- ``model.pkl`` (SDV synthesizers) or ``spec.json`` (the native ``spec`` synthesizer);
- ``guard.npz``: salted 64-bit hashes of the real training rows (over the learned columns) and
  of the real values of each identifier column. No real value is stored in clear.

Guarantees of :func:`sample_block`: no output row equals a real row on the learned columns
(copies are dropped, counted and replaced by fresh rows); identifier columns hold synthetic
values of the same kind, none equal to a real one; keys are regenerated, none equal to a real
key (integer keys count on from the largest real one).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from generation.synthesis.identifiers import (
    IdentifierGuard,
    code_shape,
    int_key_offset,
    value_hashes,
)

__all__ = [
    "FittedModel",
    "ModelFacts",
    "int_keys",
    "load_fitted",
    "model_facts",
    "row_hashes",
    "sample_block",
]

SampleFn = Callable[[int, int, list[tuple[str, Any, int]]], pd.DataFrame]


def _canonical(frame: pd.DataFrame, columns: list[str], meta: dict[str, Any]) -> pd.DataFrame:
    """Values in one representation whatever the dtype they came in (3 == 3.0, NaN == None)."""
    out = {}
    for name in columns:
        col = frame[name]
        sdtype = meta[name]["sdtype"]
        if sdtype == "numerical":
            values = col.to_numpy() if _plain_numeric(col) else pd.to_numeric(col, errors="coerce")
            out[name] = np.round(np.asarray(values, dtype=float), 9)
        elif sdtype == "datetime":
            parsed = col if pd.api.types.is_datetime64_any_dtype(col) else pd.to_datetime(col)
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            # nanoseconds whatever the unit: the engine returns datetime64[us], a CSV [ns]
            ns = parsed.dt.as_unit("ns").to_numpy().view(np.int64)
            out[name] = np.where(parsed.notna().to_numpy(), ns, -1)
        elif "vocab" in meta[name]:
            out[name] = _vocab_codes(col, meta[name]["vocab"])
        else:
            out[name] = _label_categorical(col, null="\x00")
    return pd.DataFrame(out, copy=False)


def _label_categorical(col: pd.Series, null: str) -> pd.Categorical:
    """``labels(col, null)`` as a Categorical: pandas hashes it per distinct label, as it
    hashes the object column of those labels (bit for bit), without one string per row."""
    codes, uniques = _factorize(col)
    mapped = [_label(u) for u in uniques] + [null]
    lookup, categories = pd.factorize(np.array(mapped, dtype=object))  # 1 and 1.0: one "1"
    return pd.Categorical.from_codes(lookup[codes], categories=categories)


def _plain_numeric(col: pd.Series) -> bool:
    """A numpy bool/int/float64 column (no object boxing, no extension dtype)."""
    dtype = col.dtype
    return isinstance(dtype, np.dtype) and (dtype.kind in "biu" or dtype == np.float64)


def _factorize(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes (-1 null) and distinct values, without boxing numpy numbers or bools as objects
    first (a distinct np.float64 / np.bool_ labels the same as its Python twin)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), col.cat.categories
    if _plain_numeric(col):
        return pd.factorize(col.to_numpy(), use_na_sentinel=True)
    return pd.factorize(col.astype(object), use_na_sentinel=True)


def _vocab_codes(col: pd.Series, vocab: list[str]) -> np.ndarray:
    """A category's index in the real table's vocabulary: -1 unknown, -2 null (ints hash fast)."""
    index = {label: i for i, label in enumerate(vocab)}
    codes, uniques = _factorize(col)
    lookup = np.array([index.get(_label(u), -1) for u in uniques] + [-2], dtype=np.int64)
    return lookup[codes]


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def labels(col: pd.Series, null: str | None = None) -> pd.Series:
    """Values as text labels (1.0 -> "1"), nulls as ``null``; one conversion per distinct value."""
    codes, uniques = _factorize(col)
    mapped = np.array([_label(u) for u in uniques] + [null], dtype=object)
    return pd.Series(mapped[codes], index=col.index, dtype=object)


def row_hashes(
    frame: pd.DataFrame, columns: list[str], meta: dict[str, Any], salt: str
) -> np.ndarray:
    """A salted 64-bit hash per row over ``columns``."""
    if not columns or len(frame) == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    canon = _canonical(frame, columns, meta)
    return pd.util.hash_pandas_object(canon, index=False, hash_key=salt).to_numpy(np.uint64)


@dataclass
class FittedModel:
    """What a model job needs to make blocks; loaded once per process."""

    directory: Path
    meta: dict[str, Any]
    row_set: np.ndarray
    guards: dict[str, IdentifierGuard]
    payload: Any = None  # SDV model bytes, or the learned spec (dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def columns(self) -> list[str]:
        return list(self.meta["columns"])

    @property
    def learned(self) -> list[str]:
        return list(self.meta["learned"])


def save_fitted(
    directory: Path,
    *,
    meta: dict[str, Any],
    real: pd.DataFrame,
    payload_bytes: bytes | None = None,
    spec: dict[str, Any] | None = None,
) -> None:
    """Write a fitted model's folder (meta, payload and the guard hashes of the real rows).

    ``real`` is the whole real table; a learned ``spec`` (which saw the training rows only)
    has its sequence keys started past the largest real integer key of it, in place, so the
    Schema saved from the same spec never makes a real key either.
    """
    directory.mkdir(parents=True, exist_ok=True)
    columns_meta = meta["columns"]
    for name in meta["learned"]:
        if columns_meta[name]["sdtype"] not in ("numerical", "datetime"):
            columns_meta[name]["vocab"] = sorted(set(labels(real[name]).dropna()))
    arrays: dict[str, np.ndarray] = {
        "rows": np.unique(row_hashes(real, meta["learned"], columns_meta, meta["row_salt"]))
    }
    for name, entry in columns_meta.items():
        kind = entry.get("identifier")
        if kind:
            arrays[f"id:{name}"] = value_hashes(real[name], meta["id_salt"])
            entry["shape"] = (
                code_shape(real[name]) if kind in ("account_id", "free_text_id") else ""
            )
            entry["null_rate"] = float(real[name].isna().mean())
        elif entry["sdtype"] == "id":
            arrays[f"id:{name}"] = value_hashes(real[name], meta["id_salt"])
            entry["shape"] = code_shape(real[name])
        if entry["sdtype"] == "id":
            # Whether any real key looks like the keys sample_block makes (SYN-000000001):
            # when none does, no synthetic key can equal a real one, and the per-block check
            # of every key against the real ones is skipped.
            text = real[name].dropna().astype(str).str.strip()
            entry["real_keys_like_ours"] = bool(text.str.fullmatch(_OUR_KEYS).any())
            if entry.get("representation") == "int":
                entry["key_offset"] = int_key_offset(real[name])
    with (directory / "guard.npz").open("wb") as fh:
        np.savez(fh, **arrays)
    offsets = [e["key_offset"] for e in columns_meta.values() if "key_offset" in e]
    if spec is not None and offsets:
        raise_key_starts(spec, max(offsets))
    if payload_bytes is not None:
        (directory / "model.pkl").write_bytes(payload_bytes)
    if spec is not None:
        (directory / "spec.json").write_text(json.dumps(spec, indent=1))
    (directory / "meta.json").write_text(json.dumps(meta, indent=1, default=str))


def raise_key_starts(spec_doc: dict[str, Any], offset: int) -> None:
    """Start every sequence key of the spec past ``offset`` (the largest real integer key of
    the whole table, which the spec learned from only a part of), in place."""
    for table in spec_doc["tables"].values():
        for entry in table["fields"].values():
            if entry.get("type") == "id" and entry.get("strategy", "sequence") == "sequence":
                entry["start"] = max(int(entry.get("start", 1)), min(offset + 1, 2**53))


def int_keys(fitted: FittedModel, name: str, numbers: np.ndarray) -> pd.Series:
    """The integer keys of the output's rows numbered ``numbers`` (from 1), past every real
    key (see :func:`int_key_offset`). A model saved before the offset was kept checks its
    keys against the real ones instead, and moves the colliding ones past int32's range."""
    keys = numbers.astype(np.int64)
    offset = fitted.meta["columns"][name].get("key_offset")
    if offset is not None:
        return pd.Series(keys + int(offset))
    guard = fitted.guards.get(name)
    if guard is not None and len(keys):
        keys[guard.collides(pd.Series(keys.astype(str), dtype=object), clean=True)] += 2**31
    return pd.Series(keys)


_CACHE: dict[str, tuple[float, FittedModel]] = {}
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class ModelFacts:
    """What a fitted model says of itself, without loading it: its ``meta`` (synthesizer,
    tables, row counts, relations, columns) and, for a ``spec`` model, its spec (``payload``,
    the document the engine runs; None for the others). A web request checks and plans a
    model job from these alone; the model itself (``model.pkl``, the row guards in
    ``guard.npz``) is loaded by the worker that samples its blocks (``load_fitted``)."""

    meta: dict[str, Any]
    payload: dict[str, Any] | None


def model_facts(directory: Path) -> ModelFacts:
    """The ``ModelFacts`` of the model in ``directory``: two small JSON files read."""
    meta = json.loads((directory / "meta.json").read_text())
    spec = directory / "spec.json"
    return ModelFacts(meta, json.loads(spec.read_text()) if spec.exists() else None)


def load_fitted(directory: Path) -> FittedModel:
    """The fitted model in ``directory``, cached per process (keyed by path and mtime)."""
    key = str(directory)
    mtime = (directory / "meta.json").stat().st_mtime
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit and hit[0] == mtime:
            return hit[1]
    meta = json.loads((directory / "meta.json").read_text())
    with np.load(directory / "guard.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    guards = {}
    for name, entry in meta["columns"].items():
        kind = entry.get("identifier")
        if kind or entry["sdtype"] == "id":
            guards[name] = IdentifierGuard(
                kind=kind or "account_id",
                salt=meta["id_salt"],
                real_hashes=arrays.get(f"id:{name}", np.zeros(0, np.uint64)),
                shape=entry.get("shape", ""),
                null_rate=float(entry.get("null_rate", 0.0)),
            )
    payload: Any = None  # a table of a multi-table model has none: the model is one level up
    if (directory / "model.pkl").exists():
        payload = (directory / "model.pkl").read_bytes()
    elif (directory / "spec.json").exists():
        payload = json.loads((directory / "spec.json").read_text())
    fitted = FittedModel(directory, meta, arrays["rows"], guards, payload)
    with _CACHE_LOCK:
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = (mtime, fitted)
    return fitted


def _coerce_value(entry: dict[str, Any], value: Any) -> Any:
    if entry.get("representation") == "int":
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return value
    if entry.get("representation") == "float":
        return float(value)
    if entry.get("representation") == "bool":
        return str(value).lower() in ("1", "true", "yes")
    return str(value)


_OUR_KEYS = r"SYN-?\d{9}X?"
_DT_TOKEN = re.compile(r"%[YmdHMSf]|%%|[^%]")
_DT_DIGITS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%f": 6}
_DIGIT_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8)
_DIGIT_QUADS = (
    48 + np.array([[i // 1000, i // 100 % 10, i // 10 % 10, i % 10] for i in range(10_000)])
).astype(np.uint8)


def format_datetimes(values: np.ndarray, fmt: str) -> np.ndarray | None:
    """``strftime(fmt)`` of datetime64 values, vectorised: an object array of text (NaN where
    NaT), equal to pandas' ``Series.dt.strftime``; None when ``fmt`` uses a directive other
    than %Y %m %d %H %M %S %f %% or a year falls outside 1000..9999 (the caller falls back)."""
    text = _format_datetimes(values, fmt)
    if isinstance(text, pa.Array):
        out = text.to_numpy(zero_copy_only=False).astype(object)
        out[pd.isna(out)] = np.nan
        return out
    return text


def _format_datetimes(values: np.ndarray, fmt: str) -> pa.Array | np.ndarray | None:
    """:func:`format_datetimes` as Arrow text (nulls where NaT), no Python string per row."""
    tokens = _DT_TOKEN.findall(fmt)
    if "".join(tokens) != fmt:
        return None
    arr = np.asarray(values).astype("datetime64[us]")  # %f is microseconds; numpy floors
    nat = np.isnat(arr)
    us = np.where(nat, 0, arr.view(np.int64))
    days = np.floor_divide(us, 86_400_000_000)
    rest = us - days * 86_400_000_000
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    months = month.view(np.int64)
    years = months // 12 + 1970
    if len(years) and (years.min() < 1000 or years.max() > 9999):
        return None
    parts = {
        "%Y": years,
        "%m": months % 12 + 1,
        "%d": (day - month).view(np.int64) + 1,
        "%H": rest // 3_600_000_000,
        "%M": rest // 60_000_000 % 60,
        "%S": rest // 1_000_000 % 60,
        "%f": rest % 1_000_000,
    }
    literal = {t: (b"%" if t == "%%" else t.encode()) for t in tokens if t not in _DT_DIGITS}
    width = sum(_DT_DIGITS[t] if t in _DT_DIGITS else len(literal[t]) for t in tokens)
    chars = np.empty((len(arr), width), dtype=np.uint8)
    pos = 0
    for token in tokens:
        digits = _DT_DIGITS.get(token)
        if digits is None:  # a literal character (UTF-8 bytes) or %%
            raw = literal[token]
            chars[:, pos : pos + len(raw)] = np.frombuffer(raw, dtype=np.uint8)
            pos += len(raw)
            continue
        value = parts[token]
        for k in range(digits // 2):  # two digits at a time, from the right
            end = pos + digits - 2 * k
            chars[:, end - 2 : end] = _DIGIT_PAIRS[(value // 100**k) % 100]
        pos += digits
    if width == 0:
        text = np.full(len(arr), "", dtype=object)
        text[nat] = np.nan
        return text
    return _fixed_width_text(chars, valid=~nat)


def _to_numeric(col: pd.Series) -> pd.Series:
    """``pd.to_numeric(col, errors="coerce")``, parsing each distinct text once: a category
    stored as numbers comes back from the samplers as 100k short strings of a few values."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, uniques = col.cat.codes.to_numpy(), col.cat.categories.astype(object)
    elif col.dtype != object:
        return pd.to_numeric(col, errors="coerce")
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
    parsed = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy()
    if (codes < 0).any() or parsed.dtype.kind not in "iuf":
        parsed = np.append(parsed.astype(float), np.nan)
    return pd.Series(parsed[codes], index=col.index)


def _to_int64(col: pd.Series) -> pd.Series:
    """Numbers as nullable integers (rounded half to even, as ``round``), built from a mask:
    ``astype("Int64")`` checks every value of a float column one by one, at ten times the cost."""
    values = col.to_numpy()
    if values.dtype.kind in "iu":
        mask = np.zeros(len(values), dtype=bool)
        return pd.Series(pd.arrays.IntegerArray(values.astype(np.int64), mask), index=col.index)
    if values.dtype.kind != "f":
        return col.round().astype("Int64")
    mask = np.isnan(values)
    rounded = np.round(np.where(mask, 0.0, values))
    if np.abs(rounded).max(initial=0) >= 2**63:
        return col.round().astype("Int64")  # out of int64's range: pandas says so
    return pd.Series(pd.arrays.IntegerArray(rounded.astype(np.int64), mask), index=col.index)


def _finish_types(frame: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
    """Learned columns back to the representation of the real table."""
    for name in meta["learned"]:
        entry = meta["columns"][name]
        col = frame[name]
        rep = entry.get("representation")
        if entry["sdtype"] == "datetime":
            parsed = col if pd.api.types.is_datetime64_any_dtype(col) else pd.to_datetime(col)
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            fmt = entry.get("datetime_format")
            if fmt:
                fast = _format_datetimes(parsed.to_numpy(), fmt)
                if fast is None:
                    frame[name] = parsed.dt.strftime(fmt)
                elif isinstance(fast, pa.Array):  # Arrow-backed: no copy on the way to a file
                    frame[name] = pd.Series(pd.arrays.ArrowExtensionArray(fast), index=col.index)
                else:
                    frame[name] = fast
            else:
                frame[name] = parsed
        elif rep == "int":
            frame[name] = _to_int64(_to_numeric(col))
        elif rep == "float":
            frame[name] = _to_numeric(col).astype(float)
        elif rep == "bool":
            frame[name] = col.astype("boolean")
        else:
            frame[name] = labels(col)
    return frame


def condition_counts(
    meta: dict[str, Any], conditions: list[dict[str, Any]], n: int
) -> list[tuple[str, Any, int]]:
    """Per-block rows for each condition: round(fraction * n), values typed as in the table."""
    out = []
    for cond in conditions:
        entry = meta["columns"][cond["column"]]
        out.append(
            (cond["column"], _coerce_value(entry, cond["value"]), round(cond["fraction"] * n))
        )
    return out


def _as_categories(part: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
    """Text columns of the learned vocabulary as Categoricals: each is factorised once here,
    and the copy check and the type finishing then read its codes instead of factorising the
    strings again each (the spec sampler returns Categoricals already)."""
    for name in meta["learned"]:
        if "vocab" in meta["columns"][name] and part[name].dtype == object:
            part[name] = part[name].astype("category")
    return part


def _margin(rows: int) -> int:
    """Extra rows asked of the sampler on its first call, so that the few exact copies dropped
    seldom need a second call (a fixed overhead per call of an SDV model). Models copy few
    rows of a table of any width (none to 0.1% on the tables of sample_data/); every extra
    row asked is time spent, so 0.4%: a model that copies more pays a second call."""
    return rows // 256 + 16


def _numbered(prefix: str, first: int, n: int) -> pa.Array:
    """``f"{prefix}{i:09d}"`` for ``first <= i < first + n`` as Arrow text, built as bytes (no
    Python loop, and no Python string per row)."""
    last = first + n - 1
    if n <= 0 or first < 0 or last > 999_999_999 or not prefix.isascii():
        return pa.array([f"{prefix}{i:09d}" for i in range(first, first + n)], type=pa.string())
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    width = len(head) + 9
    chars = np.empty((n, width), dtype=np.uint8)
    chars[:, : len(head)] = head
    numbers = np.arange(first, first + n, dtype=np.int64)
    high, low = np.divmod(numbers, 10_000)
    chars[:, len(head)] = 48 + high // 10_000
    chars[:, width - 8 : width - 4] = _DIGIT_QUADS[high % 10_000]  # four digits at a time
    chars[:, width - 4 :] = _DIGIT_QUADS[low]
    return _fixed_width_text(chars)


def _fixed_width_text(chars: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Rows of an (n, width) array of UTF-8 bytes as an Arrow string array, from its buffers
    (offsets 0, width, 2 * width, ...; nulls where not ``valid``): no per-row conversion."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars)
    bitmap = None
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), n, buffers)


def sample_block(
    fitted: FittedModel,
    sampler: SampleFn,
    *,
    n: int,
    seed: int,
    start_row: int,
    conditions: list[dict[str, Any]] | None = None,
) -> tuple[pd.DataFrame, int]:
    """``n`` guarded rows: (frame, exact copies dropped).

    ``sampler(n, seed, conditions)`` returns the learned columns; rows that equal a real row
    are dropped and the shortfall is sampled again with a derived seed (same for every run).
    """
    meta = fitted.meta
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, 0x1D])))
    wanted = condition_counts(meta, conditions or [], n)
    kept: list[pd.DataFrame] = []
    dropped = 0
    acceptance = 1.0  # share of sampled rows that were not copies, to size the next top-up
    cond_values = {(column, value) for column, value, _ in wanted}

    plain_total = n - sum(count for _, _, count in wanted)

    def assemble() -> tuple[pd.DataFrame, list[int], int]:
        if not wanted and kept:  # no conditions: the first n rows kept
            rows = kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)
            return rows.iloc[:n], [], n - min(n, len(rows))
        rows = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
        pieces, deficits = [], []
        plain_mask = np.ones(len(rows), dtype=bool)
        for column, value, count in wanted:
            # Compared as labels: the spec sampler gives a category of numbers as text ("1"),
            # SDV as numbers (1), and the condition's value is typed as in the table (1).
            match = (
                (labels(rows[column]) == _label(value)).to_numpy()
                if len(rows)
                else np.zeros(0, bool)
            )
            plain_mask &= ~match
            pieces.append(rows[match].head(count))
            deficits.append(count - len(pieces[-1]))
        plain_count = n - sum(count for _, _, count in wanted)
        pieces.append(rows[plain_mask].head(plain_count))
        return pd.concat(pieces, ignore_index=True), deficits, plain_count - len(pieces[-1])

    def ask(deficit: int, attempt: int) -> int:
        if deficit <= 0:
            return 0
        if attempt == 0:  # a small margin: a typical share of copies needs no second call
            return deficit + _margin(deficit)
        return min(int(deficit * 1.2 / max(acceptance, 0.02)) + 10, 50 * n + 100)

    for attempt in range(60):
        if attempt == 0:  # nothing kept yet: no need to assemble
            deficits, plain_deficit = [count for _, _, count in wanted], plain_total
        else:
            frame, deficits, plain_deficit = assemble()
        if sum(deficits) + plain_deficit <= 0:
            if attempt == 0:
                frame, deficits, plain_deficit = assemble()
            break
        conds = [
            (column, value, ask(d, attempt))
            for (column, value, _), d in zip(wanted, deficits, strict=True)
        ]
        plain = ask(plain_deficit, attempt)
        part = sampler(plain, int(seed * 1000 + attempt) % 2**63, conds)
        part = _as_categories(part.reset_index(drop=True), meta)
        if fitted.row_set.size and meta["learned"] and len(part):
            hashes = row_hashes(part, meta["learned"], meta["columns"], meta["row_salt"])
            pos = np.minimum(np.searchsorted(fitted.row_set, hashes), fitted.row_set.size - 1)
            copies = fitted.row_set[pos] == hashes
            dropped += int(copies.sum())
            acceptance = max(0.0, 1.0 - float(copies.mean()))
            if copies.any():
                part = part[~copies]
        kept.append(part)
    else:
        frame, deficits, plain_deficit = assemble()
    if len(frame) < n:
        raise RuntimeError(
            f"could only make {len(frame)} of {n} rows that are not copies of real rows"
        )
    if cond_values:  # conditioned rows spread through the block, not at its top
        frame = frame.iloc[rng.permutation(len(frame))]
    frame = _finish_types(frame.reset_index(drop=True), meta)
    out: dict[str, Any] = {}
    for name, entry in meta["columns"].items():
        if name in meta["learned"]:
            out[name] = frame[name]
        elif entry["sdtype"] == "id" and entry.get("representation") == "int":
            out[name] = int_keys(fitted, name, np.arange(start_row + 1, start_row + n + 1))
        elif entry["sdtype"] == "id":
            guard = fitted.guards[name]
            prefix = "SYN-" if not entry.get("identifier") else "SYN"
            keys = _numbered(prefix, start_row + 1, n)
            # Arrow-backed: the block goes back to Arrow for its file without a copy.
            out[name] = pd.Series(pd.arrays.ArrowExtensionArray(keys))
            if entry.get("real_keys_like_ours", True):  # (unknown for older models: check)
                text = pd.Series(keys.to_numpy(zero_copy_only=False), dtype=object)
                bad = guard.collides(text, clean=True)
                if bad.any():  # a real key that happens to look like ours: mark ours apart
                    text[bad] = text[bad] + "X"
                    out[name] = text
        elif name in fitted.guards:
            from generation.synthesis.identifiers import synth_identifiers

            out[name] = synth_identifiers(fitted.guards[name], n, rng)
        else:
            out[name] = pd.Series([None] * n, dtype=object)
    return pd.DataFrame(out, copy=False), dropped
