"""Run gunicorn and a django-q2 cluster together; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


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
        bind = f"{options['host']}:{options['port']}"
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "syndata_site.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["web_workers"]),
            "--threads",
            "4",
            "--timeout",
            "300",
            "--access-logfile",
            "-",
        ]
        # Their own sessions: Ctrl-C reaches this command alone, which stops each of them in
        # order (a qcluster given SIGINT in every process at once stops far more slowly).
        procs = [subprocess.Popen(web, start_new_session=True)]
        if not options["no_workers"]:
            # The workers run behind the web server: a job's blocks are batch work, a status
            # poll is someone waiting. On one machine, a lower CPU priority keeps the API's
            # latency while every core is generating (the workers still get all idle CPU).
            nice = options["worker_nice"]
            procs.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    start_new_session=True,
                    preexec_fn=(lambda: os.nice(nice)) if nice else None,
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
            deadline = time.time() + 20
            for proc in procs:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    proc.kill()
