from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.differential_privacy import DifferentialPrivacy


T = TypeVar("T", bound="SynthModel")


@_attrs_define
class SynthModel:
    """
    Attributes:
        id (UUID):
        dataset_id (UUID):
        synthesizer (str): What was asked (may be auto).
        chosen (str): What was fitted (auto's winner).
        options (Any):
        seed (int):
        status (str):
        fit_job_id (UUID):
        schema_id (None | UUID):
        metrics (Any):
        differential_privacy (DifferentialPrivacy | None):
        created_at (datetime.datetime):
    """

    id: UUID
    dataset_id: UUID
    synthesizer: str
    chosen: str
    options: Any
    seed: int
    status: str
    fit_job_id: UUID
    schema_id: None | UUID
    metrics: Any
    differential_privacy: DifferentialPrivacy | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.differential_privacy import DifferentialPrivacy

        id = str(self.id)

        dataset_id = str(self.dataset_id)

        synthesizer = self.synthesizer

        chosen = self.chosen

        options = self.options

        seed = self.seed

        status = self.status

        fit_job_id = str(self.fit_job_id)

        schema_id: None | str
        if isinstance(self.schema_id, UUID):
            schema_id = str(self.schema_id)
        else:
            schema_id = self.schema_id

        metrics = self.metrics

        differential_privacy: dict[str, Any] | None
        if isinstance(self.differential_privacy, DifferentialPrivacy):
            differential_privacy = self.differential_privacy.to_dict()
        else:
            differential_privacy = self.differential_privacy

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset_id": dataset_id,
                "synthesizer": synthesizer,
                "chosen": chosen,
                "options": options,
                "seed": seed,
                "status": status,
                "fit_job_id": fit_job_id,
                "schema_id": schema_id,
                "metrics": metrics,
                "differential_privacy": differential_privacy,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.differential_privacy import DifferentialPrivacy

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        dataset_id = UUID(d.pop("dataset_id"))

        synthesizer = d.pop("synthesizer")

        chosen = d.pop("chosen")

        options = d.pop("options")

        seed = d.pop("seed")

        status = d.pop("status")

        fit_job_id = UUID(d.pop("fit_job_id"))

        def _parse_schema_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                schema_id_type_0 = UUID(data)

                return schema_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        schema_id = _parse_schema_id(d.pop("schema_id"))

        metrics = d.pop("metrics")

        def _parse_differential_privacy(data: object) -> DifferentialPrivacy | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                differential_privacy_type_1 = DifferentialPrivacy.from_dict(data)

                return differential_privacy_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DifferentialPrivacy | None, data)

        differential_privacy = _parse_differential_privacy(
            d.pop("differential_privacy")
        )

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        synth_model = cls(
            id=id,
            dataset_id=dataset_id,
            synthesizer=synthesizer,
            chosen=chosen,
            options=options,
            seed=seed,
            status=status,
            fit_job_id=fit_job_id,
            schema_id=schema_id,
            metrics=metrics,
            differential_privacy=differential_privacy,
            created_at=created_at,
        )

        synth_model.additional_properties = d
        return synth_model

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
