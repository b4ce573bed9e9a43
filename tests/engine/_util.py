"""Helpers for engine tests: make whole tables from a spec document."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from generation import engine


def make(
    doc: dict[str, Any], *, rows: int | None = None, seed: int = 1, block_size: int = 50_000
) -> dict[str, pd.DataFrame]:
    """Every table of a spec as a DataFrame (blocks made in order)."""
    return {
        name: t.to_pandas()
        for name, t in make_arrow(doc, rows=rows, seed=seed, block_size=block_size).items()
    }


def make_arrow(
    doc: dict[str, Any], *, rows: int | None = None, seed: int = 1, block_size: int = 50_000
) -> dict[str, pa.Table]:
    spec = engine.parse_spec(doc)
    plans = engine.plan_tables(spec, rows=rows, block_size=block_size, seed=seed)
    out = {}
    for name, plan in plans.items():
        blocks = [engine.generate_block(spec, name, b, seed) for b in plan.blocks()]
        out[name] = pa.concat_tables(blocks)
        assert out[name].num_rows == plan.rows
    return out


def one(fields: dict[str, Any], rows: int = 50_000, seed: int = 1, **table: Any) -> pd.DataFrame:
    """A one-table spec with these fields, made."""
    return make({"tables": {"t": {"rows": rows, "fields": fields, **table}}}, seed=seed)["t"]
