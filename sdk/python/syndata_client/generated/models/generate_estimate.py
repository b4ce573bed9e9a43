from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.generate_estimate_tables import GenerateEstimateTables


T = TypeVar("T", bound="GenerateEstimate")


@_attrs_define
class GenerateEstimate:
    """
    Attributes:
        tables (GenerateEstimateTables): Rows per table the job would make.
        rows_total (int):
        limit (int): SYNDATA_MAX_ROWS_PER_JOB.
    """

    tables: GenerateEstimateTables
    rows_total: int
    limit: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tables = self.tables.to_dict()

        rows_total = self.rows_total

        limit = self.limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tables": tables,
                "rows_total": rows_total,
                "limit": limit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.generate_estimate_tables import GenerateEstimateTables

        d = dict(src_dict)
        tables = GenerateEstimateTables.from_dict(d.pop("tables"))

        rows_total = d.pop("rows_total")

        limit = d.pop("limit")

        generate_estimate = cls(
            tables=tables,
            rows_total=rows_total,
            limit=limit,
        )

        generate_estimate.additional_properties = d
        return generate_estimate

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
