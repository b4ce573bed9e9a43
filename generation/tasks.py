"""django-q2 tasks: load by id, call a service; nothing else."""

from __future__ import annotations

from generation import services, storage


def run_job(job_id: str) -> None:
    storage.pause_if_unwritable()  # the database could not be written a moment ago
    services.job_run(job_id=job_id)


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
    """Fit a synthesizer on a dataset (a fit job)."""
    from generation.synthesis.services import fit_run

    fit_run(job_id=job_id)
