"""Helpers for the synthesis tests: small real tables from sample_data/, uploads, fits."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import SAMPLE_DATA


def real_table(name: str, rows: int | None = None, seed: int = 0) -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE_DATA / f"{name}.csv")
    if rows is not None and rows < len(frame):
        frame = frame.sample(rows, random_state=seed).reset_index(drop=True)
    return frame


def csv_upload(frame: pd.DataFrame, name: str = "table.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def credit() -> pd.DataFrame:
    return real_table("credit_scoring", rows=800)


def upload(client: Any, frame: pd.DataFrame, name: str = "table.csv") -> dict[str, Any]:
    resp = client.post("/api/datasets", {"file": csv_upload(frame, name)}, format="multipart")
    assert resp.status_code == 201, resp.json()
    return resp.json()


def fit_now(client: Any, dataset_id: str, synthesizer: str, **body: Any) -> dict[str, Any]:
    """Submit a fit and run it in this process (the e2e test runs it in a real qcluster)."""
    from generation.models import Job
    from generation.synthesis.fits import fit_run

    resp = client.post(
        f"/api/datasets/{dataset_id}/fit", {"synthesizer": synthesizer, **body}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    job = resp.json()
    fit_run(job_id=job["id"])
    done = Job.objects.get(id=job["id"])
    assert done.status == "succeeded", done.error
    return {"job": job, "model_id": done.params["model_id"]}


def generate_now(client: Any, model_id: str, **body: Any) -> tuple[dict[str, Any], pd.DataFrame]:
    from tests.conftest import run_job, submit

    job_id = submit(client, model_id=model_id, **{"rows": None, "seed": None, **body})
    job = run_job(job_id, metrics=True)
    assert job.status == "succeeded", job.error
    artifact = job.artifacts.exclude(table="").first()
    return client.get(f"/api/jobs/{job_id}").json(), pd.read_csv(artifact.absolute_path)
