from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.error_item import ErrorItem
    from ..models.spec_validation_tables import SpecValidationTables


T = TypeVar("T", bound="SpecValidation")


@_attrs_define
class SpecValidation:
    """
    Attributes:
        valid (bool):
        errors (list[ErrorItem]): Every problem, each with its JSON path.
        tables (SpecValidationTables): Rows per table the spec would make (empty when invalid).
    """

    valid: bool
    errors: list[ErrorItem]
    tables: SpecValidationTables
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        valid = self.valid

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        tables = self.tables.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
                "errors": errors,
                "tables": tables,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_item import ErrorItem
        from ..models.spec_validation_tables import SpecValidationTables

        d = dict(src_dict)
        valid = d.pop("valid")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ErrorItem.from_dict(errors_item_data)

            errors.append(errors_item)

        tables = SpecValidationTables.from_dict(d.pop("tables"))

        spec_validation = cls(
            valid=valid,
            errors=errors,
            tables=tables,
        )

        spec_validation.additional_properties = d
        return spec_validation

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
