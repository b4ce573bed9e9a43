"""Writes for learning from real data: datasets, fits, model-based generation requests."""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from generation.models import Job, Schema
from generation.recovery import Heartbeat
from generation.services import concurrent_jobs_check, job_enqueue, upload_size_check
from generation.synthesis.fitted import load_fitted, save_fitted
from generation.synthesis.identifiers import make_salt
from generation.synthesis.models import Dataset, SynthModel
from generation.synthesis.spec_synth import field_name, learn_spec, spec_sampler
from generation.synthesis.tables import (
    TableError,
    check_metadata,
    detect_metadata,
    load_frame,
    read_table,
)
from syndata_site.errors import ApiError

logger = logging.getLogger(__name__)

__all__ = [
    "SYNTHESIZERS",
    "dataset_create",
    "dataset_create_tables",
    "dataset_delete",
    "dataset_update",
    "fit_run",
    "model_fit_submit",
    "model_job_request",
    "synthesizers_offered",
]

#: Everything this code base can fit, with its licence.
SYNTHESIZERS: dict[str, dict[str, Any]] = {
    "spec": {
        "title": "Syn-Data spec (learned spec + engine)",
        "license": "Syn-Data's own (no SDV)",
        "bsl": False,
        "epochs": False,
    },
    "gaussian_copula": {
        "title": "SDV GaussianCopula",
        "license": "Business Source License 1.1 (SDV, Copulas, RDT)",
        "bsl": True,
        "epochs": False,
    },
    "ctgan": {
        "title": "SDV CTGAN",
        "license": "Business Source License 1.1 (SDV, CTGAN, RDT)",
        "bsl": True,
        "epochs": True,
    },
    "tvae": {
        "title": "SDV TVAE",
        "license": "Business Source License 1.1 (SDV, CTGAN, RDT)",
        "bsl": True,
        "epochs": True,
    },
    "copulagan": {
        "title": "SDV CopulaGAN",
        "license": "Business Source License 1.1 (SDV, CTGAN, Copulas, RDT)",
        "bsl": True,
        "epochs": True,
    },
    "par": {
        "title": "SDV PAR: sequences per entity (needs metadata.sequence_key)",
        "license": "Business Source License 1.1 (SDV, DeepEcho, RDT)",
        "bsl": True,
        "epochs": True,
    },
    "hma": {
        "title": "SDV HMA: related tables (multi-table datasets)",
        "license": "Business Source License 1.1 (SDV, Copulas, RDT)",
        "bsl": True,
        "epochs": False,
    },
    "auto": {
        "title": (
            "Auto: best holdout quality among the candidates within a time budget; "
            "hma for related tables, par for sequences"
        ),
        "license": "as the chosen candidate's",
        "bsl": False,
        "epochs": False,
    },
}
_AUTO_OPTIONS = {"candidates", "time_budget_s", "holdout", "epochs"}
#: Synthesizers that learn one table's rows as independent rows.
SINGLE_TABLE = ("spec", "gaussian_copula", "ctgan", "tvae", "copulagan")
_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")
MAX_TABLES = 20


def synthesizers_offered() -> list[dict[str, Any]]:
    """The synthesizers this deployment offers (``SYNDATA_SYNTHESIZERS``), with licences."""
    from generation import sdv_backend

    wants_sdv = any(SYNTHESIZERS.get(n, {}).get("bsl") for n in settings.SYNDATA_SYNTHESIZERS)
    sdv_ok = sdv_backend.available() if wants_sdv else False  # no BSL import when not offered
    out = []
    for name in settings.SYNDATA_SYNTHESIZERS:
        info = SYNTHESIZERS.get(name)
        if info is None:
            continue
        out.append({"name": name, **info, "available": (not info["bsl"]) or sdv_ok})
    return out


