from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Artifact")


@_attrs_define
class Artifact:
    """
    Attributes:
        id (UUID):
        format_ (str):
        created_at (datetime.datetime):
        url (str):
        table (str | Unset):
        size (int | Unset):
        rows (int | Unset):
        sha256 (str | Unset):
    """

    id: UUID
    format_: str
    created_at: datetime.datetime
    url: str
    table: str | Unset = UNSET
    size: int | Unset = UNSET
    rows: int | Unset = UNSET
    sha256: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        format_ = self.format_

        created_at = self.created_at.isoformat()

        url = self.url

        table = self.table

        size = self.size

        rows = self.rows

        sha256 = self.sha256

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "format": format_,
                "created_at": created_at,
                "url": url,
            }
        )
        if table is not UNSET:
            field_dict["table"] = table
        if size is not UNSET:
            field_dict["size"] = size
        if rows is not UNSET:
            field_dict["rows"] = rows
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        format_ = d.pop("format")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        url = d.pop("url")

        table = d.pop("table", UNSET)

        size = d.pop("size", UNSET)

        rows = d.pop("rows", UNSET)

        sha256 = d.pop("sha256", UNSET)

        artifact = cls(
            id=id,
            format_=format_,
            created_at=created_at,
            url=url,
            table=table,
            size=size,
            rows=rows,
            sha256=sha256,
        )

        artifact.additional_properties = d
        return artifact

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
