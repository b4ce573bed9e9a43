from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobLinks")


@_attrs_define
class JobLinks:
    """
    Attributes:
        self_ (str):
        preview (str):
        download (str):
        metrics (str):
        cancel (str):
        spec (str):
    """

    self_: str
    preview: str
    download: str
    metrics: str
    cancel: str
    spec: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_

        preview = self.preview

        download = self.download

        metrics = self.metrics

        cancel = self.cancel

        spec = self.spec

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "self": self_,
                "preview": preview,
                "download": download,
                "metrics": metrics,
                "cancel": cancel,
                "spec": spec,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        self_ = d.pop("self")

        preview = d.pop("preview")

        download = d.pop("download")

        metrics = d.pop("metrics")

        cancel = d.pop("cancel")

        spec = d.pop("spec")

        job_links = cls(
            self_=self_,
            preview=preview,
            download=download,
            metrics=metrics,
            cancel=cancel,
            spec=spec,
        )

        job_links.additional_properties = d
        return job_links

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
