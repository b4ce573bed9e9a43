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
    privacy_verdict = serializers.ChoiceField(
        choices=["low", "medium", "high"],
        required=False,
        allow_null=True,
        help_text="The worst attack-based risk (privacy.verdict).",
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
    holdout = serializers.CharField(
        required=False, help_text="Evaluation jobs: which dataset rows are the control."
    )


class MembershipInferenceSerializer(serializers.Serializer):
    """Distance-based membership inference: training rows (members) against held-out rows."""

    auc = serializers.FloatField(
        required=False, help_text="ROC AUC of closeness to a synthetic row; 0.5 = chance."
    )
    advantage = serializers.FloatField(
        required=False, help_text="max(0, 2 AUC - 1): 0 at guessing, 1 certain."
    )
    ci = serializers.ListField(
        required=False,
        child=serializers.FloatField(),
        allow_null=True,
        help_text="95% bootstrap interval of 2 AUC - 1.",
    )
    n = serializers.DictField(required=False, child=serializers.IntegerField())
    skipped = serializers.CharField(
        required=False, help_text="Why it was not run (the other fields are then absent)."
    )
    level = serializers.ChoiceField(choices=["low", "medium", "high"], required=False)
    seconds = serializers.FloatField(required=False)
    cut = serializers.CharField(required=False, help_text="Set when the time budget cut it.")


class AttributeInferenceSerializer(serializers.Serializer):
    """Nearest-neighbour inference of sensitive columns from the quasi-identifiers."""

    risk = serializers.FloatField(
        required=False,
        help_text="max(0, s_train - s_holdout) / (1 - s_holdout), the worst sensitive column.",
    )
    ci = serializers.ListField(required=False, child=serializers.FloatField(), allow_null=True)
    n = serializers.DictField(required=False, child=serializers.IntegerField())
    quasi_identifiers = serializers.ListField(required=False, child=serializers.CharField())
    sensitive = serializers.ListField(required=False, child=serializers.CharField())
    columns = serializers.DictField(
        required=False,
        child=serializers.DictField(),
        help_text="Per sensitive column: risk, ci, successes.",
    )
    skipped = serializers.CharField(
        required=False, help_text="Why it was not run (the other fields are then absent)."
    )
    level = serializers.ChoiceField(choices=["low", "medium", "high"], required=False)
    seconds = serializers.FloatField(required=False)
    cut = serializers.CharField(required=False)


class SinglingOutSerializer(serializers.Serializer):
    """Unique real rows a synthetic row's quasi-identifiers point at, training vs held-out."""

    risk = serializers.FloatField(required=False)
    ci = serializers.ListField(required=False, child=serializers.FloatField(), allow_null=True)
    n = serializers.DictField(required=False, child=serializers.IntegerField())
    singled_out_train = serializers.FloatField(required=False)
    singled_out_holdout = serializers.FloatField(required=False)
    quasi_identifiers = serializers.ListField(required=False, child=serializers.CharField())
    skipped = serializers.CharField(
        required=False, help_text="Why it was not run (the other fields are then absent)."
    )
    level = serializers.ChoiceField(choices=["low", "medium", "high"], required=False)
    seconds = serializers.FloatField(required=False)
    cut = serializers.CharField(required=False)


class AttacksSerializer(serializers.Serializer):
    """Each attack, or ``{"skipped": why}`` (no holdout, the time budget spent...)."""

    membership_inference = MembershipInferenceSerializer(required=False)
    attribute_inference = AttributeInferenceSerializer(required=False)
    singling_out = SinglingOutSerializer(required=False)


class PrivacySerializer(serializers.Serializer):
    """Attack-based risk: the worst table's attacks, its verdict and one sentence per attack."""

    verdict = serializers.ChoiceField(
        choices=["low", "medium", "high"],
        allow_null=True,
        help_text="Thresholds: SYNDATA_PRIVACY_MEDIUM / SYNDATA_PRIVACY_HIGH.",
    )
    sentences = serializers.DictField(child=serializers.CharField())
    attacks = AttacksSerializer(required=False)
    table = serializers.CharField(required=False, help_text="The table the verdict is of.")
    tables = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Each table's verdict."
    )
    quasi_identifiers_source = serializers.CharField(required=False, allow_null=True)


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
        choices=["conformance", "model", "evaluation"],
        help_text="conformance: schema and template jobs against what they declared; "
        "model: model jobs against the real training data; evaluation: uploaded synthetic "
        "data against a dataset (POST /api/datasets/{id}/evaluate).",
    )
    dataset_id = serializers.UUIDField(required=False, help_text="Evaluation documents.")
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
    privacy = PrivacySerializer(
        required=False, help_text="Model and evaluation documents: attack-based risk."
    )
    orphans_dropped_in_fit = serializers.DictField(required=False)
    differential_privacy = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text="Model documents of a differentially private fit: epsilon and delta asked "
        "and spent (GET /api/models/{id} has the whole accounting).",
    )
