"""Writes for fitting models: submitting a fit (checked against the dataset and the options),
running it as a worker task (single tables, sequences, related tables, auto), saving the model.

Datasets are in datasets.py, options in fit_options.py, auto's choice in auto.py, and the
generate requests a model makes in model_requests.py."""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from generation.models import Job, Schema
from generation.services import job_enqueue
from generation.specs import concurrent_jobs_check
from generation.synthesis import argn_fit
from generation.synthesis.auto import Deadline, auto_select
from generation.synthesis.catalog import SYNTHESIZERS, licence_clean
from generation.synthesis.datasets import is_multi_table
from generation.synthesis.fit_options import check_options
from generation.synthesis.fitted import save_fitted
from generation.synthesis.fitting import (
    FitCancelled,
    FitHeartbeat,
    FitProgress,
    fitted_columns,
    learned_columns,
    related_tables_for_fit,
    related_tables_meta,
)
from generation.synthesis.identifiers import make_salt
from generation.synthesis.models import Dataset, SynthModel
from generation.synthesis.spec_synth import field_name, learn_spec
from generation.synthesis.tables import (
    TableError,
    load_frame,
)
from syndata_site.errors import ApiError

logger = logging.getLogger(__name__)

__all__ = ["fit_run", "model_fit_submit", "synthesizers_offered"]


def synthesizers_offered() -> list[dict[str, Any]]:
    """The synthesizers this deployment offers (``SYNDATA_SYNTHESIZERS``), with licences."""
    from generation.synthesis import sdv_backend

    wants_sdv = any(SYNTHESIZERS.get(n, {}).get("bsl") for n in settings.SYNDATA_SYNTHESIZERS)
    sdv_ok = sdv_backend.available() if wants_sdv else False  # no BSL import when not offered
    out = []
    for name in settings.SYNDATA_SYNTHESIZERS:
        info = SYNTHESIZERS.get(name)
        if info is None:
            continue
        public = {k: v for k, v in info.items() if k != "default_epochs"}
        if name == "argn":
            from generation.synthesis import argn_backend

            usable = argn_backend.available()
        else:
            usable = (not info["bsl"]) or sdv_ok
        out.append({"name": name, **public, "available": usable})
    return out


# --- datasets -------------------------------------------------------------------------------
def model_fit_submit(
    *,
    user: Any,
    dataset: Dataset,
    synthesizer: str,
    options: dict[str, Any],
    seed: int | None,
    differential_privacy: Any = None,
) -> Job:
    """Create a SynthModel and its fit Job, enqueued once committed. ``differential_privacy``
    ({epsilon, delta}: spec, dp_spec.py; argn, the engine's DP-SGD) is kept in the model's
    options."""
    offered = {s["name"]: s for s in synthesizers_offered()}
    if synthesizer not in offered:
        raise ApiError(
            f"synthesizer: must be one of {', '.join(offered) or 'none (none offered here)'}",
            code="invalid",
        )
    if not offered[synthesizer]["available"]:
        raise ApiError(f"synthesizer: {synthesizer} needs SDV, which is not installed here")
    if not isinstance(options, dict):
        raise ApiError("options: must be an object")
    _check_fits_dataset(synthesizer, dataset, offered)
    check_options(synthesizer, options, dataset.metadata.get("columns"))
    _check_sequences(dataset)
    if synthesizer == "argn":
        argn_fit.check_dataset(dataset)
    if differential_privacy is not None:
        from generation.synthesis.dp_spec import DpError, check_request

        try:
            options = {
                **options,
                "differential_privacy": check_request(differential_privacy, synthesizer),
            }
        except DpError as exc:
            raise ApiError(str(exc)) from None
    seed = seed if seed is not None else secrets.randbelow(2**31)
    info = SYNTHESIZERS[synthesizer]
    epochs = int(options.get("epochs", info.get("default_epochs", 300))) if info["epochs"] else 1
    with transaction.atomic():
        concurrent_jobs_check(user=user)  # the same per-user limit as generate jobs
        job = Job.objects.create(
            owner=user,
            kind=Job.Kind.FIT,
            params={
                "dataset_id": str(dataset.id),
                "dataset_name": dataset.name,  # the job's name in lists, kept if renamed
                "synthesizer": synthesizer,
                "options": options,
            },
            format="",
            seed=seed,
            rows_total=epochs,
            # Done when the model is saved: its scores (auto's) are part of the fit itself.
            metrics_status=Job.MetricsStatus.NONE,
        )
        model = SynthModel.objects.create(
            owner=user,
            dataset=dataset,
            synthesizer=synthesizer,
            options=options,
            seed=seed,
            fit_job=job,
        )
        job.params["model_id"] = str(model.id)
        job.save(update_fields=["params"])
        model_id = model.id
        job_enqueue(
            job=job,
            func="generation.tasks.run_fit",
            what="fit",
            on_refused=lambda: SynthModel.objects.filter(id=model_id).delete(),
        )
    return job


