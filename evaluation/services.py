"""Compute and store the metrics document of a finished job."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from evaluation.metrics import conformance_report, diversity_report
from evaluation.models import MetricsReport
from evaluation.sample import read_head
from generation import engine
from generation.models import Job


def metrics_compute(*, job: Job) -> MetricsReport:
    """Conformance (schema/template jobs) and diversity over a sample of each table."""
    if job.kind == Job.Kind.MODEL:  # against the real table: evaluation/report.py
        from evaluation.report import model_metrics_document

        document = model_metrics_document(job)
        report, _ = MetricsReport.objects.update_or_create(job=job, defaults={"document": document})
        return report
    spec = engine.parse_spec(job.spec)
    sample_rows = settings.SYNDATA_METRICS_SAMPLE_ROWS
    tables: dict[str, Any] = {}
    for artifact in job.artifacts.exclude(table=""):
        frame = read_head(artifact.absolute_path, artifact.format, sample_rows)
        table_spec = spec.tables[artifact.table]
        report = conformance_report(table_spec, frame, spec=spec, name=artifact.table)
        report["diversity"] = diversity_report(frame)
        tables[artifact.table] = report
    utilities = [t["utility"] for t in tables.values() if t.get("utility") is not None]
    uniqueness = [t["diversity"]["uniqueness_rate"] for t in tables.values()]
    document = {
        "job": str(job.id),
        "kind": "conformance",
        "engine_version": job.engine_version,
        "summary": {
            "utility": sum(utilities) / len(utilities) if utilities else None,
            "uniqueness_rate": min(uniqueness) if uniqueness else None,
        },
        "tables": tables,
    }
    report, _ = MetricsReport.objects.update_or_create(job=job, defaults={"document": document})
    return report
