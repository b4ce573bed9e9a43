from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.differential_privacy_releases_item import (
        DifferentialPrivacyReleasesItem,
    )


T = TypeVar("T", bound="DifferentialPrivacy")


@_attrs_define
class DifferentialPrivacy:
    """
    Attributes:
        epsilon (float): Asked.
        delta (float): Asked.
        epsilon_spent (float | None): spec: zCDP over the releases, converted; argn: the RDP accountant of DP-SGD plus
            value protection; null until fitted.
        delta_spent (float | Unset):
        rho_spent (float | Unset): spec: the zCDP budget the releases spent (they add up).
        composition (str | Unset):
        neighbouring (str | Unset):
        mechanism (str | Unset): argn: the DP-SGD settings (noise, sampling rate, steps).
        releases (list[DifferentialPrivacyReleasesItem] | Unset): {what, epsilon[, delta]}; spec: also rho (epsilon is
            its share).
        not_covered (str | Unset):
    """

    epsilon: float
    delta: float
    epsilon_spent: float | None
    delta_spent: float | Unset = UNSET
    rho_spent: float | Unset = UNSET
    composition: str | Unset = UNSET
    neighbouring: str | Unset = UNSET
    mechanism: str | Unset = UNSET
    releases: list[DifferentialPrivacyReleasesItem] | Unset = UNSET
    not_covered: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        epsilon = self.epsilon

        delta = self.delta

        epsilon_spent: float | None
        epsilon_spent = self.epsilon_spent

        delta_spent = self.delta_spent

        rho_spent = self.rho_spent

        composition = self.composition

        neighbouring = self.neighbouring

        mechanism = self.mechanism

        releases: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.releases, Unset):
            releases = []
            for releases_item_data in self.releases:
                releases_item = releases_item_data.to_dict()
                releases.append(releases_item)

        not_covered = self.not_covered

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "epsilon": epsilon,
                "delta": delta,
                "epsilon_spent": epsilon_spent,
            }
        )
        if delta_spent is not UNSET:
            field_dict["delta_spent"] = delta_spent
        if rho_spent is not UNSET:
            field_dict["rho_spent"] = rho_spent
        if composition is not UNSET:
            field_dict["composition"] = composition
        if neighbouring is not UNSET:
            field_dict["neighbouring"] = neighbouring
        if mechanism is not UNSET:
            field_dict["mechanism"] = mechanism
        if releases is not UNSET:
            field_dict["releases"] = releases
        if not_covered is not UNSET:
            field_dict["not_covered"] = not_covered

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.differential_privacy_releases_item import (
            DifferentialPrivacyReleasesItem,
        )

        d = dict(src_dict)
        epsilon = d.pop("epsilon")

        delta = d.pop("delta")

        def _parse_epsilon_spent(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        epsilon_spent = _parse_epsilon_spent(d.pop("epsilon_spent"))

        delta_spent = d.pop("delta_spent", UNSET)

        rho_spent = d.pop("rho_spent", UNSET)

        composition = d.pop("composition", UNSET)

        neighbouring = d.pop("neighbouring", UNSET)

        mechanism = d.pop("mechanism", UNSET)

        _releases = d.pop("releases", UNSET)
        releases: list[DifferentialPrivacyReleasesItem] | Unset = UNSET
        if _releases is not UNSET:
            releases = []
            for releases_item_data in _releases:
                releases_item = DifferentialPrivacyReleasesItem.from_dict(
                    releases_item_data
                )

                releases.append(releases_item)

        not_covered = d.pop("not_covered", UNSET)

        differential_privacy = cls(
            epsilon=epsilon,
            delta=delta,
            epsilon_spent=epsilon_spent,
            delta_spent=delta_spent,
            rho_spent=rho_spent,
            composition=composition,
            neighbouring=neighbouring,
            mechanism=mechanism,
            releases=releases,
            not_covered=not_covered,
        )

        differential_privacy.additional_properties = d
        return differential_privacy

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
