from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.privacy_level_enum import PrivacyLevelEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attribute_inference_columns import AttributeInferenceColumns
    from ..models.attribute_inference_n import AttributeInferenceN


T = TypeVar("T", bound="AttributeInference")


@_attrs_define
class AttributeInference:
    """Nearest-neighbour inference of sensitive columns from the quasi-identifiers.

    Attributes:
        risk (float | Unset): max(0, s_train - s_holdout) / (1 - s_holdout), the worst sensitive column.
        ci (list[float] | None | Unset):
        n (AttributeInferenceN | Unset):
        quasi_identifiers (list[str] | Unset):
        sensitive (list[str] | Unset):
        columns (AttributeInferenceColumns | Unset): Per sensitive column: risk, ci, successes.
        skipped (str | Unset): Why it was not run (the other fields are then absent).
        level (PrivacyLevelEnum | Unset): * `low` - low
            * `medium` - medium
            * `high` - high
        seconds (float | Unset):
        cut (str | Unset):
    """

    risk: float | Unset = UNSET
    ci: list[float] | None | Unset = UNSET
    n: AttributeInferenceN | Unset = UNSET
    quasi_identifiers: list[str] | Unset = UNSET
    sensitive: list[str] | Unset = UNSET
    columns: AttributeInferenceColumns | Unset = UNSET
    skipped: str | Unset = UNSET
    level: PrivacyLevelEnum | Unset = UNSET
    seconds: float | Unset = UNSET
    cut: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        risk = self.risk

        ci: list[float] | None | Unset
        if isinstance(self.ci, Unset):
            ci = UNSET
        elif isinstance(self.ci, list):
            ci = self.ci

        else:
            ci = self.ci

        n: dict[str, Any] | Unset = UNSET
        if not isinstance(self.n, Unset):
            n = self.n.to_dict()

        quasi_identifiers: list[str] | Unset = UNSET
        if not isinstance(self.quasi_identifiers, Unset):
            quasi_identifiers = self.quasi_identifiers

        sensitive: list[str] | Unset = UNSET
        if not isinstance(self.sensitive, Unset):
            sensitive = self.sensitive

        columns: dict[str, Any] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = self.columns.to_dict()

        skipped = self.skipped

        level: str | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = self.level.value

        seconds = self.seconds

        cut = self.cut

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if risk is not UNSET:
            field_dict["risk"] = risk
        if ci is not UNSET:
            field_dict["ci"] = ci
        if n is not UNSET:
            field_dict["n"] = n
        if quasi_identifiers is not UNSET:
            field_dict["quasi_identifiers"] = quasi_identifiers
        if sensitive is not UNSET:
            field_dict["sensitive"] = sensitive
        if columns is not UNSET:
            field_dict["columns"] = columns
        if skipped is not UNSET:
            field_dict["skipped"] = skipped
        if level is not UNSET:
            field_dict["level"] = level
        if seconds is not UNSET:
            field_dict["seconds"] = seconds
        if cut is not UNSET:
            field_dict["cut"] = cut

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attribute_inference_columns import AttributeInferenceColumns
        from ..models.attribute_inference_n import AttributeInferenceN

        d = dict(src_dict)
        risk = d.pop("risk", UNSET)

        def _parse_ci(data: object) -> list[float] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                ci_type_0 = cast(list[float], data)

                return ci_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None | Unset, data)

        ci = _parse_ci(d.pop("ci", UNSET))

        _n = d.pop("n", UNSET)
        n: AttributeInferenceN | Unset
        if isinstance(_n, Unset):
            n = UNSET
        else:
            n = AttributeInferenceN.from_dict(_n)

        quasi_identifiers = cast(list[str], d.pop("quasi_identifiers", UNSET))

        sensitive = cast(list[str], d.pop("sensitive", UNSET))

        _columns = d.pop("columns", UNSET)
        columns: AttributeInferenceColumns | Unset
        if isinstance(_columns, Unset):
            columns = UNSET
        else:
            columns = AttributeInferenceColumns.from_dict(_columns)

        skipped = d.pop("skipped", UNSET)

        _level = d.pop("level", UNSET)
        level: PrivacyLevelEnum | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = PrivacyLevelEnum(_level)

        seconds = d.pop("seconds", UNSET)

        cut = d.pop("cut", UNSET)

        attribute_inference = cls(
            risk=risk,
            ci=ci,
            n=n,
            quasi_identifiers=quasi_identifiers,
            sensitive=sensitive,
            columns=columns,
            skipped=skipped,
            level=level,
            seconds=seconds,
            cut=cut,
        )

        attribute_inference.additional_properties = d
        return attribute_inference

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
