"""Fit jobs: their record carries model_id; a cancelled fit stops at the next epoch."""

from __future__ import annotations

from typing import Any

import pytest

from generation.models import Job, SynthModel
from generation.synthesis.services import FitCancelled, _Progress, fit_run
from tests.synthesis.conftest import real_table, upload


def test_a_fit_job_answers_like_any_job_and_names_its_model(alice_client: Any) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=200))
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit", {"synthesizer": "gaussian_copula"}, format="json"
    )
    assert resp.status_code == 202
    job = alice_client.get(f"/api/jobs/{resp.json()['id']}").json()
    assert job["kind"] == "fit"
    assert job["status"] == "queued"
    model_id = job["params"]["model_id"]
    assert alice_client.get(f"/api/models/{model_id}").json()["status"] == "queued"
    resp = alice_client.post("/api/generate", {"model_id": model_id, "rows": 5}, format="json")
    assert resp.status_code == 409  # not fitted yet
    fit_run(job_id=job["id"])
    assert alice_client.get(f"/api/models/{model_id}").json()["status"] == "succeeded"


def test_a_cancelled_fit_stops_at_the_next_epoch_and_leaves_no_model(alice_client: Any) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=200))
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit",
        {"synthesizer": "ctgan", "options": {"epochs": 100}},
        format="json",
    )
    job = Job.objects.get(id=resp.json()["id"])
    progress = _Progress(job)
    progress(1, 100)
    assert Job.objects.get(id=job.id).rows_done == 1
    assert alice_client.post(f"/api/jobs/{job.id}/cancel").status_code == 200
    with pytest.raises(FitCancelled):
        progress(2, 100)
    model = SynthModel.objects.get(id=job.params["model_id"])
    assert not model.directory.exists()
