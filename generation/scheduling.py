"""Which cluster runs a task, and what a job is doing or waiting for.

Two lanes share the workers of a deployment. Fits and the sampling of PAR and HMA models take
minutes to an hour each: they run on the heavy cluster (``SYNDATA_HEAVY_CLUSTER``, its own
``SYNDATA_HEAVY_WORKERS`` processes). Everything else (schema and template jobs, their joins,
the metrics, the recovery schedule) runs on the default cluster, so another user's long fit
never holds the worker a short job, a join or recovery needs (docs/deploy.md, "Scheduling").

``job_state`` says, for the job's JSON, why a job waits ("waiting for a worker, 2 ahead",
counted from the jobs table: the queued jobs of its lane submitted before it) and what it does
("fitting epoch 3/10", "writing files", "computing metrics").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from generation.models import Job

DEFAULT = "default"
HEAVY = "heavy"

#: The model synthesizers whose sampling is long work of its own (a related-tables or a
#: sequence sample holds a worker for minutes).
HEAVY_SAMPLERS = ("par", "hma")


def lane_for(job: Job) -> str:
    """``heavy`` for fits and PAR/HMA samples (when there is a heavy cluster), else ``default``."""
    if settings.SYNDATA_HEAVY_WORKERS <= 0:
        return DEFAULT
    if job.kind == Job.Kind.FIT:
        return HEAVY
    if job.kind == Job.Kind.MODEL and (job.params or {}).get("synthesizer") in HEAVY_SAMPLERS:
        return HEAVY
    return DEFAULT


def cluster_for(job: Job) -> str | None:
    """The django-q2 cluster (queue) name for a job's own work; None: the default cluster."""
    return settings.SYNDATA_HEAVY_CLUSTER if lane_for(job) == HEAVY else None


def route(job: Job) -> dict[str, Any]:
    """``async_task`` options that send a job's own work (its start, blocks, fit) to its lane:
    ``async_task(func, ..., **route(job))``. Joins and metrics take none: they are short and
    run on the default cluster whatever the job."""
    cluster = cluster_for(job)
    return {} if cluster is None else {"cluster": cluster}


def _lane_filter(lane: str) -> Q:
    heavy = Q(kind=Job.Kind.FIT) | Q(kind=Job.Kind.MODEL, params__synthesizer__in=HEAVY_SAMPLERS)
    if settings.SYNDATA_HEAVY_WORKERS <= 0:
        return Q()
    return heavy if lane == HEAVY else ~heavy


def lane_workers(lane: str) -> int:
    if lane == HEAVY and settings.SYNDATA_HEAVY_WORKERS > 0:
        return int(settings.SYNDATA_HEAVY_WORKERS)
    return int(settings.Q_CLUSTER["workers"])  # type: ignore[call-overload]


def waiting_for(job: Job) -> dict[str, Any] | None:
    """A queued job's place: how many queued jobs of its lane were submitted before it, how
    many of that lane run now and on how many workers. None for a job that is not queued."""
    if job.status != Job.Status.QUEUED:
        return None
    lane = lane_for(job)
    same_lane = Job.objects.filter(_lane_filter(lane))
    ahead = same_lane.filter(status=Job.Status.QUEUED, created_at__lt=job.created_at).count()
    running = same_lane.filter(status=Job.Status.RUNNING).count()
    workers = lane_workers(lane)
    return {"lane": lane, "ahead": ahead, "running": running, "workers": workers}


def job_state(job: Job) -> tuple[str, str, dict[str, Any] | None]:
    """``(phase, activity, waiting)`` for the job's JSON; ``activity`` is a short sentence."""
    waiting = waiting_for(job)
    if waiting is not None:
        busy = waiting["running"] >= waiting["workers"]
        what = "a fit worker" if waiting["lane"] == HEAVY else "a worker"
        text = f"waiting for {what}, {waiting['ahead']} ahead"
        if busy:
            text += f" ({waiting['running']} running on {waiting['workers']})"
        return "waiting", text, waiting
    params = job.params or {}
    if job.status == Job.Status.RUNNING:
        if job.kind == Job.Kind.FIT:
            done, total = params.get("epochs_done"), params.get("epochs_total")
            if done is not None and total:
                return "fitting", f"fitting epoch {done}/{total}", None
            return "fitting", "fitting", None
        if job.blocks_total and job.blocks_done >= job.blocks_total:
            return "joining", "writing files", None
        return "generating", f"making blocks {job.blocks_done}/{job.blocks_total}", None
    if job.status == Job.Status.SUCCEEDED and job.metrics_status in (
        Job.MetricsStatus.PENDING,
        Job.MetricsStatus.RUNNING,
    ):
        return "metrics", "computing metrics", None
    return "done", str(job.status), None
