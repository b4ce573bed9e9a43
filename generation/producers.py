"""What makes the blocks of a job's tables: the engine for spec/template jobs, a fitted model
for model jobs. Services run any producer the same way (plan, blocks, writers, artifacts).
"""

from __future__ import annotations

from typing import Any, Protocol

import pyarrow as pa

from generation import engine


class Producer(Protocol):
    """Makes the blocks of a job's tables, deterministically by (table, block index)."""

    def plans(self) -> dict[str, engine.TablePlan]:
        """Tables in the order they must be made (parents before children)."""
        ...

    def make_block(self, table: str, index: int) -> pa.Table:
        """The rows of one block; depends only on the job's inputs, table and index."""
        ...


class SpecProducer:
    """Blocks from a spec through the engine."""

    def __init__(
        self, spec: engine.Spec, *, rows: int | None, seed: int, block_size: int = engine.BLOCK_SIZE
    ) -> None:
        self.spec = spec
        self.seed = seed
        self._plans = engine.plan_tables(spec, rows=rows, block_size=block_size, seed=seed)

    def plans(self) -> dict[str, engine.TablePlan]:
        return self._plans

    def make_block(self, table: str, index: int) -> pa.Table:
        return engine.generate_block(self.spec, table, self._plans[table].block(index), self.seed)


def block_size_of(job: Any) -> int:
    """Rows per block of a job, recorded when it was submitted (the blocks decide the bytes)."""
    return int((job.params or {}).get("block_size") or engine.BLOCK_SIZE)


def producer_for(job: Any) -> Producer:
    """The producer of a job, chosen by its kind."""
    if job.kind in ("schema", "template"):
        return SpecProducer(
            engine.parse_spec_once(job.spec),  # once per process: every task of the job asks
            rows=job.params.get("rows"),
            seed=job.seed,
            block_size=block_size_of(job),
        )
    if job.kind == "model":
        from generation.synthesis.model_producer import ModelProducer

        return ModelProducer(job, block_size=block_size_of(job))
    raise ValueError(f"no producer for {job.kind} jobs")
