"""Blocks of a model job: a fitted model (loaded from disk, cached per process) + guarantees.

Its plan comes from what the model says of itself (``model_facts``: meta and spec), so a web
request plans a model job without loading the model; the model is loaded for the first block.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from generation import engine
from generation.synthesis.fitted import FittedModel, load_fitted, model_facts, sample_block
from generation.synthesis.models import SynthModel
from generation.synthesis.sampler import make_sampler


class ModelProducer:
    """Makes the blocks of a model job; block i depends only on (job seed, table, i)."""

    def __init__(self, job: Any, *, block_size: int) -> None:
        model = SynthModel.objects.get(id=job.params["model_id"])
        self.directory = model.directory
        meta = model_facts(model.directory).meta
        self.seed = int(job.seed)
        self.conditions = job.params.get("conditions") or []
        self.stats_dir = job.directory / "stats"
        from generation.synthesis.relational import structure

        self.chosen = meta["chosen"]
        # par and argn on sequences, hma and argn on related tables: blocks of one layout.
        self.layout = structure(meta)
        rows = job.params.get("rows")
        self.sequence_spec = None
        self._fitted: FittedModel | None = None
        if meta.get("sequence"):  # spec sequences: the engine makes the blocks
            from generation.synthesis.sequence_fit import sequence_plans

            self.sequence_spec = engine.parse_spec_once(job.spec)
            self._plans = sequence_plans(job.spec, meta, rows, block_size)
        elif self.layout == "sequences":
            self._plans = _sequence_plans(meta, rows, block_size)
        elif self.layout == "tables":
            self._plans = _multi_plans(meta, rows, block_size)
            self._blocks: dict[int, dict[str, pd.DataFrame]] = {}
        else:
            self._plans = engine.plan_tables(
                engine.parse_spec_once(job.spec), rows=rows, block_size=block_size
            )

    @property
    def fitted(self) -> FittedModel:
        """The model (with its sampler and, for related tables, each table's model), loaded
        for the first block: planning never needs it."""
        if self._fitted is None:
            self._fitted = load_fitted(self.directory)
            self.sampler = make_sampler(self._fitted, categorical=True)
            if self.layout == "tables":
                self.tables = {
                    t: load_fitted(self.directory / "tables" / t)
                    for t in self._fitted.meta["order"]
                }
        return self._fitted

    def plans(self) -> dict[str, engine.TablePlan]:
        return self._plans

    def _stats(self, table: str, index: int, rows: int, dropped: Any) -> None:
        # Per-block counts in files, so any worker process can record its own.
        self.stats_dir.mkdir(parents=True, exist_ok=True)
        (self.stats_dir / f"{table}-{index}.json").write_text(
            json.dumps({"rows": rows, "exact_copies_dropped": dropped})
        )

    def make_block(self, table: str, index: int) -> pa.Table:
        fitted = self.fitted  # loaded now, with self.sampler and self.tables
        if self.sequence_spec is not None:
            from generation.synthesis.sequence_fit import sequence_block

            frame, dropped = sequence_block(
                fitted, self.sequence_spec, self._plans[table].block(index), self.seed
            )
            self._stats(table, index, len(frame), dropped)
            return _to_arrow(frame)
        if self.layout == "sequences":
            return self._sequence_block(table, index)
        if self.layout == "tables":
            return self._multi_block(table, index)
        block = self._plans[table].block(index)
        seed = int(engine.block_rng(self.seed, table, index, salt="model").integers(0, 2**62))
        frame, dropped = sample_block(
            fitted,
            self.sampler,
            n=block.rows,
            seed=seed,
            start_row=block.start,
            conditions=self.conditions,
        )
        self._stats(table, index, block.rows, dropped)
        return _to_arrow(frame)

    def _sequence_block(self, table: str, index: int) -> pa.Table:
        """Whole sequences ``entity_lo..entity_hi`` of the job, seeded from (seed, block)."""
        from generation.synthesis.relational import sample_sequence_block

        block = self._plans[table].block(index)
        seed = int(engine.block_rng(self.seed, table, index, salt="par").integers(0, 2**62))
        frame, dropped = sample_sequence_block(
            self.fitted,
            self.sampler,
            sequences=block.entity_hi - block.entity_lo,
            seed=seed,
            first_sequence=block.entity_lo,
        )
        self._stats(table, index, len(frame), dropped)
        return _to_arrow(frame)

    def _multi_block(self, table: str, index: int) -> pa.Table:
        """Block ``index`` of every table is made at once (children belong to the parent rows
        of the same block) and kept for the other tables of the block."""
        from generation.synthesis.relational import sample_multi_block

        meta = self.fitted.meta
        root = meta["order"][0]
        if index not in self._blocks:
            block = self._plans[root].block(index)
            seed = int(engine.block_rng(self.seed, root, index, salt="hma").integers(0, 2**62))
            frames, dropped = sample_multi_block(
                self.tables,
                meta,
                self.sampler,
                parent_rows=block.rows,
                seed=seed,
                block=index,
                start_row=block.start,
            )
            self._stats(root, index, block.rows, sum(dropped.values()))
            if len(self._blocks) >= 2:
                self._blocks.pop(next(iter(self._blocks)))
            self._blocks[index] = frames
        return _to_arrow(self._blocks[index][table])


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A block for the writers: its columns as Arrow, without pandas' schema metadata (a
    model job's files carry the same plain schema as a schema job's)."""
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def _sequence_plans(
    meta: dict[str, Any], sequences: int | None, block_size: int
) -> dict[str, engine.TablePlan]:
    """One table whose blocks hold whole sequences (about block_size rows each); its row
    count is an estimate (sequences x mean real length) until the job is done."""
    n = int(sequences if sequences is not None else meta["sequences_real"])
    mean = max(1.0, float(meta["mean_sequence_length"]))
    per_block = max(1, int(block_size // mean))
    layout = []
    for lo in range(0, n, per_block):
        hi = min(n, lo + per_block)
        layout.append((-1, lo, hi, round(lo * mean), max(1, round((hi - lo) * mean))))
    plan = engine.TablePlan(
        meta["table"],
        round(n * mean),
        block_size,
        layout=np.array(layout, dtype=np.int64).reshape(-1, 5),
    )
    return {meta["table"]: plan}


def _multi_plans(
    meta: dict[str, Any], rows: int | None, block_size: int
) -> dict[str, engine.TablePlan]:
    """The root table in blocks of parent rows (about block_size rows of all tables per
    block); every other table has one block per root block, its rows an estimate."""
    order = meta["order"]
    real = meta["rows_real"]
    root = order[0]
    n = int(rows if rows is not None else real[root])
    per_root = sum(real.values()) / max(1, real[root])
    per_block = max(1, int(block_size // per_root))
    plans = {root: engine.TablePlan(root, n, per_block)}
    blocks = plans[root].blocks()
    for table in order[1:]:
        ratio = real[table] / max(1, real[root])
        layout, start = [], 0
        for b in blocks:
            est = round(b.rows * ratio)
            layout.append((b.index, 0, b.rows, start, est))
            start += est
        plans[table] = engine.TablePlan(
            table, start, block_size, parent=root, layout=np.array(layout, dtype=np.int64)
        )
    return plans


def copies_dropped(job: Any) -> int:
    """Exact copies of real rows dropped over all the blocks of a model job."""
    total = 0
    stats = job.directory / "stats"
    if stats.exists():
        for path in stats.glob("*.json"):
            total += int(json.loads(path.read_text()).get("exact_copies_dropped", 0))
    return total
