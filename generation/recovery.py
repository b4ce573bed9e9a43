"""Lost work comes back: re-enqueue the blocks of jobs that stopped moving.

django-q2's Redis broker hands a task over once (BLPOP, no acknowledgement), so a worker that
dies mid-task (kill -9, OOM, a machine gone) takes its task, and the few it had prefetched,
with it. Nothing else would ever make those blocks, and the job would stay "running" forever.

Blocks are deterministic and publishing a part is idempotent (the first copy wins, rows are
counted once), so recovery can be blunt: a job whose files have not changed for
``SYNDATA_STALL_SECONDS`` gets its missing blocks (or its join) enqueued again. A duplicate of a
block that was only slow is harmless (a block being made holds a ``BlockLease``, so a
duplicate of a live one leaves at once, and recovery does not resend it). Run by
``manage.py watchdog`` (a loop, seconds) and by a django-q2 schedule about every minute (each
pass arms the next when it ends: passes never pile up behind busy workers), so a deployment
recovers even without the loop.

Fit jobs are one task each. A running fit beats its heart (``job_heartbeat``, the same folder
mtime) from a thread of its worker and on every epoch, so only a fit whose worker is gone
stops beating; it is queued and enqueued again (a fit is reproducible from its seed, so the
retry gives the same model) up to ``SYNDATA_FIT_RETRIES`` times, then failed with a message
that says so. ``fit_run`` starts only a queued fit, so a duplicate task is a no-op.

Metrics are a task of their own after a job succeeded (its data is downloadable meanwhile):
pending or running metrics whose job's folder stopped changing (the metrics task beats the
same heartbeat) are set pending and enqueued again, up to ``SYNDATA_METRICS_RETRIES`` times,
then failed; the job stays succeeded. ``metrics_run`` claims only pending metrics.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_q.tasks import async_task

from generation import parts, scheduling
from generation.heartbeat import BlockLease, job_heartbeat
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
    fit_retries: int = 0
    fits_failed: int = 0
    metrics: int = 0
    metrics_failed: int = 0


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


def job_recover(*, job: Job, now: float | None = None) -> Recovered:
    """Enqueue again what a running job still lacks: its missing blocks, else its join."""
    from generation.services import job_failure_pending

    done = Recovered(jobs=[str(job.id)])
    job_id = str(job.id)
    if job_failure_pending(job=job):
        logger.warning("job %s stalled: failed with the error its worker could not write", job_id)
        return done  # a task failed it but could not write that: nothing to make again
    missing = [
        (name, index)
        for name, plan in producer_for(job).plans().items()
        for index in range(plan.n_blocks)
        if not parts.part_path(job.directory, name, index, job.format).exists()
    ]
    # A block a live task is making (a long related-tables sample) is not sent again.
    pending = [(n, i) for n, i in missing if not BlockLease(job, n, i).live(now)]
    # Temporary files no one wrote to during the stall are a killed join's (or block's): the
    # re-run writes its own, so these would only fill the disk.
    moment = time.time() if now is None else now
    parts.temporaries_remove(job.directory, older_than=moment - settings.SYNDATA_STALL_SECONDS)
    job_heartbeat(job, now)
    for name, index in pending:
        async_task(
            "generation.tasks.run_block",
            job_id,
            name,
            index,
            **scheduling.route(job),
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
        len(pending),
        "" if missing else " and its join",
    )
    return done


def _lane_has_waiting_tasks(job: Job, seen: dict[str, bool]) -> bool:
    """Whether tasks wait in the broker queue of the job's lane (asked once per pass)."""
    from django_q.brokers import get_broker

    name = scheduling.cluster_for(job) or str(settings.Q_CLUSTER["name"])  # type: ignore[call-overload]
    if name not in seen:
        try:
            seen[name] = get_broker(name).queue_size() > 0
        except Exception:  # the broker away: resend, as before
            seen[name] = False
    return seen[name]