def _check_sequences(dataset: Dataset) -> None:
    """400 before any sequence fit runs when its sequences are broken (one row per entity, an
    order repeated within an entity, an uneven step where a regular one is declared), naming
    the field, the entity and the row: not a job that dies later."""
    metadata = dataset.metadata
    key = None if is_multi_table(metadata) else metadata.get("sequence_key")
    if not key:
        return
    from generation.synthesis.sequence_synth import sequence_issues

    frame = load_frame(dataset.absolute_path, metadata)
    issues = sequence_issues(
        frame,
        key,
        metadata.get("sequence_index"),
        regular=bool(metadata.get("sequence_regular")),
    )
    if issues:
        raise ApiError(issues[0])


def _check_fits_dataset(synthesizer: str, dataset: Dataset, offered: dict[str, Any]) -> None:
    """400 when the synthesizer cannot learn this kind of dataset (tables, sequences)."""
    metadata = dataset.metadata
    usable = {n for n, s in offered.items() if s["available"]}
    if is_multi_table(metadata):
        names = ", ".join(metadata["tables"])
        if synthesizer not in ("hma", "argn", "auto"):
            raise ApiError(
                f"synthesizer: {synthesizer} learns one table; this dataset has "
                f"{len(metadata['tables'])} related tables ({names}): use hma or argn (or auto)"
            )
        if not {"hma", "argn"} & usable:
            raise ApiError(
                "synthesizer: a multi-table dataset needs hma or argn, neither is offered here "
                "(SYNDATA_SYNTHESIZERS)"
            )
        from generation.synthesis.relational import table_order

        try:
            table_order(metadata)
        except TableError as exc:
            raise ApiError(str(exc)) from None
        return
    if synthesizer == "hma":
        raise ApiError(
            "synthesizer: hma learns related tables; this dataset has one table "
            "(upload several files, or a zip, for a multi-table dataset)"
        )
    key = metadata.get("sequence_key")
    if synthesizer == "par" and not key:
        raise ApiError(
            "synthesizer: par learns sequences and needs metadata.sequence_key (the entity "
            f"column; set it with PATCH /api/datasets/{dataset.id})"
        )
    if synthesizer == "auto" and key and not {"par", "argn"} & usable:
        raise ApiError(
            f"synthesizer: auto would choose par or argn for the sequences of {key!r}, and "
            "neither is offered here; pick a single-table synthesizer explicitly, or clear "
            "metadata.sequence_key"
        )


