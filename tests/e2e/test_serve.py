"""``manage.py serve`` owns its children: killed with -9, it takes gunicorn and the qcluster
with it and the port is free again; stopped with SIGTERM, everything ends within gunicorn's
graceful timeout plus a margin; a start after a hard stop ends the orphans of the last one."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import REPO, free_port

pytestmark = pytest.mark.e2e

GRACE = 3  # SYNDATA_WEB_GRACEFUL_TIMEOUT for these tests
MARGIN = 10  # serve's STOP_MARGIN


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process, None once it is gone (or a zombie)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else (fields[0], int(fields[1]))


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            children.setdefault(st[1], []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _wait_gone(pids: set[int], limit: float) -> set[int]:
    deadline = time.monotonic() + limit
    left = {p for p in pids if _stat(p) is not None}
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = {p for p in left if _stat(p) is not None}
    return left


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    env = {**os.environ, "SYNDATA_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True
    )
    return tmp_path


@contextlib.contextmanager
def _serve(var_dir: Path, port: int) -> Iterator[tuple[subprocess.Popen[bytes], set[int]]]:
    """A running serve (in a session of its own, as a shell runs it) and its processes."""
    env = {
        **os.environ,
        "SYNDATA_VAR_DIR": str(var_dir),
        "SYNDATA_WORKERS": "1",
        "SYNDATA_WEB_GRACEFUL_TIMEOUT": str(GRACE),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (var_dir / "serve.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--web-workers", "1"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (var_dir / "serve.log").read_text()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, (var_dir / "serve.log").read_text()[-3000:]
            time.sleep(0.3)
        # Both children up, and their own processes (gunicorn's worker, the cluster's).
        deadline = time.monotonic() + 60
        while True:
            family = _descendants(proc.pid)
            names = " ".join(_cmdline(p) for p in family)
            if "gunicorn" in names and "qcluster" in names and len(family) >= 4:
                break
            assert time.monotonic() < deadline, names
            time.sleep(0.3)
        yield proc, family
    finally:
        # Whole groups: a process forked after a snapshot of the tree must not survive.
        groups = {proc.pid}
        for pid in _descendants(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                groups.add(os.getpgid(pid))
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_serve_killed_with_9_takes_gunicorn_and_the_qcluster_with_it(var_dir: Path) -> None:
    port = free_port()
    with _serve(var_dir, port) as (proc, family):
        os.killpg(proc.pid, signal.SIGKILL)  # serve's process group; its children have theirs
        proc.wait(timeout=10)
        left = _wait_gone(family, GRACE + MARGIN + 30)
        assert left == set(), [_cmdline(p) for p in left]
    # The port is free again and a new serve starts on it.
    with _serve(var_dir, port) as (again, _):
        assert again.poll() is None


def test_serve_stopped_with_sigterm_ends_everything_within_the_graceful_timeout(
    var_dir: Path,
) -> None:
    with _serve(var_dir, free_port()) as (proc, family):
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=GRACE + MARGIN + 30)
        assert _wait_gone(family, 5) == set()
        assert not (var_dir / "serve.pid").exists()


def test_a_serve_after_a_hard_stop_ends_the_orphans_it_left(var_dir: Path) -> None:
    """Orphans that survived anyway (a kernel without the parent-death signal and a watcher
    that did not run): the next serve ends them instead of failing on "Connection in use"."""
    port = free_port()
    env = {**os.environ, "SYNDATA_VAR_DIR": str(var_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # A gunicorn as the last serve left it: its own group, in the pid file, holding the port.
    orphan = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "syndata_site.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            assert time.monotonic() < deadline
            time.sleep(0.3)
        (var_dir / "serve.pid").write_text(
            f'{{"serve": 999999999, "port": {port}, "groups": [{orphan.pid}]}}'
        )
        orphans = _descendants(orphan.pid) | {orphan.pid}
        with _serve(var_dir, port) as (proc, family):
            assert orphan.wait(timeout=30) is not None
            assert _wait_gone(orphans, 15) == set()
            assert not family & orphans
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(orphan.pid, signal.SIGKILL)
        orphan.wait(timeout=10)


def test_a_port_held_by_another_program_is_a_clear_error(var_dir: Path) -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {**os.environ, "SYNDATA_VAR_DIR": str(var_dir)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        done = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is in use by another program" in done.stderr


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_a_web_worker_busy_in_python_ends_on_sigterm_after_the_graceful_timeout(
    tmp_path: Path, worker_class: str
) -> None:
    """gunicorn with serve's settings (syndata_site/gunicorn_conf.py): a request spinning in
    Python does not hold a stop past SYNDATA_WEB_GRACEFUL_TIMEOUT."""
    import threading

    port = free_port()
    env = {**os.environ, "SYNDATA_WEB_GRACEFUL_TIMEOUT": str(GRACE)}
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.e2e.busy_app:application",
            "-c",
            "python:syndata_site.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            worker_class,
        ],
        cwd=REPO,
        env=env,
        stdout=(tmp_path / "web.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()
            time.sleep(0.3)
        family = _descendants(web.pid)

        def busy() -> None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/busy", timeout=GRACE + MARGIN + 60)

        threading.Thread(target=busy, daemon=True).start()
        time.sleep(1)  # the request reaches the worker (a wait, not an assertion)
        web.send_signal(signal.SIGTERM)
        # Within the graceful timeout (3 s here) plus a margin, well before gunicorn's own
        # default of 30 s: the setting is what ends it.
        web.wait(timeout=GRACE + MARGIN)
        assert _wait_gone(family, 5) == set()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(web.pid, signal.SIGKILL)
        web.wait(timeout=10)