# --- datasets -------------------------------------------------------------------------------
def dataset_create(*, user: Any, upload: Any, name: str | None = None) -> Dataset:
    """Stream an uploaded file to disk, check it, detect its metadata; nothing left on error."""
    size = getattr(upload, "size", None)
    if size is not None:
        upload_size_check(size=size)
    filename = Path(getattr(upload, "name", "") or "upload.csv").name
    dataset = Dataset(owner=user, name=(name or Path(filename).stem or "dataset")[:200])
    directory = dataset.directory
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in (".csv", ".tsv", ".txt", ".parquet", ".pq") else ".csv"
    target = directory / f"data{suffix}"
    try:
        directory.mkdir(parents=True, exist_ok=False)
        written = 0
        with target.open("wb") as sink:
            for chunk in upload.chunks():
                written += len(chunk)
                upload_size_check(size=written, exact=False)
                sink.write(chunk)
        try:
            frame, info = read_table(
                target,
                filename=filename,
                max_columns=settings.SYNDATA_DATASET_MAX_COLUMNS,
                min_rows=settings.SYNDATA_DATASET_MIN_ROWS,
            )
        except TableError as exc:
            raise ApiError(str(exc), code="invalid_file") from None
        if info["format"] == "parquet" and suffix not in (".parquet", ".pq"):
            final = directory / "data.parquet"
            target.replace(final)
            target = final
        metadata = detect_metadata(frame, table=field_name(dataset.name, set()), info=info)
        dataset.path = str(target.relative_to(settings.MEDIA_ROOT))
        dataset.format = info["format"]
        dataset.size = target.stat().st_size
        dataset.rows = len(frame)
        dataset.columns = frame.shape[1]
        dataset.metadata = metadata
        dataset.save()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return dataset


def is_multi_table(metadata: dict[str, Any]) -> bool:
    return "tables" in metadata


def _zip_members(upload: Any) -> list[tuple[str, Any]]:
    """(file name, file object) of each table in an uploaded zip, size-checked."""
    import zipfile

    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError):
        raise ApiError("file: is not a readable zip archive", code="invalid_file") from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not Path(info.filename).name.startswith(".")
        and "__MACOSX" not in info.filename
    ]
    upload_size_check(
        size=sum(info.file_size for info in members), what="the zip's tables once extracted"
    )
    out = []
    for info in members:
        if Path(info.filename).suffix.lower() not in _TABLE_SUFFIXES:
            raise ApiError(
                f"file: {info.filename} in the zip is not a CSV or Parquet file "
                f"({', '.join(_TABLE_SUFFIXES)})",
                code="invalid_file",
            )
        out.append((Path(info.filename).name, archive.open(info)))
    return out


def _chunks(source: Any) -> Any:
    """An upload's chunks, or a file object's (a zip member) read 1 MiB at a time."""
    if hasattr(source, "chunks"):
        yield from source.chunks()
        return
    while chunk := source.read(1 << 20):
        yield chunk


def dataset_create_tables(*, user: Any, uploads: list[Any], name: str | None = None) -> Dataset:
    """A multi-table dataset from several uploaded files (the ``file`` field repeated) or a
    zip of CSV/Parquet files: one table per file, named from the file's stem; relationships
    detected (a child column whose values are mostly a parent's unique key)."""
    from generation.synthesis.relational import detect_relationships, mark_keys

    sources: list[tuple[str, Any]] = []
    for upload in uploads:
        filename = Path(getattr(upload, "name", "") or "upload.csv").name
        if filename.lower().endswith(".zip"):
            sources.extend(_zip_members(upload))
        else:
            sources.append((filename, upload))
    if len(sources) < 2:
        raise ApiError(
            "file: a multi-table upload needs at least 2 tables (send one file per table, "
            "or a zip of them); a single table is uploaded as one file",
            code="invalid_file",
        )
    if len(sources) > MAX_TABLES:
        raise ApiError(f"file: {len(sources)} tables, over the limit of {MAX_TABLES}")
    first = Path(sources[0][0]).stem
    dataset = Dataset(owner=user, name=(name or f"{first} and {len(sources) - 1} more")[:200])
    directory = dataset.directory
    taken: set[str] = set()
    tables: dict[str, Any] = {}
    frames: dict[str, pd.DataFrame] = {}
    written = 0
    try:
        (directory / "tables").mkdir(parents=True, exist_ok=False)
        for filename, source in sources:
            stem = Path(filename).stem
            table = field_name(stem, set())
            if table in taken:
                raise ApiError(f"file: two tables are named {table!r} ({filename})")
            taken.add(table)
            suffix = Path(filename).suffix.lower()
            suffix = suffix if suffix in _TABLE_SUFFIXES else ".csv"
            target = directory / "tables" / f"{table}{suffix}"
            with target.open("wb") as sink:
                for chunk in _chunks(source):
                    written += len(chunk)
                    upload_size_check(size=written, what="the tables in all", exact=False)
                    sink.write(chunk)
            try:
                frame, info = read_table(
                    target,
                    filename=filename,
                    max_columns=settings.SYNDATA_DATASET_MAX_COLUMNS,
                    min_rows=settings.SYNDATA_DATASET_MIN_ROWS,
                )
            except TableError as exc:
                raise ApiError(
                    str(exc).replace("file:", f"file {filename}:", 1), code="invalid_file"
                ) from None
            meta = detect_metadata(frame, table=table, info=info)
            meta["sequence_key"] = meta["sequence_index"] = None  # sequences: single tables
            meta["file"] = str(target.relative_to(directory))
            tables[table] = meta
            frames[table] = frame
        metadata = mark_keys(
            {"tables": tables, "relationships": detect_relationships(frames, tables)}
        )
        formats = {t["format"] for t in tables.values()}
        dataset.path = str(directory.relative_to(settings.MEDIA_ROOT))
        dataset.format = formats.pop() if len(formats) == 1 else "mixed"
        dataset.size = sum(f.stat().st_size for f in (directory / "tables").iterdir())
        dataset.rows = sum(len(f) for f in frames.values())
        dataset.columns = sum(f.shape[1] for f in frames.values())
        dataset.metadata = metadata
        dataset.save()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return dataset


