from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.preview_rows_item import PreviewRowsItem


T = TypeVar("T", bound="Preview")


@_attrs_define
class Preview:
    """
    Attributes:
        table (str):
        tables (list[str]):
        columns (list[str]):
        rows (list[PreviewRowsItem]):
    """

    table: str
    tables: list[str]
    columns: list[str]
    rows: list[PreviewRowsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        table = self.table

        tables = self.tables

        columns = self.columns

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "table": table,
                "tables": tables,
                "columns": columns,
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.preview_rows_item import PreviewRowsItem

        d = dict(src_dict)
        table = d.pop("table")

        tables = cast(list[str], d.pop("tables"))

        columns = cast(list[str], d.pop("columns"))

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = PreviewRowsItem.from_dict(rows_item_data)

            rows.append(rows_item)

        preview = cls(
            table=table,
            tables=tables,
            columns=columns,
            rows=rows,
        )

        preview.additional_properties = d
        return preview

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
