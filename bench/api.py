"""API benchmark against a server started like `make run` (gunicorn + a django-q2 cluster).

    .venv/bin/python bench/api.py                 # starts its own server on a temp var dir
    .venv/bin/python bench/api.py --quick         # fewer requests (a smoke run)
    .venv/bin/python bench/api.py --time-to-data  # only: submit -> succeeded -> metrics ready
        [--runs 5] [--model-rows 8000] [--schema-rows 1000000 10000000]

Measures, with targets from issue 6:
- p50/p99 latency of GET /api/jobs/{id} with 50 concurrent clients polling their jobs the way
  the SDK's ``wait()`` does (one request every 0.5 s each: 100 requests/s offered; target: p99
  < 50 ms), and the same endpoint and POST /api/generate at saturation (50 clients firing
  back to back, no pause): there, by Little's law, latency is clients / throughput whatever
  the code does, so the saturation runs report the throughput the server sustains;
- time to the first preview rows of a 10M-row job (target < 3 s, whatever the size);
- the server's RSS while streaming a 2 GB download (target < 150 MB per web worker);
- time to data (issue 14), median of ``--runs``: a model job of 8,000 rows from submit to
  ``succeeded`` (target <= 2 s with an idle worker) and from ``succeeded`` to its metrics
  ready (target <= 10 s); schema jobs of growing rows: their last block to ``succeeded``
  (target <= 1 s) and their metrics' time, which must not grow past the sample cap.

The server runs with throttling and the concurrent-jobs limit raised (they would otherwise
answer 429 to a load test, which is their job). The 2 GB file is a stored artifact of a real
job, grown to 2 GB with a sparse tail so that making it costs no minutes of generation: what
is measured is the web process streaming it. Results are printed and written to
bench/results/api.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "api.json"
POLL_INTERVAL_S = 0.5  # the SDK's Job.wait(poll=0.5)
SPEC = {
    "tables": {
        "people": {
            "rows": 1000,
            "fields": {
                "id": {"type": "id"},
                "age": {
                    "type": "int",
                    "dist": {"kind": "normal", "mean": 40, "sd": 12},
                    "min": 18,
                    "max": 90,
                },
                "income": {
                    "type": "float",
                    "dist": {"kind": "lognormal", "mu": 10.5, "sigma": 0.6},
                },
                "segment": {
                    "type": "category",
                    "values": {"retail": 0.6, "premium": 0.3, "private": 0.1},
                },
            },
        }
    }
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Server:
    """`manage.py serve` (gunicorn + qcluster) on a fresh var dir, as `make run` starts it."""

    def __init__(self, port: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="syndata-bench-"))
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "SYNDATA_VAR_DIR": str(self.tmp),
            "SYNDATA_THROTTLE_USER": "100000000/min",
            "SYNDATA_MAX_CONCURRENT_JOBS": "1000000",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self) -> str:
        self.manage("migrate", "--noinput", "-v0")
        token = self.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            "from rest_framework.authtoken.models import Token\n"
            "u = get_user_model().objects.create_user('bench', 'b@example.com', 'bench-pw-123')\n"
            "print(Token.objects.create(user=u).key)\n",
        ).split()[-1]  # the shell may print a banner first
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port)],
            cwd=REPO,
            env=self.env,
            stdout=(self.tmp / "serve.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/api/schema/", timeout=2).status_code == 200:
                    return token
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not start: " + (self.tmp / "serve.log").read_text()[-2000:])

    def web_pids(self) -> list[int]:
        """gunicorn's processes (master and workers): children of serve named gunicorn."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                pgid = os.getpgid(int(entry.name))
            except (OSError, ProcessLookupError):
                continue
            if self.proc and pgid == self.proc.pid and b"gunicorn" in cmd:
                pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: RSS with pages shared between processes split among them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def _clients(
    url: str, token: str, n_clients: int, per_client: int, make: Any
) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=n_clients, max_keepalive_connections=n_clients)
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:

        async def one_client() -> None:
            for _ in range(per_client):
                start = time.perf_counter()
                resp = await make(c)
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1

        await asyncio.gather(*(one_client() for _ in range(n_clients)))
    return latencies, statuses


