"""Faults in production mode, each a test: the broker down at submit, the database dropping
connections, the disk filling up. Real gunicorn + qcluster on PostgreSQL + Redis."""

from __future__ import annotations

import contextlib
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PEOPLE_SPEC
from tests.production.conftest import Backends, production_stack

pytestmark = pytest.mark.e2e


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the socket goes


def _jobs_in_database(stack: object) -> int:
    out = stack.manage(  # type: ignore[attr-defined]
        "shell",
        "--no-imports",
        "-c",
        "from generation.models import Job; print(Job.objects.count())",
    ).stdout
    return int(out.strip().splitlines()[-1])


def test_redis_down_at_submit_is_a_503_and_nothing_is_saved(
    tmp_path: Path, backends: Backends
) -> None:
    backends.redis_url = f"redis://127.0.0.1:{_closed_port()}/0"
    with production_stack(tmp_path, backends) as stack, stack.client("alice") as c:
        resp = c.post("/api/generate", json={"schema": PEOPLE_SPEC, "rows": 100, "format": "csv"})
        assert resp.status_code == 503, resp.text
        error = resp.json()["error"]
        assert error["code"] == "broker_unavailable"
        assert "task queue is unavailable" in error["message"]
        assert "try again" in error["message"]
        # Nothing half-written: no job row, nothing listed, no files.
        assert _jobs_in_database(stack) == 0
        listed = c.get("/api/jobs").json()
        assert (listed["results"] if isinstance(listed, dict) else listed) == []
        assert not (tmp_path / "media" / "jobs").exists() or not any(
            (tmp_path / "media" / "jobs").iterdir()
        )
        # Reads still work while the broker is down; the health check says what is down.
        assert c.get("/api/templates").status_code == 200
        health = c.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {
            "status": "down",
            "database": "ok",
            "broker": "down",
            "storage": "ok",
            "reasons": ["broker: the task broker does not answer a ping"],
        }


def test_redis_down_at_fit_submit_is_a_503_and_nothing_is_saved(
    tmp_path: Path, backends: Backends
) -> None:
    """POST /api/datasets/{id}/fit as /api/generate: no job or model row left queued forever."""
    backends.redis_url = f"redis://127.0.0.1:{_closed_port()}/0"
    table = b"age,income,segment\n" + b"".join(
        f"{20 + i % 50},{1000 + 37 * i},{'abc'[i % 3]}\n".encode() for i in range(200)
    )
    with production_stack(tmp_path, backends) as stack, stack.client("alice") as c:
        resp = c.post("/api/datasets", files={"file": ("people.csv", table, "text/csv")})
        assert resp.status_code == 201, resp.text  # uploads need no broker
        dataset_id = resp.json()["id"]
        resp = c.post(f"/api/datasets/{dataset_id}/fit", json={"synthesizer": "spec"})
        assert resp.status_code == 503, resp.text
        error = resp.json()["error"]
        assert error["code"] == "broker_unavailable"
        assert "task queue is unavailable" in error["message"]
        assert "try again" in error["message"]
        assert _jobs_in_database(stack) == 0
        assert c.get("/api/jobs").json() == []
        assert c.get("/api/models").json() == []
        assert c.get(f"/api/datasets/{dataset_id}").status_code == 200


@contextlib.contextmanager
def _tiny_disk(path: Path, size: str) -> Iterator[None]:
    """A real filesystem of ``size`` at ``path`` (tmpfs; the tests run as root)."""
    path.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a small tmpfs to fill (needs root): {mounted.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_fails_the_job_clearly_and_leaves_nothing_to_download(
    tmp_path: Path, backends: Backends
) -> None:
    media = tmp_path / "disk"
    with _tiny_disk(media, "1m"):
        # No free-space floor: this test is of the write that hits ENOSPC itself (the floor
        # would refuse the job at submit, 507: tests/generation/test_disk_faults.py).
        env = {"SYNDATA_BLOCK_SIZE": "5000", "SYNDATA_MIN_FREE_BYTES": "0"}
        with (
            production_stack(tmp_path, backends, env, media=media) as stack,
            stack.client("alice") as c,
        ):
            resp = c.post(
                "/api/generate",
                json={"schema": PEOPLE_SPEC, "rows": 100_000, "format": "csv", "seed": 5},
            )
            assert resp.status_code == 202, resp.text
            job = stack.wait_job(resp.json()["id"])
            assert job["status"] == "failed"
            assert "No space left on device" in job["error"], job["error"]
            assert job["artifacts"] == []
            download = c.get(f"/api/download/{job['id']}")
            assert download.status_code == 409
            assert download.json()["error"]["code"] == "not_ready"
            # The partial files are gone, so the disk is usable again: a small job succeeds.
            assert not (media / "jobs" / job["id"]).exists()
            small = stack.wait_job(
                c.post(
                    "/api/generate", json={"schema": PEOPLE_SPEC, "rows": 500, "format": "csv"}
                ).json()["id"]
            )
            assert small["status"] == "succeeded", small["error"]
            assert c.get(f"/api/download/{small['id']}").status_code == 200
