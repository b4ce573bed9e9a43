from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.privacy_level_enum import PrivacyLevelEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.membership_inference_n import MembershipInferenceN


T = TypeVar("T", bound="MembershipInference")


@_attrs_define
class MembershipInference:
    """Distance-based membership inference: training rows (members) against held-out rows.

    Attributes:
        auc (float | Unset): ROC AUC of closeness to a synthetic row; 0.5 = chance.
        advantage (float | Unset): max(0, 2 AUC - 1): 0 at guessing, 1 certain.
        ci (list[float] | None | Unset): 95% bootstrap interval of 2 AUC - 1.
        n (MembershipInferenceN | Unset):
        skipped (str | Unset): Why it was not run (the other fields are then absent).
        level (PrivacyLevelEnum | Unset): * `low` - low
            * `medium` - medium
            * `high` - high
        seconds (float | Unset):
        cut (str | Unset): Set when the time budget cut it.
    """

    auc: float | Unset = UNSET
    advantage: float | Unset = UNSET
    ci: list[float] | None | Unset = UNSET
    n: MembershipInferenceN | Unset = UNSET
    skipped: str | Unset = UNSET
    level: PrivacyLevelEnum | Unset = UNSET
    seconds: float | Unset = UNSET
    cut: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auc = self.auc

        advantage = self.advantage

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

        skipped = self.skipped

        level: str | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = self.level.value

        seconds = self.seconds

        cut = self.cut

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if auc is not UNSET:
            field_dict["auc"] = auc
        if advantage is not UNSET:
            field_dict["advantage"] = advantage
        if ci is not UNSET:
            field_dict["ci"] = ci
        if n is not UNSET:
            field_dict["n"] = n
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
        from ..models.membership_inference_n import MembershipInferenceN

        d = dict(src_dict)
        auc = d.pop("auc", UNSET)

        advantage = d.pop("advantage", UNSET)

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
        n: MembershipInferenceN | Unset
        if isinstance(_n, Unset):
            n = UNSET
        else:
            n = MembershipInferenceN.from_dict(_n)

        skipped = d.pop("skipped", UNSET)

        _level = d.pop("level", UNSET)
        level: PrivacyLevelEnum | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = PrivacyLevelEnum(_level)

        seconds = d.pop("seconds", UNSET)

        cut = d.pop("cut", UNSET)

        membership_inference = cls(
            auc=auc,
            advantage=advantage,
            ci=ci,
            n=n,
            skipped=skipped,
            level=level,
            seconds=seconds,
            cut=cut,
        )

        membership_inference.additional_properties = d
        return membership_inference

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
