"""The ``spec`` synthesizer on a dataset with a sequence key: fit, job requests, blocks.

The learned spec (generation/synthesis/sequence_synth.py) is a parent table of entities and
a series child table; a job of the model makes the child table only, block by block through
the engine (whole entities per block, the bytes fixed by the seed), and applies the model
guarantees: keys never a real key, a row equal to a real row dropped.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np
import pandas as pd

from generation import engine

__all__ = [
    "apply_conditions",
    "fit_spec_sequences",
    "sequence_block",
    "sequence_job_request",
    "sequence_plans",
]


def fit_spec_sequences(
    job: Any, model: Any, *, learned_columns: list[str], fitted_columns: dict[str, Any]
) -> None:
    """Learn the sequences of the model's dataset into a series spec; save model and Schema.

    ``learned_columns``: the dataset's columns that are neither keys nor identifiers;
    ``fitted_columns``: its columns' metadata with the sequence key as an id."""
    from django.conf import settings
    from django.utils import timezone

    from generation.models import Schema
    from generation.synthesis.fitted import save_fitted
    from generation.synthesis.identifiers import make_salt
    from generation.synthesis.relational import hold_out_sequences
    from generation.synthesis.sequence_synth import SequenceInputError, learn_sequence_spec
    from generation.synthesis.spec_synth import field_name
    from generation.synthesis.tables import load_frame

    dataset = model.dataset
    metadata = dataset.metadata
    key, index = metadata["sequence_key"], metadata.get("sequence_index")
    real = load_frame(dataset.absolute_path, metadata).reset_index(drop=True)
    frame = real.dropna(subset=[key] + ([index] if index else []))
    holdout_index, holdout_note = hold_out_sequences(frame, key, seed=model.seed)
    frame = frame.drop(index=holdout_index)
    learned = [c for c in learned_columns if c != key]
    if not learned:
        raise ValueError("nothing to learn: every column but the sequence key is a key")
    table = metadata.get("table") or field_name(dataset.name, set())
    started = time.monotonic()
    try:
        spec, info = learn_sequence_spec(
            frame, metadata, table=table, key=key, index=index, learned=learned, seed=model.seed
        )
    except SequenceInputError as exc:
        raise ValueError(str(exc)) from None
    job.params = {**job.params}
    lengths = frame.groupby(key, sort=False).size()
    meta = {
        "synthesizer": model.synthesizer,
        "chosen": "spec",
        "table": table,
        "columns": fitted_columns,
        "learned": learned,
        "sequence_key": key,
        "sequence_index": index,
        "sequence": info,
        "sequences_real": int(len(lengths)),
        "mean_sequence_length": float(lengths.mean()),
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": int(len(frame)),
        "categories": {},
        "fit_seconds": round(time.monotonic() - started, 3),
        "holdout_index": holdout_index,
        "holdout_sequences": int(real.loc[holdout_index, key].nunique()),
        "holdout_note": holdout_note,
        "fitted_at": timezone.now().isoformat(),
        "spec_names": info["names"],
    }
    save_fitted(model.directory, meta=meta, real=real, spec=spec)
    model.path = str(model.directory.relative_to(settings.MEDIA_ROOT))
    model.chosen = "spec"
    model.metrics = {
        "fit_seconds": meta["fit_seconds"],
        "sequences": meta["sequences_real"],
        "mean_sequence_length": round(meta["mean_sequence_length"], 2),
        "holdout_sequences": meta["holdout_sequences"],
        "profiles": len(info["profiles"]),
        **({"holdout_note": holdout_note} if holdout_note else {}),
    }
    model.schema = Schema.objects.create(
        owner=model.owner,
        name=f"Learned sequences of {dataset.name}"[:200],
        description=(
            f"Learned by the spec synthesizer from the sequences of dataset {dataset.id} "
            f"(model {model.id}): edit the profiles' signals and generate again."
        ),
        spec=spec,
    )
    model.save()
    job.params["chosen"] = "spec"
    job.params["holdout_sequences"] = meta["holdout_sequences"]
    type(job).objects.filter(id=job.id).update(params=job.params)


