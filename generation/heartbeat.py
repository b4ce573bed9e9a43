"""A running task's sign of life: the modification time of its job's folder.

The watchdog (generation/recovery.py) takes a job whose folder has not changed for
SYNDATA_STALL_SECONDS for one whose worker is gone.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings

from generation.models import Job

__all__ = ["Heartbeat", "job_heartbeat"]

logger = logging.getLogger(__name__)


def job_heartbeat(job: Job, now: float | None = None) -> None:
    """Restart the stall clock: a running task says it is alive, or a recovery pass says that
    it handled this stall (so that one stall is recovered once, not every pass)."""
    job.directory.mkdir(parents=True, exist_ok=True)
    os.utime(job.directory, None if now is None else (now, now))


class Heartbeat:
    """While a long task runs (a fit, a job's metrics), its job's heartbeat beats from a
    thread every quarter of ``SYNDATA_STALL_SECONDS``, so only a task whose worker is gone
    looks stalled to the watchdog."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.interval = max(0.5, settings.SYNDATA_STALL_SECONDS / 4)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job.id}", daemon=True)

    def _beat(self) -> None:
        while True:
            try:
                job_heartbeat(self.job)
            except OSError:  # storage away for a moment: the next beat tries again
                logger.warning("heartbeat of job %s failed", self.job.id)
            if self.stop.wait(self.interval):
                return

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
