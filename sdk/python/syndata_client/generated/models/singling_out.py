from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.privacy_level_enum import PrivacyLevelEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.singling_out_n import SinglingOutN


T = TypeVar("T", bound="SinglingOut")


@_attrs_define
class SinglingOut:
    """Unique real rows a synthetic row's quasi-identifiers point at, training vs held-out.

    Attributes:
        risk (float | Unset):
        ci (list[float] | None | Unset):
        n (SinglingOutN | Unset):
        singled_out_train (float | Unset):
        singled_out_holdout (float | Unset):
        quasi_identifiers (list[str] | Unset):
        skipped (str | Unset): Why it was not run (the other fields are then absent).
        level (PrivacyLevelEnum | Unset): * `low` - low
            * `medium` - medium
            * `high` - high
        seconds (float | Unset):
        cut (str | Unset):
    """

    risk: float | Unset = UNSET
    ci: list[float] | None | Unset = UNSET
    n: SinglingOutN | Unset = UNSET
    singled_out_train: float | Unset = UNSET
    singled_out_holdout: float | Unset = UNSET
    quasi_identifiers: list[str] | Unset = UNSET
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

        singled_out_train = self.singled_out_train

        singled_out_holdout = self.singled_out_holdout

        quasi_identifiers: list[str] | Unset = UNSET
        if not isinstance(self.quasi_identifiers, Unset):
            quasi_identifiers = self.quasi_identifiers

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
        if singled_out_train is not UNSET:
            field_dict["singled_out_train"] = singled_out_train
        if singled_out_holdout is not UNSET:
            field_dict["singled_out_holdout"] = singled_out_holdout
        if quasi_identifiers is not UNSET:
            field_dict["quasi_identifiers"] = quasi_identifiers
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
        from ..models.singling_out_n import SinglingOutN

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
        n: SinglingOutN | Unset
        if isinstance(_n, Unset):
            n = UNSET
        else:
            n = SinglingOutN.from_dict(_n)

        singled_out_train = d.pop("singled_out_train", UNSET)

        singled_out_holdout = d.pop("singled_out_holdout", UNSET)

        quasi_identifiers = cast(list[str], d.pop("quasi_identifiers", UNSET))

        skipped = d.pop("skipped", UNSET)

        _level = d.pop("level", UNSET)
        level: PrivacyLevelEnum | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = PrivacyLevelEnum(_level)

        seconds = d.pop("seconds", UNSET)

        cut = d.pop("cut", UNSET)

        singling_out = cls(
            risk=risk,
            ci=ci,
            n=n,
            singled_out_train=singled_out_train,
            singled_out_holdout=singled_out_holdout,
            quasi_identifiers=quasi_identifiers,
            skipped=skipped,
            level=level,
            seconds=seconds,
            cut=cut,
        )

        singling_out.additional_properties = d
        return singling_out

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
