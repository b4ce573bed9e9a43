"""A worker killed in the middle of a job: its blocks come back to another worker, same bytes.

Real gunicorn and real django-q2 clusters on their own database, with a short task timeout and
retry so that the broker hands the lost (unacknowledged) block tasks out again within seconds.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import PEOPLE_SPEC
from tests.e2e.conftest import LiveStack, start_stack, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

JOB = {"schema": PEOPLE_SPEC, "rows": 120_000, "format": "csv", "seed": 7}


@pytest.fixture(scope="module")
def short_retry_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    stack = start_stack(
        tmp_path_factory.mktemp("retry-stack"),
        {
            "SYNDATA_BLOCK_SIZE": "2000",
            "SYNDATA_TASK_TIMEOUT": "10",
            "SYNDATA_TASK_RETRY": "12",
        },
    )
    try:
        yield stack
    finally:
        for proc in stack.procs:
            stop(proc)


def _locked_tasks(db: Path) -> int:
    """Tasks a cluster took from the broker and has not acknowledged (django-q2 ORM broker)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute("SELECT count(*) FROM django_q_ormq WHERE lock > ?", (now,)).fetchone()[0]
        )


def test_a_killed_workers_blocks_are_retried_and_the_job_gives_the_same_bytes(
    short_retry_stack: LiveStack,
) -> None:
    stack = short_retry_stack
    with stack.client("alice") as c:
        job_id = c.post("/api/generate", json=JOB).json()["id"]
        deadline = time.time() + 60
        job = c.get(f"/api/jobs/{job_id}").json()
        while job["blocks_done"] < 3 and time.time() < deadline:
            time.sleep(0.05)
            job = c.get(f"/api/jobs/{job_id}").json()
        assert job["status"] == "running" and job["blocks_total"] == 60

        cluster = stack.procs[-1]  # the qcluster start_stack started
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait(timeout=10)
        lost = c.get(f"/api/jobs/{job_id}").json()
        assert lost["status"] == "running" and lost["blocks_done"] < 60
        assert _locked_tasks(stack.var_dir / "db.sqlite3") >= 1  # blocks lost with the cluster

        stack.start_workers()
        done = stack.wait_job(job_id, timeout=120)
        assert done["status"] == "succeeded", done["error"]
        assert done["blocks_done"] == 60 and done["rows_done"] == 120_000

        again = stack.wait_job(c.post("/api/generate", json=JOB).json()["id"], timeout=120)
        assert again["artifacts"][0]["sha256"] == done["artifacts"][0]["sha256"]
        body = c.get(f"/api/download/{job_id}")
        assert body.content.count(b"\n") == 120_001
        assert not (stack.var_dir / "media" / "jobs" / job_id / "parts").exists()
