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


def test_a_fit_job_reports_an_eta_until_its_last_epoch(alice_client: Any, monkeypatch: Any) -> None:
    import itertools
    import types

    from generation.synthesis import services

    # A clock that moves 2 s each time it is read: an epoch "takes" 2 s, whatever the machine.
    ticks = itertools.count(start=1000.0, step=2.0)
    monkeypatch.setattr(services, "time", types.SimpleNamespace(monotonic=lambda: next(ticks)))
    seen: list[tuple[int, int, Any]] = []
    original = _Progress.__call__

    def recording(self: _Progress, done: int, total: int) -> None:
        original(self, done, total)
        params = Job.objects.get(id=self.job.id).params  # what GET /api/jobs/{id} shows
        seen.append((params["epochs_done"], params["epochs_total"], params["eta_s"]))

    monkeypatch.setattr(_Progress, "__call__", recording)
    dataset = upload(alice_client, real_table("credit_scoring", rows=200, seed=2))
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit",
        {"synthesizer": "tvae", "options": {"epochs": 4}, "seed": 1},
        format="json",
    )
    fit_run(job_id=resp.json()["id"])
    assert Job.objects.get(id=resp.json()["id"]).status == "succeeded"
    assert [(done, total) for done, total, _ in seen][-1] == (4, 4)
    for done, total, eta in seen:
        if done == 0:
            assert eta is None  # nothing to extrapolate from yet
        elif done < total:
            # elapsed / done * epochs left; the clock moved at least 2 s per epoch
            assert isinstance(eta, float) and eta >= 2.0 * (total - done), seen
        else:
            assert eta == 0, seen
    assert any(0 < done < total for done, total, _ in seen)
    job = alice_client.get(f"/api/jobs/{resp.json()['id']}").json()
    assert job["params"]["eta_s"] == 0


@pytest.mark.parametrize("cuda", [True, False])
def test_epoch_synthesizers_are_built_for_cuda_exactly_when_it_is_there(
    monkeypatch: Any, cuda: bool
) -> None:
    import sdv.sequential
    import sdv.single_table

    from generation import sdv_backend

    built: list[tuple[str, dict[str, Any]]] = []

    class Recorder:
        def __init__(self, metadata: Any, **kwargs: Any) -> None:
            built.append((type(self).__name__, kwargs))

        def fit(self, data: Any) -> None:
            pass

    for name in ("CTGANSynthesizer", "TVAESynthesizer", "GaussianCopulaSynthesizer"):
        monkeypatch.setattr(sdv.single_table, name, type(name, (Recorder,), {}))
    monkeypatch.setattr(sdv.sequential, "PARSynthesizer", type("PARSynthesizer", (Recorder,), {}))
    monkeypatch.setattr(sdv_backend, "cuda_available", lambda: cuda)
    frame = real_table("credit_scoring", rows=50, seed=1)[["Age", "Home"]]
    metadata = {
        "columns": {
            "Age": {"sdtype": "numerical", "representation": "int"},
            "Home": {"sdtype": "categorical", "representation": "str"},
        }
    }
    for synthesizer in ("ctgan", "tvae", "gaussian_copula"):
        sdv_backend.fit(frame, metadata, synthesizer=synthesizer, options={}, seed=1)
    sequences = frame.assign(entity=["a", "b"] * 25)
    par_metadata = {"columns": {**metadata["columns"], "entity": {"sdtype": "categorical"}}}
    sdv_backend.fit_par(
        sequences,
        par_metadata,
        sequence_key="entity",
        sequence_index=None,
        options={"epochs": 1},
        seed=1,
    )
    kwargs = dict(built)
    assert kwargs["CTGANSynthesizer"]["enable_gpu"] is cuda
    assert kwargs["TVAESynthesizer"]["enable_gpu"] is cuda
    assert "enable_gpu" not in kwargs["GaussianCopulaSynthesizer"]  # no torch in a copula
    assert kwargs["PARSynthesizer"]["cuda"] is cuda
