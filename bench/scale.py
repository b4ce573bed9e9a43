"""Throughput with 1 and 2 qcluster processes on PostgreSQL + Redis, and a projection.

    python bench/scale.py            # ~1-2 minutes; writes bench/results/scale.json

Each cluster runs one worker process (as one machine with one core would). The same job
(BLOCKS blocks of BLOCK rows) runs once with one cluster and once with two; the figure is rows
per second from submission to "succeeded" (split, blocks, join, metrics). The per-block cost
measured with one worker projects a 16-worker deployment, assuming the linear scaling the
two-cluster run shows (the shared services are far from saturated at that size).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")
import django  # noqa: E402

django.setup()  # the helpers below import models (they are shared with tests/production)

from tests.conftest import PEOPLE_SPEC  # noqa: E402
from tests.e2e.conftest import stop  # noqa: E402
from tests.production.conftest import (  # noqa: E402
    REDIS_URL,
    Backends,
    pg_create_database,
    pg_drop_database,
    production_stack,
    redis_purge,
)
from tests.production.test_workers import start_cluster, wait_running  # noqa: E402

BLOCK = 300_000
BLOCKS = 16
ROWS = BLOCK * BLOCKS


def run(clusters: int) -> dict[str, float]:
    name, url = pg_create_database()
    backends = Backends(database_url=url, redis_url=REDIS_URL, q_name=f"bench_{name}")
    env = {"SYNDATA_BLOCK_SIZE": str(BLOCK), "SYNDATA_WORKERS": "1"}
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            production_stack(Path(tmp), backends, env) as stack,
        ):
            logs = ["qcluster.log"]
            for i in range(1, clusters):
                start_cluster(stack, f"cluster-{i}.log")
                logs.append(f"cluster-{i}.log")
            wait_running(stack, *logs)
            with stack.client("alice") as c:
                started = time.perf_counter()
                job_id = c.post(
                    "/api/generate",
                    json={"schema": PEOPLE_SPEC, "rows": ROWS, "format": "csv", "seed": 1},
                ).json()["id"]
                blocks_at = None  # when the last block landed (then the join runs alone)
                while True:
                    job = c.get(f"/api/jobs/{job_id}").json()
                    now = time.perf_counter()
                    if blocks_at is None and job["blocks_done"] >= BLOCKS:
                        blocks_at = now
                    if job["status"] in ("succeeded", "failed", "cancelled"):
                        break
                    if now - started > 600:
                        raise RuntimeError(f"job {job_id} did not finish")
                    time.sleep(0.05)
                elapsed = now - started
                blocks_s = (blocks_at or now) - started
            assert job["status"] == "succeeded", job["error"]
            for proc in stack.procs:
                stop(proc)
    finally:
        redis_purge(backends.q_name)
        pg_drop_database(name)
    return {
        "clusters": clusters,
        "seconds": elapsed,
        "rows_per_s": ROWS / elapsed,
        "blocks_seconds": blocks_s,
        "blocks_rows_per_s": ROWS / blocks_s,
    }


def main() -> None:
    one = run(1)
    two = run(2)
    speedup = two["rows_per_s"] / one["rows_per_s"]
    block_speedup = two["blocks_rows_per_s"] / one["blocks_rows_per_s"]
    per_block_s = one["blocks_seconds"] / BLOCKS  # one worker making every block
    projected = 16 * BLOCK / per_block_s * 3600
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "job": {"rows": ROWS, "blocks": BLOCKS, "block_rows": BLOCK, "format": "csv"},
        "one_cluster": one,
        "two_clusters": two,
        "speedup": speedup,
        "speedup_block_phase": block_speedup,
        "target_speedup": 1.7,
        "per_block_seconds_one_worker": per_block_s,
        "projected_rows_per_hour_16_workers": projected,
        "note": "shared 2-core machine; other processes may be running",
    }
    for r in (one, two):
        print(
            f"{r['clusters']} cluster(s): {r['rows_per_s']:>10,.0f} rows/s end to end "
            f"({r['seconds']:.1f} s), {r['blocks_rows_per_s']:>10,.0f} rows/s making blocks "
            f"({r['blocks_seconds']:.1f} s)"
        )
    print(
        f"speedup   : {speedup:.2f}x end to end, {block_speedup:.2f}x while making blocks "
        "(target >= 1.7x; the join of the parts runs on one worker)"
    )
    print(f"per block : {per_block_s * 1000:.0f} ms for {BLOCK:,} rows on one worker")
    print(f"projection: {projected:,.0f} rows/hour with 16 workers")
    out = REPO / "bench" / "results" / "scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
