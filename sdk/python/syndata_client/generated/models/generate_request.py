from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.format_enum import FormatEnum
from ..models.privacy_gate_enum import PrivacyGateEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.generate_request_conditions_item import GenerateRequestConditionsItem
    from ..models.generate_request_params import GenerateRequestParams


T = TypeVar("T", bound="GenerateRequest")


@_attrs_define
class GenerateRequest:
    """Exactly one source: an inline ``schema``, a ``template``, a saved ``schema_id`` or a ``model_id``.

    Attributes:
        schema (Any | Unset): An inline spec in the engine's language.
        template (str | Unset): A template name from /api/templates.
        params (GenerateRequestParams | Unset): Template knobs.
        schema_id (UUID | Unset): A saved schema's id.
        model_id (UUID | Unset): A fitted model's id.
        rows (int | Unset): Rows of the root table(s), at least 1. A template: its root tables' rows, in place of their
            size knob (giving both is a 400). model_id of a par model: sequences (the job's rows_total is then the rows
            made); of an hma model: rows of the parent table.
        format_ (FormatEnum | Unset): * `csv` - csv
            * `jsonl` - jsonl
            * `json` - json
            * `parquet` - parquet Default: FormatEnum.CSV.
        seed (int | Unset):
        conditions (list[GenerateRequestConditionsItem] | Unset): model_id only: [{column, value, fraction}]
            (rebalancing).
        privacy_gate (PrivacyGateEnum | Unset): * `off` - off
            * `warn` - warn
            * `block` - block
    """

    schema: Any | Unset = UNSET
    template: str | Unset = UNSET
    params: GenerateRequestParams | Unset = UNSET
    schema_id: UUID | Unset = UNSET
    model_id: UUID | Unset = UNSET
    rows: int | Unset = UNSET
    format_: FormatEnum | Unset = FormatEnum.CSV
    seed: int | Unset = UNSET
    conditions: list[GenerateRequestConditionsItem] | Unset = UNSET
    privacy_gate: PrivacyGateEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        schema = self.schema

        template = self.template

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        schema_id: str | Unset = UNSET
        if not isinstance(self.schema_id, Unset):
            schema_id = str(self.schema_id)

        model_id: str | Unset = UNSET
        if not isinstance(self.model_id, Unset):
            model_id = str(self.model_id)

        rows = self.rows

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        seed = self.seed

        conditions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.conditions, Unset):
            conditions = []
            for conditions_item_data in self.conditions:
                conditions_item = conditions_item_data.to_dict()
                conditions.append(conditions_item)

        privacy_gate: str | Unset = UNSET
        if not isinstance(self.privacy_gate, Unset):
            privacy_gate = self.privacy_gate.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if schema is not UNSET:
            field_dict["schema"] = schema
        if template is not UNSET:
            field_dict["template"] = template
        if params is not UNSET:
            field_dict["params"] = params
        if schema_id is not UNSET:
            field_dict["schema_id"] = schema_id
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if rows is not UNSET:
            field_dict["rows"] = rows
        if format_ is not UNSET:
            field_dict["format"] = format_
        if seed is not UNSET:
            field_dict["seed"] = seed
        if conditions is not UNSET:
            field_dict["conditions"] = conditions
        if privacy_gate is not UNSET:
            field_dict["privacy_gate"] = privacy_gate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.generate_request_conditions_item import (
            GenerateRequestConditionsItem,
        )
        from ..models.generate_request_params import GenerateRequestParams

        d = dict(src_dict)
        schema = d.pop("schema", UNSET)

        template = d.pop("template", UNSET)

        _params = d.pop("params", UNSET)
        params: GenerateRequestParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = GenerateRequestParams.from_dict(_params)

        _schema_id = d.pop("schema_id", UNSET)
        schema_id: UUID | Unset
        if isinstance(_schema_id, Unset):
            schema_id = UNSET
        else:
            schema_id = UUID(_schema_id)

        _model_id = d.pop("model_id", UNSET)
        model_id: UUID | Unset
        if isinstance(_model_id, Unset):
            model_id = UNSET
        else:
            model_id = UUID(_model_id)

        rows = d.pop("rows", UNSET)

        _format_ = d.pop("format", UNSET)
        format_: FormatEnum | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = FormatEnum(_format_)

        seed = d.pop("seed", UNSET)

        _conditions = d.pop("conditions", UNSET)
        conditions: list[GenerateRequestConditionsItem] | Unset = UNSET
        if _conditions is not UNSET:
            conditions = []
            for conditions_item_data in _conditions:
                conditions_item = GenerateRequestConditionsItem.from_dict(
                    conditions_item_data
                )

                conditions.append(conditions_item)

        _privacy_gate = d.pop("privacy_gate", UNSET)
        privacy_gate: PrivacyGateEnum | Unset
        if isinstance(_privacy_gate, Unset):
            privacy_gate = UNSET
        else:
            privacy_gate = PrivacyGateEnum(_privacy_gate)

        generate_request = cls(
            schema=schema,
            template=template,
            params=params,
            schema_id=schema_id,
            model_id=model_id,
            rows=rows,
            format_=format_,
            seed=seed,
            conditions=conditions,
            privacy_gate=privacy_gate,
        )

        generate_request.additional_properties = d
        return generate_request

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
