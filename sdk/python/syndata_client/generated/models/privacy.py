from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.privacy_level_enum import PrivacyLevelEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attacks import Attacks
    from ..models.privacy_sentences import PrivacySentences
    from ..models.privacy_tables import PrivacyTables


T = TypeVar("T", bound="Privacy")


@_attrs_define
class Privacy:
    """Attack-based risk: the worst table's attacks, its verdict and one sentence per attack.

    Attributes:
        verdict (None | PrivacyLevelEnum): Thresholds: SYNDATA_PRIVACY_MEDIUM / SYNDATA_PRIVACY_HIGH.

            * `low` - low
            * `medium` - medium
            * `high` - high
        sentences (PrivacySentences):
        attacks (Attacks | Unset): Each attack, or ``{"skipped": why}`` (no holdout, the time budget spent...).
        table (str | Unset): The table the verdict is of.
        tables (PrivacyTables | Unset): Each table's verdict.
        quasi_identifiers_source (None | str | Unset):
    """

    verdict: None | PrivacyLevelEnum
    sentences: PrivacySentences
    attacks: Attacks | Unset = UNSET
    table: str | Unset = UNSET
    tables: PrivacyTables | Unset = UNSET
    quasi_identifiers_source: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        verdict: None | str
        if isinstance(self.verdict, PrivacyLevelEnum):
            verdict = self.verdict.value
        else:
            verdict = self.verdict

        sentences = self.sentences.to_dict()

        attacks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attacks, Unset):
            attacks = self.attacks.to_dict()

        table = self.table

        tables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tables, Unset):
            tables = self.tables.to_dict()

        quasi_identifiers_source: None | str | Unset
        if isinstance(self.quasi_identifiers_source, Unset):
            quasi_identifiers_source = UNSET
        else:
            quasi_identifiers_source = self.quasi_identifiers_source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "verdict": verdict,
                "sentences": sentences,
            }
        )
        if attacks is not UNSET:
            field_dict["attacks"] = attacks
        if table is not UNSET:
            field_dict["table"] = table
        if tables is not UNSET:
            field_dict["tables"] = tables
        if quasi_identifiers_source is not UNSET:
            field_dict["quasi_identifiers_source"] = quasi_identifiers_source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attacks import Attacks
        from ..models.privacy_sentences import PrivacySentences
        from ..models.privacy_tables import PrivacyTables

        d = dict(src_dict)

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

        sentences = PrivacySentences.from_dict(d.pop("sentences"))

        _attacks = d.pop("attacks", UNSET)
        attacks: Attacks | Unset
        if isinstance(_attacks, Unset):
            attacks = UNSET
        else:
            attacks = Attacks.from_dict(_attacks)

        table = d.pop("table", UNSET)

        _tables = d.pop("tables", UNSET)
        tables: PrivacyTables | Unset
        if isinstance(_tables, Unset):
            tables = UNSET
        else:
            tables = PrivacyTables.from_dict(_tables)

        def _parse_quasi_identifiers_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quasi_identifiers_source = _parse_quasi_identifiers_source(
            d.pop("quasi_identifiers_source", UNSET)
        )

        privacy = cls(
            verdict=verdict,
            sentences=sentences,
            attacks=attacks,
            table=table,
            tables=tables,
            quasi_identifiers_source=quasi_identifiers_source,
        )

        privacy.additional_properties = d
        return privacy

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
