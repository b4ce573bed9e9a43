"""What every fit path shares: its progress (epochs, ETA, cancel) and heartbeat, and the
columns it learns."""

from __future__ import annotations

import shutil
import time
from typing import Any

from generation.heartbeat import Heartbeat, job_heartbeat
from generation.models import Job

__all__ = ["FitCancelled", "FitHeartbeat", "FitProgress", "fitted_columns", "learned_columns"]


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
