"""The in-block column: numpy values and a null mask, or category codes, or Arrow text.

Kinds: ``num`` (float64 or int64), ``bool``, ``dt`` (datetime64[us]), ``td`` (timedelta64[us]),
``cat`` (int32 codes into ``labels``), ``str`` (an Arrow string array).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Col", "arrow_with_nulls", "merge_subsets", "or_masks"]


@dataclass
class Col:
    kind: str
    values: Any
    mask: np.ndarray | None = None  # True where null
    labels: list[str] | None = None  # for "cat"

    def __len__(self) -> int:
        return len(self.values)

    def take(self, idx: np.ndarray) -> Col:
        mask = None if self.mask is None else self.mask[idx]
        if self.kind == "str":
            return Col("str", self.values.take(pa.array(idx)), mask, None)
        return Col(self.kind, self.values[idx], mask, self.labels)

    def null_mask(self) -> np.ndarray:
        if self.mask is not None:
            return self.mask
        return np.zeros(len(self), dtype=bool)

    def with_mask(self, mask: np.ndarray | None) -> Col:
        if mask is None or not mask.any():
            return self
        return Col(self.kind, self.values, or_masks(self.mask, mask), self.labels)

    def text(self) -> pa.Array:
        """Values as Arrow text (nulls kept)."""
        if self.kind == "str":
            arr = self.values
        elif self.kind == "cat":
            arr = pa.array(self.labels or [], type=pa.string()).take(pa.array(self.values))
        elif self.kind == "bool":
            arr = pa.array(np.where(self.values, "true", "false"), type=pa.string())
        elif self.kind == "dt":
            arr = pc.strftime(
                pa.array(self.values.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%S"
            )
        elif self.kind == "num" and self.values.dtype.kind == "f":
            v = self.values
            ints = np.isfinite(v) & (v == np.round(v)) & (np.abs(v) < 2**53)
            text = pc.cast(pa.array(v), pa.string())
            if ints.any():
                as_int = pc.cast(pa.array(np.where(ints, v, 0).astype(np.int64)), pa.string())
                text = pc.if_else(pa.array(ints), as_int, text)
            arr = text
        else:
            arr = pc.cast(pa.array(self.values), pa.string())
        return arrow_with_nulls(arr, self.mask)


def or_masks(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def arrow_with_nulls(arr: pa.Array, mask: np.ndarray | None) -> pa.Array:
    """Set nulls where ``mask`` is true (keeping existing nulls)."""
    if mask is None or not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)


def merge_subsets(n: int, parts: list[tuple[np.ndarray, Col]]) -> Col:
    """Scatter columns made for subsets of rows (conditional cases) back into one column."""
    if not parts:
        return Col("num", np.zeros(n), np.ones(n, dtype=bool) if n else None)
    kinds = {c.kind for _, c in parts}
    if len(kinds) > 1:
        if kinds <= {"cat", "str"}:
            parts = [(i, Col("str", c.text(), c.mask)) for i, c in parts]
            kinds = {"str"}
        elif kinds <= {"num"}:
            pass
        else:
            raise ValueError(f"cases made different kinds of values: {sorted(kinds)}")
    kind = kinds.pop()
    mask = np.zeros(n, dtype=bool)
    for idx, c in parts:
        if c.mask is not None:
            mask[idx] = c.mask
    any_mask = mask if mask.any() else None
    if kind == "cat":
        labels: list[str] = []
        index: dict[str, int] = {}
        codes = np.zeros(n, dtype=np.int32)
        for idx, c in parts:
            remap = np.empty(len(c.labels or []), dtype=np.int32)
            for j, lab in enumerate(c.labels or []):
                if lab not in index:
                    index[lab] = len(labels)
                    labels.append(lab)
                remap[j] = index[lab]
            codes[idx] = remap[c.values] if len(remap) else 0
        return Col("cat", codes, any_mask, labels)
    if kind == "str":
        order = np.concatenate([idx for idx, _ in parts]) if parts else np.zeros(0, np.int64)
        chunks = [c.values for _, c in parts]
        joined = pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())
        inverse = np.empty(n, dtype=np.int64)
        inverse[order] = np.arange(len(order))
        return Col("str", joined.take(pa.array(inverse)), any_mask)
    dtype = np.result_type(*[c.values.dtype for _, c in parts])
    values = np.zeros(n, dtype=dtype)
    for idx, c in parts:
        values[idx] = c.values
    return Col(kind, values, any_mask)
