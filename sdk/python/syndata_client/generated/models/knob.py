from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Knob")


@_attrs_define
class Knob:
    """
    Attributes:
        name (str):
        type_ (str):
        default (Any):
        help_ (str):
        min_ (Any):
        max_ (Any):
        choices (list[Any] | None):
    """

    name: str
    type_: str
    default: Any
    help_: str
    min_: Any
    max_: Any
    choices: list[Any] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_ = self.type_

        default = self.default

        help_ = self.help_

        min_ = self.min_

        max_ = self.max_

        choices: list[Any] | None
        if isinstance(self.choices, list):
            choices = self.choices

        else:
            choices = self.choices

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
                "default": default,
                "help": help_,
                "min": min_,
                "max": max_,
                "choices": choices,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        type_ = d.pop("type")

        default = d.pop("default")

        help_ = d.pop("help")

        min_ = d.pop("min")

        max_ = d.pop("max")

        def _parse_choices(data: object) -> list[Any] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                choices_type_0 = cast(list[Any], data)

                return choices_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None, data)

        choices = _parse_choices(d.pop("choices"))

        knob = cls(
            name=name,
            type_=type_,
            default=default,
            help_=help_,
            min_=min_,
            max_=max_,
            choices=choices,
        )

        knob.additional_properties = d
        return knob

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
