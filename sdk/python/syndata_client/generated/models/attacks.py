from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attribute_inference import AttributeInference
    from ..models.membership_inference import MembershipInference
    from ..models.singling_out import SinglingOut


T = TypeVar("T", bound="Attacks")


@_attrs_define
class Attacks:
    """Each attack, or ``{"skipped": why}`` (no holdout, the time budget spent...).

    Attributes:
        membership_inference (MembershipInference | Unset): Distance-based membership inference: training rows (members)
            against held-out rows.
        attribute_inference (AttributeInference | Unset): Nearest-neighbour inference of sensitive columns from the
            quasi-identifiers.
        singling_out (SinglingOut | Unset): Unique real rows a synthetic row's quasi-identifiers point at, training vs
            held-out.
    """

    membership_inference: MembershipInference | Unset = UNSET
    attribute_inference: AttributeInference | Unset = UNSET
    singling_out: SinglingOut | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        membership_inference: dict[str, Any] | Unset = UNSET
        if not isinstance(self.membership_inference, Unset):
            membership_inference = self.membership_inference.to_dict()

        attribute_inference: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attribute_inference, Unset):
            attribute_inference = self.attribute_inference.to_dict()

        singling_out: dict[str, Any] | Unset = UNSET
        if not isinstance(self.singling_out, Unset):
            singling_out = self.singling_out.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if membership_inference is not UNSET:
            field_dict["membership_inference"] = membership_inference
        if attribute_inference is not UNSET:
            field_dict["attribute_inference"] = attribute_inference
        if singling_out is not UNSET:
            field_dict["singling_out"] = singling_out

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attribute_inference import AttributeInference
        from ..models.membership_inference import MembershipInference
        from ..models.singling_out import SinglingOut

        d = dict(src_dict)
        _membership_inference = d.pop("membership_inference", UNSET)
        membership_inference: MembershipInference | Unset
        if isinstance(_membership_inference, Unset):
            membership_inference = UNSET
        else:
            membership_inference = MembershipInference.from_dict(_membership_inference)

        _attribute_inference = d.pop("attribute_inference", UNSET)
        attribute_inference: AttributeInference | Unset
        if isinstance(_attribute_inference, Unset):
            attribute_inference = UNSET
        else:
            attribute_inference = AttributeInference.from_dict(_attribute_inference)

        _singling_out = d.pop("singling_out", UNSET)
        singling_out: SinglingOut | Unset
        if isinstance(_singling_out, Unset):
            singling_out = UNSET
        else:
            singling_out = SinglingOut.from_dict(_singling_out)

        attacks = cls(
            membership_inference=membership_inference,
            attribute_inference=attribute_inference,
            singling_out=singling_out,
        )

        attacks.additional_properties = d
        return attacks

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
