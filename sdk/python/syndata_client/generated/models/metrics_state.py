from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.metrics_status_enum import MetricsStatusEnum

T = TypeVar("T", bound="MetricsState")


@_attrs_define
class MetricsState:
    """202 of GET /api/metrics/{job}: not computed yet.

    Attributes:
        job (UUID):
        status (MetricsStatusEnum): * `pending` - Pending
            * `running` - Running
            * `ready` - Ready
            * `failed` - Failed
            * `none` - None
        progress (float):
        error (str):
        retry_after (int): Seconds; also the Retry-After header.
    """

    job: UUID
    status: MetricsStatusEnum
    progress: float
    error: str
    retry_after: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job = str(self.job)

        status = self.status.value

        progress = self.progress

        error = self.error

        retry_after = self.retry_after

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "status": status,
                "progress": progress,
                "error": error,
                "retry_after": retry_after,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        job = UUID(d.pop("job"))

        status = MetricsStatusEnum(d.pop("status"))

        progress = d.pop("progress")

        error = d.pop("error")

        retry_after = d.pop("retry_after")

        metrics_state = cls(
            job=job,
            status=status,
            progress=progress,
            error=error,
            retry_after=retry_after,
        )

        metrics_state.additional_properties = d
        return metrics_state

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
