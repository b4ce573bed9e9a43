"""The metrics document's shape in the OpenAPI document (the view returns the stored JSON)."""

from __future__ import annotations

from rest_framework import serializers

from generation.models import Job


class MetricsSummarySerializer(serializers.Serializer):
    """Headline figures; the model-only ones are absent from conformance documents."""

    utility = serializers.FloatField(
        allow_null=True, help_text="Conformance to the spec, or SDMetrics quality, 0..1."
    )
    uniqueness_rate = serializers.FloatField(
        allow_null=True, help_text="Share of rows that appear once."
    )
    quality = serializers.FloatField(required=False, allow_null=True)
    column_shapes = serializers.FloatField(required=False, allow_null=True)
    column_pair_trends = serializers.FloatField(required=False, allow_null=True)
    diagnostic = serializers.FloatField(required=False, allow_null=True)
    exact_copy_rate = serializers.FloatField(required=False, allow_null=True)
    exact_copies_dropped = serializers.IntegerField(required=False, allow_null=True)
    dcr_ratio = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Median distance to the closest training row, synthetic over holdout.",
    )
    share_closer_than_holdout_p5 = serializers.FloatField(required=False, allow_null=True)
    identifier_leaks = serializers.IntegerField(required=False, allow_null=True)
    referential_integrity = serializers.FloatField(required=False, allow_null=True)
    temporal = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Sequence jobs: temporal fidelity 0..1 (autocorrelation, seasons, "
        "cross-correlation, step changes, state runs; tables.<t>.temporal has the details).",
    )


class MetricsSampleSerializer(serializers.Serializer):
    """The bounded samples the metrics are computed on: their cost does not grow with rows."""

    rows_cap = serializers.IntegerField(help_text="SYNDATA_METRICS_SAMPLE_ROWS.")
    seed = serializers.IntegerField(help_text="Seed of the real rows' sample.")
    synthetic = serializers.CharField()
    privacy_rows_cap = serializers.IntegerField(
        required=False, help_text="SYNDATA_PRIVACY_SAMPLE_ROWS (model jobs)."
    )
    real = serializers.CharField(required=False, help_text="Model jobs.")


class MetricsStateSerializer(serializers.Serializer):
    """202 of GET /api/metrics/{job}: not computed yet."""

    job = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=Job.MetricsStatus.choices, help_text="pending or running here."
    )
    progress = serializers.FloatField()
    error = serializers.CharField()
    retry_after = serializers.IntegerField(help_text="Seconds; also the Retry-After header.")


class MetricsDocumentSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    kind = serializers.ChoiceField(
        choices=["conformance", "model"],
        help_text="conformance: schema and template jobs against what they declared; "
        "model: model jobs against the real training data.",
    )
    engine_version = serializers.CharField(required=False)
    model_id = serializers.UUIDField(required=False)
    synthesizer = serializers.CharField(required=False, help_text="The fitted synthesizer.")
    sample = MetricsSampleSerializer(
        required=False, help_text="Absent from documents computed before it was stated."
    )
    summary = MetricsSummarySerializer()
    tables = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per table: per-column details (KS, distances, histogram data), correlation "
        "matrices for heatmaps, privacy (DCR) and diversity; sequence jobs add temporal "
        "(per-column acf_real/acf_synthetic, lag1_errors, seasonal_power, "
        "cross_correlations, runs, lengths, examples).",
    )
    referential_integrity = serializers.DictField(
        child=serializers.FloatField(), required=False, help_text="Multi-table model jobs."
    )
    orphans_dropped_in_fit = serializers.DictField(required=False)
