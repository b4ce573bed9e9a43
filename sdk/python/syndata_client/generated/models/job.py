from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.kind_enum import KindEnum
from ..models.phase_enum import PhaseEnum
from ..models.status_enum import StatusEnum

if TYPE_CHECKING:
    from ..models.artifact import Artifact
    from ..models.job_links import JobLinks
    from ..models.job_metrics import JobMetrics
    from ..models.job_params import JobParams
    from ..models.job_privacy import JobPrivacy
    from ..models.job_tables import JobTables
    from ..models.job_waiting import JobWaiting


T = TypeVar("T", bound="Job")


@_attrs_define
class Job:
    """
    Attributes:
        id (UUID):
        kind (KindEnum): * `schema` - Schema
            * `template` - Template
            * `model` - Model
            * `fit` - Fit
            * `evaluation` - Evaluation
        status (StatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        progress (float):
        rows_done (int):
        rows_total (int):
        blocks_done (int):
        blocks_total (int):
        format_ (str):
        seed (int):
        template (str):
        engine_version (str):
        tables (JobTables): The job's tables by name.
        params (JobParams): What the request asked beyond the spec (rows, template knobs, model_id, conditions...) and
            what the job learned on the way (e.g. exact copies dropped).
        error (str):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        artifacts (list[Artifact]):
        metrics (JobMetrics):
        privacy (JobPrivacy | None):
        phase (PhaseEnum):
        activity (str): The phase in words, e.g. "waiting for a worker, 2 ahead", "fitting epoch 3/10", "writing files",
            "computing metrics".
        waiting (JobWaiting | None): Why a queued job waits (null unless queued).
        links (JobLinks):
    """

    id: UUID
    kind: KindEnum
    status: StatusEnum
    progress: float
    rows_done: int
    rows_total: int
    blocks_done: int
    blocks_total: int
    format_: str
    seed: int
    template: str
    engine_version: str
    tables: JobTables
    params: JobParams
    error: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    artifacts: list[Artifact]
    metrics: JobMetrics
    privacy: JobPrivacy | None
    phase: PhaseEnum
    activity: str
    waiting: JobWaiting | None
    links: JobLinks
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_privacy import JobPrivacy
        from ..models.job_waiting import JobWaiting

        id = str(self.id)

        kind = self.kind.value

        status = self.status.value

        progress = self.progress

        rows_done = self.rows_done

        rows_total = self.rows_total

        blocks_done = self.blocks_done

        blocks_total = self.blocks_total

        format_ = self.format_

        seed = self.seed

        template = self.template

        engine_version = self.engine_version

        tables = self.tables.to_dict()

        params = self.params.to_dict()

        error = self.error

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        artifacts = []
        for artifacts_item_data in self.artifacts:
            artifacts_item = artifacts_item_data.to_dict()
            artifacts.append(artifacts_item)

        metrics = self.metrics.to_dict()

        privacy: dict[str, Any] | None
        if isinstance(self.privacy, JobPrivacy):
            privacy = self.privacy.to_dict()
        else:
            privacy = self.privacy

        phase = self.phase.value

        activity = self.activity

        waiting: dict[str, Any] | None
        if isinstance(self.waiting, JobWaiting):
            waiting = self.waiting.to_dict()
        else:
            waiting = self.waiting

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "status": status,
                "progress": progress,
                "rows_done": rows_done,
                "rows_total": rows_total,
                "blocks_done": blocks_done,
                "blocks_total": blocks_total,
                "format": format_,
                "seed": seed,
                "template": template,
                "engine_version": engine_version,
                "tables": tables,
                "params": params,
                "error": error,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "artifacts": artifacts,
                "metrics": metrics,
                "privacy": privacy,
                "phase": phase,
                "activity": activity,
                "waiting": waiting,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.artifact import Artifact
        from ..models.job_links import JobLinks
        from ..models.job_metrics import JobMetrics
        from ..models.job_params import JobParams
        from ..models.job_privacy import JobPrivacy
        from ..models.job_tables import JobTables
        from ..models.job_waiting import JobWaiting

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = KindEnum(d.pop("kind"))

        status = StatusEnum(d.pop("status"))

        progress = d.pop("progress")

        rows_done = d.pop("rows_done")

        rows_total = d.pop("rows_total")

        blocks_done = d.pop("blocks_done")

        blocks_total = d.pop("blocks_total")

        format_ = d.pop("format")

        seed = d.pop("seed")

        template = d.pop("template")

        engine_version = d.pop("engine_version")

        tables = JobTables.from_dict(d.pop("tables"))

        params = JobParams.from_dict(d.pop("params"))

        error = d.pop("error")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        artifacts = []
        _artifacts = d.pop("artifacts")
        for artifacts_item_data in _artifacts:
            artifacts_item = Artifact.from_dict(artifacts_item_data)

            artifacts.append(artifacts_item)

        metrics = JobMetrics.from_dict(d.pop("metrics"))

        def _parse_privacy(data: object) -> JobPrivacy | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                privacy_type_1 = JobPrivacy.from_dict(data)

                return privacy_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobPrivacy | None, data)

        privacy = _parse_privacy(d.pop("privacy"))

        phase = PhaseEnum(d.pop("phase"))

        activity = d.pop("activity")

        def _parse_waiting(data: object) -> JobWaiting | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                waiting_type_1 = JobWaiting.from_dict(data)

                return waiting_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobWaiting | None, data)

        waiting = _parse_waiting(d.pop("waiting"))

        links = JobLinks.from_dict(d.pop("links"))

        job = cls(
            id=id,
            kind=kind,
            status=status,
            progress=progress,
            rows_done=rows_done,
            rows_total=rows_total,
            blocks_done=blocks_done,
            blocks_total=blocks_total,
            format_=format_,
            seed=seed,
            template=template,
            engine_version=engine_version,
            tables=tables,
            params=params,
            error=error,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            artifacts=artifacts,
            metrics=metrics,
            privacy=privacy,
            phase=phase,
            activity=activity,
            waiting=waiting,
            links=links,
        )

        job.additional_properties = d
        return job

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
