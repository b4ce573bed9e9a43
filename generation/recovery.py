"""Lost work comes back: re-enqueue the blocks of jobs that stopped moving.

django-q2's Redis broker hands a task over once (BLPOP, no acknowledgement), so a worker that
dies mid-task (kill -9, OOM, a machine gone) takes its task, and the few it had prefetched,
with it. Nothing else would ever make those blocks, and the job would stay "running" forever.

Blocks are deterministic and publishing a part is idempotent (the first copy wins, rows are
counted once), so recovery can be blunt: a job whose files have not changed for
``SYNDATA_STALL_SECONDS`` gets its missing blocks (or its join) enqueued again. A duplicate of a
block that was only slow is harmless. Run by ``manage.py watchdog`` (a loop, seconds) and by a
django-q2 schedule every minute, so a deployment recovers even without the loop.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django_q.tasks import async_task

from generation import parts
from generation.models import Job
from generation.producers import producer_for

logger = logging.getLogger(__name__)

RECOVER_SCHEDULE = "syndata-recover-stalled"


@dataclass
class Recovered:
    """What one pass re-enqueued, for logs and tests."""

    jobs: list[str] = field(default_factory=list)
    blocks: int = 0
    joins: int = 0
    starts: int = 0


def _last_activity(job: Job) -> float:
    """When the job's files last changed (a published part changes its folder's mtime)."""
    stamps = [job.started_at.timestamp() if job.started_at else job.created_at.timestamp()]
    directory = job.directory
    candidates: list[Path] = [directory, directory / "parts"]
    root = directory / "parts"
    if root.is_dir():
        candidates += [p for p in root.iterdir() if p.is_dir()]
    for path in candidates:
        try:
            stamps.append(path.stat().st_mtime)
        except FileNotFoundError:
            continue
    return max(stamps)


def _touch(job: Job, now: float | None = None) -> None:
    """Restart the stall clock, so that one stall is recovered once, not every pass."""
    job.directory.mkdir(parents=True, exist_ok=True)
    os.utime(job.directory, None if now is None else (now, now))


def job_recover(*, job: Job, now: float | None = None) -> Recovered:
    """Enqueue again what a running job still lacks: its missing blocks, else its join."""
    done = Recovered(jobs=[str(job.id)])
    job_id = str(job.id)
    missing = [
        (name, index)
        for name, plan in producer_for(job).plans().items()
        for index in range(plan.n_blocks)
        if not parts.part_path(job.directory, name, index, job.format).exists()
    ]
    _touch(job, now)
    for name, index in missing:
        async_task(
            "generation.tasks.run_block",
            job_id,
            name,
            index,
            group=f"job-{job_id}",
            task_name=f"job-{job_id}-{name}-{index}-again",
            save=False,  # a block's result is its part file; failures are still saved
        )
        done.blocks += 1
    if not missing:
        async_task("generation.tasks.finalize_job", job_id, task_name=f"job-{job_id}-join-again")
        done.joins += 1
    logger.warning(
        "job %s stalled: re-enqueued %d blocks%s",
        job_id,
        len(missing),
        "" if missing else " and its join",
    )
    return done


def jobs_recover_stalled(
    *, stalled_after: float | None = None, now: float | None = None
) -> Recovered:
    """One pass over unfinished jobs: re-enqueue the work of those that stopped moving."""
    stalled_after = settings.SYNDATA_STALL_SECONDS if stalled_after is None else stalled_after
    now = time.time() if now is None else now
    total = Recovered()
    cutoff = datetime.fromtimestamp(now - stalled_after, tz=UTC)
    # Queued long ago: its first task (the split into blocks) may be lost. A duplicate is a no-op.
    for job in Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=cutoff).exclude(
        kind=Job.Kind.FIT
    ):
        if now - _last_activity(job) < stalled_after:
            continue
        _touch(job, now)
        async_task("generation.tasks.run_job", str(job.id), task_name=f"job-{job.id}-again")
        total.starts += 1
        total.jobs.append(str(job.id))
    for job in Job.objects.filter(status=Job.Status.RUNNING).exclude(kind=Job.Kind.FIT):
        if now - _last_activity(job) < stalled_after:
            continue
        try:
            done = job_recover(job=job, now=now)
        except Exception:  # one broken job must not stop the others' recovery
            logger.exception("recovering job %s failed", job.id)
            continue
        total.jobs += done.jobs
        total.blocks += done.blocks
        total.joins += done.joins
    return total


def ensure_recover_schedule(**kwargs: Any) -> None:
    """The every-minute recovery pass, created once by migrate (the watchdog loop is faster)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=RECOVER_SCHEDULE,
        defaults={
            "func": "generation.recovery.recover_stalled",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
        },
    )


def recover_stalled() -> int:
    """The scheduled task: how many jobs it recovered."""
    return len(jobs_recover_stalled().jobs)
