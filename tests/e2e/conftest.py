"""A real stack for end-to-end tests: gunicorn + a django-q2 cluster on a fresh database.

The processes run with their own var/ directory (SQLite, media) in a temp folder, exactly as
`make run` would start them, and are stopped at the end of the session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveStack:
    url: str
    var_dir: Path
    env: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def client(self, user: str | None = "alice") -> httpx.Client:
        headers = {"Authorization": f"Token {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
        )

    @property
    def heavy_cluster(self) -> str:
        """The cluster fits and PAR/HMA samples run on (syndata_site.settings)."""
        return f"{self.env.get('SYNDATA_Q_NAME', 'syndata')}-heavy"

    def start_workers(self, heavy: bool = False) -> subprocess.Popen[bytes]:
        """The default cluster, or (``heavy``) the one for fits, as manage.py serve starts."""
        # In the environment: django-q2 reads it before `qcluster --name` could set it.
        env = {**self.env, "Q_CLUSTER_NAME": self.heavy_cluster} if heavy else self.env
        log = "qcluster-heavy.log" if heavy else "qcluster.log"
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=REPO,
            env=env,
            stdout=(self.var_dir / log).open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def wait_job(self, job_id: str, user: str = "alice", timeout: float = 180) -> dict:
        deadline = time.time() + timeout
        with self.client(user) as c:
            while time.time() < deadline:
                job = c.get(f"/api/jobs/{job_id}").json()
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    return job
                time.sleep(0.3)
        log = (self.var_dir / "qcluster.log").read_text()[-4000:]
        heavy = self.var_dir / "qcluster-heavy.log"
        if heavy.exists():
            log += "\nheavy cluster:\n" + heavy.read_text()[-3000:]
        raise AssertionError(f"job {job_id} did not finish in {timeout}s; qcluster log:\n{log}")

    def wait_metrics(self, job_id: str, user: str = "alice", timeout: float = 180) -> dict:
        """The metrics document: they follow the data (202 with Retry-After until ready)."""
        deadline = time.time() + timeout
        with self.client(user) as c:
            while time.time() < deadline:
                resp = c.get(f"/api/metrics/{job_id}")
                if resp.status_code != 202:
                    assert resp.status_code == 200, resp.text
                    return resp.json()
                assert resp.headers["Retry-After"] and resp.json()["status"] in (
                    "pending",
                    "running",
                )
                time.sleep(0.3)
        log = (self.var_dir / "qcluster.log").read_text()[-4000:]
        raise AssertionError(f"metrics of {job_id} not ready in {timeout}s; qcluster log:\n{log}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the leader, as a supervisor sends it, then SIGKILL to whatever is left.

    Only the leader: a qcluster stops its own processes in order within a second or two,
    but SIGTERM to its whole process group at once leaves its sentinel waiting for children
    that are already gone, until the grace period ends.
    """
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def start_stack(tmp: Path, extra_env: dict[str, str] | None = None) -> LiveStack:
    port = free_port()
    env = {
        **os.environ,
        "SYNDATA_VAR_DIR": str(tmp),
        "SYNDATA_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the test process's (browser.py), not the server's
    stack = LiveStack(url=f"http://127.0.0.1:{port}", var_dir=tmp, env=env)
    stack.manage("migrate", "--noinput", "-v0")
    script = (
        "from django.contrib.auth import get_user_model\n"
        "from rest_framework.authtoken.models import Token\n"
        "U = get_user_model()\n"
        "for name in ('alice', 'bob'):\n"
        "    u = U.objects.create_user(name, f'{name}@example.com', f'{name}-password-1')\n"
        "    print(name, Token.objects.create(user=u).key)\n"
    )
    out = stack.manage("shell", "-c", script).stdout
    for line in out.strip().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("alice", "bob"):
            stack.tokens[parts[0]] = parts[1]
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
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=REPO,
        env=env,
        stdout=(tmp / "web.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.procs.append(web)
    if env.get("SYNDATA_HEAVY_WORKERS", "1") != "0":
        stack.start_workers(heavy=True)
    stack.start_workers()  # last: tests find the default cluster at procs[-1]
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{stack.url}/api/schema/", timeout=2).status_code < 500:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        raise RuntimeError("web server did not start:\n" + (tmp / "web.log").read_text()[-3000:])
    return stack


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    stack = start_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield stack
    finally:
        for proc in stack.procs:
            stop(proc)


# The dashboard's browser fixtures (headless Chromium driven by Playwright).
from tests.e2e.browser import browser, dashboard_stack  # noqa: E402, F401
