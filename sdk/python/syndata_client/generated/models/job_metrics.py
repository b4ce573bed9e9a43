from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.metrics_status_enum import MetricsStatusEnum

T = TypeVar("T", bound="JobMetrics")


@_attrs_define
class JobMetrics:
    """
    Attributes:
        status (MetricsStatusEnum): * `pending` - Pending
            * `running` - Running
            * `ready` - Ready
            * `failed` - Failed
            * `none` - None
        progress (float): 0..1 while running.
        error (str): Why they failed (the data is intact).
    """

    status: MetricsStatusEnum
    progress: float
    error: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        progress = self.progress

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "progress": progress,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = MetricsStatusEnum(d.pop("status"))

        progress = d.pop("progress")

        error = d.pop("error")

        job_metrics = cls(
            status=status,
            progress=progress,
            error=error,
        )

        job_metrics.additional_properties = d
        return job_metrics

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
