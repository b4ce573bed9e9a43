"""Bring your own synthetic data: an uploaded table (made by any tool) judged against a
dataset's rows by the same metrics document as a model job, as an ``evaluation`` job."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from generation.models import Artifact, Job
from generation.services import metrics_enqueue
from generation.specs import upload_size_check
from generation.synthesis.models import Dataset
from generation.synthesis.tables import TableError, read_table
from syndata_site.errors import ApiError

__all__ = ["evaluation_submit"]


def evaluation_submit(*, user: Any, dataset: Dataset, upload: Any, seed: int = 0) -> Job:
    """Store the upload as the job's table, check its columns against the dataset's, and
    enqueue its metrics. Wrong columns are a 400 naming them; nothing is left on error."""
    if "tables" in dataset.metadata:
        raise ApiError(
            "dataset: evaluating related tables is not supported yet; upload one table "
            "as its own dataset"
        )
    size = getattr(upload, "size", None)
    if size is not None:
        upload_size_check(size=size)
    filename = Path(getattr(upload, "name", "") or "synthetic.csv").name
    suffix = ".parquet" if Path(filename).suffix.lower() in (".parquet", ".pq") else ".csv"
    table = dataset.metadata.get("table") or "table"
    job = Job(
        owner=user,
        kind=Job.Kind.EVALUATION,
        status=Job.Status.SUCCEEDED,
        seed=seed,
        params={"dataset_id": str(dataset.id), "filename": filename[:200]},
    )
    directory = job.directory
    target = directory / f"{table}{suffix}"
    try:
        directory.mkdir(parents=True, exist_ok=False)
        written = 0
        with target.open("wb") as sink:
            for chunk in upload.chunks():
                written += len(chunk)
                upload_size_check(size=written, exact=False)
                sink.write(chunk)
        try:
            frame, info = read_table(
                target,
                filename=filename,
                max_columns=settings.SYNDATA_DATASET_MAX_COLUMNS,
                min_rows=settings.SYNDATA_DATASET_MIN_ROWS,
            )
        except TableError as exc:
            raise ApiError(str(exc), code="invalid_file") from None
        columns = dataset.metadata.get("columns") or {}
        expected = list(columns)
        missing = [c for c in expected if c not in frame.columns]
        extra = [str(c) for c in frame.columns if c not in columns]
        if missing or extra:
            parts = [
                f"missing {missing}" if missing else "",
                f"unexpected {extra}" if extra else "",
            ]
            raise ApiError(
                "file: its columns must be the dataset's: " + "; ".join(p for p in parts if p)
            )
        fmt = "parquet" if info["format"] == "parquet" else "csv"
        if fmt == "parquet" and suffix != ".parquet":
            final = target.with_suffix(".parquet")
            target.replace(final)
            target = final
        now = timezone.now()
        job.format = fmt
        job.params["read"] = info  # how the metrics read it back: its delimiter, encoding
        job.rows_total = job.rows_done = len(frame)
        job.tables = {table: {"rows": len(frame), "blocks": 0}}
        job.started_at = job.finished_at = now
        with transaction.atomic():
            job.save()
            Artifact.objects.create(
                job=job,
                table=table,
                format=fmt,
                path=str(target.relative_to(settings.MEDIA_ROOT)),
                size=target.stat().st_size,
                rows=len(frame),
            )
            transaction.on_commit(lambda: metrics_enqueue(job=job))
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return job
