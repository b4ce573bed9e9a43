"""Deterministic block streams and the generation plan.

Block ``i`` of table ``t`` draws only from Philox streams keyed by (seed, t, i, salt), so any
block can be made alone, by any worker, in any order, and give the same bytes. A root table's
block i holds rows ``[i*B, (i+1)*B)``; a child table's blocks follow its parent's blocks (see
relations.py), so the plan of every table is known without making a single row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["BLOCK_SIZE", "BlockPlan", "PlanContext", "TablePlan", "block_rng", "stable_key"]

BLOCK_SIZE = 100_000


def stable_key(text: str) -> int:
    """A 64-bit key for a name, the same on every machine and Python (unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def block_rng(seed: int, table: str, block: int, *, salt: str = "") -> np.random.Generator:
    """The random stream of one block of one table (and one field, by ``salt``)."""
    entropy = [seed & 0xFFFFFFFFFFFFFFFF, stable_key(table), block]
    if salt:
        entropy.append(stable_key(salt))
    return np.random.Generator(np.random.Philox(np.random.SeedSequence(entropy)))


@dataclass
class PlanContext:
    """What every block of one plan shares: the spec's plans and the seed of the counts.

    ``columns`` makes named columns of one block of a table, ``(spec, compiled, table, block,
    seed, ctx, names) -> {name: Col}`` (:func:`generation.engine.table.parent_columns`): child
    counts and lookups read other tables' rows through it, so the planner and the samplers
    need not import the table builder that calls them.
    """

    plans: dict[str, TablePlan]
    seed: int
    spec: Any = None
    columns: Callable[..., dict[str, Any]] | None = None


@dataclass(frozen=True)
class BlockPlan:
    table: str
    index: int
    start: int  # first global row index of this block
    rows: int
    parent_block: int = -1  # child tables: the parent block whose children these rows are
    entity_lo: int = 0  # child tables: first parent row (within the parent block)
    entity_hi: int = 0  # child tables: one past the last parent row
    context: PlanContext | None = field(default=None, compare=False, repr=False)


class TablePlan:
    """Row count and blocks of one table.

    Root tables: ``TablePlan(name, rows, block_size)``. Child tables carry one entry per block
    (parent block, the parent rows it covers, first global row, rows).
    """

    def __init__(
        self,
        name: str,
        rows: int,
        block_size: int = BLOCK_SIZE,
        *,
        parent: str | None = None,
        layout: np.ndarray | None = None,
        context: PlanContext | None = None,
    ) -> None:
        self.name = name
        self.rows = int(rows)
        self.block_size = int(block_size)
        self.parent = parent
        # layout rows: (parent_block, entity_lo, entity_hi, start, rows)
        self._layout = layout
        self.context = context

    def __repr__(self) -> str:
        return f"TablePlan({self.name!r}, rows={self.rows}, blocks={self.n_blocks})"

    @property
    def n_blocks(self) -> int:
        if self._layout is not None:
            return max(1, len(self._layout))
        return max(1, -(-self.rows // self.block_size))

    def block(self, index: int) -> BlockPlan:
        if not 0 <= index < self.n_blocks:
            raise IndexError(f"block {index} out of range 0..{self.n_blocks - 1}")
        if self._layout is not None:
            if len(self._layout) == 0:
                return BlockPlan(self.name, 0, 0, 0, 0, 0, 0, self.context)
            pb, lo, hi, start, rows = (int(x) for x in self._layout[index])
            return BlockPlan(self.name, index, start, rows, pb, lo, hi, self.context)
        start = index * self.block_size
        rows = max(0, min(self.block_size, self.rows - start))
        return BlockPlan(self.name, index, start, rows, context=self.context)

    def blocks(self) -> list[BlockPlan]:
        return [self.block(i) for i in range(self.n_blocks)]
