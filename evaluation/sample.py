"""Read the first rows of an artifact file, whatever its format, without loading it whole."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq


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


__all__ = ["read_head"]
