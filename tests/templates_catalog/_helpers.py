"""Generate a template's tables in-process, straight through the engine (no job, no files)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from generation import engine
from templates_catalog.registry import template_spec


def frames_for(
    spec_doc: dict[str, Any],
    *,
    seed: int,
    rows: int | None = None,
    tables: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Tables of a spec as DataFrames, made block by block as a worker would.

    ``tables`` limits the output (a child table still sees its parents: the engine
    regenerates the parent columns it needs).
    """
    spec = engine.parse_spec(spec_doc)
    plans = engine.plan_tables(spec, rows=rows, seed=seed)
    wanted = set(tables) if tables is not None else set(plans)
    out: dict[str, pd.DataFrame] = {}
    for name, plan in plans.items():
        if name not in wanted:
            continue
        parts = [engine.generate_block(spec, name, block, seed) for block in plan.blocks()]
        out[name] = pd.concat([p.to_pandas() for p in parts], ignore_index=True)
    return out


def generate(
    template: str,
    params: dict[str, Any] | None = None,
    *,
    seed: int = 7,
    rows: int | None = None,
    tables: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """A template's tables with its knobs set."""
    return frames_for(template_spec(template, params or {}), seed=seed, rows=rows, tables=tables)
