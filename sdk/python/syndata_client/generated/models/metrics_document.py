from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.metrics_kind_enum import MetricsKindEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metrics_document_differential_privacy import (
        MetricsDocumentDifferentialPrivacy,
    )
    from ..models.metrics_document_orphans_dropped_in_fit import (
        MetricsDocumentOrphansDroppedInFit,
    )
    from ..models.metrics_document_referential_integrity import (
        MetricsDocumentReferentialIntegrity,
    )
    from ..models.metrics_document_tables import MetricsDocumentTables
    from ..models.metrics_sample import MetricsSample
    from ..models.metrics_summary import MetricsSummary
    from ..models.privacy import Privacy


T = TypeVar("T", bound="MetricsDocument")


@_attrs_define
class MetricsDocument:
    """
    Attributes:
        job (UUID):
        kind (MetricsKindEnum): * `conformance` - conformance
            * `model` - model
            * `evaluation` - evaluation
        summary (MetricsSummary): Headline figures; the model-only ones are absent from conformance documents.
        tables (MetricsDocumentTables): Per table: per-column details (KS, distances, histogram data), correlation
            matrices for heatmaps, privacy (DCR) and diversity; sequence jobs add temporal (per-column
            acf_real/acf_synthetic, lag1_errors, seasonal_power, cross_correlations, runs, lengths, examples).
        dataset_id (UUID | Unset): Evaluation documents.
        engine_version (str | Unset):
        model_id (UUID | Unset):
        synthesizer (str | Unset): The fitted synthesizer.
        sample (MetricsSample | Unset): The bounded samples the metrics are computed on: their cost does not grow with
            rows.
        referential_integrity (MetricsDocumentReferentialIntegrity | Unset): Multi-table model jobs.
        privacy (Privacy | Unset): Attack-based risk: the worst table's attacks, its verdict and one sentence per
            attack.
        orphans_dropped_in_fit (MetricsDocumentOrphansDroppedInFit | Unset):
        differential_privacy (MetricsDocumentDifferentialPrivacy | Unset): Model documents of a differentially private
            fit: epsilon and delta asked and spent (GET /api/models/{id} has the whole accounting).
    """

    job: UUID
    kind: MetricsKindEnum
    summary: MetricsSummary
    tables: MetricsDocumentTables
    dataset_id: UUID | Unset = UNSET
    engine_version: str | Unset = UNSET
    model_id: UUID | Unset = UNSET
    synthesizer: str | Unset = UNSET
    sample: MetricsSample | Unset = UNSET
    referential_integrity: MetricsDocumentReferentialIntegrity | Unset = UNSET
    privacy: Privacy | Unset = UNSET
    orphans_dropped_in_fit: MetricsDocumentOrphansDroppedInFit | Unset = UNSET
    differential_privacy: MetricsDocumentDifferentialPrivacy | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job = str(self.job)

        kind = self.kind.value

        summary = self.summary.to_dict()

        tables = self.tables.to_dict()

        dataset_id: str | Unset = UNSET
        if not isinstance(self.dataset_id, Unset):
            dataset_id = str(self.dataset_id)

        engine_version = self.engine_version

        model_id: str | Unset = UNSET
        if not isinstance(self.model_id, Unset):
            model_id = str(self.model_id)

        synthesizer = self.synthesizer

        sample: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sample, Unset):
            sample = self.sample.to_dict()

        referential_integrity: dict[str, Any] | Unset = UNSET
        if not isinstance(self.referential_integrity, Unset):
            referential_integrity = self.referential_integrity.to_dict()

        privacy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.privacy, Unset):
            privacy = self.privacy.to_dict()

        orphans_dropped_in_fit: dict[str, Any] | Unset = UNSET
        if not isinstance(self.orphans_dropped_in_fit, Unset):
            orphans_dropped_in_fit = self.orphans_dropped_in_fit.to_dict()

        differential_privacy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.differential_privacy, Unset):
            differential_privacy = self.differential_privacy.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "kind": kind,
                "summary": summary,
                "tables": tables,
            }
        )
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if engine_version is not UNSET:
            field_dict["engine_version"] = engine_version
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if synthesizer is not UNSET:
            field_dict["synthesizer"] = synthesizer
        if sample is not UNSET:
            field_dict["sample"] = sample
        if referential_integrity is not UNSET:
            field_dict["referential_integrity"] = referential_integrity
        if privacy is not UNSET:
            field_dict["privacy"] = privacy
        if orphans_dropped_in_fit is not UNSET:
            field_dict["orphans_dropped_in_fit"] = orphans_dropped_in_fit
        if differential_privacy is not UNSET:
            field_dict["differential_privacy"] = differential_privacy

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metrics_document_differential_privacy import (
            MetricsDocumentDifferentialPrivacy,
        )
        from ..models.metrics_document_orphans_dropped_in_fit import (
            MetricsDocumentOrphansDroppedInFit,
        )
        from ..models.metrics_document_referential_integrity import (
            MetricsDocumentReferentialIntegrity,
        )
        from ..models.metrics_document_tables import MetricsDocumentTables
        from ..models.metrics_sample import MetricsSample
        from ..models.metrics_summary import MetricsSummary
        from ..models.privacy import Privacy

        d = dict(src_dict)
        job = UUID(d.pop("job"))

        kind = MetricsKindEnum(d.pop("kind"))

        summary = MetricsSummary.from_dict(d.pop("summary"))

        tables = MetricsDocumentTables.from_dict(d.pop("tables"))

        _dataset_id = d.pop("dataset_id", UNSET)
        dataset_id: UUID | Unset
        if isinstance(_dataset_id, Unset):
            dataset_id = UNSET
        else:
            dataset_id = UUID(_dataset_id)

        engine_version = d.pop("engine_version", UNSET)

        _model_id = d.pop("model_id", UNSET)
        model_id: UUID | Unset
        if isinstance(_model_id, Unset):
            model_id = UNSET
        else:
            model_id = UUID(_model_id)

        synthesizer = d.pop("synthesizer", UNSET)

        _sample = d.pop("sample", UNSET)
        sample: MetricsSample | Unset
        if isinstance(_sample, Unset):
            sample = UNSET
        else:
            sample = MetricsSample.from_dict(_sample)

        _referential_integrity = d.pop("referential_integrity", UNSET)
        referential_integrity: MetricsDocumentReferentialIntegrity | Unset
        if isinstance(_referential_integrity, Unset):
            referential_integrity = UNSET
        else:
            referential_integrity = MetricsDocumentReferentialIntegrity.from_dict(
                _referential_integrity
            )

        _privacy = d.pop("privacy", UNSET)
        privacy: Privacy | Unset
        if isinstance(_privacy, Unset):
            privacy = UNSET
        else:
            privacy = Privacy.from_dict(_privacy)

        _orphans_dropped_in_fit = d.pop("orphans_dropped_in_fit", UNSET)
        orphans_dropped_in_fit: MetricsDocumentOrphansDroppedInFit | Unset
        if isinstance(_orphans_dropped_in_fit, Unset):
            orphans_dropped_in_fit = UNSET
        else:
            orphans_dropped_in_fit = MetricsDocumentOrphansDroppedInFit.from_dict(
                _orphans_dropped_in_fit
            )

        _differential_privacy = d.pop("differential_privacy", UNSET)
        differential_privacy: MetricsDocumentDifferentialPrivacy | Unset
        if isinstance(_differential_privacy, Unset):
            differential_privacy = UNSET
        else:
            differential_privacy = MetricsDocumentDifferentialPrivacy.from_dict(
                _differential_privacy
            )

        metrics_document = cls(
            job=job,
            kind=kind,
            summary=summary,
            tables=tables,
            dataset_id=dataset_id,
            engine_version=engine_version,
            model_id=model_id,
            synthesizer=synthesizer,
            sample=sample,
            referential_integrity=referential_integrity,
            privacy=privacy,
            orphans_dropped_in_fit=orphans_dropped_in_fit,
            differential_privacy=differential_privacy,
        )

        metrics_document.additional_properties = d
        return metrics_document

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