def dataset_update(*, dataset: Dataset, changes: dict[str, Any]) -> Dataset:
    unknown = set(changes) - {"name", "metadata"}
    if unknown:
        raise ApiError(f"{sorted(unknown)[0]}: cannot be changed (name, metadata)")
    if "name" in changes:
        if not isinstance(changes["name"], str):  # str(None) would rename it "None"
            raise ApiError("name: must be a string")
        name = changes["name"].strip()
        if not name or len(name) > 200:
            raise ApiError("name: must be 1..200 characters")
        dataset.name = name
    if "metadata" in changes:
        if not isinstance(changes["metadata"], dict):
            raise ApiError("metadata: must be an object")
        try:
            if is_multi_table(dataset.metadata):
                from generation.synthesis.relational import check_multi_metadata

                dataset.metadata = check_multi_metadata(
                    dataset.metadata, changes["metadata"], directory=dataset.directory
                )
            else:
                dataset.metadata = check_metadata(
                    dataset.metadata, changes["metadata"], path=dataset.absolute_path
                )
        except TableError as exc:
            raise ApiError(str(exc)) from None
    dataset.save()
    return dataset


def dataset_delete(*, dataset: Dataset) -> None:
    for model in dataset.synth_models.all():
        shutil.rmtree(model.directory, ignore_errors=True)
    shutil.rmtree(dataset.directory, ignore_errors=True)
    dataset.delete()


