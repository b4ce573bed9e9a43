from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.takes_enum import TakesEnum

T = TypeVar("T", bound="Synthesizer")


@_attrs_define
class Synthesizer:
    """
    Attributes:
        name (str):
        title (str):
        license_ (str):
        bsl (bool):
        epochs (bool):
        takes (list[TakesEnum]): What it learns: one table of independent rows (single_table), related tables (a multi-
            table dataset), sequences (a table with metadata.sequence_key).
        available (bool):
    """

    name: str
    title: str
    license_: str
    bsl: bool
    epochs: bool
    takes: list[TakesEnum]
    available: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        title = self.title

        license_ = self.license_

        bsl = self.bsl

        epochs = self.epochs

        takes = []
        for takes_item_data in self.takes:
            takes_item = takes_item_data.value
            takes.append(takes_item)

        available = self.available

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "title": title,
                "license": license_,
                "bsl": bsl,
                "epochs": epochs,
                "takes": takes,
                "available": available,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        title = d.pop("title")

        license_ = d.pop("license")

        bsl = d.pop("bsl")

        epochs = d.pop("epochs")

        takes = []
        _takes = d.pop("takes")
        for takes_item_data in _takes:
            takes_item = TakesEnum(takes_item_data)

            takes.append(takes_item)

        available = d.pop("available")

        synthesizer = cls(
            name=name,
            title=title,
            license_=license_,
            bsl=bsl,
            epochs=epochs,
            takes=takes,
            available=available,
        )

        synthesizer.additional_properties = d
        return synthesizer

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
