"""Through every layer with real processes: HTTP -> gunicorn -> job row -> qcluster -> file."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import PEOPLE_SPEC
from tests.e2e.conftest import REPO, LiveStack, free_port, start_stack, stop

pytestmark = pytest.mark.e2e


def test_token_to_downloaded_file_and_metrics(live_stack: LiveStack) -> None:
    with live_stack.client("alice") as c:
        resp = c.post(
            "/api/generate", json={"schema": PEOPLE_SPEC, "rows": 5000, "format": "csv", "seed": 7}
        )
        assert resp.status_code == 202, resp.text
        job = live_stack.wait_job(resp.json()["id"])
        assert job["status"] == "succeeded", job["error"]
        assert job["rows_done"] == job["rows_total"] == 5000

        preview = c.get(f"/api/preview/{job['id']}", params={"limit": 3}).json()
        assert len(preview["rows"]) == 3

        download = c.get(f"/api/download/{job['id']}")
        assert download.status_code == 200
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert len(rows) == 5000
        assert rows[0]["id"] == "1"
        assert hashlib.sha256(download.content).hexdigest() == job["artifacts"][0]["sha256"]

        metrics = live_stack.wait_metrics(job["id"])  # they follow the data on their own
        assert metrics["tables"]["people"]["columns"]["income"]["ks"] < 0.05

        # The same schema, rows and seed give the same bytes from another job.
        again = live_stack.wait_job(
            c.post(
                "/api/generate",
                json={"schema": PEOPLE_SPEC, "rows": 5000, "format": "csv", "seed": 7},
            ).json()["id"]
        )
        assert again["artifacts"][0]["sha256"] == job["artifacts"][0]["sha256"]

    with live_stack.client("bob") as bob:
        assert bob.get(f"/api/jobs/{job['id']}").status_code == 404
        assert bob.get(f"/api/download/{job['id']}").status_code == 404
    with live_stack.client(None) as anon:
        assert anon.get(f"/api/jobs/{job['id']}").status_code == 401


def test_the_dashboard_and_docs_are_served(live_stack: LiveStack) -> None:
    with live_stack.client(None) as c:
        index = c.get("/")
        assert index.status_code == 200 and '<div id="app">' in index.text
        docs = c.get("/api/docs/")
        assert docs.status_code == 200
        asset = c.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
        assert asset.status_code == 200


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _niceness(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[16])


def test_serve_runs_web_and_workers_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    """`make run`'s last step: gunicorn and a qcluster together; the workers yield the CPU
    to the web server; one Ctrl-C stops everything within seconds."""
    stack = start_stack(tmp_path)  # migrated, with users and tokens; its own processes
    for proc in stack.procs:
        stop(proc)
    stack.procs.clear()
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=REPO,
        env=stack.env,
        stdout=(tmp_path / "serve.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    stack.url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{stack.url}/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.3)
        with stack.client("alice") as c:
            body = {"schema": PEOPLE_SPEC, "rows": 100, "seed": 1}
            job = stack.wait_job(c.post("/api/generate", json=body).json()["id"], timeout=120)
        assert job["status"] == "succeeded", job["error"]  # the workers run
        # gunicorn, and a qcluster per lane (the default one and the heavy one for fits)
        web, *clusters = sorted(_children(serve.pid), key=lambda pid: _niceness(pid))
        assert _niceness(web) == 0 and [_niceness(pid) for pid in clusters] == [10, 10]
        started = time.time()
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=30)
        assert time.time() - started < 10
        assert not any(Path(f"/proc/{pid}").exists() for pid in (web, *clusters))
    finally:
        stop(serve)
