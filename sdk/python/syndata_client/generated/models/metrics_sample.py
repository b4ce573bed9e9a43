from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MetricsSample")


@_attrs_define
class MetricsSample:
    """The bounded samples the metrics are computed on: their cost does not grow with rows.

    Attributes:
        rows_cap (int): SYNDATA_METRICS_SAMPLE_ROWS.
        seed (int): Seed of the real rows' sample.
        synthetic (str):
        privacy_rows_cap (int | Unset): SYNDATA_PRIVACY_SAMPLE_ROWS (model jobs).
        real (str | Unset): Model jobs.
        holdout (str | Unset): Evaluation jobs: which dataset rows are the control.
    """

    rows_cap: int
    seed: int
    synthetic: str
    privacy_rows_cap: int | Unset = UNSET
    real: str | Unset = UNSET
    holdout: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows_cap = self.rows_cap

        seed = self.seed

        synthetic = self.synthetic

        privacy_rows_cap = self.privacy_rows_cap

        real = self.real

        holdout = self.holdout

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rows_cap": rows_cap,
                "seed": seed,
                "synthetic": synthetic,
            }
        )
        if privacy_rows_cap is not UNSET:
            field_dict["privacy_rows_cap"] = privacy_rows_cap
        if real is not UNSET:
            field_dict["real"] = real
        if holdout is not UNSET:
            field_dict["holdout"] = holdout

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        rows_cap = d.pop("rows_cap")

        seed = d.pop("seed")

        synthetic = d.pop("synthetic")

        privacy_rows_cap = d.pop("privacy_rows_cap", UNSET)

        real = d.pop("real", UNSET)

        holdout = d.pop("holdout", UNSET)

        metrics_sample = cls(
            rows_cap=rows_cap,
            seed=seed,
            synthetic=synthetic,
            privacy_rows_cap=privacy_rows_cap,
            real=real,
            holdout=holdout,
        )

        metrics_sample.additional_properties = d
        return metrics_sample

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
