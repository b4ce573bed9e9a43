"""Children of ``manage.py serve`` die with it, however it dies (kill -9 included).

``serve`` starts gunicorn and the qcluster each in a session of its own (so that Ctrl-C
reaches serve alone, which stops them in order). Without more, a serve killed by SIGKILL
leaves both running as orphans, still holding the port. Two layers:

* ``parent_death_signal``: run in the child before exec (``preexec_fn``); Linux sends it
  SIGTERM when serve's thread that started it ends (``prctl(PR_SET_PDEATHSIG)``).
* ``watch_parent``: a thread in the child that polls serve's pid, as a fallback (other
  systems, a signal lost to a race): when serve is gone it sends SIGTERM to its own process,
  then, after the grace period, SIGKILL to its whole process group (the workers it forked).

``SYNDATA_SERVE_PID`` (set by serve for its children) says whom to watch.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

logger = logging.getLogger(__name__)

PARENT_ENV = "SYNDATA_SERVE_PID"
GRACE_ENV = "SYNDATA_SERVE_GRACE"
_PR_SET_PDEATHSIG = 1


# Loaded here, in the parent: between fork and exec (where ``parent_death_signal`` runs) a
# child should only make system calls, not look libraries up.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def parent_death_signal(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent ends (no-op elsewhere)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return os.getppid() == pid  # reparented: the parent is gone even if its pid was reused


def watch_parent(parent: int, *, grace: float, interval: float = 0.5) -> threading.Thread:
    """Start a daemon thread that ends this process (and its group) once ``parent`` is gone."""

    def watch() -> None:
        while _alive(parent):
            time.sleep(interval)
        logger.warning(
            "manage.py serve (pid %d) is gone: stopping pid %d (SIGTERM, then SIGKILL of its "
            "process group after %.0fs)",
            parent,
            os.getpid(),
            grace,
        )
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    thread = threading.Thread(target=watch, name="serve-lifeline", daemon=True)
    thread.start()
    return thread


def watch_parent_from_env() -> threading.Thread | None:
    """In a direct child of serve (``SYNDATA_SERVE_PID`` is its parent), start the watcher.

    Processes further down (gunicorn's workers, the cluster's) are their own parent's to end.
    """
    raw = os.environ.get(PARENT_ENV, "")
    if not raw.isdigit() or os.getppid() != int(raw):
        return None
    grace = float(os.environ.get(GRACE_ENV, "30"))
    return watch_parent(int(raw), grace=grace)
