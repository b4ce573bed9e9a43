from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from generation import engine, scheduling
from generation.models import Artifact, Job, Schema
from syndata_site.openapi import ErrorItemSerializer, ErrorSerializer

__all__ = [
    "ArtifactSerializer",
    "ErrorSerializer",
    "GenerateEstimateSerializer",
    "GenerateRequestSerializer",
    "GenerateSerializer",
    "JobSerializer",
    "JobSpecSerializer",
    "PreviewSerializer",
    "SchemaSerializer",
    "SpecValidateSerializer",
    "SpecValidationSerializer",
]


class GenerateSerializer(serializers.Serializer):
    """Exactly one source: an inline ``schema``, a ``template``, a saved ``schema_id`` or a ``model_id``."""

    schema = serializers.JSONField(
        required=False, help_text="An inline spec in the engine's language."
    )
    template = serializers.CharField(
        required=False, help_text="A template name from /api/templates."
    )
    params = serializers.DictField(required=False, help_text="Template knobs.")
    schema_id = serializers.UUIDField(required=False, help_text="A saved schema's id.")
    model_id = serializers.UUIDField(required=False, help_text="A fitted model's id.")
    rows = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=engine.MAX_ROWS,
        help_text=(
            "Rows of the root table(s), at least 1. A template: its root tables' rows, in "
            "place of their size knob (giving both is a 400). model_id of a par model: sequences (the job's "
            "rows_total is then the rows made); of an hma model: rows of the parent table."
        ),
    )
    format = serializers.ChoiceField(choices=list(engine.FORMATS), default="csv")
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
    conditions = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="model_id only: [{column, value, fraction}] (rebalancing).",
    )
    privacy_gate = serializers.ChoiceField(
        choices=["off", "warn", "block"],
        required=False,
        help_text="model_id only: what a high privacy verdict does to the download "
        "(default SYNDATA_PRIVACY_GATE): off, warn (needs ?acknowledge_privacy_risk=1), block.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sources = [k for k in ("schema", "template", "schema_id", "model_id") if k in attrs]
        if len(sources) != 1:
            raise serializers.ValidationError(
                "give exactly one of schema, template, schema_id or model_id"
                + (f" (got {', '.join(sources)})" if sources else "")
            )
        return attrs


GenerateRequestSerializer = GenerateSerializer  # the body of POST /api/generate


class GenerateEstimateSerializer(serializers.Serializer):
    tables = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rows per table the job would make."
    )
    rows_total = serializers.IntegerField()
    limit = serializers.IntegerField(help_text="SYNDATA_MAX_ROWS_PER_JOB.")


_DATETIME = serializers.DateTimeField()


def _datetime(value: Any) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


class ArtifactSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Artifact
        fields = ["id", "table", "format", "size", "rows", "sha256", "created_at", "url"]

    def get_url(self, obj: Artifact) -> str:
        base = reverse("download", args=[obj.job_id])
        query = f"?format={obj.format}" + (f"&table={obj.table}" if obj.table else "")
        return base + query

    def to_representation(self, instance: Artifact) -> dict[str, Any]:
        # The fields above document the shape; this builds it without DRF's per-request
        # field machinery (job status is the most polled endpoint). A test keeps both equal.
        return {
            "id": str(instance.id),
            "table": instance.table,
            "format": instance.format,
            "size": instance.size,
            "rows": instance.rows,
            "sha256": instance.sha256,
            "created_at": _datetime(instance.created_at),
            "url": self.get_url(instance),
        }


class JobLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    preview = serializers.CharField()
    download = serializers.CharField()
    metrics = serializers.CharField()
    cancel = serializers.CharField()
    spec = serializers.CharField()


class JobColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField(help_text="Arrow type of the column, e.g. int64, string.")


class JobTableSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Rows the table will have.")
    blocks = serializers.IntegerField(
        help_text="Blocks it is made in; 0 until a worker has planned a large job "
        "(its rows are then expected rows)."
    )
    columns = JobColumnSerializer(
        many=True, required=False, help_text="Known once its first block is written."
    )


class JobMetricsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Job.MetricsStatus.choices,
        help_text="The metrics' own state: computed after the job succeeded (its data is "
        "downloadable before); none for fit jobs and jobs that failed or were cancelled.",
    )
    progress = serializers.FloatField(help_text="0..1 while running.")
    error = serializers.CharField(help_text="Why they failed (the data is intact).")


class JobWaitingSerializer(serializers.Serializer):
    lane = serializers.ChoiceField(
        choices=[scheduling.DEFAULT, scheduling.HEAVY],
        help_text="The workers it waits for: heavy (fits, PAR/HMA samples) or default.",
    )
    ahead = serializers.IntegerField(
        help_text="Queued jobs of that lane that start before this one (every user's): "
        "users take turns, the one with the fewest jobs running there first."
    )
    running = serializers.IntegerField(help_text="Jobs of that lane running now.")
    workers = serializers.IntegerField(help_text="Worker processes of that lane.")


PHASES = ["waiting", "generating", "joining", "fitting", "metrics", "done"]


def metrics_state(job: Job) -> dict[str, Any]:
    """A job's metrics state as the API shows it (JobMetricsSerializer's shape)."""
    state = job.metrics_state
    progress = 1.0 if state == Job.MetricsStatus.READY else float(job.metrics_progress)
    return {"status": state, "progress": progress, "error": job.metrics_error}


