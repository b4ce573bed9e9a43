"""Run gunicorn and the django-q2 clusters together; Ctrl-C stops them all.

The children die with this command however it ends (``syndata_site.lifeline``), a stop is
bounded (gunicorn's graceful timeout, then SIGKILL of each child's process group), and a
start after a hard stop ends the orphans of the last one (``var/serve.pid``) instead of
failing on a port still held.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from syndata_site import lifeline

# Seconds past gunicorn's graceful timeout before a child's whole process group is killed.
STOP_MARGIN = 10


def _pid_file() -> Path:
    return Path(settings.VAR_DIR) / "serve.pid"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ours(pid: int) -> bool:
    """Is ``pid`` a gunicorn or qcluster of this project (not a reused pid)?"""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"syndata_site.wsgi" in cmdline or b"qcluster" in cmdline


def _kill_groups(groups: list[int], grace: float) -> None:
    """SIGTERM each group's leader (a qcluster stops its own processes in order), SIGKILL
    each whole group once ``grace`` seconds have passed."""
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(_group_alive(g) for g in groups) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)


def _end_orphans(stdout: Any) -> None:
    """The children of a serve that was killed (or of a machine that lost power) may still run
    and hold the port: end those that are still this project's gunicorn or qcluster."""
    path = _pid_file()
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    serve_pid = int(state.get("serve", 0))
    if serve_pid and serve_pid != os.getpid() and _group_alive(serve_pid):
        with contextlib.suppress(OSError):
            if b"serve" in Path(f"/proc/{serve_pid}/cmdline").read_bytes():
                raise CommandError(
                    f"manage.py serve is already running (pid {serve_pid}, {path}): stop it "
                    "first, or give this one another --port and SYNDATA_VAR_DIR"
                )
    orphans = [int(g) for g in state.get("groups", []) if _group_alive(int(g)) and _ours(int(g))]
    if orphans:
        stdout.write(f"ending processes left by a serve that was stopped hard: {orphans}")
        _kill_groups(orphans, grace=10)
    path.unlink(missing_ok=True)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and the workers (qcluster) together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--no-workers", action="store_true", help="Web server only.")
        parser.add_argument(
            "--worker-nice",
            type=int,
            default=int(os.environ.get("SYNDATA_WORKER_NICE", "10")),
            help="CPU niceness of the workers relative to the web server (0: same priority).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _end_orphans(self.stdout)
        if not _port_free(options["host"], options["port"]):
            raise CommandError(
                f"port {options['port']} on {options['host']} is in use by another program: "
                "stop it, or start with --port (or PORT=) another one"
            )
        bind = f"{options['host']}:{options['port']}"
        grace = settings.SYNDATA_WEB_GRACEFUL_TIMEOUT
        env = {
            **os.environ,
            lifeline.PARENT_ENV: str(os.getpid()),
            lifeline.GRACE_ENV: str(grace + STOP_MARGIN),
            "SYNDATA_WEB_TIMEOUT": str(settings.SYNDATA_WEB_TIMEOUT),
            "SYNDATA_WEB_GRACEFUL_TIMEOUT": str(grace),
        }
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "syndata_site.wsgi:application",
            "-c",
            "python:syndata_site.gunicorn_conf",
            "--bind",
            bind,
            "--workers",
            str(options["web_workers"]),
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ]
        # Their own sessions: Ctrl-C reaches this command alone, which stops each of them in
        # order (a qcluster given SIGINT in every process at once stops far more slowly).
        # The parent-death signal ends them if this command is killed (see lifeline).
        procs = [
            subprocess.Popen(
                web, start_new_session=True, env=env, preexec_fn=lifeline.parent_death_signal
            )
        ]
        if not options["no_workers"]:
            # The workers run behind the web server: a job's blocks are batch work, a status
            # poll is someone waiting. On one machine, a lower CPU priority keeps the API's
            # latency while every core is generating (the workers still get all idle CPU).
            nice = options["worker_nice"]

            def worker_setup() -> None:
                lifeline.parent_death_signal()
                if nice:
                    os.nice(nice)

            # The default cluster (short jobs, joins, metrics, recovery) and, unless
            # SYNDATA_HEAVY_WORKERS=0, the heavy one for fits and PAR/HMA samples
            # (generation.scheduling): a long fit never holds the workers short jobs need.
            # The name goes in Q_CLUSTER_NAME: django-q2 reads it when its settings load,
            # before `qcluster --name` could set it.
            clusters = [{k: v for k, v in env.items() if k != "Q_CLUSTER_NAME"}]
            if settings.SYNDATA_HEAVY_WORKERS > 0:
                clusters.append({**env, "Q_CLUSTER_NAME": settings.SYNDATA_HEAVY_CLUSTER})
            for cluster_env in clusters:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "qcluster"],
                        start_new_session=True,
                        env=cluster_env,
                        preexec_fn=worker_setup,
                    )
                )
        _pid_file().write_text(
            json.dumps(
                {"serve": os.getpid(), "port": options["port"], "groups": [p.pid for p in procs]}
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Syn-Data on http://{bind}/ (Ctrl-C stops)"))

        def stop(signum: int, frame: Any) -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            # gunicorn kills workers still busy after its graceful timeout; a qcluster waits
            # for its tasks. Past that (and a margin), each child's whole group is killed, so
            # that no worker outlives this command.
            deadline = time.monotonic() + grace + STOP_MARGIN
            for proc in procs:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            for proc in procs:
                if proc.poll() is None or _group_alive(proc.pid):
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            _pid_file().unlink(missing_ok=True)
