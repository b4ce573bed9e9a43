from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.knob import Knob


T = TypeVar("T", bound="Template")


@_attrs_define
class Template:
    """
    Attributes:
        name (str):
        title (str):
        tables (list[str]):
        knobs (list[Knob]):
        description (str | Unset):
    """

    name: str
    title: str
    tables: list[str]
    knobs: list[Knob]
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        title = self.title

        tables = self.tables

        knobs = []
        for knobs_item_data in self.knobs:
            knobs_item = knobs_item_data.to_dict()
            knobs.append(knobs_item)

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "title": title,
                "tables": tables,
                "knobs": knobs,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.knob import Knob

        d = dict(src_dict)
        name = d.pop("name")

        title = d.pop("title")

        tables = cast(list[str], d.pop("tables"))

        knobs = []
        _knobs = d.pop("knobs")
        for knobs_item_data in _knobs:
            knobs_item = Knob.from_dict(knobs_item_data)

            knobs.append(knobs_item)

        description = d.pop("description", UNSET)

        template = cls(
            name=name,
            title=title,
            tables=tables,
            knobs=knobs,
            description=description,
        )

        template.additional_properties = d
        return template

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
