"""A running task's signs of life: the modification time of its job's folder (the
heartbeat), and the lease a block's task holds so that one block is made by one task at once.

The watchdog (generation/recovery.py) takes a job whose folder has not changed for
SYNDATA_STALL_SECONDS for one whose worker is gone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from pathlib import Path

from django.conf import settings

from generation.models import Job

__all__ = ["BlockLease", "Heartbeat", "job_heartbeat"]

logger = logging.getLogger(__name__)


def job_heartbeat(job: Job, now: float | None = None) -> None:
    """Restart the stall clock: a running task says it is alive, or a recovery pass says that
    it handled this stall (so that one stall is recovered once, not every pass)."""
    job.directory.mkdir(parents=True, exist_ok=True)
    os.utime(job.directory, None if now is None else (now, now))


class Heartbeat:
    """While a long task runs (a fit, a job's metrics, a block), its job's heartbeat beats
    from a thread every quarter of ``SYNDATA_STALL_SECONDS``, so only a task whose worker is
    gone looks stalled to the watchdog. ``also``: more files to keep fresh (a block's lease)."""

    def __init__(self, job: Job, *also: Path) -> None:
        self.job = job
        self.also = also
        self.interval = max(0.5, settings.SYNDATA_STALL_SECONDS / 4)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job.id}", daemon=True)

    def _beat(self) -> None:
        while True:
            try:
                job_heartbeat(self.job)
                for path in self.also:
                    os.utime(path)
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


def _process_started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), None if there is none: with the
    pid, it names one process (a pid can be reused, a start time with it cannot)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


_HOST = socket.gethostname()


class BlockLease:
    """One block is made by one task at a time. The task that makes it holds a lease file
    (created exclusively, naming its host and process) that its heartbeat keeps fresh; a
    duplicate (recovery's resend, a broker's redelivery) sees a live lease and leaves. A lease
    is stale when its process is gone (known on its own host: a worker killed there is
    replaced at once) or when it was not touched for ``SYNDATA_STALL_SECONDS`` (a machine
    gone); the next copy then takes it over."""

    def __init__(self, job: Job, table: str, index: int) -> None:
        self.path = job.directory / "leases" / f"{table}-{index:06d}"

    @staticmethod
    def _live(path: Path, now: float | None = None) -> bool:
        try:
            mtime = path.stat().st_mtime
            holder = path.read_text().split()
        except FileNotFoundError:
            return False
        moment = time.time() if now is None else now
        if moment - mtime >= settings.SYNDATA_STALL_SECONDS:
            return False
        if len(holder) == 3 and holder[0] == _HOST:
            return _process_started(int(holder[1])) == holder[2]
        return True  # another machine's: fresh, so alive

    def live(self, now: float | None = None) -> bool:
        return self._live(self.path, now)

    def _claim(self) -> bool:
        """Publish a complete lease under its name unless one is there (``os.link`` fails
        then): a lease is never seen half-written, even if its worker is killed at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        mine = self.path.with_name(f".{self.path.name}.{os.getpid()}.{time.time_ns()}.new")
        mine.write_text(f"{_HOST} {os.getpid()} {_process_started(os.getpid())}")
        try:
            os.link(mine, self.path)
        except FileExistsError:
            return False
        finally:
            mine.unlink(missing_ok=True)
        return True

    def acquire(self, now: float | None = None) -> bool:
        """True for the one caller that now holds the lease."""
        if self._claim():
            return True
        if self.live(now):
            return False  # a live copy makes this block
        # A stale lease: one taker at a time (an exclusive takeover file) looks again, removes
        # it and claims. A lease is only ever removed stale and under that file, so a fresh
        # one (a taker's before this one, or a first claim in between) is never moved away.
        lock = self.path.with_name(f".{self.path.name}.takeover")
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            with contextlib.suppress(FileNotFoundError):  # its taker was killed: free it
                if time.time() - lock.stat().st_mtime >= settings.SYNDATA_STALL_SECONDS:
                    lock.unlink(missing_ok=True)
            return False  # another copy is taking it over
        try:
            if self.live(now):
                return False
            self.path.unlink(missing_ok=True)
            return self._claim()
        finally:
            os.close(fd)
            lock.unlink(missing_ok=True)

    def release(self) -> None:
        self.path.unlink(missing_ok=True)
