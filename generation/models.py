"""Schemas (saved specs), Jobs (one request to make data) and Artifacts (files a job made)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class OrderedJSONField(models.JSONField):
    """A JSONField that keeps the order of object keys on PostgreSQL too.

    Django stores JSONField as ``jsonb`` there, which sorts object keys; but a spec's key order
    means something (columns come out in the order the fields are written, and the bytes of a
    job depend on it). PostgreSQL's ``json`` type keeps the text as given, so specs use it.
    SQLite stores text anyway.
    """

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if connection.vendor != "postgresql" or hasattr(value, "as_sql"):
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        # Plain text, not psycopg's Jsonb wrapper: a jsonb parameter would be re-ordered by
        # the server before it reached the json column.
        return None if value is None else json.dumps(value, cls=self.encoder)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None and not isinstance(value, str | bytes):
            return value  # psycopg already parsed the json column (key order kept)
        return super().from_db_value(value, expression, connection)


class Schema(models.Model):
    """A saved spec in the engine's language, owned by a user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="schemas"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    spec = OrderedJSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    """One request to produce data (or fit a model); its life is queued -> running -> end."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class Kind(models.TextChoices):
        SCHEMA = "schema"
        TEMPLATE = "template"
        MODEL = "model"
        FIT = "fit"
        EVALUATION = "evaluation"  # metrics of uploaded synthetic rows (another tool's)

    class MetricsStatus(models.TextChoices):
        """The metrics' own life, after the data's: a job is done when its data is ready."""

        PENDING = "pending"
        RUNNING = "running"
        READY = "ready"
        FAILED = "failed"
        NONE = "none"  # fit jobs: the model is the result, there is no metrics document

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)
    UNFINISHED = (Status.QUEUED, Status.RUNNING)
    NOT_CANCELLED = (Status.QUEUED, Status.RUNNING, Status.SUCCEEDED, Status.FAILED)

    # Every change of a job's status there is (Job.transition refuses any other). running ->
    # queued: a fit whose worker was lost, queued again by recovery.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.QUEUED: (Status.RUNNING, Status.FAILED, Status.CANCELLED),
        Status.RUNNING: (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.QUEUED),
        Status.SUCCEEDED: (),
        Status.FAILED: (),
        Status.CANCELLED: (),
    }
    # The metrics' changes, once the job succeeded (before, they are pending and never move).
    # pending -> pending and running -> pending: recovery enqueues lost metrics again;
    # failed -> ready: a copy recovery gave up on, that was only slow, stored its document;
    # failed -> failed: a second copy's error replaces the first's.
    METRICS_TRANSITIONS: dict[str, tuple[str, ...]] = {
        MetricsStatus.PENDING: (
            MetricsStatus.RUNNING,
            MetricsStatus.PENDING,
            MetricsStatus.READY,
            MetricsStatus.FAILED,
        ),
        MetricsStatus.RUNNING: (MetricsStatus.PENDING, MetricsStatus.READY, MetricsStatus.FAILED),
        MetricsStatus.FAILED: (MetricsStatus.READY, MetricsStatus.FAILED),
        MetricsStatus.READY: (MetricsStatus.READY,),
        MetricsStatus.NONE: (),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SCHEMA)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    spec = OrderedJSONField(null=True, blank=True, help_text="The validated spec the job runs.")
    params = models.JSONField(default=dict, blank=True, help_text="Request parameters.")
    template = models.CharField(max_length=100, blank=True, default="")
    schema = models.ForeignKey(
        Schema, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    format = models.CharField(max_length=16, default="csv")
    seed = models.BigIntegerField()
    rows_total = models.BigIntegerField(default=0)
    rows_done = models.BigIntegerField(default=0)
    blocks_total = models.IntegerField(default=0)
    blocks_done = models.IntegerField(default=0)
    engine_version = models.CharField(max_length=32, blank=True, default="")
    tables = models.JSONField(
        default=dict, blank=True, help_text="Per table: rows, blocks, columns."
    )
    error = models.TextField(blank=True, default="")
    log = models.JSONField(default=list, blank=True)
    metrics_status = models.CharField(
        max_length=16,
        choices=MetricsStatus.choices,
        default=MetricsStatus.PENDING,
        help_text="Computed by their own task once the job succeeded (evaluation.services).",
    )
    metrics_progress = models.FloatField(default=0.0)
    metrics_error = models.TextField(blank=True, default="")
    metrics_attempts = models.IntegerField(
        default=0, help_text="Metrics tasks started; recovery gives up after a few."
    )
    privacy = models.JSONField(
        default=dict,
        blank=True,
        help_text="Model and evaluation jobs, once their metrics are ready: the attack-based "
        "verdict and its reason (generation/privacy_gate.py).",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} job {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress(self) -> float:
        if self.status == "succeeded":
            return 1.0
        # Child tables' rows are drawn per parent: rows_total is an expectation until the end.
        return min(0.999, self.rows_done / self.rows_total) if self.rows_total else 0.0

    @property
    def metrics_state(self) -> str:
        """The metrics' status as users see it: none for a job that failed or was cancelled
        (they never come), otherwise the stored one (pending until the data is ready)."""
        if self.status in (self.Status.FAILED, self.Status.CANCELLED):
            return self.MetricsStatus.NONE
        return self.metrics_status

    @property
    def directory(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "jobs" / str(self.id)

    @classmethod
    def transition(
        cls,
        job: Job | Any,
        *,
        source: str | tuple[str, ...],
        target: str | None = None,
        **fields: Any,
    ) -> bool:
        """Move a job from one of the ``source`` statuses to ``target`` in one compare-and-set
        UPDATE, writing ``fields`` with it; True when this call won (the job was in ``source``).

        The one place a job's status changes: a task that lost a race (the job was cancelled,
        failed or finished meanwhile) sees False and leaves. ``started_at`` is set on entering
        running and cleared on going back to queued, ``finished_at`` set on any end (unless
        ``fields`` name them). ``target`` None changes no status: ``fields`` are written only
        while the job is in ``source`` (a running job's progress). A change that is not in
        ``TRANSITIONS`` raises ``IllegalTransition`` before anything is written. ``job``: a Job
        (updated in memory when the call wins) or its id.
        """
        sources = cls._sources(source, target, cls.TRANSITIONS)
        if target is not None:
            now = timezone.now()
            if target == cls.Status.RUNNING:
                fields.setdefault("started_at", now)
            elif target == cls.Status.QUEUED:
                fields.setdefault("started_at", None)
            if target in cls.FINISHED:
                fields.setdefault("finished_at", now)
            fields["status"] = target
        return cls._compare_and_set(job, {"status__in": sources}, fields)

    @classmethod
    def metrics_transition(
        cls,
        job: Job | Any,
        *,
        source: str | tuple[str, ...],
        target: str | None = None,
        **fields: Any,
    ) -> bool:
        """``transition`` for the metrics' status (``METRICS_TRANSITIONS``), of a job whose
        data is ready (succeeded): their life never touches the job's status."""
        sources = cls._sources(source, target, cls.METRICS_TRANSITIONS)
        if target is not None:
            fields["metrics_status"] = target
        guard = {"status": cls.Status.SUCCEEDED, "metrics_status__in": sources}
        return cls._compare_and_set(job, guard, fields)

    @staticmethod
    def _sources(
        source: str | tuple[str, ...], target: str | None, table: dict[str, tuple[str, ...]]
    ) -> tuple[str, ...]:
        sources = (source,) if isinstance(source, str) else tuple(source)
        for state in sources:
            if state not in table:
                raise IllegalTransition(f"unknown state {state!r}")
            if target is not None and target not in table[state]:
                raise IllegalTransition(f"a job cannot go from {state} to {target}")
        if target is not None and target not in table:
            raise IllegalTransition(f"unknown state {target!r}")
        return sources

    @classmethod
    def claim(cls, job: Job | Any) -> bool:
        """A worker takes a queued job to start it (``scheduling.take_turn``): ``started_at`` set
        while the job is still queued and unclaimed; True for the one worker that won it."""
        return cls._compare_and_set(
            job,
            {"status": cls.Status.QUEUED, "started_at__isnull": True},
            {"started_at": timezone.now()},
        )

    @classmethod
    def release_claim(cls, job: Job | Any) -> bool:
        """Free a queued job's claim (its worker was lost before starting it): the next turn of
        its lane may take it again."""
        return cls._compare_and_set(job, {"status": cls.Status.QUEUED}, {"started_at": None})

    @classmethod
    def _compare_and_set(cls, job: Any, guard: dict[str, Any], fields: dict[str, Any]) -> bool:
        job_id = job.id if isinstance(job, Job) else job
        won = bool(cls.objects.filter(id=job_id, **guard).update(**fields))
        if won and isinstance(job, Job):
            for name, value in fields.items():
                if not hasattr(value, "resolve_expression"):  # F(): its value is the row's
                    setattr(job, name, value)
        return won


class IllegalTransition(ValueError):
    """A change of a job's status (or its metrics') that ``Job.TRANSITIONS`` does not allow."""


class Artifact(models.Model):
    """A file a job made: one table in one format (or an archive of several tables)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="artifacts")
    table = models.CharField(max_length=200, blank=True, default="")
    format = models.CharField(max_length=16)
    path = models.CharField(max_length=500, help_text="Relative to MEDIA_ROOT.")
    size = models.BigIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job", "table", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "table", "format"], name="artifact_unique_per_job_table_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table or '*'}.{self.format} of {self.job_id}"

    @property
    def absolute_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.path


# Learned-from-real-data models live in their own module; imported here to join this app.
from generation.synthesis.models import Dataset, SynthModel  # noqa: E402

__all__ = ["Artifact", "Dataset", "Job", "Schema", "SynthModel"]
