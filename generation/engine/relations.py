"""Parent/child tables: children per parent row, child block layout, parent columns.

Child block layout: the children of parent block j are cut into blocks of whole parent rows
(a parent's children are never split, so a time series stays in one block). The counts of
parent block j come from the stream (seed, child, j, "__counts__"), so the layout, the row
totals and any child block are computable from the counts alone, without making rows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from generation.engine.blocks import BLOCK_SIZE, BlockPlan, PlanContext, TablePlan, block_rng
from generation.engine.columns import Col
from generation.engine.compile import compile_spec
from generation.engine.distributions.marginal import Marginal
from generation.engine.errors import SpecError

__all__ = ["children_counts", "plan_all"]

_COUNTS: OrderedDict[tuple[Any, ...], tuple[Any, Any, np.ndarray]] = OrderedDict()


def children_counts(
    spec_table: Any,
    table: str,
    seed: int,
    parent_block: int,
    n_parents: int,
    ctx: PlanContext | None = None,
) -> np.ndarray:
    """How many children each row of one parent block has (cached)."""
    key = (id(spec_table), table, seed, parent_block, n_parents, id(ctx))
    hit = _COUNTS.get(key)
    # The cache keeps the objects themselves: an id reused by a new spec never matches.
    if hit is not None and hit[0] is spec_table and hit[1] is ctx:
        _COUNTS.move_to_end(key)
        return hit[2]
    cs = spec_table.count_spec()
    if cs.expr is not None:
        counts = _expr_counts(table, seed, parent_block, n_parents, ctx, cs)
    elif cs.dist.kind == "constant":
        counts = np.full(n_parents, int(min(max(cs.dist.value, cs.min), cs.max)), dtype=np.int64)
    else:
        rng = block_rng(seed, table, parent_block, salt="__counts__")
        marg = Marginal(cs.dist, float(cs.min), float(cs.max), integer=True)
        counts = marg.ppf(rng.random(n_parents)).astype(np.int64)
        counts = np.clip(counts, cs.min, cs.max)
    _COUNTS[key] = (spec_table, ctx, counts)
    while len(_COUNTS) > 32:
        _COUNTS.popitem(last=False)
    return counts


def _expr_counts(
    table: str, seed: int, parent_block: int, n_parents: int, ctx: PlanContext | None, cs: Any
) -> np.ndarray:
    """Counts from an expression over the parent block's columns (regenerated, only those)."""
    assert ctx is not None and ctx.spec is not None and ctx.columns is not None
    compiled = compile_spec(ctx.spec)
    ct = compiled.tables[table]
    parent = ctx.spec.tables[table].parent
    pblock = ctx.plans[parent].block(parent_block)
    cols = ctx.columns(ctx.spec, compiled, parent, pblock, seed, ctx, frozenset(ct.count_refs))

    def lookup(name: str) -> Col:
        return cols[name[7:]]

    assert ct.count_expr is not None
    res = ct.count_expr.evaluate(lookup, n_parents)
    if res.kind not in ("num", "bool"):
        raise SpecError.at(f"tables.{table}.per_parent.expr", "must give a number")
    x = np.where(res.null_mask(), 0.0, res.values.astype(float))
    return np.clip(np.rint(x), cs.min, cs.max).astype(np.int64)


