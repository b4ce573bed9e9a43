"""A fitted model on disk and the guarantees applied to every block it samples.

Folder ``MEDIA_ROOT/models/<id>/``:

- ``meta.json``: synthesizer, table, column order and metadata, category values (for
  conditions), salts;
- ``model.pkl`` (SDV synthesizers) or ``spec.json`` (the native ``spec`` synthesizer);
- ``guard.npz``: salted 64-bit hashes of the real training rows (over the learned columns) and
  of the real values of each identifier column. No real value is stored in clear.

Guarantees of :func:`sample_block`: no output row equals a real row on the learned columns
(copies are dropped, counted and replaced by fresh rows); identifier columns hold synthetic
values of the same kind, none equal to a real one; keys are regenerated.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generation.synthesis.identifiers import IdentifierGuard, code_shape, value_hashes

__all__ = ["FittedModel", "load_fitted", "row_hashes", "sample_block"]

SampleFn = Callable[[int, int, list[tuple[str, Any, int]]], pd.DataFrame]


def _canonical(frame: pd.DataFrame, columns: list[str], meta: dict[str, Any]) -> pd.DataFrame:
    """Values in one representation whatever the dtype they came in (3 == 3.0, NaN == None)."""
    out = {}
    for name in columns:
        col = frame[name]
        sdtype = meta[name]["sdtype"]
        if sdtype == "numerical":
            out[name] = pd.to_numeric(col, errors="coerce").astype(float).round(9)
        elif sdtype == "datetime":
            parsed = col if pd.api.types.is_datetime64_any_dtype(col) else pd.to_datetime(col)
            out[name] = parsed.astype("int64", copy=False).where(parsed.notna(), -1)
        elif "vocab" in meta[name]:
            out[name] = _vocab_codes(col, meta[name]["vocab"])
        else:
            out[name] = labels(col, null="\x00")
    return pd.DataFrame(out)


def _vocab_codes(col: pd.Series, vocab: list[str]) -> np.ndarray:
    """A category's index in the real table's vocabulary: -1 unknown, -2 null (ints hash fast)."""
    index = {label: i for i, label in enumerate(vocab)}
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    lookup = np.array([index.get(_label(u), -1) for u in uniques] + [-2], dtype=np.int64)
    return lookup[codes]


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def labels(col: pd.Series, null: str | None = None) -> pd.Series:
    """Values as text labels (1.0 -> "1"), nulls as ``null``; one conversion per distinct value."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
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
    """Write a fitted model's folder (meta, payload and the guard hashes of the real rows)."""
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
    with (directory / "guard.npz").open("wb") as fh:
        np.savez(fh, **arrays)
    if payload_bytes is not None:
        (directory / "model.pkl").write_bytes(payload_bytes)
    if spec is not None:
        (directory / "spec.json").write_text(json.dumps(spec, indent=1))
    (directory / "meta.json").write_text(json.dumps(meta, indent=1, default=str))


_CACHE: dict[str, tuple[float, FittedModel]] = {}
_CACHE_LOCK = threading.Lock()


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
            frame[name] = parsed.dt.strftime(fmt) if fmt else parsed
        elif rep == "int":
            numeric = pd.to_numeric(col, errors="coerce")
            frame[name] = numeric.round().astype("Int64")
        elif rep == "float":
            frame[name] = pd.to_numeric(col, errors="coerce").astype(float)
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

    def assemble() -> tuple[pd.DataFrame, list[int], int]:
        rows = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
        pieces, deficits = [], []
        plain_mask = np.ones(len(rows), dtype=bool)
        for column, value, count in wanted:
            match = (rows[column] == value).to_numpy() if len(rows) else np.zeros(0, bool)
            plain_mask &= ~match
            pieces.append(rows[match].head(count))
            deficits.append(count - len(pieces[-1]))
        plain_count = n - sum(count for _, _, count in wanted)
        pieces.append(rows[plain_mask].head(plain_count))
        return pd.concat(pieces, ignore_index=True), deficits, plain_count - len(pieces[-1])

    for attempt in range(60):
        frame, deficits, plain_deficit = assemble()
        if sum(deficits) + plain_deficit <= 0:
            break
        grow = 1.0 if attempt == 0 else 1.2 / max(acceptance, 0.02)
        conds = [
            (
                column,
                value,
                min(int(d * grow) + (10 if attempt else 0), 50 * n + 100) if d > 0 else 0,
            )
            for (column, value, _), d in zip(wanted, deficits, strict=True)
        ]
        plain = (
            min(int(plain_deficit * grow) + (10 if attempt else 0), 50 * n + 100)
            if plain_deficit > 0
            else 0
        )
        part = sampler(plain, int(seed * 1000 + attempt) % 2**63, conds)
        part = part.reset_index(drop=True)
        if fitted.row_set.size and meta["learned"] and len(part):
            hashes = row_hashes(part, meta["learned"], meta["columns"], meta["row_salt"])
            pos = np.minimum(np.searchsorted(fitted.row_set, hashes), fitted.row_set.size - 1)
            copies = fitted.row_set[pos] == hashes
            dropped += int(copies.sum())
            acceptance = max(0.0, 1.0 - float(copies.mean()))
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
            out[name] = pd.Series(np.arange(start_row + 1, start_row + n + 1, dtype=np.int64))
        elif entry["sdtype"] == "id":
            guard = fitted.guards[name]
            prefix = "SYN-" if not entry.get("identifier") else "SYN"
            out[name] = pd.Series(
                [f"{prefix}{i:09d}" for i in range(start_row + 1, start_row + n + 1)],
                dtype=object,
            )
            bad = guard.collides(out[name])
            if bad.any():  # a real key that happens to look like ours: mark ours apart
                out[name][bad] = out[name][bad] + "X"
        elif name in fitted.guards:
            from generation.synthesis.identifiers import synth_identifiers

            out[name] = synth_identifiers(fitted.guards[name], n, rng)
        else:
            out[name] = pd.Series([None] * n, dtype=object)
    return pd.DataFrame(out), dropped
