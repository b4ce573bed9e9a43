"""Read the first rows of an artifact file, whatever its format, without loading it whole;
and what a metrics document says of the samples it was computed on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from django.conf import settings


def read_head(path: Path, fmt: str, nrows: int) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, nrows=nrows)
    if fmt == "parquet":
        pf = pq.ParquetFile(path)
        batches = []
        seen = 0
        for batch in pf.iter_batches(batch_size=min(nrows, 65536)):
            batches.append(batch.to_pandas())
            seen += batch.num_rows
            if seen >= nrows:
                break
        return pd.concat(batches, ignore_index=True).head(nrows) if batches else pd.DataFrame()
    if fmt in ("jsonl", "json"):
        lines = []
        with path.open("rb") as fh:
            for raw in fh:
                line = raw.strip().rstrip(b",")
                if line in (b"[", b"]", b""):
                    continue
                lines.append(line)
                if len(lines) >= nrows:
                    break
        if not lines:
            return pd.DataFrame()
        return pd.DataFrame([json.loads(line) for line in lines])
    raise ValueError(f"cannot read format {fmt!r}")


def find_values(path: Path, fmt: str, column: str, wanted: set[str]) -> set[str]:
    """Which of ``wanted`` (as text) occur in one column of an artifact file: the column read
    in chunks, only matches kept, stopping as soon as every wanted value was seen."""
    found: set[str] = set()

    def keep(values: pd.Series) -> bool:
        found.update(set(values.dropna().astype(str)) & wanted)
        return len(found) >= len(wanted)

    if not wanted:
        return found
    if fmt == "csv":
        for chunk in pd.read_csv(path, usecols=[column], chunksize=200_000):
            if keep(chunk[column]):
                break
    elif fmt == "parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=200_000, columns=[column]):
            if keep(batch.to_pandas()[column]):
                break
    else:
        chunk_size = 200_000
        head = read_head(path, fmt, chunk_size)
        # JSON lines have no column access: read in growing heads (rare for relational jobs).
        while len(head) and not keep(head[column]) and len(head) == chunk_size:
            chunk_size *= 4
            head = read_head(path, fmt, chunk_size)
    return found


__all__ = [
    "HOLDOUT_SHARE",
    "evaluation_holdout_index",
    "find_values",
    "read_head",
    "sample_statement",
]


def sample_statement(*, real: bool = False) -> dict[str, Any]:
    """What a document says of its sample: the metrics' cost is bounded by these caps, not
    by the job's rows (SYNDATA_METRICS_SAMPLE_ROWS, SYNDATA_PRIVACY_SAMPLE_ROWS)."""
    cap = settings.SYNDATA_METRICS_SAMPLE_ROWS
    statement: dict[str, Any] = {
        "rows_cap": cap,
        "seed": 0,
        "synthetic": f"the first {cap} rows of each table at most (rows are drawn "
        "independently of their position, so the head is a sample)",
    }
    if real:
        privacy_cap = settings.SYNDATA_PRIVACY_SAMPLE_ROWS
        statement["privacy_rows_cap"] = privacy_cap
        statement["real"] = (
            f"a seeded sample (seed 0) of at most {cap} training rows; the distance to closest "
            f"record of at most {privacy_cap} synthetic and {privacy_cap} held-out rows to "
            f"{privacy_cap * 5} training rows"
        )
    return statement


HOLDOUT_SHARE = 0.1  # as a fit's holdout


def evaluation_holdout_index(
    rows: int, seed: int, *, frame: pd.DataFrame | None = None, key: str | None = None
) -> list[int]:
    """The dataset rows an evaluation job (evaluation/uploads.py) holds out as the attacks'
    control: a seeded 10% (positions). With a sequence ``key`` (and the dataset's ``frame``),
    whole sequences, as a fit holds them out (relational.hold_out_sequences): every row of
    a seeded 10% of the entities, none from 10 entities down.

    A dataset has no fit holdout (another tool made the data); the attacks are sound when
    that tool did not learn from these rows, which a user can arrange with this same rule."""
    if key is not None and frame is not None and key in frame.columns:
        from generation.synthesis.relational import hold_out_sequences

        index, _note = hold_out_sequences(frame.reset_index(drop=True), key, seed=seed)
        return index
    if rows < 20:
        return []
    order = np.random.default_rng(seed).permutation(rows)
    return sorted(int(i) for i in order[: max(1, int(rows * HOLDOUT_SHARE))])
