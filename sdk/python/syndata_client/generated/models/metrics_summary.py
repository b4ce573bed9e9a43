from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.privacy_level_enum import PrivacyLevelEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="MetricsSummary")


@_attrs_define
class MetricsSummary:
    """Headline figures; the model-only ones are absent from conformance documents.

    Attributes:
        utility (float | None): Conformance to the spec, or SDMetrics quality, 0..1.
        uniqueness_rate (float | None): Share of rows that appear once.
        quality (float | None | Unset):
        column_shapes (float | None | Unset):
        column_pair_trends (float | None | Unset):
        diagnostic (float | None | Unset):
        exact_copy_rate (float | None | Unset):
        exact_copies_dropped (int | None | Unset):
        dcr_ratio (float | None | Unset): Median distance to the closest training row, synthetic over holdout.
        share_closer_than_holdout_p5 (float | None | Unset):
        identifier_leaks (int | None | Unset):
        referential_integrity (float | None | Unset):
        temporal (float | None | Unset): Sequence jobs: temporal fidelity 0..1 (autocorrelation, seasons, cross-
            correlation, step changes, state runs; tables.<t>.temporal has the details).
        privacy_verdict (None | PrivacyLevelEnum | Unset): The worst attack-based risk (privacy.verdict).

            * `low` - low
            * `medium` - medium
            * `high` - high
    """

    utility: float | None
    uniqueness_rate: float | None
    quality: float | None | Unset = UNSET
    column_shapes: float | None | Unset = UNSET
    column_pair_trends: float | None | Unset = UNSET
    diagnostic: float | None | Unset = UNSET
    exact_copy_rate: float | None | Unset = UNSET
    exact_copies_dropped: int | None | Unset = UNSET
    dcr_ratio: float | None | Unset = UNSET
    share_closer_than_holdout_p5: float | None | Unset = UNSET
    identifier_leaks: int | None | Unset = UNSET
    referential_integrity: float | None | Unset = UNSET
    temporal: float | None | Unset = UNSET
    privacy_verdict: None | PrivacyLevelEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        utility: float | None
        utility = self.utility

        uniqueness_rate: float | None
        uniqueness_rate = self.uniqueness_rate

        quality: float | None | Unset
        if isinstance(self.quality, Unset):
            quality = UNSET
        else:
            quality = self.quality

        column_shapes: float | None | Unset
        if isinstance(self.column_shapes, Unset):
            column_shapes = UNSET
        else:
            column_shapes = self.column_shapes

        column_pair_trends: float | None | Unset
        if isinstance(self.column_pair_trends, Unset):
            column_pair_trends = UNSET
        else:
            column_pair_trends = self.column_pair_trends

        diagnostic: float | None | Unset
        if isinstance(self.diagnostic, Unset):
            diagnostic = UNSET
        else:
            diagnostic = self.diagnostic

        exact_copy_rate: float | None | Unset
        if isinstance(self.exact_copy_rate, Unset):
            exact_copy_rate = UNSET
        else:
            exact_copy_rate = self.exact_copy_rate

        exact_copies_dropped: int | None | Unset
        if isinstance(self.exact_copies_dropped, Unset):
            exact_copies_dropped = UNSET
        else:
            exact_copies_dropped = self.exact_copies_dropped

        dcr_ratio: float | None | Unset
        if isinstance(self.dcr_ratio, Unset):
            dcr_ratio = UNSET
        else:
            dcr_ratio = self.dcr_ratio

        share_closer_than_holdout_p5: float | None | Unset
        if isinstance(self.share_closer_than_holdout_p5, Unset):
            share_closer_than_holdout_p5 = UNSET
        else:
            share_closer_than_holdout_p5 = self.share_closer_than_holdout_p5

        identifier_leaks: int | None | Unset
        if isinstance(self.identifier_leaks, Unset):
            identifier_leaks = UNSET
        else:
            identifier_leaks = self.identifier_leaks

        referential_integrity: float | None | Unset
        if isinstance(self.referential_integrity, Unset):
            referential_integrity = UNSET
        else:
            referential_integrity = self.referential_integrity

        temporal: float | None | Unset
        if isinstance(self.temporal, Unset):
            temporal = UNSET
        else:
            temporal = self.temporal

        privacy_verdict: None | str | Unset
        if isinstance(self.privacy_verdict, Unset):
            privacy_verdict = UNSET
        elif isinstance(self.privacy_verdict, PrivacyLevelEnum):
            privacy_verdict = self.privacy_verdict.value
        else:
            privacy_verdict = self.privacy_verdict

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "utility": utility,
                "uniqueness_rate": uniqueness_rate,
            }
        )
        if quality is not UNSET:
            field_dict["quality"] = quality
        if column_shapes is not UNSET:
            field_dict["column_shapes"] = column_shapes
        if column_pair_trends is not UNSET:
            field_dict["column_pair_trends"] = column_pair_trends
        if diagnostic is not UNSET:
            field_dict["diagnostic"] = diagnostic
        if exact_copy_rate is not UNSET:
            field_dict["exact_copy_rate"] = exact_copy_rate
        if exact_copies_dropped is not UNSET:
            field_dict["exact_copies_dropped"] = exact_copies_dropped
        if dcr_ratio is not UNSET:
            field_dict["dcr_ratio"] = dcr_ratio
        if share_closer_than_holdout_p5 is not UNSET:
            field_dict["share_closer_than_holdout_p5"] = share_closer_than_holdout_p5
        if identifier_leaks is not UNSET:
            field_dict["identifier_leaks"] = identifier_leaks
        if referential_integrity is not UNSET:
            field_dict["referential_integrity"] = referential_integrity
        if temporal is not UNSET:
            field_dict["temporal"] = temporal
        if privacy_verdict is not UNSET:
            field_dict["privacy_verdict"] = privacy_verdict

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_utility(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        utility = _parse_utility(d.pop("utility"))

        def _parse_uniqueness_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        uniqueness_rate = _parse_uniqueness_rate(d.pop("uniqueness_rate"))

        def _parse_quality(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        quality = _parse_quality(d.pop("quality", UNSET))

        def _parse_column_shapes(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        column_shapes = _parse_column_shapes(d.pop("column_shapes", UNSET))

        def _parse_column_pair_trends(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        column_pair_trends = _parse_column_pair_trends(
            d.pop("column_pair_trends", UNSET)
        )

        def _parse_diagnostic(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        diagnostic = _parse_diagnostic(d.pop("diagnostic", UNSET))

        def _parse_exact_copy_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        exact_copy_rate = _parse_exact_copy_rate(d.pop("exact_copy_rate", UNSET))

        def _parse_exact_copies_dropped(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        exact_copies_dropped = _parse_exact_copies_dropped(
            d.pop("exact_copies_dropped", UNSET)
        )

        def _parse_dcr_ratio(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        dcr_ratio = _parse_dcr_ratio(d.pop("dcr_ratio", UNSET))

        def _parse_share_closer_than_holdout_p5(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        share_closer_than_holdout_p5 = _parse_share_closer_than_holdout_p5(
            d.pop("share_closer_than_holdout_p5", UNSET)
        )

        def _parse_identifier_leaks(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        identifier_leaks = _parse_identifier_leaks(d.pop("identifier_leaks", UNSET))

        def _parse_referential_integrity(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        referential_integrity = _parse_referential_integrity(
            d.pop("referential_integrity", UNSET)
        )

        def _parse_temporal(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        temporal = _parse_temporal(d.pop("temporal", UNSET))

        def _parse_privacy_verdict(data: object) -> None | PrivacyLevelEnum | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                privacy_verdict_type_0 = PrivacyLevelEnum(data)

                return privacy_verdict_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PrivacyLevelEnum | Unset, data)

        privacy_verdict = _parse_privacy_verdict(d.pop("privacy_verdict", UNSET))

        metrics_summary = cls(
            utility=utility,
            uniqueness_rate=uniqueness_rate,
            quality=quality,
            column_shapes=column_shapes,
            column_pair_trends=column_pair_trends,
            diagnostic=diagnostic,
            exact_copy_rate=exact_copy_rate,
            exact_copies_dropped=exact_copies_dropped,
            dcr_ratio=dcr_ratio,
            share_closer_than_holdout_p5=share_closer_than_holdout_p5,
            identifier_leaks=identifier_leaks,
            referential_integrity=referential_integrity,
            temporal=temporal,
            privacy_verdict=privacy_verdict,
        )

        metrics_summary.additional_properties = d
        return metrics_summary

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