def _fit_one(
    synthesizer: str,
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    learned: list[str],
    options: dict[str, Any],
    seed: int,
    table: str,
    progress: Any,
) -> dict[str, Any]:
    """Fit one synthesizer; returns what save_fitted needs (payload or spec)."""
    if synthesizer == "argn":
        return argn_fit.fit_table(
            frame, metadata, learned=learned, options=options, seed=seed, progress=progress
        )
    if synthesizer == "spec" and options.get("differential_privacy"):
        from generation.synthesis.dp_spec import learn_dp_spec

        dp = options["differential_privacy"]
        spec, names, accounting = learn_dp_spec(
            frame, metadata, table=table, learned=learned, seed=seed, **dp
        )
        progress(1, 1)
        return {"spec": spec, "spec_names": names, "differential_privacy": accounting}
    if synthesizer == "spec":
        spec, names = learn_spec(frame, metadata, table=table, learned=learned, rows=len(frame))
        progress(1, 1)
        return {"spec": spec, "spec_names": names}
    from generation.synthesis import sdv_backend

    model = sdv_backend.fit(
        frame[learned],
        metadata,
        synthesizer=synthesizer,
        options=options,
        seed=seed,
        table=table,
        progress=progress,
    )
    return {"payload_bytes": sdv_backend.dumps(model)}


def fit_run(*, job_id: Any) -> None:
    """Fit a model (a django-q2 task): load, fit, save its folder, record progress.

    Only a queued fit starts (queued -> running in one update), so a duplicate task (a
    redelivery, or the watchdog's resend of a fit that was only waiting) does nothing.
    """
    if not Job.transition(job_id, source=Job.Status.QUEUED, target=Job.Status.RUNNING):
        return  # finished, cancelled, deleted, or another copy of this task runs it
    job = Job.objects.get(id=job_id)
    model = SynthModel.objects.select_related("dataset").get(id=job.params["model_id"])
    metadata = model.dataset.metadata
    try:
        with FitHeartbeat(job):
            if model.synthesizer == "argn" and (
                is_multi_table(metadata) or metadata.get("sequence_key")
            ):
                fit = argn_fit.fit_tables if is_multi_table(metadata) else argn_fit.fit_sequences
                fit(job, model)
            elif model.synthesizer == "auto" and (
                is_multi_table(metadata) or metadata.get("sequence_key")
            ):
                _fit_auto_structured(job, model, tables=is_multi_table(metadata))
            elif is_multi_table(metadata):
                _fit_hma(job, model)
            elif model.synthesizer == "spec" and metadata.get("sequence_key"):
                from generation.synthesis.sequence_fit import fit_spec_sequences

                fit_spec_sequences(  # the series language, per entity profile
                    job,
                    model,
                    learned_columns=learned_columns(metadata),
                    fitted_columns=fitted_columns(metadata, (metadata["sequence_key"],)),
                )
            elif model.synthesizer == "par" or (
                model.synthesizer == "auto" and metadata.get("sequence_key")
            ):
                _fit_par(job, model)
            else:
                _fit(job, model)
    except FitCancelled:
        shutil.rmtree(model.directory, ignore_errors=True)
        return
    except Exception as exc:
        logger.exception("fit job %s failed", job.id)
        shutil.rmtree(model.directory, ignore_errors=True)
        Job.transition(
            job,
            source=Job.UNFINISHED,
            target=Job.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}",
        )
        return
    job.refresh_from_db()
    if job.status == Job.Status.CANCELLED:
        shutil.rmtree(model.directory, ignore_errors=True)
        return
    # running -> succeeded only: a fit the watchdog failed or queued again meanwhile stays so.
    Job.transition(
        job, source=Job.Status.RUNNING, target=Job.Status.SUCCEEDED, rows_done=job.rows_total
    )


