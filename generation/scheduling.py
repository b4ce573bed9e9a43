"""Which cluster runs a task, and what a job is doing or waiting for.

Two lanes share the workers of a deployment. Fits and the sampling of PAR and HMA models take
minutes to an hour each: they run on the heavy cluster (``SYNDATA_HEAVY_CLUSTER``, its own
``SYNDATA_HEAVY_WORKERS`` processes). Everything else (schema and template jobs, their joins,
the metrics, the recovery schedule) runs on the default cluster, so another user's long fit
never holds the worker a short job, a join or recovery needs (docs/deploy.md, "Scheduling").

Inside a lane, users take turns (fair shares), not strict submission order. A job's first
task (``run_job``/``run_fit``) is a turn of its lane rather than an order to run that job:
the worker takes it with ``take_turn``, which claims the queued job that ``fair_order`` puts
first (the user with the fewest jobs running in the lane; on a tie the one served longest
ago, then the oldest waiting job; a user's own jobs in the order sent) and runs that one. Every job sends one turn, so there are
always at least as many turns as unclaimed queued jobs and each is run. The claim is one
conditional UPDATE (``started_at`` set on a queued job that has none), so two workers taking
turns at once never take the same job; a claimed job counts as running for the next pick.
Only the start is reordered: a job's blocks, joins and metrics are enqueued as before.

``job_state`` says, for the job's JSON, why a job waits ("waiting for a worker, 2 ahead",
its place in ``fair_order``) and what it does ("fitting epoch 3/10", "writing files",
"computing metrics"). A list of jobs shares one ``LaneSnapshot``: each lane's order is read
once per answer, not once per queued job.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Q

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


def fair_order(
    queued: Iterable[tuple[Hashable, Hashable, datetime]],
    running: dict[Hashable, int],
    last_start: dict[Hashable, datetime] | None = None,
) -> list[Hashable]:
    """The order in which queued jobs ``(id, owner, created_at)`` of one lane start.

    Each next job is the oldest of the owner with the fewest jobs running (``running``, plus
    those this order has started before it); between owners with as many, the one served
    longest ago (``last_start``: when a job of theirs last started in the lane; never comes
    first), then the one whose oldest waiting job is the oldest. So two users alternate even
    on one worker, and a user with nothing running goes before one whose jobs hold the
    workers, whatever was sent first.
    """
    last_start = last_start or {}
    by_owner: dict[Hashable, list[tuple[datetime, str, Hashable]]] = defaultdict(list)
    for job_id, owner, created in queued:
        by_owner[owner].append((created, str(job_id), job_id))
    heads = []
    for owner, jobs in by_owner.items():
        jobs.sort(reverse=True)  # pop() gives the oldest
        served = last_start.get(owner)
        since = (0, served.timestamp()) if served is not None else (0, float("-inf"))
        heads.append((running.get(owner, 0), since, jobs[-1][0], str(owner), owner))
    heapq.heapify(heads)
    order: list[Hashable] = []
    turn = 0
    while heads:
        busy, _, _, name, owner = heapq.heappop(heads)
        order.append(by_owner[owner].pop()[2])
        turn += 1
        if by_owner[owner]:  # served now: after everyone served before, at as many running
            heapq.heappush(heads, (busy + 1, (1, float(turn)), by_owner[owner][-1][0], name, owner))
    return order


def _claimed() -> Q:
    return Q(status=Job.Status.RUNNING) | Q(status=Job.Status.QUEUED, started_at__isnull=False)


def lane_order(lane: str) -> list[Any]:
    """The ids of the lane's unclaimed queued jobs in the order they will start."""
    same_lane = Job.objects.filter(_lane_filter(lane))
    queued = list(
        same_lane.filter(status=Job.Status.QUEUED, started_at__isnull=True).values_list(
            "id", "owner_id", "created_at"
        )
    )
    if not queued:
        return []
    owners = {owner for _, owner, _ in queued}
    running = Counter(same_lane.filter(_claimed()).values_list("owner_id", flat=True))
    last_start = dict(
        same_lane.filter(owner_id__in=owners, started_at__isnull=False)
        .values("owner_id")
        .annotate(last=Max("started_at"))
        .values_list("owner_id", "last")
    )
    return fair_order(queued, dict(running), last_start)


def take_turn(job: Job | None, *, lane: str | None = None) -> Job | None:
    """A turn of the job's lane (its ``run_job``/``run_fit`` task): claim the queued job that
    starts next there, fairly, and return it (None: nothing of the lane waits unclaimed).

    A claim that another worker won first is lost quietly and the order read again.
    """
    lane = lane or (lane_for(job) if job is not None else DEFAULT)
    for _ in range(1000):  # each lost claim is a job another worker took: it ends
        order = lane_order(lane)
        if not order:
            return None
        if Job.claim(order[0]):
            return Job.objects.get(id=order[0])
    return None


class LaneSnapshot:
    """Each lane's start order and running count, read from the database once per lane.

    A list of jobs asks for many queued jobs' places in one request: one snapshot for the
    whole list makes that a fixed number of queries (four per lane with a queued job), not
    four per queued job. Pass the same snapshot to ``waiting_for``/``job_state`` for every
    job of one answer; a new answer takes a new one (it is never stored between requests).
    """

    def __init__(self) -> None:
        self._lanes: dict[str, tuple[dict[Any, int], int]] = {}

    def lane(self, lane: str) -> tuple[dict[Any, int], int]:
        """``({job id: how many start before it}, jobs of the lane running now)``."""
        if lane not in self._lanes:
            order = lane_order(lane)
            running = Job.objects.filter(_lane_filter(lane), status=Job.Status.RUNNING).count()
            self._lanes[lane] = ({job_id: i for i, job_id in enumerate(order)}, running)
        return self._lanes[lane]


def waiting_for(job: Job, snapshot: LaneSnapshot | None = None) -> dict[str, Any] | None:
    """A queued job's place: how many queued jobs of its lane start before it (fair shares:
    ``fair_order``), how many of that lane run now and on how many workers. None for a job
    that is not queued. ``snapshot``: the lanes as read once for a whole list of jobs."""
    if job.status != Job.Status.QUEUED:
        return None
    lane = lane_for(job)
    places, running = (snapshot or LaneSnapshot()).lane(lane)
    ahead = places.get(job.id, 0)  # claimed: it starts now
    workers = lane_workers(lane)
    return {"lane": lane, "ahead": ahead, "running": running, "workers": workers}


def job_state(
    job: Job, snapshot: LaneSnapshot | None = None
) -> tuple[str, str, dict[str, Any] | None]:
    """``(phase, activity, waiting)`` for the job's JSON; ``activity`` is a short sentence.
    ``snapshot``: shared by every job of one list (``LaneSnapshot``)."""
    waiting = waiting_for(job, snapshot)
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
