"""django-q2 tasks: load by id, call a service; nothing else (a job's first task runs the
job its lane's turn claims: generation.scheduling.take_turn)."""

from __future__ import annotations

from generation import scheduling, services, storage


def run_job(job_id: str) -> None:
    """A job's first task: a turn of its lane (the fairest queued job runs, see scheduling)."""
    storage.pause_if_unwritable()  # the database could not be written a moment ago
    _take_turn(job_id)


def _take_turn(job_id: str) -> None:
    """Run the job this turn of the lane claims: a fit or any other job."""
    from generation.models import Job

    job = Job.objects.filter(id=job_id).first()
    turn = scheduling.take_turn(job) if job is not None else None
    if turn is None:
        return  # nothing of the lane waits: the other turns took every job
    if turn.kind == Job.Kind.FIT:
        from generation.synthesis.fits import fit_run

        fit_run(job_id=turn.id)
    else:
        services.job_run(job_id=turn.id)


def run_block(job_id: str, table: str, index: int) -> None:
    storage.pause_if_unwritable()
    services.job_block_run(job_id=job_id, table=table, index=index)


def finalize_job(job_id: str) -> None:
    storage.pause_if_unwritable()
    services.job_finalize(job_id=job_id)


def compute_metrics(job_id: str) -> None:
    """A succeeded job's metrics document (enqueued by its completion, or by recovery)."""
    from evaluation.services import metrics_run  # downstream of generation

    metrics_run(job_id=job_id)


def purge_expired() -> int:
    """Scheduled (see generation.apps): delete files past SYNDATA_RETENTION_DAYS."""
    return services.artifacts_purge_expired()


def run_fit(job_id: str) -> None:
    """A fit job's first task: a turn of the heavy lane, as ``run_job``."""
    storage.pause_if_unwritable()
    _take_turn(job_id)