def jobs_recover_stalled(
    *, stalled_after: float | None = None, now: float | None = None
) -> Recovered:
    """One pass over unfinished jobs: re-enqueue the work of those that stopped moving."""
    stalled_after = settings.SYNDATA_STALL_SECONDS if stalled_after is None else stalled_after
    now = time.time() if now is None else now
    total = Recovered()
    cutoff = datetime.fromtimestamp(now - stalled_after, tz=UTC)
    # Queued long ago: its first task (the split into blocks) may be lost. A duplicate is a no-op,
    # but one per stall window for every job waiting behind a long fit would pile up: while
    # tasks wait in its lane's queue, a queued job is taken to be one of them.
    lanes_busy: dict[str, bool] = {}
    for job in Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=cutoff):
        if now - _last_activity(job) < stalled_after or _lane_has_waiting_tasks(job, lanes_busy):
            continue
        job_heartbeat(job, now)
        # A claim (scheduling.take_turn) whose worker was lost before the job started: the
        # job is free to be taken again by the turn sent here.
        Job.release_claim(job)
        if job.kind == Job.Kind.FIT:
            async_task(
                "generation.tasks.run_fit",
                str(job.id),
                **scheduling.route(job),
                task_name=f"fit-{job.id}-again",
            )
        else:
            async_task(
                "generation.tasks.run_job",
                str(job.id),
                **scheduling.route(job),
                task_name=f"job-{job.id}-again",
            )
        total.starts += 1
        total.jobs.append(str(job.id))
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if now - _last_activity(job) < stalled_after:
            continue
        try:
            if job.kind == Job.Kind.FIT:
                done = fit_recover(job=job, stalled_after=stalled_after, now=now)
            else:
                done = job_recover(job=job, now=now)
        except Exception:  # one broken job must not stop the others' recovery
            logger.exception("recovering job %s failed", job.id)
            continue
        total.jobs += done.jobs
        total.blocks += done.blocks
        total.joins += done.joins
        total.fit_retries += done.fit_retries
        total.fits_failed += done.fits_failed
    waiting = (Job.MetricsStatus.PENDING, Job.MetricsStatus.RUNNING)
    for job in Job.objects.filter(status=Job.Status.SUCCEEDED, metrics_status__in=waiting):
        if now - _last_activity(job) < stalled_after:
            continue
        done = metrics_recover(job=job, stalled_after=stalled_after, now=now)
        total.jobs += done.jobs
        total.metrics += done.metrics
        total.metrics_failed += done.metrics_failed
    return total


def metrics_recover(*, job: Job, stalled_after: float, now: float | None = None) -> Recovered:
    """Metrics whose task was lost (never delivered, or its worker died): pending again and
    re-enqueued; failed (the data untouched) once ``SYNDATA_METRICS_RETRIES`` retries were
    spent."""
    done = Recovered(jobs=[str(job.id)])
    limit = settings.SYNDATA_METRICS_RETRIES
    retries = max(0, job.metrics_attempts - 1)
    waiting = (Job.MetricsStatus.PENDING, Job.MetricsStatus.RUNNING)
    if job.metrics_status == Job.MetricsStatus.RUNNING and retries >= limit:
        message = (
            f"the metrics stopped: no heartbeat for {stalled_after:.0f}s (their worker was lost: "
            f"killed, out of memory?), and they were already retried {retries} times "
            f"(SYNDATA_METRICS_RETRIES={limit}); the data is intact"
        )
        done.metrics_failed = int(
            Job.metrics_transition(
                job.id,
                source=Job.MetricsStatus.RUNNING,
                target=Job.MetricsStatus.FAILED,
                metrics_error=message,
            )
        )
        logger.warning("metrics of job %s stalled: failed after %d retries", job.id, retries)
        return done
    requeued = Job.metrics_transition(
        job.id, source=waiting, target=Job.MetricsStatus.PENDING, metrics_progress=0.0
    )
    if requeued:
        job_heartbeat(job, now)
        async_task(
            "generation.tasks.compute_metrics",
            str(job.id),
            task_name=f"job-{job.id}-metrics-again-{job.metrics_attempts}",
        )
        done.metrics += 1
        logger.warning("metrics of job %s stalled: enqueued again", job.id)
    return done


