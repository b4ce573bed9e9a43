"""``manage.py watchdog``: every few seconds, re-enqueue the lost work of stalled jobs.

Run one beside the workers (any machine; several are harmless): a worker killed mid-job is
then made good within ``SYNDATA_STALL_SECONDS`` plus one interval, instead of the minute of
the django-q2 schedule that does the same.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from generation.recovery import jobs_recover_stalled


class Command(BaseCommand):
    help = (
        "Re-enqueue the missing blocks of jobs that stopped moving, and retry fits whose "
        "heartbeat stopped (workers lost mid-job)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between passes.")
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            close_old_connections()
            try:
                done = jobs_recover_stalled()
                if done.jobs:
                    self.stdout.write(
                        f"recovered {len(done.jobs)} jobs: {done.blocks} blocks, "
                        f"{done.joins} joins, {done.starts} starts, "
                        f"{done.fit_retries} fits retried, {done.fits_failed} fits failed"
                    )
            except Exception as exc:  # the database or broker away: try again next pass
                self.stderr.write(f"watchdog pass failed: {type(exc).__name__}: {exc}")
            if options["once"]:
                break
            deadline = time.monotonic() + options["interval"]
            while running and time.monotonic() < deadline:
                time.sleep(0.1)
