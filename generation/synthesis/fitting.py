"""What every fit path shares: its progress (epochs, ETA, cancel) and heartbeat, and the
columns it learns."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils import timezone

from generation.heartbeat import Heartbeat, job_heartbeat
from generation.models import Job
from generation.synthesis.identifiers import make_salt
from generation.synthesis.relational import drop_orphans, hold_out_subtrees, table_order
from generation.synthesis.tables import TableError, load_frame

__all__ = [
    "FitCancelled",
    "FitHeartbeat",
    "FitProgress",
    "RelatedTables",
    "fitted_columns",
    "learned_columns",
    "related_tables_for_fit",
    "related_tables_meta",
]


class FitCancelled(Exception):
    """The fit job was cancelled while it ran; raised from the epoch callback to stop it."""


class FitHeartbeat(Heartbeat):
    """A fit's heartbeat (``heartbeat.Heartbeat``): a fit step without epoch callbacks (a
    copula on many rows) may run for longer than SYNDATA_STALL_SECONDS, and only a fit whose
    worker is gone may look stalled to the watchdog."""

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        # A fit job's folder holds nothing but its heartbeat.
        shutil.rmtree(self.job.directory, ignore_errors=True)


class FitProgress:
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
        updated = Job.transition(  # any but cancelled: cancelling stops the fit
            self.job.id,
            source=Job.NOT_CANCELLED,
            rows_done=self.offset + done,
            rows_total=max(self.job.rows_total, total),
            params=params,
        )
        if not updated:
            raise FitCancelled
        job_heartbeat(self.job)


def learned_columns(metadata: dict[str, Any]) -> list[str]:
    return [
        name
        for name, entry in metadata["columns"].items()
        if entry["sdtype"] != "id" and not entry.get("identifier")
    ]


def fitted_columns(metadata: dict[str, Any], keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The columns' metadata as the fitted model keeps it; ``keys`` are ids there."""
    columns = {k: dict(v) for k, v in metadata["columns"].items()}
    for key in keys:
        columns[key]["sdtype"] = "id"
    return columns


@dataclass
class RelatedTables:
    """A related-tables dataset made ready for a fit (see :func:`related_tables_for_fit`)."""

    order: list[str]  # parents before children
    rels: list[dict[str, str]]
    tables: dict[str, dict[str, Any]]  # each table's metadata
    pks: dict[str, str | None]
    real: dict[str, pd.DataFrame]  # as loaded
    frames: dict[str, pd.DataFrame]  # what the fit learns: no orphans, no held-out rows
    orphans: dict[str, Any]
    holdout: dict[str, list[int]]
    holdout_note: str | None


def related_tables_for_fit(model: Any) -> RelatedTables:
    """Every table of the model's dataset, loaded and checked (primary keys unique and
    present), orphan rows dropped and counted, and a seeded share of the root rows held out
    with all their descendants: the privacy baseline of the metrics (positions per table, in
    the table as loaded, which is how the metrics load and index them). hma and argn fit
    related tables from this."""
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
    holdout, holdout_note = hold_out_subtrees(frames, rels, order, seed=model.seed)
    if holdout_note is None and any(len(frames[t]) == len(holdout[t]) for t in order):
        empty = next(t for t in order if len(frames[t]) == len(holdout[t]))
        holdout = {t: [] for t in order}
        holdout_note = (
            f"no holdout: every row of {empty} descends from the held-out root rows, so "
            "nothing would be left to learn it from"
        )
    frames = {t: frames[t].drop(index=holdout[t]).reset_index(drop=True) for t in order}
    return RelatedTables(order, rels, tables, pks, real, frames, orphans, holdout, holdout_note)


def related_tables_meta(
    prepared: RelatedTables, *, synthesizer: str, chosen: str, fit_seconds: float, **extra: Any
) -> dict[str, Any]:
    """The fitted model's meta of a related-tables fit (hma, argn): the tables' order, keys,
    real row counts, orphans and holdout, fresh salts; ``extra`` adds the fit's own keys."""
    order, holdout = prepared.order, prepared.holdout
    return {
        "synthesizer": synthesizer,
        "chosen": chosen,
        **extra,
        "table": order[0],
        "order": order,
        "relationships": prepared.rels,
        "primary_keys": prepared.pks,
        "rows_real": {t: int(len(prepared.frames[t])) for t in order},
        "columns": {},
        "learned": [],
        "categories": {},
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "orphans": prepared.orphans,
        "fit_seconds": fit_seconds,
        "holdout_index": holdout,
        "holdout_rows": {t: len(holdout[t]) for t in order},
        "holdout_note": prepared.holdout_note,
        "fitted_at": timezone.now().isoformat(),
    }