def _layout(
    counts: np.ndarray, parent_block: int, start: int, block_size: int
) -> list[tuple[int, int, int, int, int]]:
    if len(counts) == 0 or counts.sum() == 0:
        return [(parent_block, 0, len(counts), start, 0)]
    starts = np.cumsum(counts) - counts
    group = starts // block_size
    out = []
    _, first = np.unique(group, return_index=True)
    bounds = list(first) + [len(counts)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        rows = int(counts[a:b].sum())
        out.append((parent_block, int(a), int(b), start, rows))
        start += rows
    return out


def plan_all(
    compiled: Any,
    spec: Any,
    rows: int | None,
    block_size: int,
    seed: int,
    columns: Callable[..., dict[str, Any]],
) -> dict[str, TablePlan]:
    """Every table's plan; ``columns`` makes a parent block's columns (see PlanContext)."""
    ctx = PlanContext({}, seed, spec, columns)
    for name in compiled.order:
        t = spec.tables[name]
        if t.parent is None:
            n = t.rows if rows is None else int(rows)
            ctx.plans[name] = TablePlan(name, n, block_size, context=ctx)
            continue
        parent_plan = ctx.plans[t.parent]
        layout: list[tuple[int, int, int, int, int]] = []
        start = 0
        for pb in range(parent_plan.n_blocks):
            pblock = parent_plan.block(pb)
            counts = children_counts(t, name, seed, pb, pblock.rows, ctx)
            part = _layout(counts, pb, start, block_size)
            layout.extend(part)
            start = part[-1][3] + part[-1][4]
        ctx.plans[name] = TablePlan(
            name,
            start,
            block_size,
            parent=t.parent,
            layout=np.array(layout, dtype=np.int64).reshape(-1, 5),
            context=ctx,
        )
    return ctx.plans


def child_structure(
    spec: Any, block: BlockPlan, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, BlockPlan]:
    """For a child block: parent row (within the parent block) of each row, the row's index
    among its siblings, the sibling count, and the parent's block plan."""
    ctx = block.context
    assert ctx is not None
    t = spec.tables[block.table]
    parent_plan = ctx.plans[t.parent]
    pblock = parent_plan.block(block.parent_block)
    counts = children_counts(t, block.table, ctx.seed, block.parent_block, pblock.rows, ctx)
    c = counts[block.entity_lo : block.entity_hi]
    parent_index = np.repeat(np.arange(block.entity_lo, block.entity_hi), c)
    first = np.cumsum(c) - c
    index = np.arange(int(c.sum())) - np.repeat(first, c)
    return parent_index, index, np.repeat(c, c), pblock


# What estimate_all plans for real: this many root rows, and at most this many rows of a child
# table are kept as the parents of its own children (whole parents; always at least one).
ESTIMATE_ROOTS = 1000
ESTIMATE_ROWS = 100_000
_ONE_BLOCK = 1 << 62  # block size of the sample: every sampled table is a single block


def estimate_all(
    compiled: Any,
    spec: Any,
    rows: int | None,
    seed: int,
    columns: Callable[..., dict[str, Any]],
) -> dict[str, int]:
    """Expected rows per table from a bounded sample, whatever the row counts asked.

    Root tables give their count. A child's counts are drawn (by the same streams and
    expressions as the real plan) for a sample of its parent's rows only: at most
    ESTIMATE_ROOTS root rows, at most ESTIMATE_ROWS child rows kept as parents further down,
    and scaled up by how many real parent rows each sampled one stands for. The work is
    bounded by those constants (and a parent's largest per_parent count), not by ``rows``.
    """
    ctx = PlanContext({}, seed, spec, columns)
    expected: dict[str, int] = {}
    weight: dict[str, float] = {}  # real rows each sampled row of a table stands for
    for name in compiled.order:
        t = spec.tables[name]
        if t.parent is None:
            n = t.rows if rows is None else int(rows)
            sampled = min(n, ESTIMATE_ROOTS)
            ctx.plans[name] = TablePlan(name, sampled, _ONE_BLOCK, context=ctx)
            expected[name] = n
            weight[name] = n / sampled if sampled else 0.0
            continue
        parent_rows = ctx.plans[t.parent].block(0).rows
        counts = children_counts(t, name, seed, 0, parent_rows, ctx)
        expected[name] = round(float(counts.sum()) * weight[t.parent])
        # Whole parents from the first, as long as their children fit ESTIMATE_ROWS.
        kept_parents = max(1, int(np.searchsorted(np.cumsum(counts), ESTIMATE_ROWS, "right")))
        kept_parents = min(kept_parents, len(counts))
        kept = int(counts[:kept_parents].sum())
        layout = np.array([[0, 0, kept_parents, 0, kept]], dtype=np.int64)
        ctx.plans[name] = TablePlan(
            name, kept, _ONE_BLOCK, parent=t.parent, layout=layout, context=ctx
        )
        weight[name] = expected[name] / kept if kept else 0.0
    return expected


__all__ += ["child_structure", "estimate_all", "BLOCK_SIZE"]