def _fit(job: Job, model: SynthModel) -> None:
    dataset = model.dataset
    metadata = dataset.metadata
    # The index is each row's position in the whole table, kept through the sample below.
    frame = load_frame(dataset.absolute_path, metadata).reset_index(drop=True)
    cap = settings.SYNDATA_FIT_MAX_ROWS
    if len(frame) > cap:
        frame = frame.sample(cap, random_state=model.seed % 2**32)
    learned = learned_columns(metadata)
    if not learned:
        raise ValueError("nothing to learn: every column is a key or an identifier")
    # Real rows the model never sees: the privacy baseline (DCR of a fresh real row). Their
    # positions are in the whole table, which is what the metrics load and index.
    holdout_index: list[int] = []
    if len(frame) >= 200:
        n_holdout = min(5000, len(frame) // 10)
        order = np.random.default_rng(model.seed).permutation(len(frame))
        holdout_index = sorted(int(i) for i in frame.index[order[:n_holdout]])
        frame = frame.drop(index=holdout_index)
    frame = frame.reset_index(drop=True)
    table = metadata.get("table") or field_name(dataset.name, set())
    options = dict(model.options)
    scores: dict[str, Any] = {}
    chosen = model.synthesizer
    started = time.monotonic()
    if chosen == "auto":
        chosen, result, scores, frame = _fit_auto(job, model, frame, metadata, learned, table)
    else:
        result = _fit_one(
            chosen,
            frame,
            metadata,
            learned=learned,
            options=options,
            seed=model.seed,
            table=table,
            progress=FitProgress(job),
        )
    meta = {
        "synthesizer": model.synthesizer,
        "chosen": chosen,
        "table": table,
        "columns": {k: dict(v) for k, v in metadata["columns"].items()},
        "learned": learned,
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": int(len(frame)),
        "categories": {
            name: sorted({str(v) for v in frame[name].dropna().unique()})[:5000]
            for name in learned
            if metadata["columns"][name]["sdtype"] in ("categorical", "boolean")
        },
        "fit_seconds": round(time.monotonic() - started, 3),
        "holdout_index": holdout_index,
        "fit_rows_cap": cap,
        "fitted_at": timezone.now().isoformat(),
        "spec_names": result.get("spec_names"),
    }
    if result.get("differential_privacy") and result.get("argn") is not None:
        meta["categories"] = argn_fit.released_categories(result, meta["categories"])
    elif result.get("differential_privacy"):  # conditions may name released categories only
        from generation.synthesis.dp_spec import released_categories

        meta["categories"] = released_categories(
            result["spec"], result["spec_names"], meta["categories"]
        )
    save_fitted(
        model.directory,
        meta=meta,
        real=load_frame(dataset.absolute_path, metadata),
        payload_bytes=result.get("payload_bytes"),
        spec=result.get("spec"),
    )
    if result.get("argn") is not None:  # the engine's model folder, kept with the model
        result["argn"].save(model.directory / "argn")
    model.path = str(model.directory.relative_to(settings.MEDIA_ROOT))
    model.chosen = chosen
    model.metrics = {"fit_seconds": meta["fit_seconds"], **({"auto": scores} if scores else {})}
    if result.get("differential_privacy"):  # the accounting of a DP fit (dp_spec.py)
        model.metrics["differential_privacy"] = result["differential_privacy"]
    if result.get("spec") is not None:
        model.schema = Schema.objects.create(
            owner=model.owner,
            name=f"Learned from {dataset.name}"[:200],
            description=(
                f"Learned by the spec synthesizer from dataset {dataset.id} (model {model.id}). "
                "Edit it and generate again."
            ),
            spec=result["spec"],
        )
    model.save()
    # auto: which candidates were fitted, stopped or skipped by the time budget, and why.
    params = {**job.params, "chosen": chosen, **({"auto": scores} if scores else {})}
    Job.objects.filter(id=job.id).update(params=params)
    job.params = params


def _fit_par(job: Job, model: SynthModel) -> None:
    """PAR on whole sequences: one per value of metadata.sequence_key, in sequence_index order.

    A seeded share of the sequences is held out of the fit, whole: the privacy baseline of
    the metrics (the positions of their rows in ``holdout_index``).
    """
    from generation.synthesis import sdv_backend
    from generation.synthesis.relational import hold_out_sequences

    dataset = model.dataset
    metadata = dataset.metadata
    key, index = metadata.get("sequence_key"), metadata.get("sequence_index")
    if not key:
        raise ValueError("metadata.sequence_key is not set: PAR needs the entity column")
    # The index is each row's position in the whole table, kept until the holdout is drawn.
    real = load_frame(dataset.absolute_path, metadata).reset_index(drop=True)
    frame = real.dropna(subset=[key] + ([index] if index else []))
    dropped_null = len(real) - len(frame)
    entities = frame[key].drop_duplicates().to_numpy()
    cap = settings.SYNDATA_FIT_MAX_ROWS
    if len(frame) > cap:  # whole sequences, in a random order, up to the cap
        order = np.random.default_rng(model.seed).permutation(len(entities))
        sizes = frame.groupby(key, sort=False).size().reindex(entities[order]).to_numpy()
        keep = entities[order][: max(1, int(np.searchsorted(np.cumsum(sizes), cap, "right")))]
        frame = frame[frame[key].isin(keep)]
    holdout_index, holdout_note = hold_out_sequences(frame, key, seed=model.seed)
    frame = frame.drop(index=holdout_index)
    frame = frame.sort_values([key, index] if index else [key], kind="stable")
    frame = frame.reset_index(drop=True)
    learned = [c for c in learned_columns(metadata) if c != key]
    if not learned:
        raise ValueError("nothing to learn: every column but the sequence key is a key")
    table = metadata.get("table") or field_name(dataset.name, set())
    options = dict(model.options)
    if model.synthesizer == "auto":
        options = {"epochs": int(options.get("epochs", 128))}
    started = time.monotonic()
    fitted_model = sdv_backend.fit_par(
        frame[[key, *learned]],
        metadata,
        sequence_key=key,
        sequence_index=index,
        options=options,
        seed=model.seed,
        table=table,
        progress=FitProgress(job),
    )
    lengths = frame.groupby(key, sort=False).size()
    meta = {
        "synthesizer": model.synthesizer,
        "chosen": "par",
        "table": table,
        "columns": fitted_columns(metadata, (key,)),
        "learned": learned,
        "sequence_key": key,
        "sequence_index": index,
        "sequences_real": int(len(lengths)),
        "mean_sequence_length": float(lengths.mean()),
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": int(len(frame)),
        "rows_dropped_null_key": int(dropped_null),
        "categories": {},
        "fit_seconds": round(time.monotonic() - started, 3),
        "holdout_index": holdout_index,
        "holdout_sequences": int(real.loc[holdout_index, key].nunique()),
        "holdout_note": holdout_note,
        "fit_rows_cap": cap,
        "fitted_at": timezone.now().isoformat(),
    }
    save_fitted(
        model.directory, meta=meta, real=real, payload_bytes=sdv_backend.dumps(fitted_model)
    )
    model.path = str(model.directory.relative_to(settings.MEDIA_ROOT))
    model.chosen = "par"
    model.metrics = {
        "fit_seconds": meta["fit_seconds"],
        "sequences": meta["sequences_real"],
        "mean_sequence_length": round(meta["mean_sequence_length"], 2),
        "holdout_sequences": meta["holdout_sequences"],
        **({"holdout_note": holdout_note} if holdout_note else {}),
        **(
            {"auto": {"chosen": "par", "reason": f"sequences of {key!r}"}}
            if model.synthesizer == "auto"
            else {}
        ),
    }
    model.save()
    params = {
        **job.params,
        "chosen": "par",
        "rows_dropped_null_key": int(dropped_null),
        "holdout_sequences": meta["holdout_sequences"],
    }
    Job.objects.filter(id=job.id).update(params=params)
    job.params = params


def _fit_hma(job: Job, model: SynthModel) -> None:
    """HMA on related tables; orphan child rows (key empty or not a parent key) are dropped
    and counted in the fit job's params["orphans"].

    A seeded share of the root rows, with all their descendants, is held out of the fit: the
    privacy baseline of the metrics (their positions per table in ``holdout_index``).
    """
    from generation.synthesis import sdv_backend

    prepared = related_tables_for_fit(model)
    order, rels, tables, pks = prepared.order, prepared.rels, prepared.tables, prepared.pks
    real, frames, orphans = prepared.real, prepared.frames, prepared.orphans
    holdout, holdout_note = prepared.holdout, prepared.holdout_note
    learned = {t: learned_columns(tables[t]) for t in order}
    keys = {
        t: [
            k
            for k in [pks[t]] + [r["child_foreign_key"] for r in rels if r["child_table"] == t]
            if k
        ]
        for t in order
    }
    started = time.monotonic()
    fitted_model = sdv_backend.fit_hma(
        {t: frames[t][keys[t] + [c for c in learned[t] if c not in keys[t]]] for t in order},
        {t: tables[t] for t in order},
        primary_keys=pks,
        relationships=rels,
        seed=model.seed,
        progress=FitProgress(job),
    )
    fit_seconds = round(time.monotonic() - started, 3)
    for table in order:
        save_fitted(
            model.directory / "tables" / table,
            meta={
                "chosen": "hma",
                "table": table,
                "columns": fitted_columns(tables[table], tuple(keys[table])),
                "learned": [c for c in learned[table] if c not in keys[table]],
                "row_salt": make_salt(),
                "id_salt": make_salt(),
                "rows_real": int(len(frames[table])),
                "holdout_index": holdout[table],
                "holdout_note": holdout_note,
            },
            real=real[table],
        )
    meta = related_tables_meta(
        prepared, synthesizer=model.synthesizer, chosen="hma", fit_seconds=fit_seconds
    )
    save_fitted(
        model.directory,
        meta=meta,
        real=pd.DataFrame(),
        payload_bytes=sdv_backend.dumps(fitted_model),
    )
    model.path = str(model.directory.relative_to(settings.MEDIA_ROOT))
    model.chosen = "hma"
    model.metrics = {
        "fit_seconds": fit_seconds,
        "rows_real": meta["rows_real"],
        "orphans": orphans,
        "holdout_rows": meta["holdout_rows"],
        **({"holdout_note": holdout_note} if holdout_note else {}),
        **(
            {"auto": {"chosen": "hma", "reason": "related tables"}}
            if model.synthesizer == "auto"
            else {}
        ),
    }
    model.save()
    params = {
        **job.params,
        "chosen": "hma",
        "orphans": orphans,
        "holdout_rows": meta["holdout_rows"],
    }
    Job.objects.filter(id=job.id).update(params=params)
    job.params = params


#: Synthetic rows each candidate of ``auto`` is scored with, at least (or the holdout's size).
#: With as few rows as a small holdout has, sampling noise decides between close candidates
#: (flights: 400 rows ranked GaussianCopula over ``spec``; 2,000 and more rank them as the
#: full evaluation does); the real side stays the holdout, never seen by the candidates.
def _fit_auto(
    job: Job,
    model: SynthModel,
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    learned: list[str],
    table: str,
) -> tuple[str, dict[str, Any], dict[str, Any], pd.DataFrame]:
    """Fit candidates on a train split within the time budget; keep the best on the holdout.

    The winner is then refitted on every row, for as many epochs as it was scored with and
    within what is left of the budget; with nothing left, a winner with epochs keeps its fit
    on the train split instead (``scores["refit"]`` says which).
    """
    from evaluation.metrics.quality import native_quality_report, quality_report

    options = model.options
    offered = {s["name"] for s in synthesizers_offered() if s["available"]}
    candidates = [
        c
        for c in options.get("candidates", ["spec", "argn", "gaussian_copula", "ctgan"])
        if c in offered and c != "auto"
    ] or ["spec"]
    Job.objects.filter(id=job.id).update(rows_total=len(candidates))
    job.rows_total = len(candidates)
    epochs = int(options.get("epochs", 50))
    budget_s = float(options.get("time_budget_s", 300))
    deadline = time.monotonic() + budget_s
    results: dict[str, Any] = {}
    chosen, scores = auto_select(
        frame,
        metadata,
        learned,
        candidates=candidates,
        epochs=epochs,
        seed=model.seed,
        table=table,
        budget_s=budget_s,
        holdout_share=float(options.get("holdout", 0.2)),
        score_of=native_quality_report
        if licence_clean(settings.SYNDATA_SYNTHESIZERS)
        else quality_report,
        fit_one=_fit_one,
        scored=lambda i: Job.objects.filter(id=job.id).update(rows_done=i + 1),
        results=results,
    )
    has_epochs = SYNTHESIZERS[chosen]["epochs"]
    if has_epochs and time.monotonic() >= deadline:
        scores["refit"] = (
            f"skipped: the time budget of {budget_s:g}s is spent; the model fitted on the "
            "train split is kept"
        )
        return chosen, results[chosen], scores, frame
    # The winner is chosen on the split, then refitted on all the training rows it may see.
    stop = Deadline(deadline, time.monotonic)
    result = _fit_one(
        chosen,
        frame,
        metadata,
        learned=learned,
        options={"epochs": scores[chosen].get("epochs_done", epochs)} if has_epochs else {},
        seed=model.seed,
        table=table,
        progress=stop if has_epochs else (lambda done, total: None),
    )
    scores["refit"] = (
        f"stopped: the time budget of {budget_s:g}s was spent after {stop.done} of "
        f"{stop.total} epochs"
        if stop.stopped
        else "on every row"
    )
    return chosen, result, scores, frame


# --- generation from a model -----------------------------------------------------------------
def _fit_auto_structured(job: Job, model: SynthModel, *, tables: bool) -> None:
    """``auto`` on sequences (par, argn) or related tables (hma, argn): the offered candidates
    in that order, the first that fits is kept; one that fails is reported with its error
    and the next is tried (the job fails only when every candidate did)."""
    offered = {s["name"] for s in synthesizers_offered() if s["available"]}
    sdv = "hma" if tables else "par"
    candidates = [c for c in (sdv, "argn") if c in offered]
    wanted = model.options.get("candidates")
    if wanted:
        candidates = [c for c in candidates if c in wanted] or candidates
    report: dict[str, Any] = {}
    reason = (
        "related tables"
        if tables
        else f"sequences of {model.dataset.metadata.get('sequence_key')!r}"
    )
    for cand in candidates:
        started = time.monotonic()
        try:
            if cand == "argn":
                (argn_fit.fit_tables if tables else argn_fit.fit_sequences)(job, model)
            else:
                (_fit_hma if tables else _fit_par)(job, model)
        except FitCancelled:
            raise
        except Exception as exc:  # reported, and the next candidate is tried
            report[cand] = {
                "outcome": "failed",
                "error": f"{type(exc).__name__}: {exc}"[:500],
                "fit_seconds": round(time.monotonic() - started, 3),
            }
            shutil.rmtree(model.directory, ignore_errors=True)
            continue
        report[cand] = {"outcome": "chosen", "fit_seconds": round(time.monotonic() - started, 3)}
        for rest in candidates[candidates.index(cand) + 1 :]:
            report[rest] = {"outcome": "not tried", "why": f"{cand} was fitted first"}
        auto = {"chosen": cand, "reason": reason, "candidates": report}
        model.metrics = {**model.metrics, "auto": auto}
        model.save(update_fields=["metrics"])
        job.params = {**job.params, "auto": auto}
        Job.objects.filter(id=job.id).update(params=job.params)
        return
    raise ValueError(
        "auto: every candidate failed: "
        + "; ".join(f"{c}: {r['error']}" for c, r in report.items() if "error" in r)
    )


# --- sampling --------------------------------------------------------------------------------
