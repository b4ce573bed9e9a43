from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_column import JobColumn


T = TypeVar("T", bound="JobTable")


@_attrs_define
class JobTable:
    """
    Attributes:
        rows (int): Rows the table will have.
        blocks (int): Blocks it is made in; 0 until a worker has planned a large job (its rows are then expected rows).
        columns (list[JobColumn] | Unset): Known once its first block is written.
    """

    rows: int
    blocks: int
    columns: list[JobColumn] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows

        blocks = self.blocks

        columns: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = []
            for columns_item_data in self.columns:
                columns_item = columns_item_data.to_dict()
                columns.append(columns_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rows": rows,
                "blocks": blocks,
            }
        )
        if columns is not UNSET:
            field_dict["columns"] = columns

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.job_column import JobColumn

        d = dict(src_dict)
        rows = d.pop("rows")

        blocks = d.pop("blocks")

        _columns = d.pop("columns", UNSET)
        columns: list[JobColumn] | Unset = UNSET
        if _columns is not UNSET:
            columns = []
            for columns_item_data in _columns:
                columns_item = JobColumn.from_dict(columns_item_data)

                columns.append(columns_item)

        job_table = cls(
            rows=rows,
            blocks=blocks,
            columns=columns,
        )

        job_table.additional_properties = d
        return job_table

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