# --- fitting ---------------------------------------------------------------------------------
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
    ({epsilon, delta}: spec only, dp_spec.py) is kept in the model's options."""
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
    _check_options(synthesizer, options)
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
    epochs = int(options.get("epochs", 300)) if SYNTHESIZERS[synthesizer]["epochs"] else 1
    with transaction.atomic():
        concurrent_jobs_check(user=user)  # the same per-user limit as generate jobs
        job = Job.objects.create(
            owner=user,
            kind=Job.Kind.FIT,
            params={"dataset_id": str(dataset.id), "synthesizer": synthesizer, "options": options},
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


def _check_fits_dataset(synthesizer: str, dataset: Dataset, offered: dict[str, Any]) -> None:
    """400 when the synthesizer cannot learn this kind of dataset (tables, sequences)."""
    metadata = dataset.metadata
    usable = {n for n, s in offered.items() if s["available"]}
    if is_multi_table(metadata):
        names = ", ".join(metadata["tables"])
        if synthesizer not in ("hma", "auto"):
            raise ApiError(
                f"synthesizer: {synthesizer} learns one table; this dataset has "
                f"{len(metadata['tables'])} related tables ({names}): use hma (or auto)"
            )
        if "hma" not in usable:
            raise ApiError(
                "synthesizer: a multi-table dataset needs hma, which is not offered here "
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
    if synthesizer == "auto" and key and "par" not in usable:
        raise ApiError(
            f"synthesizer: auto would choose par for the sequences of {key!r}, and par is not "
            "offered here; pick a single-table synthesizer explicitly, or clear "
            "metadata.sequence_key"
        )


def _check_options(synthesizer: str, options: dict[str, Any]) -> None:
    from generation import sdv_backend

    if synthesizer == "spec":
        allowed: set[str] = set()
    elif synthesizer == "auto":
        allowed = _AUTO_OPTIONS
    else:
        allowed = sdv_backend.allowed_options(synthesizer)
    for key in options:
        if key not in allowed:
            raise ApiError(
                f"options.{key}: not an option of {synthesizer}"
                + (f" (allowed: {', '.join(sorted(allowed))})" if allowed else " (it has none)")
            )
    if "epochs" in options:
        epochs = options["epochs"]
        if not isinstance(epochs, int) or isinstance(epochs, bool) or not 1 <= epochs <= 10_000:
            raise ApiError("options.epochs: must be an integer between 1 and 10000")
    for name, top in (("sample_size", 100), ("segment_size", 100_000)):
        value = options.get(name)
        if name in options and (
            value is not None
            and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top)
        ):
            raise ApiError(f"options.{name}: must be an integer between 1 and {top}")
    if "time_budget_s" in options:
        budget = options["time_budget_s"]
        if not isinstance(budget, int | float) or not 1 <= budget <= 86_400:
            raise ApiError("options.time_budget_s: must be a number of seconds in 1..86400")
    if "candidates" in options:
        cands = options["candidates"]
        if not isinstance(cands, list) or not cands or any(c not in SINGLE_TABLE for c in cands):
            names = ", ".join(SINGLE_TABLE)
            raise ApiError(f"options.candidates: must be a non-empty list of {names}")
    if "holdout" in options:
        holdout = options["holdout"]
        if not isinstance(holdout, int | float) or not 0.05 <= holdout <= 0.5:
            raise ApiError("options.holdout: must be between 0.05 and 0.5")


class FitCancelled(Exception):
    """The fit job was cancelled while it ran; raised from the epoch callback to stop it."""


class _Heartbeat(Heartbeat):
    """A fit's heartbeat (``recovery.Heartbeat``): a fit step without epoch callbacks (a
    copula on many rows) may run for longer than SYNDATA_STALL_SECONDS, and only a fit whose
    worker is gone may look stalled to the watchdog."""

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        # A fit job's folder holds nothing but its heartbeat.
        shutil.rmtree(self.job.directory, ignore_errors=True)


class _Progress:
    """Epochs done -> job.rows_done, with an ETA in job.params; stops a cancelled fit; each
    epoch is a heartbeat too."""

    def __init__(self, job: Job, offset: int = 0) -> None:
        self.job = job
        self.start = time.monotonic()
        self.offset = offset

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.start
        eta = elapsed / done * (total - done) if done else None
        params = {**self.job.params, "epochs_done": done, "epochs_total": total}
        params["eta_s"] = round(eta, 1) if eta is not None else None
        self.job.params = params
        updated = (
            Job.objects.filter(id=self.job.id)
            .exclude(status=Job.Status.CANCELLED)
            .update(
                rows_done=self.offset + done,
                rows_total=max(self.job.rows_total, total),
                params=params,
            )
        )
        if not updated:
            raise FitCancelled
        from generation.recovery import job_heartbeat

        job_heartbeat(self.job)


def _learned_columns(metadata: dict[str, Any]) -> list[str]:
    return [
        name
        for name, entry in metadata["columns"].items()
        if entry["sdtype"] != "id" and not entry.get("identifier")
    ]


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
    from generation import sdv_backend

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


def make_sampler(fitted: Any, *, categorical: bool = False) -> Any:
    """``sampler(n, seed, conditions)`` over a loaded fitted model, whatever its kind
    (``sampler(sequences, seed)`` for PAR, ``sampler(scale, seed)`` for HMA).

    ``categorical``: the ``spec`` synthesizer returns text columns as pandas Categoricals
    (cheaper for ``sample_block``; same values).
    """
    if fitted.meta["chosen"] in ("par", "hma"):
        from generation import sdv_backend

        payload = fitted.payload
        if fitted.meta["chosen"] == "par":
            return lambda sequences, seed: sdv_backend.sample_par(payload, sequences, seed=seed)
        return lambda scale, seed: sdv_backend.sample_hma(payload, scale, seed=seed)
    if fitted.meta["chosen"] == "spec":
        return spec_sampler(fitted.payload, fitted.meta["spec_names"], categorical=categorical)
    from generation import sdv_backend

    payload = fitted.payload

    def sampler(n: int, seed: int, conditions: list[tuple[str, Any, int]]) -> pd.DataFrame:
        rows = sdv_backend.sample(payload, n, seed=seed, conditions=conditions)
        if conditions and n > 0:  # keep the plain rows off the conditioned values
            plain = rows.iloc[len(rows) - n :]
            for column, value, _ in conditions:
                plain = plain[plain[column] != value]
            short = n - len(plain)
            extra = 0
            while short > 0 and extra < 20:
                more = sdv_backend.sample(
                    payload, max(short * 2, 50), seed=seed + 7919 * (extra + 1)
                )
                for column, value, _ in conditions:
                    more = more[more[column] != value]
                plain = pd.concat([plain, more.head(short)], ignore_index=True)
                short = n - len(plain)
                extra += 1
            rows = pd.concat([rows.iloc[: len(rows) - n], plain], ignore_index=True)
        return rows

    return sampler


def fit_run(*, job_id: Any) -> None:
    """Fit a model (a django-q2 task): load, fit, save its folder, record progress.

    Only a queued fit starts (queued -> running in one update), so a duplicate task (a
    redelivery, or the watchdog's resend of a fit that was only waiting) does nothing.
    """
    now = timezone.now()
    if not Job.objects.filter(id=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now
    ):
        return  # finished, cancelled, deleted, or another copy of this task runs it
    job = Job.objects.get(id=job_id)
    model = SynthModel.objects.select_related("dataset").get(id=job.params["model_id"])
    metadata = model.dataset.metadata
    try:
        with _Heartbeat(job):
            if is_multi_table(metadata):
                _fit_hma(job, model)
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
        job.refresh_from_db()
        if not job.is_finished:
            job.fail(f"{type(exc).__name__}: {exc}")
        return
    job.refresh_from_db()
    if job.status == Job.Status.CANCELLED:
        shutil.rmtree(model.directory, ignore_errors=True)
        return
    # running -> succeeded only: a fit the watchdog failed or queued again meanwhile stays so.
    Job.objects.filter(id=job.id, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED, finished_at=timezone.now(), rows_done=job.rows_total
    )


def _fit(job: Job, model: SynthModel) -> None:
    dataset = model.dataset
    metadata = dataset.metadata
    # The index is each row's position in the whole table, kept through the sample below.
    frame = load_frame(dataset.absolute_path, metadata).reset_index(drop=True)
    cap = settings.SYNDATA_FIT_MAX_ROWS
    if len(frame) > cap:
        frame = frame.sample(cap, random_state=model.seed % 2**32)
    learned = _learned_columns(metadata)
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
            progress=_Progress(job),
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
    if result.get("differential_privacy"):  # conditions may name released categories only
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


def _fitted_columns(metadata: dict[str, Any], keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The columns' metadata as the fitted model keeps it; ``keys`` are ids there."""
    columns = {k: dict(v) for k, v in metadata["columns"].items()}
    for key in keys:
        columns[key]["sdtype"] = "id"
    return columns


def _fit_par(job: Job, model: SynthModel) -> None:
    """PAR on whole sequences: one per value of metadata.sequence_key, in sequence_index order.

    A seeded share of the sequences is held out of the fit, whole: the privacy baseline of
    the metrics (the positions of their rows in ``holdout_index``).
    """
    from generation import sdv_backend
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
    learned = [c for c in _learned_columns(metadata) if c != key]
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
        progress=_Progress(job),
    )
    lengths = frame.groupby(key, sort=False).size()
    meta = {
        "synthesizer": model.synthesizer,
        "chosen": "par",
        "table": table,
        "columns": _fitted_columns(metadata, (key,)),
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
    from generation import sdv_backend
    from generation.synthesis.relational import drop_orphans, hold_out_subtrees, table_order

    dataset = model.dataset
    metadata = dataset.metadata
    try:
        order = table_order(metadata)
    except TableError as exc:
        raise ValueError(str(exc)) from None
    rels = metadata["relationships"]
    tables = metadata["tables"]
    real = {t: load_frame(dataset.directory / tables[t]["file"], tables[t]) for t in order}
    pks = {t: tables[t].get("primary_key") for t in order}
    for table, pk in pks.items():
        if pk and (real[table][pk].isna().any() or real[table][pk].duplicated().any()):
            raise ValueError(
                f"{table}.{pk}: the primary key has empty or repeated values; "
                f"fix metadata.tables.{table}.primary_key"
            )
    frames, orphans = drop_orphans(real, rels, order)
    for table in order:
        if len(frames[table]) == 0:
            raise ValueError(f"{table}: no row is left once orphan rows are dropped")
    # Real rows the model never sees, named by their position in the table as loaded (the
    # frames keep it through drop_orphans), which is how the metrics load and index them.
    holdout, holdout_note = hold_out_subtrees(frames, rels, order, seed=model.seed)
    if holdout_note is None and any(len(frames[t]) == len(holdout[t]) for t in order):
        empty = next(t for t in order if len(frames[t]) == len(holdout[t]))
        holdout = {t: [] for t in order}
        holdout_note = (
            f"no holdout: every row of {empty} descends from the held-out root rows, so "
            "nothing would be left to learn it from"
        )
    frames = {t: frames[t].drop(index=holdout[t]).reset_index(drop=True) for t in order}
    learned = {t: _learned_columns(tables[t]) for t in order}
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
        progress=_Progress(job),
    )
    fit_seconds = round(time.monotonic() - started, 3)
    for table in order:
        save_fitted(
            model.directory / "tables" / table,
            meta={
                "chosen": "hma",
                "table": table,
                "columns": _fitted_columns(tables[table], tuple(keys[table])),
                "learned": [c for c in learned[table] if c not in keys[table]],
                "row_salt": make_salt(),
                "id_salt": make_salt(),
                "rows_real": int(len(frames[table])),
                "holdout_index": holdout[table],
                "holdout_note": holdout_note,
            },
            real=real[table],
        )
    meta = {
        "synthesizer": model.synthesizer,
        "chosen": "hma",
        "table": order[0],
        "order": order,
        "relationships": rels,
        "primary_keys": pks,
        "rows_real": {t: int(len(frames[t])) for t in order},
        "columns": {},
        "learned": [],
        "categories": {},
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "orphans": orphans,
        "fit_seconds": fit_seconds,
        "holdout_index": holdout,
        "holdout_rows": {t: len(holdout[t]) for t in order},
        "holdout_note": holdout_note,
        "fitted_at": timezone.now().isoformat(),
    }
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
AUTO_SCORE_ROWS = 5000
#: Holdout rows kept for scoring (a seeded sample of the split, when it is larger).
AUTO_SCORE_HOLDOUT_CAP = 20_000


class _Deadline:
    """An ``auto`` candidate's epoch callback: stops its training (``True``, see
    ``sdv_backend.ProgressFn``) once the time budget is spent, and remembers how far it got."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.done = 0
        self.total = 0
        self.stopped = False

    def __call__(self, done: int, total: int) -> bool | None:
        self.done, self.total = done, total
        if done < total and time.monotonic() >= self.deadline:
            self.stopped = True
            return True
        return None


def auto_select(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    learned: list[str],
    *,
    candidates: list[str],
    epochs: int,
    seed: int,
    table: str,
    budget_s: float,
    holdout_share: float,
    score_of: Any,
    scored: Any = None,
    results: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """``auto``'s choice: fit each candidate on a train split while the time budget lasts and
    keep the one whose samples score best against the holdout split: (chosen, scores).

    A candidate that would start after the budget is spent is skipped; one with epochs
    (CTGAN, TVAE, CopulaGAN) that is still training when it runs out stops after its current
    epoch and is scored as it is: ``scores[name]`` says which, why, and the epochs done. The
    first candidate always runs, so there is a model. ``score_of(real, synthetic, metadata)``
    is the quality report; ``scored(i)`` is called after each candidate (progress);
    ``results`` (when given) receives each candidate's fit on the split. The caller refits
    the winner on every row.
    """
    from generation.synthesis.fitted import FittedModel

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(frame))
    cut = max(1, int(len(frame) * holdout_share))
    holdout = frame.iloc[order[:cut][:AUTO_SCORE_HOLDOUT_CAP]].reset_index(drop=True)
    train = frame.iloc[order[cut:]].reset_index(drop=True)
    started = time.monotonic()
    deadline = started + budget_s
    scores: dict[str, Any] = {}
    best: tuple[float, str] | None = None
    for i, cand in enumerate(candidates):
        if best is not None and time.monotonic() >= deadline:
            scores[cand] = {"skipped": f"time budget of {budget_s:g}s spent before it started"}
            continue
        t0 = time.monotonic()
        stop = _Deadline(deadline)
        result = _fit_one(
            cand,
            train,
            metadata,
            learned=learned,
            options={"epochs": epochs} if SYNTHESIZERS[cand]["epochs"] else {},
            seed=seed,
            table=table,
            progress=stop,
        )
        meta = {
            "chosen": cand,
            "columns": metadata["columns"],
            "learned": learned,
            "spec_names": result.get("spec_names"),
        }
        payload = result.get("payload_bytes") if "payload_bytes" in result else result.get("spec")
        fitted = FittedModel(Path(), meta, np.zeros(0, np.uint64), {}, payload)
        synthetic = make_sampler(fitted)(max(len(holdout), AUTO_SCORE_ROWS), seed, [])
        report = score_of(holdout[learned], synthetic[learned], metadata)
        scores[cand] = {"quality": report["score"], "fit_seconds": round(time.monotonic() - t0, 3)}
        if SYNTHESIZERS[cand]["epochs"]:
            scores[cand]["epochs_done"] = stop.done
        if stop.stopped:
            scores[cand]["stopped"] = (
                f"time budget of {budget_s:g}s spent after {stop.done} of {stop.total} epochs"
            )
        if results is not None:
            results[cand] = result
        if best is None or report["score"] > best[0]:
            best = (report["score"], cand)
        if scored is not None:
            scored(i)
    assert best is not None
    scores["chosen"] = best[1]
    return best[1], scores


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
    from evaluation.report import licence_clean

    options = model.options
    offered = {s["name"] for s in synthesizers_offered() if s["available"]}
    candidates = [
        c
        for c in options.get("candidates", ["spec", "gaussian_copula", "ctgan"])
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
        score_of=native_quality_report if licence_clean() else quality_report,
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
    stop = _Deadline(deadline)
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
def model_job_request(*, user: Any, data: dict[str, Any]) -> Any:
    """The JobRequest of ``POST /api/generate {"model_id": ...}`` (conditions checked here)."""
    from generation.services import JobRequest

    model = SynthModel.objects.filter(id=data["model_id"], owner=user).first()
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
    fitted = load_fitted(model.directory)
    chosen = fitted.meta["chosen"]
    if chosen in ("par", "hma"):
        return _structured_job_request(model, fitted.meta, data)
    conditions = _check_conditions(fitted.meta, data.get("conditions") or [])
    table = fitted.meta["table"]
    rows = data.get("rows")
    if fitted.meta["chosen"] == "spec":
        spec = dict(fitted.payload)
    else:  # the row plan only: the model, not the engine, makes the rows
        spec = {
            "tables": {table: {"rows": fitted.meta["rows_real"], "fields": {"row": {"type": "id"}}}}
        }
    return JobRequest(
        kind=Job.Kind.MODEL,
        spec=spec,
        rows=rows,
        format=data["format"],
        seed=data.get("seed"),
        params={
            "model_id": str(model.id),
            "dataset_id": str(model.dataset_id),
            "synthesizer": fitted.meta["chosen"],
            "conditions": conditions,
        },
    )


def _structured_job_request(model: SynthModel, meta: dict[str, Any], data: dict[str, Any]) -> Any:
    """PAR: ``rows`` counts sequences (default: as many as the real table had); the rows
    produced are what the job's rows_total reports at the end. HMA: ``rows`` counts rows of
    the root (parent) table (default: as many as the real one); children follow."""
    from generation.services import JobRequest

    chosen = meta["chosen"]
    if data.get("conditions"):
        raise ApiError(f"conditions: not supported for {chosen} models")
    rows = data.get("rows")
    if rows is not None and rows < 1:
        unit = "sequence" if chosen == "par" else f"{meta['order'][0]} row"
        raise ApiError(f"rows: a {chosen} model makes at least 1 {unit}")
    if chosen == "par":
        real = {meta["table"]: meta["sequences_real"]}
    else:
        real = {t: meta["rows_real"][t] for t in meta["order"]}
    spec = {"tables": {t: {"rows": n, "fields": {"row": {"type": "id"}}} for t, n in real.items()}}
    return JobRequest(
        kind=Job.Kind.MODEL,
        spec=spec,
        rows=rows,
        format=data["format"],
        seed=data.get("seed"),
        params={
            "model_id": str(model.id),
            "dataset_id": str(model.dataset_id),
            "synthesizer": chosen,
            "conditions": [],
            **({"sequences": rows or meta["sequences_real"]} if chosen == "par" else {}),
        },
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
