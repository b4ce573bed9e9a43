"""Rows of an Arrow table as JSON objects, built column-wise with Arrow string kernels."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["json_lines"]

_CONTROL = r"[\x00-\x1f]"


def _quoted(text: pa.Array) -> pa.Array:
    """JSON string literals of text values (nulls stay null)."""
    esc = pc.replace_substring(text, "\\", "\\\\")
    esc = pc.replace_substring(esc, '"', '\\"')
    ctrl = pc.match_substring_regex(esc, _CONTROL)
    if pc.any(ctrl).as_py():
        # Rare: control characters; escape those values one by one.
        mask = np.asarray(ctrl.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
        values = text.to_pylist()
        fixed = [
            json.dumps(v)[1:-1] if m and v is not None else None
            for v, m in zip(values, mask, strict=True)
        ]
        esc = pc.if_else(pa.array(mask), pa.array(fixed, pa.string()), esc)
    return pc.binary_join_element_wise(pa.scalar('"'), esc, pa.scalar('"'), "")


def _json_values(col: pa.Array) -> pa.Array:
    t = col.type
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_floating(t):
        v = col.to_numpy(zero_copy_only=False)
        bad = ~np.isfinite(np.nan_to_num(v, nan=np.inf)) if len(v) else np.zeros(0, bool)
        text = pc.cast(col, pa.string())
        if bad.any():
            text = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), text)
        return text
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        return pc.cast(col, pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(col, pa.scalar("true"), pa.scalar("false"))
    if pa.types.is_timestamp(t):
        fmt = "%Y-%m-%dT%H:%M:%S" if t.unit == "s" else "%Y-%m-%dT%H:%M:%S"
        text = pc.strftime(col, format=fmt)
        if t.unit != "s":
            # strftime prints fractional seconds for sub-second units: keep them.
            text = pc.cast(col, pa.string())
            text = pc.replace_substring(text, " ", "T")
        return _quoted(text)
    if pa.types.is_date(t) or pa.types.is_time(t):
        return _quoted(pc.cast(col, pa.string()))
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _quoted(col.cast(pa.string()))
    return _quoted(pc.cast(col, pa.string()))


def json_lines(table: pa.Table, sep: bytes) -> bytes:
    """All rows as JSON objects, each followed by ``sep``."""
    if table.num_rows == 0:
        return b""
    pieces: list[pa.Array | pa.Scalar] = []
    for i, name in enumerate(table.column_names):
        key = json.dumps(name)
        prefix = ("{" if i == 0 else ",") + key + ":"
        values = _json_values(table.column(i).combine_chunks())
        pieces.append(pa.scalar(prefix))
        pieces.append(values.fill_null("null"))
    pieces.append(pa.scalar("}" + sep.decode()))
    rows = pc.binary_join_element_wise(*pieces, "")
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    if rows.type == pa.large_string():
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    else:
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)
    off0 = offsets[rows.offset]
    off1 = offsets[rows.offset + len(rows)]
    return rows.buffers()[2].to_pybytes()[off0:off1]
