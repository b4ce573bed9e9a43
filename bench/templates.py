"""Rows per second of each built-in template at >= 1M rows (a benchmark, not a test).

    python bench/templates.py            # all templates, writes bench/results/templates.json
    python bench/templates.py retail_journeys --scale 0.1

Each template is made with knobs that give at least a million rows in all, every block of
every table through the engine in this one process (what one worker does), plus the time to
encode the blocks as Parquet in memory. Parent columns that child blocks need are regenerated
by the engine, and that cost is included, as it is in a real job.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")

import pyarrow.parquet as pq  # noqa: E402

from generation import engine  # noqa: E402
from templates_catalog.registry import template_spec  # noqa: E402

# Knobs that give about 1.2-2M rows per template (scaled by --scale).
BIG: dict[str, dict[str, Any]] = {
    "healthcare_ehr": {"patients": 60_000},
    "finance_transactions": {"customers": 20_000},
    "robotics_sensors": {"robots": 10, "duration_s": 1_000},
    "retail_journeys": {"customers": 80_000, "products": 1_000},
}
SCALED = {
    "healthcare_ehr": ["patients"],
    "finance_transactions": ["customers"],
    "robotics_sensors": ["duration_s"],
    "retail_journeys": ["customers", "products"],
}


def bench(name: str, params: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    spec = engine.parse_spec(template_spec(name, params))
    plans = engine.plan_tables(spec, seed=seed)
    tables: dict[str, Any] = {}
    total_rows = 0
    started = time.perf_counter()
    for tname, plan in plans.items():
        t0 = time.perf_counter()
        sink = io.BytesIO()
        writer = None
        for block in plan.blocks():
            data = engine.generate_block(spec, tname, block, seed)
            if writer is None:
                writer = pq.ParquetWriter(sink, data.schema)
            writer.write_table(data)
        if writer is not None:
            writer.close()
        seconds = time.perf_counter() - t0
        tables[tname] = {
            "rows": plan.rows,
            "columns": len(data.schema) if plan.rows else 0,
            "seconds": round(seconds, 3),
            "rows_per_s": round(plan.rows / seconds) if seconds else None,
            "parquet_mb": round(sink.tell() / 1e6, 2),
        }
        total_rows += plan.rows
    seconds = time.perf_counter() - started
    return {
        "params": params,
        "rows": total_rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(total_rows / seconds),
        "tables": tables,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("templates", nargs="*", default=list(BIG))
    parser.add_argument("--scale", type=float, default=1.0, help="Scale the size knobs.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "templates.json")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for name in args.templates:
        params = dict(BIG[name])
        for key in SCALED[name]:
            params[key] = type(params[key])(params[key] * args.scale)
        try:
            results[name] = bench(name, params)
        except Exception as exc:  # report what works, say what does not
            results[name] = {"params": params, "error": f"{type(exc).__name__}: {exc}"}
        line = results[name]
        print(
            f"{name:22s} {line.get('rows', 0):>10,} rows  {line.get('seconds', 0):>8}s  "
            f"{line.get('rows_per_s', 0):>10,} rows/s  {line.get('error', '')}",
            flush=True,
        )
    doc = {
        "benchmark": "templates: engine rows/s per template, all tables, Parquet in memory",
        "engine_version": engine.ENGINE_VERSION,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "note": "one process; a job splits blocks over several workers",
        "results": results,
    }
    if args.scale >= 1.0:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