class JobPrivacySerializer(serializers.Serializer):
    """The privacy gate of a model or evaluation job (generation/privacy_gate.py)."""

    mode = serializers.ChoiceField(choices=["off", "warn", "block"])
    verdict = serializers.ChoiceField(choices=["low", "medium", "high"], allow_null=True)
    passed = serializers.BooleanField(
        allow_null=True, help_text="null while the verdict is pending (or its metrics failed)."
    )
    reason = serializers.CharField()


class JobSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True)
    tables = serializers.DictField(
        child=JobTableSerializer(), read_only=True, help_text="The job's tables by name."
    )
    params = serializers.DictField(
        read_only=True,
        help_text="What the request asked beyond the spec (rows, template knobs, model_id, "
        "conditions...) and what the job learned on the way (e.g. exact copies dropped).",
    )
    artifacts = ArtifactSerializer(many=True, read_only=True)
    metrics = serializers.SerializerMethodField()
    privacy = serializers.SerializerMethodField()
    phase = serializers.SerializerMethodField(
        help_text="What the job does now: waiting (for a worker), generating, joining "
        "(writing its files), fitting, metrics (its data is ready, the metrics are computed), "
        "done (finished, whatever the status)."
    )
    activity = serializers.SerializerMethodField(
        help_text='The phase in words, e.g. "waiting for a worker, 2 ahead", "fitting epoch '
        '3/10", "writing files", "computing metrics".'
    )
    waiting = serializers.SerializerMethodField(
        help_text="Why a queued job waits (null unless queued)."
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "rows_done",
            "rows_total",
            "blocks_done",
            "blocks_total",
            "format",
            "seed",
            "template",
            "engine_version",
            "tables",
            "params",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "artifacts",
            "metrics",
            "privacy",
            "phase",
            "activity",
            "waiting",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(JobMetricsSerializer)
    def get_metrics(self, obj: Job) -> dict[str, Any]:
        return metrics_state(obj)

    @extend_schema_field(JobPrivacySerializer(allow_null=True))
    def get_privacy(self, obj: Job) -> dict[str, Any] | None:
        from generation.privacy_gate import gate_state

        return gate_state(obj)

    def _state(self, obj: Job) -> tuple[str, str, dict[str, Any] | None]:
        # One LaneSnapshot per answer (a list's items share their root's context): the lanes'
        # order is read once for the whole list, not once per queued job.
        snapshot = self.context.setdefault("lane_snapshot", scheduling.LaneSnapshot())
        return scheduling.job_state(obj, snapshot)

    @extend_schema_field(serializers.ChoiceField(choices=PHASES))
    def get_phase(self, obj: Job) -> str:
        return self._state(obj)[0]

    @extend_schema_field(serializers.CharField())
    def get_activity(self, obj: Job) -> str:
        return self._state(obj)[1]

    @extend_schema_field(JobWaitingSerializer(allow_null=True))
    def get_waiting(self, obj: Job) -> dict[str, Any] | None:
        return self._state(obj)[2]

    @extend_schema_field(JobLinksSerializer)
    def get_links(self, obj: Job) -> dict[str, str]:
        return {
            "self": reverse("job-detail", args=[obj.id]),
            "preview": reverse("preview", args=[obj.id]),
            "download": reverse("download", args=[obj.id]),
            "metrics": reverse("metrics", args=[obj.id]),
            "cancel": reverse("job-cancel", args=[obj.id]),
            "spec": reverse("job-spec", args=[obj.id]),
        }

    def to_representation(self, instance: Job) -> dict[str, Any]:
        # As ArtifactSerializer: the declared fields are the documented shape (a test keeps
        # this equal to DRF's own rendering); building it directly halves a status poll's cost.
        artifact = ArtifactSerializer()
        phase, activity, waiting = self._state(instance)
        return {
            "id": str(instance.id),
            "kind": instance.kind,
            "status": instance.status,
            "progress": float(instance.progress),
            "rows_done": instance.rows_done,
            "rows_total": instance.rows_total,
            "blocks_done": instance.blocks_done,
            "blocks_total": instance.blocks_total,
            "format": instance.format,
            "seed": instance.seed,
            "template": instance.template,
            "engine_version": instance.engine_version,
            "tables": instance.tables,
            "params": instance.params,
            "error": instance.error,
            "created_at": _datetime(instance.created_at),
            "started_at": _datetime(instance.started_at),
            "finished_at": _datetime(instance.finished_at),
            "artifacts": [artifact.to_representation(a) for a in instance.artifacts.all()],
            "metrics": metrics_state(instance),
            "privacy": self.get_privacy(instance),
            "phase": phase,
            "activity": activity,
            "waiting": waiting,
            "links": self.get_links(instance),
        }


class JobSpecSerializer(serializers.Serializer):
    spec = serializers.JSONField(
        help_text="The validated spec the job ran: open it in the editor or send it again."
    )


class PreviewSerializer(serializers.Serializer):
    table = serializers.CharField()
    tables = serializers.ListField(child=serializers.CharField())
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField())


class SchemaSerializer(serializers.ModelSerializer):
    """A saved spec; ``spec`` is validated with the engine (errors name the JSON path)."""

    spec = serializers.JSONField(help_text="A spec in the engine's language.")

    class Meta:
        model = Schema
        fields = ["id", "name", "description", "spec", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class SpecValidateSerializer(serializers.Serializer):
    spec = serializers.JSONField(help_text="A spec to check; nothing is saved.")


class SpecValidationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    errors = ErrorItemSerializer(many=True, help_text="Every problem, each with its JSON path.")
    tables = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Rows per table the spec would make (empty when invalid).",
    )
