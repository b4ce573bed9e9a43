"""Many workers, as on many machines: separate qcluster processes share one job's blocks, and
the bytes are those of one process writing every block in order; killing (-9) a worker, or
restarting web and workers mid-job, loses nothing."""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generation import engine
from generation.producers import SpecProducer
from tests.conftest import PEOPLE_SPEC
from tests.e2e.conftest import REPO, LiveStack, free_port, stop
from tests.production.conftest import (
    REDIS_URL,
    Backends,
    pg_create_database,
    pg_drop_database,
    production_stack,
    redis_purge,
)

pytestmark = pytest.mark.e2e

BLOCK = 2000
ROWS = 50 * BLOCK  # 50 blocks
SEED = 42
# One worker process per cluster, so that "two clusters" really is two places doing blocks.
ENV = {"SYNDATA_BLOCK_SIZE": str(BLOCK), "SYNDATA_WORKERS": "1", "SYNDATA_STALL_SECONDS": "3"}


def embedded_bytes(spec: dict[str, Any], rows: int, seed: int, fmt: str = "csv") -> bytes:
    """The single-process run: one writer fed every block in order, no Django, no queue."""
    producer = SpecProducer(engine.parse_spec(spec), rows=rows, seed=seed, block_size=BLOCK)
    out = io.BytesIO()
    ((name, plan),) = producer.plans().items()
    writer = None
    for block in plan.blocks():
        data = producer.make_block(name, block.index)
        writer = writer or engine.open_writer(fmt, out, data.schema)
        writer.write(data)
    assert writer is not None
    writer.close()
    return out.getvalue()


