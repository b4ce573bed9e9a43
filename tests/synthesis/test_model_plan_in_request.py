"""The web request plans a model job from what the model says of itself (meta, spec): it
never loads the fitted model; the worker does, for the first block, and the bytes are the
same as those of a job submitted while the model could be loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from generation.models import Job
from generation.services import job_run
from generation.synthesis import fitted as fitted_module
from generation.synthesis.models import SynthModel
from tests.synthesis.conftest import fit_now, upload

#: The files that are the fitted model (not its description): a request must not read them.
MODEL_FILES = ("model.pkl", "guard.npz")


def _submit(client: Any, model_id: str) -> str:
    body = {"model_id": model_id, "format": "csv", "rows": 300, "seed": 9}
    resp = client.post("/api/generate", body, format="json")
    assert resp.status_code == 202, resp.json()
    return str(resp.json()["id"])


def _submit_without_the_model(client: Any, model_id: str) -> str:
    """Submit while the model's files are gone (and no copy is cached in this process):
    loading the model inside this request would raise."""
    directory = SynthModel.objects.get(id=model_id).directory
    hidden = [p for p in (directory / name for name in MODEL_FILES) if p.exists()]
    assert hidden, "the model has none of its files?"
    for path in hidden:
        path.rename(path.with_name(path.name + ".away"))
    fitted_module._CACHE.clear()
    try:
        with pytest.raises(FileNotFoundError):
            fitted_module.load_fitted(directory)  # the check can fail: loading is refused
        return _submit(client, model_id)
    finally:
        for path in hidden:
            path.with_name(path.name + ".away").rename(path)


def _bytes(job_id: str) -> bytes:
    job_run(job_id=job_id)
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    return Path(job.artifacts.exclude(table="").get().absolute_path).read_bytes()


@pytest.mark.parametrize("synthesizer", ["gaussian_copula", "spec"])
def test_a_model_job_is_planned_in_the_request_without_loading_the_model(
    alice_client: Any, credit: pd.DataFrame, synthesizer: str
) -> None:
    dataset = upload(alice_client, credit, "credit.csv")
    model_id = fit_now(alice_client, dataset["id"], synthesizer, seed=3)["model_id"]
    blind = _submit_without_the_model(alice_client, model_id)
    job = Job.objects.get(id=blind)
    assert job.blocks_total == 1 and job.rows_total == 300  # planned in the request
    reference = _submit(alice_client, model_id)
    made = _bytes(blind)
    assert made.count(b"\n") == 301
    assert made == _bytes(reference)