def fit_recover(*, job: Job, stalled_after: float, now: float | None = None) -> Recovered:
    """A running fit whose heartbeat stopped: queue it again (the retry counts in
    ``params["fit_retries"]``), or fail it once ``SYNDATA_FIT_RETRIES`` retries were spent."""
    import shutil

    from generation.synthesis.models import SynthModel

    done = Recovered(jobs=[str(job.id)])
    retries = int((job.params or {}).get("fit_retries", 0))
    limit = settings.SYNDATA_FIT_RETRIES
    model = SynthModel.objects.filter(id=(job.params or {}).get("model_id")).first()
    if model is not None:
        shutil.rmtree(model.directory, ignore_errors=True)  # whatever the lost worker left
    quiet = f"no heartbeat for {stalled_after:.0f}s (its worker was lost: killed, out of memory?)"
    if retries >= limit:
        message = (
            f"the fit stopped: {quiet}, and it was already retried {retries} times "
            f"(SYNDATA_FIT_RETRIES={limit}); fit the dataset again, perhaps with fewer rows "
            "(SYNDATA_FIT_MAX_ROWS) or epochs"
        )
        failed = Job.transition(
            job.id, source=Job.Status.RUNNING, target=Job.Status.FAILED, error=message
        )
        done.fits_failed += int(failed)
        logger.warning("fit job %s stalled: failed after %d retries", job.id, retries)
        return done
    params = {**job.params, "fit_retries": retries + 1}
    log = [*(job.log or []), {"at": timezone.now().isoformat(), "message": f"retried: {quiet}"}]
    requeued = Job.transition(  # started_at cleared: it starts again
        job.id,
        source=Job.Status.RUNNING,
        target=Job.Status.QUEUED,
        rows_done=0,
        params=params,
        log=log,
    )
    if requeued:
        job_heartbeat(job, now)
        async_task(
            "generation.tasks.run_fit",
            str(job.id),
            **scheduling.route(job),
            task_name=f"fit-{job.id}-retry-{retries + 1}",
        )
        done.fit_retries += 1
        logger.warning(
            "fit job %s stalled: enqueued again (retry %d of %d)", job.id, retries + 1, limit
        )
    return done


def ensure_recover_schedule(**kwargs: Any) -> None:
    """The recovery pass's schedule, created (armed) by migrate (the watchdog loop is faster).

    A one-off schedule that each pass arms again when it ends (``recover_schedule_arm``), not
    an every-minute one: django-q2 would enqueue a pass every minute whether the last one ran
    or not, and behind busy workers those would pile up. So at most one pass is queued or
    running; one lost with its worker is revived after ``SYNDATA_RECOVER_LEASE_SECONDS``.
    """
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=RECOVER_SCHEDULE,
        defaults={
            "func": "generation.recovery.recover_stalled",
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": timezone.now(),
        },
    )


def recover_schedule_arm(*, delay: float = 60.0) -> int:
    """Let the scheduler enqueue the next pass ``delay`` seconds from now."""
    from django_q.models import Schedule

    when = timezone.now() + timedelta(seconds=delay)
    return Schedule.objects.filter(name=RECOVER_SCHEDULE).update(repeats=1, next_run=when)


def recover_schedule_revive(*, now: datetime | None = None) -> int:
    """Arm the schedule again if its last pass was enqueued over the lease ago and never
    ended (lost with its worker); 1 when it did. Cheap: run before tasks (generation.apps)."""
    from django_q.models import Schedule

    now = now or timezone.now()
    lease = timedelta(seconds=settings.SYNDATA_RECOVER_LEASE_SECONDS)
    return Schedule.objects.filter(
        name=RECOVER_SCHEDULE, repeats=0, next_run__lt=now - lease
    ).update(repeats=1, next_run=now)


def recover_stalled() -> int:
    """The scheduled task: how many jobs it recovered; it arms the next pass when it ends."""
    try:
        return len(jobs_recover_stalled().jobs)
    finally:
        recover_schedule_arm()
