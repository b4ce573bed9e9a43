from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.metrics_document_tables_additional_property import (
        MetricsDocumentTablesAdditionalProperty,
    )


T = TypeVar("T", bound="MetricsDocumentTables")


@_attrs_define
class MetricsDocumentTables:
    """Per table: per-column details (KS, distances, histogram data), correlation matrices for heatmaps, privacy (DCR) and
    diversity; sequence jobs add temporal (per-column acf_real/acf_synthetic, lag1_errors, seasonal_power,
    cross_correlations, runs, lengths, examples).

    """

    additional_properties: dict[str, MetricsDocumentTablesAdditionalProperty] = (
        _attrs_field(init=False, factory=dict)
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metrics_document_tables_additional_property import (
            MetricsDocumentTablesAdditionalProperty,
        )

        d = dict(src_dict)
        metrics_document_tables = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = MetricsDocumentTablesAdditionalProperty.from_dict(
                prop_dict
            )

            additional_properties[prop_name] = additional_property

        metrics_document_tables.additional_properties = additional_properties
        return metrics_document_tables

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> MetricsDocumentTablesAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(
        self, key: str, value: MetricsDocumentTablesAdditionalProperty
    ) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
