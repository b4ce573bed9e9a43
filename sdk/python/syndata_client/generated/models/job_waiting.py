from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lane_enum import LaneEnum

T = TypeVar("T", bound="JobWaiting")


@_attrs_define
class JobWaiting:
    """
    Attributes:
        lane (LaneEnum): * `default` - default
            * `heavy` - heavy
        ahead (int): Queued jobs of that lane that start before this one (every user's): users take turns, the one with
            the fewest jobs running there first.
        running (int): Jobs of that lane running now.
        workers (int): Worker processes of that lane.
    """

    lane: LaneEnum
    ahead: int
    running: int
    workers: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lane = self.lane.value

        ahead = self.ahead

        running = self.running

        workers = self.workers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lane": lane,
                "ahead": ahead,
                "running": running,
                "workers": workers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lane = LaneEnum(d.pop("lane"))

        ahead = d.pop("ahead")

        running = d.pop("running")

        workers = d.pop("workers")

        job_waiting = cls(
            lane=lane,
            ahead=ahead,
            running=running,
            workers=workers,
        )

        job_waiting.additional_properties = d
        return job_waiting

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
