from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedDatasetPatchRequest")


@_attrs_define
class PatchedDatasetPatchRequest:
    """
    Attributes:
        name (str | Unset):
        metadata (Any | Unset): Edits: {"primary_key": ..., "sequence_key": ..., "sequence_index": ...,
            "sequence_regular": true (every step one sampling step: checked at fit), "columns": {name: {sdtype,
            datetime_format, identifier}}, "quasi_identifiers": [columns an attacker knows], "sensitive": [columns to
            protect]}; multi-table datasets: {"tables": {table: <those edits>}, "relationships": [{parent_table,
            parent_primary_key, child_table, child_foreign_key}]}
    """

    name: str | Unset = UNSET
    metadata: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        metadata = d.pop("metadata", UNSET)

        patched_dataset_patch_request = cls(
            name=name,
            metadata=metadata,
        )

        patched_dataset_patch_request.additional_properties = d
        return patched_dataset_patch_request

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