async def _pollers(
    url: str, token: str, n_clients: int, polls: int, interval: float, make: Any
) -> tuple[list[float], dict[int, int]]:
    """Clients that each send one request every ``interval`` seconds (a fixed-rate schedule,
    as a poller does), starting at random offsets within the first interval."""
    import random

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=n_clients, max_keepalive_connections=n_clients)
    headers = {"Authorization": f"Token {token}"}
    rng = random.Random(0)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:

        async def one_client(offset: float) -> None:
            await asyncio.sleep(offset)
            next_at = time.perf_counter()
            for _ in range(polls):
                start = time.perf_counter()
                resp = await make(c)
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
                next_at += interval
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

        offsets = [rng.uniform(0, interval) for _ in range(n_clients)]
        await asyncio.gather(*(one_client(o) for o in offsets))
    return latencies, statuses


def latency(
    url: str,
    token: str,
    name: str,
    make: Any,
    clients: int,
    per: int,
    interval: float | None = None,
) -> dict[str, Any]:
    """Latency of ``per`` requests from each of ``clients``: back to back (saturation) or, with
    ``interval``, one request per client every ``interval`` seconds."""
    started = time.perf_counter()
    if interval is None:
        values, statuses = asyncio.run(_clients(url, token, clients, per, make))
    else:
        values, statuses = asyncio.run(_pollers(url, token, clients, per, interval, make))
    wall = time.perf_counter() - started
    result = {
        "requests": len(values),
        "concurrent_clients": clients,
        "p50_ms": round(statistics.median(values), 1),
        "p99_ms": round(_percentile(values, 99), 1),
        "max_ms": round(max(values), 1),
        "requests_per_s": round(len(values) / wall, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
    if interval is not None:
        result["poll_interval_s"] = interval
        result["offered_requests_per_s"] = round(clients / interval, 1)
    print(
        f"{name:<22} p50 {result['p50_ms']:>7} ms  p99 {result['p99_ms']:>7} ms  "
        f"{result['requests_per_s']:>7} req/s  {result['statuses']}"
    )
    return result


def first_preview(client: httpx.Client, rows: int) -> dict[str, Any]:
    start = time.perf_counter()
    job = client.post("/api/generate", json={"schema": SPEC, "rows": rows, "seed": 1}).json()
    while True:
        resp = client.get(f"/api/preview/{job['id']}", params={"limit": 10})
        if resp.status_code == 200:
            break
        if resp.status_code != 409 or time.perf_counter() - start > 120:
            raise RuntimeError(f"preview: {resp.status_code} {resp.text[:300]}")
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    status = client.get(f"/api/jobs/{job['id']}").json()
    client.post(f"/api/jobs/{job['id']}/cancel")  # the bench measures the preview, not 10M rows
    print(
        f"first preview of a {rows:,}-row job: {seconds:.2f} s "
        f"({status['blocks_done']}/{status['blocks_total']} blocks done then)"
    )
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "blocks_total": status["blocks_total"],
        "blocks_done_at_preview": status["blocks_done"],
    }


def _wait_status(client: httpx.Client, job_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            if job["status"] != "succeeded":
                raise RuntimeError(f"job {job_id} {job['status']}: {job['error']}")
            return job
        time.sleep(0.02)
    raise RuntimeError(f"job {job_id} not done after {timeout}s")


def _wait_metrics(client: httpx.Client, job_id: str, timeout: float = 600) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        resp = client.get(f"/api/metrics/{job_id}")
        if resp.status_code == 200:
            return
        if resp.status_code != 202:
            raise RuntimeError(f"metrics of {job_id}: {resp.status_code} {resp.text[:300]}")
        time.sleep(0.05)
    raise RuntimeError(f"metrics of {job_id} not ready after {timeout}s")


def _seconds(stamp: str | None) -> float:
    from datetime import datetime

    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()


def _one_job(client: httpx.Client, body: dict[str, Any]) -> dict[str, float]:
    """Submit one job; the wall time to succeeded and from there to its metrics ready."""
    start = time.perf_counter()
    job = client.post("/api/generate", json=body)
    if job.status_code != 202:
        raise RuntimeError(f"generate: {job.status_code} {job.text[:300]}")
    done = _wait_status(client, job.json()["id"])
    succeeded = time.perf_counter()
    _wait_metrics(client, done["id"])
    ready = time.perf_counter()
    return {
        "to_succeeded_s": succeeded - start,
        "to_metrics_after_succeeded_s": ready - succeeded,
        # the server's own clock: started -> finished (the run, without queueing)
        "run_s": _seconds(done["finished_at"]) - _seconds(done["started_at"]),
    }


def _medians(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0] if runs} | {
        "runs": len(runs)
    }


def time_to_data(
    client: httpx.Client, *, runs: int, model_rows: int, schema_rows: list[int]
) -> dict[str, Any]:
    """Submit -> succeeded and succeeded -> metrics ready, median of ``runs``, one job at a
    time (an idle worker). The model is a spec fit on a table made by a schema job here."""
    table = client.post("/api/generate", json={"schema": SPEC, "rows": 2000, "seed": 5}).json()
    _wait_status(client, table["id"])
    csv = client.get(f"/api/download/{table['id']}").content
    dataset = client.post(
        "/api/datasets", files={"file": ("people.csv", csv, "text/csv")}, data={"name": "people"}
    )
    if dataset.status_code != 201:
        raise RuntimeError(f"upload: {dataset.status_code} {dataset.text[:300]}")
    fit = client.post(
        f"/api/datasets/{dataset.json()['id']}/fit",
        json={"synthesizer": "gaussian_copula", "seed": 1},
    )
    if fit.status_code != 202:
        raise RuntimeError(f"fit: {fit.status_code} {fit.text[:300]}")
    model_id = _wait_status(client, fit.json()["id"])["params"]["model_id"]
    body = {"model_id": model_id, "rows": model_rows, "format": "csv"}
    model = _medians([_one_job(client, {**body, "seed": i}) for i in range(runs)])
    print(
        f"model job of {model_rows:,} rows: succeeded {model['to_succeeded_s']:.2f} s, "
        f"metrics ready {model['to_metrics_after_succeeded_s']:.2f} s after"
    )
    schema = {}
    for rows in schema_rows:
        found = _medians(
            [
                _one_job(client, {"schema": SPEC, "rows": rows, "format": "csv", "seed": i})
                for i in range(max(1, runs // 2))
            ]
        )
        schema[str(rows)] = found
        print(
            f"schema job of {rows:,} rows: succeeded {found['to_succeeded_s']:.2f} s "
            f"(run {found['run_s']:.2f} s), metrics ready "
            f"{found['to_metrics_after_succeeded_s']:.2f} s after"
        )
    return {"model_rows": model_rows, "model": model, "schema": schema}


def big_download(server: Server, client: httpx.Client, size: int) -> dict[str, Any]:
    job = client.post("/api/generate", json={"schema": SPEC, "rows": 1000, "seed": 2}).json()
    deadline = time.time() + 120
    while client.get(f"/api/jobs/{job['id']}").json()["status"] != "succeeded":
        if time.time() > deadline:
            raise RuntimeError("the download job did not finish")
        time.sleep(0.2)
    # Grow the stored artifact to `size` bytes with a sparse tail (see the module docstring).
    script = (
        "from generation.models import Artifact\n"
        f"a = Artifact.objects.get(job_id='{job['id']}')\n"
        f"open(a.absolute_path, 'r+b').truncate({size})\n"
        f"Artifact.objects.filter(id=a.id).update(size={size})\n"
    )
    server.manage("shell", "-c", script)
    pids = server.web_pids()
    before = {pid: rss_mb(pid) for pid in pids}
    peak = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_mb(pid))
            time.sleep(0.05)

    pss = {pid: pss_mb(pid) for pid in pids}
    sampler = threading.Thread(target=sample)
    sampler.start()
    received = 0
    start = time.perf_counter()
    with client.stream("GET", f"/api/download/{job['id']}") as resp:
        assert resp.status_code == 200, resp.status_code
        length = int(resp.headers["content-length"])
        for chunk in resp.iter_raw(1 << 20):
            received += len(chunk)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    worst = max(peak.values())
    growth = max(peak[pid] - before[pid] for pid in pids)
    print(
        f"download of {received / 1e9:.2f} GB in {seconds:.1f} s: web process RSS peak "
        f"{worst:.0f} MB (grew by at most {growth:.1f} MB while streaming)"
    )
    return {
        "bytes": received,
        "content_length": length,
        "seconds": round(seconds, 2),
        "rss_peak_mb_per_web_process": round(worst, 1),
        "rss_growth_mb_while_streaming": round(growth, 1),
        "rss_before_mb": {str(k): round(v, 1) for k, v in before.items()},
        "pss_before_mb": {str(k): round(v, 1) for k, v in pss.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and a 200 MB file")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--time-to-data", action="store_true", help="only the time-to-data measurement"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model-rows", type=int, default=8000)
    parser.add_argument("--schema-rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    if args.time_to_data:
        server = Server(args.port)
        token = server.start()
        try:
            with httpx.Client(
                base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=120
            ) as client:
                found = time_to_data(
                    client, runs=args.runs, model_rows=args.model_rows, schema_rows=args.schema_rows
                )
        finally:
            server.stop()
        out = RESULTS.with_name("time_to_data.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps({"load_average_at_end": list(os.getloadavg()), **found}, indent=2) + "\n"
        )
        print(f"wrote {out.relative_to(REPO)}")
        return
    per = 10 if args.quick else 40
    size = 200 * 1024**2 if args.quick else 2 * 1024**3

    server = Server(args.port)
    token = server.start()
    try:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=120
        ) as client:
            job = client.post("/api/generate", json={"schema": SPEC, "rows": 100, "seed": 1})
            job_id = job.json()["id"]
            alone = latency(
                server.url,
                token,
                "GET /api/jobs/{id} x1",
                lambda c: c.get(f"/api/jobs/{job_id}"),
                1,
                per * 5,
            )
            # 50 clients each waiting for a job like the SDK's wait(): a poll every 0.5 s.
            jobs = [
                client.post("/api/generate", json={"schema": SPEC, "rows": 100, "seed": i}).json()[
                    "id"
                ]
                for i in range(50)
            ]
            polled = iter(jobs * per)
            status = latency(
                server.url,
                token,
                "GET /api/jobs/{id} poll",
                lambda c: c.get(f"/api/jobs/{next(polled)}"),
                50,
                per,
                interval=POLL_INTERVAL_S,
            )
            saturated = latency(
                server.url,
                token,
                "GET /api/jobs/{id} sat.",
                lambda c: c.get(f"/api/jobs/{job_id}"),
                50,
                per,
            )
            # With idle workers: the broker is first-in first-out, so behind a backlog of
            # queued jobs a new job's block 0 waits its turn (measured last, below).
            preview = first_preview(client, 10_000_000)
            download = big_download(server, client, size)
            body = {"schema": SPEC, "rows": 100, "seed": 3}
            generate = latency(
                server.url,
                token,
                "POST /api/generate",
                lambda c: c.post("/api/generate", json=body),
                50,
                max(2, per // 4),
            )
    finally:
        server.stop()

    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "server": "manage.py serve: gunicorn 2 workers x 4 threads + qcluster (2 workers), "
        "SQLite + ORM broker",
        "load_average_at_end": list(os.getloadavg()),
        "quick": args.quick,
        "job_status_one_client": alone,
        "job_status": status,
        "job_status_saturated": saturated,
        "generate_saturated": generate,
        "first_preview": preview,
        "download": download,
        "targets": {
            "job_status_p99_ms": {
                "target": 50,
                "met": status["p99_ms"] < 50,
                "measured": "50 clients polling every 0.5 s (the SDK's wait())",
            },
            "first_preview_s": {"target": 3, "met": preview["seconds"] < 3},
            "download_rss_mb": {
                "target": 150,
                "met": download["rss_peak_mb_per_web_process"] < 150,
            },
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
