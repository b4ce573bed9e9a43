"""Blocks of a model job: a fitted model (loaded from disk, cached per process) + guarantees."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from generation import engine
from generation.synthesis.fitted import load_fitted, sample_block
from generation.synthesis.models import SynthModel


class ModelProducer:
    """Makes the blocks of a model job; block i depends only on (job seed, table, i)."""

    def __init__(self, job: Any, *, block_size: int) -> None:
        model = SynthModel.objects.get(id=job.params["model_id"])
        self.fitted = load_fitted(model.directory)
        from generation.synthesis.services import make_sampler

        self.sampler = make_sampler(self.fitted, categorical=True)
        self.seed = int(job.seed)
        self.conditions = job.params.get("conditions") or []
        self.stats_dir = job.directory / "stats"
        self._plans = engine.plan_tables(
            engine.parse_spec(job.spec), rows=job.params.get("rows"), block_size=block_size
        )

    def plans(self) -> dict[str, engine.TablePlan]:
        return self._plans

    def make_block(self, table: str, index: int) -> pa.Table:
        block = self._plans[table].block(index)
        seed = int(engine.block_rng(self.seed, table, index, salt="model").integers(0, 2**62))
        frame, dropped = sample_block(
            self.fitted,
            self.sampler,
            n=block.rows,
            seed=seed,
            start_row=block.start,
            conditions=self.conditions,
        )
        # Per-block counts in files, so any worker process can record its own.
        self.stats_dir.mkdir(parents=True, exist_ok=True)
        (self.stats_dir / f"{table}-{index}.json").write_text(
            json.dumps({"rows": block.rows, "exact_copies_dropped": dropped})
        )
        return pa.Table.from_pandas(frame, preserve_index=False)


def copies_dropped(job: Any) -> int:
    """Exact copies of real rows dropped over all the blocks of a model job."""
    total = 0
    stats = job.directory / "stats"
    if stats.exists():
        for path in stats.glob("*.json"):
            total += int(json.loads(path.read_text()).get("exact_copies_dropped", 0))
    return total
