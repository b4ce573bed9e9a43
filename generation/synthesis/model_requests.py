"""Generate requests from a fitted model: the rows, conditions and plan a model job asks."""

from __future__ import annotations

from typing import Any

from generation.models import Job
from generation.synthesis.fitted import model_facts
from generation.synthesis.models import SynthModel
from syndata_site.errors import ApiError

__all__ = ["model_job_request"]


def model_job_request(*, user: Any, data: dict[str, Any]) -> Any:
    """The JobRequest of ``POST /api/generate {"model_id": ...}`` (conditions checked here)."""
    model = (
        SynthModel.objects.filter(id=data["model_id"], owner=user)
        .select_related("dataset", "fit_job")
        .first()
    )
    if model is None:
        raise ApiError("model_id: no such model", code="not_found", status_code=404)
    job = model.fit_job
    if job is None or job.status != Job.Status.SUCCEEDED or not model.path:
        status = job.status if job else "failed"
        raise ApiError(
            f"model_id: the model is not ready (its fit job is {status})",
            code="not_ready",
            status_code=409,
        )
    fitted = model_facts(model.directory)  # not the model: the worker loads it
    from generation.synthesis.relational import structure

    if fitted.meta.get("sequence"):  # a spec model of sequences
        from generation.synthesis.sequence_fit import sequence_job_request

        spec, conditions, extra = sequence_job_request(fitted, data)
        return _job_request(
            model, data, spec=spec, synthesizer="spec", conditions=conditions, extra=extra
        )
    if structure(fitted.meta) != "rows":
        return _structured_job_request(model, fitted.meta, data)
    conditions = _check_conditions(fitted.meta, data.get("conditions") or [])
    table = fitted.meta["table"]
    if fitted.meta["chosen"] == "spec":
        spec = dict(fitted.payload)
    else:  # the row plan only: the model, not the engine, makes the rows
        spec = {
            "tables": {table: {"rows": fitted.meta["rows_real"], "fields": {"row": {"type": "id"}}}}
        }
    return _job_request(
        model, data, spec=spec, synthesizer=fitted.meta["chosen"], conditions=conditions
    )


def _job_request(
    model: SynthModel,
    data: dict[str, Any],
    *,
    spec: dict[str, Any],
    synthesizer: str,
    conditions: list[dict[str, Any]],
    extra: dict[str, Any] | None = None,
    estimate: dict[str, int] | None = None,
) -> Any:
    """The JobRequest of a model job, whatever the model: its params name the model, its
    dataset (id and name: the job is named and found by it) and the synthesizer."""
    from generation.services import JobRequest

    return JobRequest(
        kind=Job.Kind.MODEL,
        spec=spec,
        rows=data.get("rows"),
        format=data["format"],
        seed=data.get("seed"),
        params={
            "model_id": str(model.id),
            "dataset_id": str(model.dataset_id),
            "dataset_name": model.dataset.name,
            "synthesizer": synthesizer,
            "conditions": conditions,
            **(extra or {}),
        },
        estimate=estimate,
    )


def _structured_job_request(model: SynthModel, meta: dict[str, Any], data: dict[str, Any]) -> Any:
    """PAR: ``rows`` counts sequences (default: as many as the real table had); the rows
    produced are what the job's rows_total reports at the end. HMA: ``rows`` counts rows of
    the root (parent) table (default: as many as the real one); children follow."""
    from generation.synthesis.relational import structure

    chosen = meta["chosen"]
    sequences = structure(meta) == "sequences"
    if data.get("conditions"):
        raise ApiError(f"conditions: not supported for {chosen} models of sequences or tables")
    rows = data.get("rows")
    if rows is not None and rows < 1:
        unit = "sequence" if sequences else f"{meta['order'][0]} row"
        raise ApiError(f"rows: a {chosen} model makes at least 1 {unit}")
    if sequences:
        real = {meta["table"]: meta["sequences_real"]}
    else:
        real = {t: meta["rows_real"][t] for t in meta["order"]}
    spec = {"tables": {t: {"rows": n, "fields": {"row": {"type": "id"}}} for t, n in real.items()}}
    # Expected rows, as the producer's plan will have them (producer._sequence_plans and
    # _multi_plans), known here without planning: the row limit is checked on it.
    asked = int(
        rows if rows is not None else real[meta["table"] if sequences else meta["order"][0]]
    )
    if sequences:
        estimate = {meta["table"]: round(asked * max(1.0, float(meta["mean_sequence_length"])))}
    else:
        root = meta["order"][0]
        estimate = {t: round(asked * n / max(1, real[root])) for t, n in real.items()}
    return _job_request(
        model,
        data,
        spec=spec,
        synthesizer=chosen,
        conditions=[],
        extra={"sequences": rows or meta["sequences_real"]} if sequences else None,
        estimate=estimate,
    )


def _check_conditions(meta: dict[str, Any], conditions: Any) -> list[dict[str, Any]]:
    if not isinstance(conditions, list):
        raise ApiError("conditions: must be a list of {column, value, fraction}")
    out = []
    total = 0.0
    for i, cond in enumerate(conditions):
        path = f"conditions.{i}"
        if not isinstance(cond, dict):
            raise ApiError(f"{path}: must be an object {{column, value, fraction}}")
        extra = set(cond) - {"column", "value", "fraction"}
        if extra:
            raise ApiError(f"{path}.{sorted(extra)[0]}: is not allowed here")
        column = cond.get("column")
        if column not in meta["columns"]:
            raise ApiError(f"{path}.column: unknown column {column!r}")
        if column not in meta["categories"]:
            raise ApiError(
                f"{path}.column: {column!r} is not categorical or boolean; "
                f"conditions work on {', '.join(meta['categories']) or 'no column of this table'}"
            )
        value = cond.get("value")
        label = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        if isinstance(value, bool):
            label = "True" if value else "False"
        known = meta["categories"][column]
        if label not in known:
            shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
            raise ApiError(f"{path}.value: {value!r} is not a value of {column} ({shown})")
        fraction = cond.get("fraction")
        if (
            isinstance(fraction, bool)
            or not isinstance(fraction, int | float)
            or not 0 < fraction <= 1
        ):
            raise ApiError(f"{path}.fraction: must be a number in (0, 1]")
        total += float(fraction)
        out.append({"column": column, "value": label, "fraction": float(fraction)})
    if total > 1 + 1e-9:
        raise ApiError(f"conditions: fractions add up to {total:g}, more than 1")
    if len({c["column"] for c in out}) > 1:
        raise ApiError("conditions: all conditions must be on the same column")
    return out
