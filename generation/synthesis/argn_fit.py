"""``argn`` fits and samplers: TabularARGN (generation/synthesis/argn_backend.py) on flat
tables, sequences (as ``par``) and related tables (as ``hma``: each child table a sequence
model under its parent's rows as context).

A model's folder is the usual one (meta.json, guard.npz: see fitted.py) plus the engine's
``ModelStore`` under ``argn/`` (``tables/<table>/argn/`` for related tables). Its blocks go
through the same guarded block functions as every other model's (``sample_block``,
``sample_sequence_block``, ``sample_multi_block``): no real row copied, identifiers and keys
synthetic. ``meta["layout"]`` says which (rows, sequences, tables).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import timezone

from generation.heartbeat import job_heartbeat
from generation.models import Job
from generation.synthesis import argn_backend
from generation.synthesis.fitting import (
    FitCancelled,
    FitProgress,
    fitted_columns,
    learned_columns,
    related_tables_for_fit,
    related_tables_meta,
)
from generation.synthesis.identifiers import make_salt
from generation.synthesis.models import Dataset, SynthModel
from generation.synthesis.tables import TableError, load_frame
from syndata_site.errors import ApiError

__all__ = [
    "ArgnProgress",
    "check_dataset",
    "fit_sequences",
    "fit_table",
    "fit_tables",
    "sampler",
]


# --- checks (before any fit starts) ---------------------------------------------------------
def check_options(options: dict[str, Any]) -> None:
    why = argn_backend.check_options(options)
    if why:
        raise ApiError(why)


def check_dataset(dataset: Dataset) -> None:
    """400 unless argn can learn this dataset: enough rows, sequences or parent rows."""
    from generation.synthesis.relational import table_order

    metadata = dataset.metadata
    least = argn_backend.ARGN_MIN_ROWS
    if "tables" in metadata:
        try:
            root = table_order(metadata)[0]
        except TableError as exc:
            raise ApiError(str(exc)) from None
        rows = int(metadata["tables"][root].get("rows") or 0)
        if rows < least:
            raise ApiError(
                f"synthesizer: argn needs at least {least} rows in the root table {root} "
                f"(it has {rows}); use spec on a single table, or upload more rows"
            )
        return
    if dataset.rows < least:
        raise ApiError(
            f"synthesizer: argn needs at least {least} rows (this dataset has "
            f"{dataset.rows}); use spec, or upload more rows"
        )
    key = metadata.get("sequence_key")
    if key:
        sequences = _distinct(dataset, key)
        if sequences < argn_backend.ARGN_MIN_SEQUENCES:
            raise ApiError(
                f"synthesizer: argn learns sequences of {key!r} from at least "
                f"{argn_backend.ARGN_MIN_SEQUENCES} of them (this dataset has {sequences}); "
                "pick a finer metadata.sequence_key, or clear it to learn independent rows"
            )


def _distinct(dataset: Dataset, column: str) -> int:
    path = dataset.absolute_path
    if dataset.metadata.get("format") == "parquet":
        values = pd.read_parquet(path, columns=[column])[column]
    else:
        values = pd.read_csv(
            path,
            usecols=[column],
            sep=dataset.metadata.get("delimiter") or ",",
            encoding=dataset.metadata.get("encoding") or "utf-8",
        )[column]
    return int(values.nunique())


# --- progress --------------------------------------------------------------------------------
def _progress_class() -> Any:

    class ArgnProgress(FitProgress):
        """Epochs, the validation loss and an ETA from the engine's own share done (steps,
        or seconds when the time budget binds) on the fit job; stops a cancelled fit."""

        def __init__(self, job: Job, offset: int = 0, total: int | None = None) -> None:
            super().__init__(job, offset)
            self.total = total

        def __call__(self, done: int, total: int, info: dict[str, Any] | None = None) -> None:
            info = info or {}
            elapsed = time.monotonic() - self.start
            share = float(info.get("share") or 0.0)
            eta = elapsed / share * (1 - share) if share > 0 else None
            overall = self.total or total
            params = {
                **self.job.params,
                "epochs_done": self.offset + done,
                "epochs_total": overall,
                "val_loss": info.get("val_loss"),
                "eta_s": round(eta, 1) if eta is not None else None,
            }
            self.job.params = params
            updated = Job.transition(  # any but cancelled: cancelling stops the fit
                self.job.id,
                source=Job.NOT_CANCELLED,
                rows_done=self.offset + done,
                rows_total=max(self.job.rows_total, overall),
                params=params,
            )
            if not updated:
                raise FitCancelled

            job_heartbeat(self.job)

    return ArgnProgress


def ArgnProgress(job: Job, offset: int = 0, total: int | None = None) -> Any:  # noqa: N802
    return _progress_class()(job, offset, total)


def _reporter(progress: Any) -> Any:
    """The backend's ``progress(done, total, info)`` from a fit job's progress, or from an
    epoch callback ``(done, total) -> stop?`` (``auto``'s time budget)."""

    if progress is None:
        return None
    if type(progress) is FitProgress:  # a plain fit job's: with the validation loss and ETA
        return ArgnProgress(progress.job, progress.offset)
    if isinstance(progress, FitProgress):
        return progress
    return lambda done, total, info: progress(done, total)


# --- fits ------------------------------------------------------------------------------------
def _options(options: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in options.items() if k in argn_backend.OPTIONS}
    out["epochs"] = max(1, int(out.get("epochs", argn_backend.DEFAULT_EPOCHS)))
    return out


def fit_table(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    learned: list[str],
    options: dict[str, Any],
    seed: int,
    progress: Any,
) -> dict[str, Any]:
    """A flat table's fit (``_fit_one``'s shape): {"argn": the trained model}."""
    dp = options.get("differential_privacy")
    model = argn_backend.fit(
        frame[learned],
        metadata["columns"],
        options=_options(options),
        seed=seed,
        progress=_reporter(progress),
        differential_privacy=dp,
    )
    out = {"argn": model, "epochs_done": model.epochs_done, "val_loss": model.val_loss}
    if dp:
        out["differential_privacy"] = argn_backend.dp_accounting(model, dp)
    return out


def released_categories(result: dict[str, Any], categories: dict[str, list[str]]) -> dict:
    """The categories a DP fit (``fit_table``'s result) released, of the real ones."""
    return argn_backend.released_categories(result["argn"], categories)


def _table_budgets(dp: dict[str, float] | None, tables: int) -> dict[str, float] | None:
    """Each table's share of a DP budget over related tables (basic composition: a root row
    and its descendants are in every table's fit)."""
    if not dp:
        return None
    return {"epsilon": dp["epsilon"] / tables, "delta": dp["delta"] / tables}


def _tables_accounting(dp: dict[str, float], parts: dict[str, dict[str, Any]]) -> dict:
    """The accounting over related tables: each table's fit, composed by summing."""
    first = next(iter(parts.values()))
    return {
        **first,
        "epsilon": dp["epsilon"],
        "delta": dp["delta"],
        "epsilon_spent": round(sum(p["epsilon_spent"] for p in parts.values()), 6),
        "delta_spent": sum(p["delta_spent"] for p in parts.values()),
        "composition": "basic over the tables' fits (sum); each by RDP over its DP-SGD steps",
        "neighbouring": "one root row with its descendant rows added or removed",
        "mechanism": "; ".join(f"{t}: {p['mechanism']}" for t, p in parts.items()),
        "releases": [
            {**r, "what": f"{t}: {r['what']}"} for t, p in parts.items() for r in p["releases"]
        ],
    }


def _text_keys(values: pd.Series) -> pd.Series:
    from generation.synthesis.fitted import labels

    return labels(values)


def fit_sequences(job: Job, model: SynthModel) -> None:
    """Sequences of metadata.sequence_key in sequence_index order, as ``par`` learns them;
    whole sequences held out of the fit (the privacy baseline of the metrics)."""
    from generation.synthesis.fitted import save_fitted
    from generation.synthesis.relational import hold_out_sequences
    from generation.synthesis.spec_synth import field_name

    dataset = model.dataset
    metadata = dataset.metadata
    key, index = metadata.get("sequence_key"), metadata.get("sequence_index")
    if not key:
        raise ValueError("metadata.sequence_key is not set: argn on sequences needs it")
    real = load_frame(dataset.absolute_path, metadata).reset_index(drop=True)
    frame = real.dropna(subset=[key] + ([index] if index else []))
    dropped_null = len(real) - len(frame)
    cap = settings.SYNDATA_FIT_MAX_ROWS
    if len(frame) > cap:  # whole sequences, in a random order, up to the cap
        entities = frame[key].drop_duplicates().to_numpy()
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
    options = _options(model.options)
    started = time.monotonic()
    train = frame[[key, *learned]].assign(**{key: _text_keys(frame[key])})
    dp = model.options.get("differential_privacy")
    argn = argn_backend.fit(
        train,
        metadata["columns"],
        options=options,
        seed=model.seed,
        progress=ArgnProgress(job),
        context_key=key,
        differential_privacy=dp,
    )
    lengths = frame.groupby(key, sort=False).size()
    meta = {
        "synthesizer": model.synthesizer,
        "chosen": "argn",
        "layout": "sequences",
        "table": metadata.get("table") or field_name(dataset.name, set()),
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
        "epochs_done": argn.epochs_done,
        "val_loss": argn.val_loss,
        "holdout_index": holdout_index,
        "holdout_sequences": int(real.loc[holdout_index, key].nunique()),
        "holdout_note": holdout_note,
        "fit_rows_cap": cap,
        "fitted_at": timezone.now().isoformat(),
    }
    save_fitted(model.directory, meta=meta, real=real)
    argn.save(model.directory / "argn")
    model.path = str(model.directory.relative_to(settings.MEDIA_ROOT))
    model.chosen = "argn"
    model.metrics = {
        "fit_seconds": meta["fit_seconds"],
        "sequences": meta["sequences_real"],
        "mean_sequence_length": round(meta["mean_sequence_length"], 2),
        "holdout_sequences": meta["holdout_sequences"],
        "epochs_done": argn.epochs_done,
        "val_loss": argn.val_loss,
        **({"holdout_note": holdout_note} if holdout_note else {}),
    }
    if dp:  # one record is one whole sequence
        model.metrics["differential_privacy"] = argn_backend.dp_accounting(argn, dp)
    model.save()
    _record(
        job,
        chosen="argn",
        rows_dropped_null_key=int(dropped_null),
        holdout_sequences=meta["holdout_sequences"],
    )


def _record(job: Job, **values: Any) -> None:
    job.params = {**job.params, **values}
    Job.objects.filter(id=job.id).update(params=job.params)


def fit_tables(job: Job, model: SynthModel) -> None:
    """Related tables: the root table's rows flat, each child table as sequences of its
    foreign key under its parent's rows (the parent's learned columns) as context. Orphans
    dropped and counted, a seeded share of root rows held out with their descendants."""
    from generation.synthesis.fitted import save_fitted

    prepared = related_tables_for_fit(model)
    order, rels, tables, pks = prepared.order, prepared.rels, prepared.tables, prepared.pks
    real, frames, orphans = prepared.real, prepared.frames, prepared.orphans
    holdout, holdout_note = prepared.holdout, prepared.holdout_note
    parent_of = {r["child_table"]: r for r in rels}
    keys = {
        t: [
            k
            for k in [pks[t]] + ([parent_of[t]["child_foreign_key"]] if t in parent_of else [])
            if k
        ]
        for t in order
    }
    learned = {t: [c for c in learned_columns(tables[t]) if c not in keys[t]] for t in order}
    options = _options(model.options)
    epochs = options["epochs"]
    total = epochs * len(order)
    Job.objects.filter(id=job.id).update(rows_total=total)
    job.rows_total = total
    started = time.monotonic()
    stats: dict[str, Any] = {}
    dp = model.options.get("differential_privacy")
    budget = _table_budgets(dp, len(order))
    spent: dict[str, dict[str, Any]] = {}
    for i, table in enumerate(order):
        columns = tables[table]["columns"]
        progress = ArgnProgress(job, offset=i * epochs, total=total)
        seed = int(np.random.SeedSequence([model.seed, i]).generate_state(1)[0])
        if table not in parent_of:
            argn = argn_backend.fit(
                frames[table][learned[table]],
                columns,
                options=options,
                seed=seed,
                progress=progress,
                differential_privacy=budget,
            )
        else:
            rel = parent_of[table]
            parent, ppk, fk = (
                rel["parent_table"],
                rel["parent_primary_key"],
                rel["child_foreign_key"],
            )
            ctx = frames[parent][[ppk, *learned[parent]]]
            argn = argn_backend.fit(
                frames[table][[fk, *learned[table]]].assign(**{fk: _text_keys(frames[table][fk])}),
                columns,
                options=options,
                seed=seed,
                progress=progress,
                context_key=fk,
                parent=ctx.assign(**{ppk: _text_keys(ctx[ppk])}),
                parent_key=ppk,
                parent_columns=tables[parent]["columns"],
                differential_privacy=budget,
            )
        if budget:
            spent[table] = argn_backend.dp_accounting(argn, budget)
        argn.save(model.directory / "tables" / table / "argn")
        stats[table] = {"epochs_done": argn.epochs_done, "val_loss": argn.val_loss}
        save_fitted(
            model.directory / "tables" / table,
            meta={
                "chosen": "argn",
                "table": table,
                "columns": fitted_columns(tables[table], tuple(keys[table])),
                "learned": learned[table],
                "row_salt": make_salt(),
                "id_salt": make_salt(),
                "rows_real": int(len(frames[table])),
                "holdout_index": holdout[table],
                "holdout_note": holdout_note,
                "parent": parent_of.get(table),
            },
            real=real[table],
        )
    fit_seconds = round(time.monotonic() - started, 3)
    meta = related_tables_meta(
        prepared,
        synthesizer=model.synthesizer,
        chosen="argn",
        fit_seconds=fit_seconds,
        layout="tables",
        argn=stats,
    )
    save_fitted(model.directory, meta=meta, real=pd.DataFrame())
    model.path = str(model.directory.relative_to(settings.MEDIA_ROOT))
    model.chosen = "argn"
    model.metrics = {
        "fit_seconds": fit_seconds,
        "rows_real": meta["rows_real"],
        "orphans": orphans,
        "holdout_rows": meta["holdout_rows"],
        "argn": stats,
        **({"holdout_note": holdout_note} if holdout_note else {}),
    }
    if dp:
        model.metrics["differential_privacy"] = _tables_accounting(dp, spent)
    model.save()
    _record(job, chosen="argn", orphans=orphans, holdout_rows=meta["holdout_rows"])


def _table_seed(seed: int, i: int) -> int:
    return int(np.random.SeedSequence([seed % 2**63, i]).generate_state(1)[0])


def _typed(meta: dict[str, Any], column: str, value: Any) -> Any:
    """A condition's label as the engine learned it (categories as text, see _plain)."""
    entry = meta["columns"][column]
    if entry["sdtype"] == "numerical":
        return float(value)
    return str(value)


def sampler(fitted: Any) -> Any:
    """The sampler of an argn model, in the shape its layout's block function calls."""
    from generation.synthesis.relational import structure

    meta = fitted.meta
    layout = structure(meta)
    payload = fitted.payload
    directory: Path = (
        payload.workspace
        if isinstance(payload, argn_backend.ArgnModel)
        else Path(fitted.directory) / "argn"
    )
    if layout == "sequences":
        key = meta["sequence_key"]

        def sequences(n: int, seed: int) -> pd.DataFrame:
            context = argn_backend.sequence_context(key, n)
            return argn_backend.sample(directory, seed=seed, context=context)

        return sequences
    if layout == "tables":
        return _tables_sampler(fitted)

    def rows(n: int, seed: int, conditions: list[tuple[str, Any, int]]) -> pd.DataFrame:
        parts = []
        for i, (column, value, count) in enumerate(conditions):
            if count > 0:  # seeded generation: the column fixed, the rest conditioned on it
                seed_data = pd.DataFrame({column: [_typed(meta, column, value)] * count})
                parts.append(
                    argn_backend.sample(
                        directory, seed=_table_seed(seed, i + 1), seed_data=seed_data
                    )
                )
        if n > 0:
            plain = argn_backend.sample(directory, seed=seed, n=n)
            extra = 0
            while conditions:  # plain rows off the conditioned values (exact fractions)
                for column, value, _ in conditions:
                    plain = plain[plain[column].astype(str) != str(value)]
                short = n - len(plain)
                if short <= 0 or extra >= 20:
                    break
                extra += 1
                more = argn_backend.sample(
                    directory, seed=_table_seed(seed, 1000 + extra), n=max(short * 2, 50)
                )
                plain = pd.concat([plain, more], ignore_index=True)
            parts.append(plain.head(n))
        if not parts:
            return pd.DataFrame(columns=meta["learned"])
        return pd.concat(parts, ignore_index=True)

    return rows


def _tables_sampler(fitted: Any) -> Any:
    """``sampler(scale, seed)`` of related tables: the root's rows flat, then each child's
    sequences under the synthetic parent rows (our keys ``0, 1, ...`` per table)."""
    from generation.synthesis.fitted import load_fitted

    meta = fitted.meta
    order = meta["order"]
    root = order[0]
    base = Path(fitted.directory) / "tables"
    tables = {t: load_fitted(base / t) for t in order}
    parent_of = {r["child_table"]: r for r in meta["relationships"]}
    pks = meta["primary_keys"]

    def sample(scale: float, seed: int) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for i, table in enumerate(order):
            directory = base / table / "argn"
            if table == root:
                n = max(1, math.ceil(scale * meta["rows_real"][root]))
                frame = argn_backend.sample(directory, seed=_table_seed(seed, i), n=n)
            else:
                rel = parent_of[table]
                parent = out[rel["parent_table"]]
                ppk = rel["parent_primary_key"]
                ctx = parent[[ppk, *tables[rel["parent_table"]].learned]]
                frame = argn_backend.sample(directory, seed=_table_seed(seed, i), context=ctx)
                if frame.empty:
                    frame = pd.DataFrame(columns=[rel["child_foreign_key"], *tables[table].learned])
                frame[rel["child_foreign_key"]] = frame[rel["child_foreign_key"]].astype(str)
            pk = pks.get(table)
            if pk:
                frame[pk] = np.arange(len(frame)).astype(str)
            out[table] = frame.reset_index(drop=True)
        return out

    return sample