def start_cluster(stack: LiveStack, log: str) -> subprocess.Popen[bytes]:
    """Another qcluster with its own log, as another machine would run it."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=REPO,
        env=stack.env,
        stdout=(stack.var_dir / log).open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.procs.append(proc)
    return proc


def start_watchdog(stack: LiveStack) -> subprocess.Popen[bytes]:
    """The recovery loop a deployment runs beside its workers (generation/recovery.py)."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "watchdog", "--interval", "1"],
        cwd=REPO,
        env=stack.env,
        stdout=(stack.var_dir / "watchdog.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.procs.append(proc)
    return proc


def wait_running(stack: LiveStack, *logs: str, timeout: float = 90) -> None:
    """Until every named cluster says it is running (its pusher is listening to the broker)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        texts = [(stack.var_dir / log).read_text(errors="replace") for log in logs]
        if all(" running." in text for text in texts):
            return
        time.sleep(0.2)
    raise AssertionError(f"clusters {logs} did not start in {timeout}s")


def blocks_done_by(stack: LiveStack, log: str, job_id: str) -> int:
    text = (stack.var_dir / log).read_text(errors="replace")
    return len(set(re.findall(rf"processing job-{job_id}-people-(\d+) ", text)))


def submit(stack: LiveStack, rows: int = ROWS) -> str:
    with stack.client("alice") as c:
        resp = c.post(
            "/api/generate",
            json={"schema": PEOPLE_SPEC, "rows": rows, "format": "csv", "seed": SEED},
        )
        assert resp.status_code == 202, resp.text
        return str(resp.json()["id"])


def wait_blocks(stack: LiveStack, job_id: str, at_least: int, timeout: float = 60) -> int:
    deadline = time.time() + timeout
    with stack.client("alice") as c:
        while time.time() < deadline:
            job = c.get(f"/api/jobs/{job_id}").json()
            if (
                job["blocks_done"] >= at_least
                or job["status"] != "running"
                and job["status"] != "queued"
            ):
                return int(job["blocks_done"])
            time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not reach {at_least} blocks in {timeout}s")


def downloaded(stack: LiveStack, job_id: str) -> bytes:
    with stack.client("alice") as c:
        resp = c.get(f"/api/download/{job_id}")
        assert resp.status_code == 200, resp.text
        return resp.content


@pytest.fixture(scope="module")
def expected() -> bytes:
    return embedded_bytes(PEOPLE_SPEC, ROWS, SEED)


@dataclass
class TwoMachines:
    stack: LiveStack
    first: subprocess.Popen[bytes]
    second: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def two_machines(tmp_path_factory: pytest.TempPathFactory, services: None) -> Iterator[TwoMachines]:
    """One stack, two qclusters (with their own logs) and the watchdog, shared by the tests
    below in order: first both clusters share a job, then one of them is killed."""
    name, url = pg_create_database()
    backends = Backends(database_url=url, redis_url=REDIS_URL, q_name=f"syndata_test_{name[-12:]}")
    tmp = tmp_path_factory.mktemp("two-machines")
    try:
        with production_stack(tmp, backends, ENV) as stack:
            first = stack.procs[-1]  # the cluster start_stack started
            second = start_cluster(stack, "second-machine.log")
            start_watchdog(stack)
            wait_running(stack, "qcluster.log", "second-machine.log")
            yield TwoMachines(stack, first, second)
    finally:
        redis_purge(backends.q_name)
        pg_drop_database(name)


def test_two_clusters_share_a_50_block_job_and_write_the_embedded_bytes(
    two_machines: TwoMachines, expected: bytes
) -> None:
    stack = two_machines.stack
    job_id = submit(stack)
    job = stack.wait_job(job_id)
    assert job["status"] == "succeeded", job["error"]
    assert job["blocks_total"] == 50
    body = downloaded(stack, job_id)
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert body == expected
    first = blocks_done_by(stack, "qcluster.log", job_id)
    second = blocks_done_by(stack, "second-machine.log", job_id)
    logs = (stack.var_dir / "qcluster.log").read_text()[-2000:]
    assert first > 0 and second > 0, (first, second, logs)  # both clusters made blocks
    assert first + second >= 49  # every block ran (block 0 may be counted once)


def kill9(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole cluster (sentinel, pusher, workers, monitor): nothing gets to clean up."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_kill_9_of_a_worker_mid_job_loses_nothing(
    two_machines: TwoMachines, expected: bytes
) -> None:
    stack, victim, survivor = two_machines.stack, two_machines.first, two_machines.second
    job_id = submit(stack)
    done = wait_blocks(stack, job_id, at_least=5)
    kill9(victim)
    assert done < 50  # it really was mid-job
    job = stack.wait_job(job_id, timeout=150)
    assert job["status"] == "succeeded", job["error"]
    assert job["rows_done"] == ROWS and job["blocks_done"] == 50
    assert downloaded(stack, job_id) == expected
    assert survivor.poll() is None
    assert "recovered 1 jobs" in (stack.var_dir / "watchdog.log").read_text()


def test_restarting_web_and_workers_mid_job_loses_no_job(
    tmp_path: Path, backends: Backends, expected: bytes
) -> None:
    with production_stack(tmp_path, backends, ENV) as stack:
        job_ids = [submit(stack) for _ in range(2)]
        wait_blocks(stack, job_ids[0], at_least=3)
        # Stop everything (as a deploy does: SIGTERM, then SIGKILL after a grace period),
        # the workers first, so that they do not finish the jobs while the web server stops.
        for proc in reversed(stack.procs):
            stop(proc)
        stack.procs.clear()
        # It really was mid-job: with everything stopped, a job is still to finish.
        assert _unfinished(backends.database_url, job_ids) >= 1
        # ...and start it again on the same database, broker and files.
        port = free_port()
        stack.url = f"http://127.0.0.1:{port}"
        start_web(stack, port)
        stack.start_workers()
        start_watchdog(stack)
        for job_id in job_ids:
            job = stack.wait_job(job_id, timeout=150)
            assert job["status"] == "succeeded", job["error"]
            assert downloaded(stack, job_id) == expected


def _unfinished(database_url: str, job_ids: list[str]) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM generation_job WHERE id::text = ANY(%s) "
            "AND status NOT IN ('succeeded', 'failed', 'cancelled')",
            (job_ids,),
        ).fetchone()
    return int(count)


def start_web(stack: LiveStack, port: int) -> None:
    import httpx

    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "syndata_site.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=REPO,
        env=stack.env,
        stdout=(stack.var_dir / "web.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.procs.append(web)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{stack.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("web server did not come back")
