"""Disk space and database faults: tell them apart, check space before work, retry state writes.

Under the default layout the database and the files share one disk (var/), so a full disk
also stops the write that would mark a job failed. Three defences, each used where it matters:

* ``space_check``: ``SYNDATA_MIN_FREE_BYTES`` must stay free where a job writes; checked
  before a job is accepted (507) and before each block, so a job stops before the disk is full.
* ``is_disk_full`` / ``is_database_unavailable``: classify an exception, for a clear job error
  and the API's 507/503 (``syndata_site.errors``).
* ``db_write``: a state write retried with backoff; when the database stays unwritable, this
  process pauses taking work (``pause_if_unwritable``) and says why once.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, IntegrityError

logger = logging.getLogger(__name__)

T = TypeVar("T")

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100, "could not extend file").
_FULL_MESSAGES = ("database or disk is full", "no space left on device", "could not extend file")

# Seconds between state-write attempts; then the process pauses SYNDATA_DB_PAUSE_SECONDS.
RETRY_DELAYS = (0.1, 0.3, 1.0, 3.0)


class DiskFull(OSError):
    """Less free space than ``SYNDATA_MIN_FREE_BYTES`` where a job would write."""

    def __init__(self, path: Path, free: int, needed: int) -> None:
        super().__init__(
            errno.ENOSPC,
            f"not enough disk space: {free} bytes free at {path}, at least {needed} bytes "
            "must stay free (SYNDATA_MIN_FREE_BYTES)",
        )
        self.path, self.free, self.needed = path, free, needed

    def __str__(self) -> str:
        return str(self.strerror)


def free_bytes(path: Path) -> int:
    """Free bytes (for an unprivileged user) on the filesystem of ``path`` or its nearest
    existing parent (a job's folder does not exist before its first block)."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def space_check(path: Path | None = None) -> None:
    """Raise ``DiskFull`` when less than ``SYNDATA_MIN_FREE_BYTES`` is free at ``path``."""
    needed = settings.SYNDATA_MIN_FREE_BYTES
    if needed <= 0:
        return
    path = Path(settings.MEDIA_ROOT) if path is None else path
    free = free_bytes(path)
    if free < needed:
        raise DiskFull(path, free, needed)


def is_disk_full(exc: BaseException) -> bool:
    """An OSError ENOSPC/EDQUOT, or a database error saying its disk is full."""
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    if isinstance(exc, DatabaseError | OSError):
        text = str(exc).lower()
        return any(m in text for m in _FULL_MESSAGES)
    return False


def is_database_unavailable(exc: BaseException) -> bool:
    """A database error that is no fault of the request (locked, gone, read-only, full)."""
    return isinstance(exc, DatabaseError) and not isinstance(exc, IntegrityError)


def describe(exc: BaseException) -> str:
    """A job's error text for ``exc``, saying "disk" plainly when the disk is full."""
    text = f"{type(exc).__name__}: {exc}"
    if is_disk_full(exc) and not isinstance(exc, DiskFull):
        return f"the disk is full (No space left on device): {text}"
    return text


class _Pause:
    """Until when this process takes no work because the database could not be written."""

    lock = threading.Lock()
    until = 0.0
    reported = False


def db_write(write: Callable[[], T], *, what: str) -> T:
    """Run a state write, retrying database errors with backoff (a full disk may be freed by
    the files just removed, a lock released). If it still fails, pause this process (see
    ``pause_if_unwritable``) and raise the last error."""
    for delay in (*RETRY_DELAYS, None):
        try:
            result = write()
        except IntegrityError:
            raise
        except DatabaseError as exc:
            if delay is None:
                _pause(exc, what)
                raise
            time.sleep(delay)
            continue
        with _Pause.lock:
            if _Pause.reported:
                logger.warning("the database can be written again: taking work")
            _Pause.until, _Pause.reported = 0.0, False
        return result
    raise AssertionError("unreachable")


def _pause(exc: BaseException, what: str) -> None:
    seconds = settings.SYNDATA_DB_PAUSE_SECONDS
    with _Pause.lock:
        _Pause.until = time.monotonic() + seconds
        if not _Pause.reported:  # once per outage, not once per task
            _Pause.reported = True
            reason = "its disk is full" if is_disk_full(exc) else "it answers errors"
            logger.error(
                "cannot write the database while %s (%s: %s): %s; this worker takes no work "
                "for %ss at a time until a write succeeds (SYNDATA_DB_PAUSE_SECONDS)",
                what,
                type(exc).__name__,
                exc,
                reason,
                seconds,
            )


def pause_if_unwritable() -> float:
    """Called before each task: sleep out a pause set by a failed state write (the worker
    holds its slot instead of taking, and failing, more work). Seconds slept."""
    with _Pause.lock:
        left = _Pause.until - time.monotonic()
    if left <= 0:
        return 0.0
    time.sleep(left)
    return left


def paused() -> bool:
    with _Pause.lock:
        return _Pause.until > time.monotonic()
