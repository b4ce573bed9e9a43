"""Compute and store the metrics document of a finished job: its own task, after the data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import F

from evaluation.metrics import conformance_report, diversity_report
from evaluation.models import MetricsReport
from evaluation.sample import read_head, sample_statement
from generation import engine
from generation.heartbeat import Heartbeat
from generation.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]

# Where the metrics may be when their task ends (recovery may have re-queued or failed them).
NOT_READY = (Job.MetricsStatus.PENDING, Job.MetricsStatus.RUNNING, Job.MetricsStatus.FAILED)


def metrics_run(*, job_id: Any) -> None:
    """The metrics task: pending -> running -> ready (or failed, with the error).

    It never changes the job's status: the data stays downloadable whatever happens here.
    Only pending metrics are claimed, so a duplicate task (a redelivery, or recovery's resend
    of metrics that were only slow) does nothing.
    """
    claimed = Job.metrics_transition(
        job_id,
        source=Job.MetricsStatus.PENDING,
        target=Job.MetricsStatus.RUNNING,
        metrics_progress=0.0,
        metrics_error="",
        metrics_attempts=F("metrics_attempts") + 1,
    )
    if not claimed:
        return
    job = Job.objects.get(id=job_id)

    def progress(share: float) -> None:
        Job.metrics_transition(
            job.id, source=Job.MetricsStatus.RUNNING, metrics_progress=min(0.99, share)
        )

    try:
        with Heartbeat(job):
            metrics_compute(job=job, progress=progress)
    except Exception as exc:
        logger.exception("metrics of job %s failed", job_id)
        Job.metrics_transition(
            job_id,
            source=NOT_READY,
            target=Job.MetricsStatus.FAILED,
            metrics_error=f"{type(exc).__name__}: {exc}",
        )
        return
    # Ready even where recovery gave up on a copy that was only slow: the document is stored.
    Job.metrics_transition(
        job_id,
        source=(*NOT_READY, Job.MetricsStatus.READY),
        target=Job.MetricsStatus.READY,
        metrics_progress=1.0,
        metrics_error="",
    )


def metrics_compute(*, job: Job, progress: Progress | None = None) -> MetricsReport:
    """Conformance (schema/template jobs) and diversity over a sample of each table."""
    progress = progress or (lambda share: None)
    if job.kind in (Job.Kind.MODEL, Job.Kind.EVALUATION):  # against the real table
        from evaluation.report import evaluation_metrics_document, model_metrics_document
        from generation.privacy_gate import record_verdict

        if job.kind == Job.Kind.MODEL:
            document = model_metrics_document(job, progress=progress)
        else:
            document = evaluation_metrics_document(job, progress=progress)
        report, _ = MetricsReport.objects.update_or_create(job=job, defaults={"document": document})
        record_verdict(job, document)
        return report
    spec = engine.parse_spec_once(job.spec)  # the worker parsed it for the data already
    sample_rows = settings.SYNDATA_METRICS_SAMPLE_ROWS
    tables: dict[str, Any] = {}
    artifacts = list(job.artifacts.exclude(table=""))
    for i, artifact in enumerate(artifacts):
        frame = read_head(artifact.absolute_path, artifact.format, sample_rows)
        table_spec = spec.tables[artifact.table]
        report = conformance_report(table_spec, frame, spec=spec, name=artifact.table)
        report["diversity"] = diversity_report(frame)
        tables[artifact.table] = report
        progress((i + 1) / len(artifacts))
    utilities = [t["utility"] for t in tables.values() if t.get("utility") is not None]
    uniqueness = [t["diversity"]["uniqueness_rate"] for t in tables.values()]
    document = {
        "job": str(job.id),
        "kind": "conformance",
        "engine_version": job.engine_version,
        "sample": sample_statement(),
        "summary": {
            "utility": sum(utilities) / len(utilities) if utilities else None,
            "uniqueness_rate": min(uniqueness) if uniqueness else None,
        },
        "tables": tables,
    }
    report, _ = MetricsReport.objects.update_or_create(job=job, defaults={"document": document})
    return report