def apply_conditions(
    spec: dict[str, Any], meta: dict[str, Any], conditions: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The spec with its profile weights moved so that ``fraction`` of the entities are like
    ``value`` of a static column (or of the sequence key: like that real entity); 400 on a
    column that is neither or a value no profile has."""
    from syndata_site.errors import ApiError

    info = meta["sequence"]
    key = meta["sequence_key"]
    if not isinstance(conditions, list):
        raise ApiError("conditions: must be a list of {column, value, fraction}")
    if len(conditions) > 1:
        raise ApiError("conditions: a sequence model takes one condition")
    if not conditions:
        return spec, []
    cond = conditions[0]
    if not isinstance(cond, dict) or set(cond) - {"column", "value", "fraction"}:
        raise ApiError("conditions.0: must be an object {column, value, fraction}")
    column, value = cond.get("column"), cond.get("value")
    fraction = cond.get("fraction", 1.0)
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction <= 1:
        raise ApiError("conditions.0.fraction: must be a number in (0, 1]")
    label = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if column == key and info["per_entity"]:
        profiles = [label] if label in info["profiles"] else []
        known = info["profiles"]
    elif column in info["static"]:
        profiles = info["static"][column].get(label, [])
        known = list(info["static"][column])
    else:
        usable = list(info["static"]) + ([key] if info["per_entity"] else [])
        raise ApiError(
            f"conditions.0.column: {column!r} is not a static column of the sequences "
            f"(conditions work on {', '.join(usable) or 'none here'})"
        )
    if not profiles:
        shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
        raise ApiError(f"conditions.0.value: {value!r} is not a value of {column} ({shown})")
    spec = copy.deepcopy(spec)
    weights = spec["tables"][info["parent"]]["fields"]["profile"]["values"]
    like = {p: w for p, w in weights.items() if p in profiles}
    other = {p: w for p, w in weights.items() if p not in profiles}
    total_like, total_other = sum(like.values()) or 1, sum(other.values()) or 1
    share = float(fraction) if other else 1.0
    weights = {p: round(w / total_like * share, 9) for p, w in like.items()}
    weights.update({p: round(w / total_other * (1 - share), 9) for p, w in other.items()})
    spec["tables"][info["parent"]]["fields"]["profile"]["values"] = {
        p: w for p, w in weights.items() if w > 0
    }
    if column in info["static"]:  # the static value itself, in the profiles that have others
        pfield = next(
            f
            for f in spec["tables"][info["parent"]]["fields"].values()
            if f.get("description") == f"static column {column}"
        )
        for case in pfield.get("conditional", {}).get("cases", {}).values():
            if label in case["values"] and share >= 1:
                case["values"] = {label: 1}
    return spec, [{"column": column, "value": label, "fraction": float(fraction)}]


def sequence_job_request(
    fitted: Any, data: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """What a sequence ``spec`` model's job asks beyond any model job's request
    (model_requests builds the request): ``(spec, conditions, params)``. ``rows`` counts
    sequences (default: as many as the real table had), conditions pick entities like a
    static value."""
    from syndata_site.errors import ApiError

    meta = fitted.meta
    rows = data.get("rows")
    if rows is not None and rows < 1:
        raise ApiError("rows: a sequence model makes at least 1 sequence")
    spec, conditions = apply_conditions(fitted.payload, meta, data.get("conditions") or [])
    return spec, conditions, {"sequences": rows or meta["sequences_real"]}


def sequence_plans(
    spec_doc: dict[str, Any], meta: dict[str, Any], sequences: int | None, block_size: int
) -> dict[str, engine.TablePlan]:
    """The child table's plan only (the entities are made inside its blocks), named as the
    real table."""
    spec = engine.parse_spec_once(spec_doc)
    plans = engine.plan_tables(spec, rows=sequences, block_size=block_size)
    return {meta["table"]: plans[meta["sequence"]["child"]]}


def sequence_block(fitted: Any, spec: Any, block: Any, seed: int) -> tuple[pd.DataFrame, int]:
    """One block of synthetic sequences in the real table's columns: (rows, copies dropped).

    The key holds synthetic entities (integers past the largest real key, or ``SYN-`` and
    the entity's number); a row equal to a real row (the row guard) is dropped.
    """
    from generation.synthesis.fitted import _finish_types, _numbered, row_hashes

    meta = fitted.meta
    info = meta["sequence"]
    key = meta["sequence_key"]
    data = engine.generate_block(spec, info["child"], block, seed).to_pandas()
    frame = data.rename(columns=info["names"])
    entity = frame[key].to_numpy(dtype=np.int64)
    index = meta.get("sequence_index")
    if index and info.get("index_numeric"):
        frame[index] = frame[index].astype("datetime64[us]").astype(np.int64) / 1e6
    dropped = 0
    if fitted.row_set.size and len(frame):
        hashes = row_hashes(frame, meta["learned"], meta["columns"], meta["row_salt"])
        pos = np.minimum(np.searchsorted(fitted.row_set, hashes), fitted.row_set.size - 1)
        copies = fitted.row_set[pos] == hashes
        dropped = int(copies.sum())
        if dropped:
            frame, entity = frame[~copies].reset_index(drop=True), entity[~copies]
    frame = _finish_types(frame, meta)
    if meta["columns"][key].get("representation") == "int":
        frame[key] = entity  # the spec's entity ids start past the largest real key
    else:
        offset = int(entity.min()) if len(entity) else 1
        text = _numbered("SYN-", offset, int(entity.max()) - offset + 1 if len(entity) else 0)
        frame[key] = text.to_numpy(zero_copy_only=False)[entity - offset]
    return frame.reindex(columns=list(meta["columns"])), dropped
