from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.privacy_gate_enum import PrivacyGateEnum
from ..models.privacy_level_enum import PrivacyLevelEnum

T = TypeVar("T", bound="JobPrivacy")


@_attrs_define
class JobPrivacy:
    """The privacy gate of a model or evaluation job (generation/privacy_gate.py).

    Attributes:
        mode (PrivacyGateEnum): * `off` - off
            * `warn` - warn
            * `block` - block
        verdict (None | PrivacyLevelEnum):
        passed (bool | None): null while the verdict is pending (or its metrics failed).
        reason (str):
    """

    mode: PrivacyGateEnum
    verdict: None | PrivacyLevelEnum
    passed: bool | None
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mode = self.mode.value

        verdict: None | str
        if isinstance(self.verdict, PrivacyLevelEnum):
            verdict = self.verdict.value
        else:
            verdict = self.verdict

        passed: bool | None
        passed = self.passed

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mode": mode,
                "verdict": verdict,
                "passed": passed,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        mode = PrivacyGateEnum(d.pop("mode"))

        def _parse_verdict(data: object) -> None | PrivacyLevelEnum:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                verdict_type_0 = PrivacyLevelEnum(data)

                return verdict_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PrivacyLevelEnum, data)

        verdict = _parse_verdict(d.pop("verdict"))

        def _parse_passed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        passed = _parse_passed(d.pop("passed"))

        reason = d.pop("reason")

        job_privacy = cls(
            mode=mode,
            verdict=verdict,
            passed=passed,
            reason=reason,
        )

        job_privacy.additional_properties = d
        return job_privacy

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
