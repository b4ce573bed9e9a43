from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.fit_request_request_options import FitRequestRequestOptions


T = TypeVar("T", bound="FitRequestRequest")


@_attrs_define
class FitRequestRequest:
    """
    Attributes:
        synthesizer (str): See GET /api/synthesizers.
        options (FitRequestRequestOptions | Unset):
        seed (int | Unset):
        differential_privacy (Any | Unset): spec and argn: {"epsilon": > 0, "delta": (0, 0.001], default 1e-6}: spec by
            noisy marginals and correlations, argn by DP-SGD; the epsilon spent is on the model.
    """

    synthesizer: str
    options: FitRequestRequestOptions | Unset = UNSET
    seed: int | Unset = UNSET
    differential_privacy: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        synthesizer = self.synthesizer

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        seed = self.seed

        differential_privacy = self.differential_privacy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "synthesizer": synthesizer,
            }
        )
        if options is not UNSET:
            field_dict["options"] = options
        if seed is not UNSET:
            field_dict["seed"] = seed
        if differential_privacy is not UNSET:
            field_dict["differential_privacy"] = differential_privacy

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.fit_request_request_options import FitRequestRequestOptions

        d = dict(src_dict)
        synthesizer = d.pop("synthesizer")

        _options = d.pop("options", UNSET)
        options: FitRequestRequestOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = FitRequestRequestOptions.from_dict(_options)

        seed = d.pop("seed", UNSET)

        differential_privacy = d.pop("differential_privacy", UNSET)

        fit_request_request = cls(
            synthesizer=synthesizer,
            options=options,
            seed=seed,
            differential_privacy=differential_privacy,
        )

        fit_request_request.additional_properties = d
        return fit_request_request

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
