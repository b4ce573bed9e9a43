"""Fit jobs: their record carries model_id; a cancelled fit stops at the next epoch; limits,
the broker down at submit, and the DCR holdout of a capped table."""

from __future__ import annotations

from typing import Any

import pytest

from generation.models import Job, SynthModel
from generation.synthesis.fits import fit_run
from generation.synthesis.fitting import FitCancelled, FitProgress
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
    progress = FitProgress(job)
    progress(1, 100)
    assert Job.objects.get(id=job.id).rows_done == 1
    assert alice_client.post(f"/api/jobs/{job.id}/cancel").status_code == 200
    with pytest.raises(FitCancelled):
        progress(2, 100)
    model = SynthModel.objects.get(id=job.params["model_id"])
    assert not model.directory.exists()


def test_fits_past_the_concurrent_jobs_limit_get_429_naming_it(
    alice_client: Any, bob_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_MAX_CONCURRENT_JOBS = 2
    dataset = upload(alice_client, real_table("credit_scoring", rows=200))
    url = f"/api/datasets/{dataset['id']}/fit"
    body = {"synthesizer": "spec"}
    assert alice_client.post(url, body, format="json").status_code == 202
    # A generate job and a fit job count against the same limit, whichever came first.
    generate = {"schema": people_spec, "rows": 10}
    assert alice_client.post("/api/generate", generate, format="json").status_code == 202
    for _ in range(2):
        resp = alice_client.post(url, body, format="json")
        assert resp.status_code == 429, resp.json()
        error = resp.json()["error"]
        assert error["code"] == "limit_concurrent_jobs"
        assert "2 concurrent jobs" in error["message"]
        assert "SYNDATA_MAX_CONCURRENT_JOBS" in error["message"]
    assert alice_client.post("/api/generate", generate, format="json").status_code == 429
    # Nothing was left behind by the refused fits: one fit job, one model.
    assert Job.objects.filter(kind=Job.Kind.FIT).count() == 1
    assert SynthModel.objects.count() == 1
    # Another user has a limit of their own.
    other = upload(bob_client, real_table("credit_scoring", rows=200))
    assert (
        bob_client.post(f"/api/datasets/{other['id']}/fit", body, format="json").status_code == 202
    )
    # Once one finishes (here: is cancelled), a fit is accepted again.
    fit_id = Job.objects.filter(owner__username="alice", kind=Job.Kind.FIT).get().id
    assert alice_client.post(f"/api/jobs/{fit_id}/cancel").status_code == 200
    assert alice_client.post(url, body, format="json").status_code == 202


@pytest.mark.django_db(transaction=True)
def test_a_fit_with_the_broker_down_is_a_503_and_nothing_is_saved(
    alice_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded default's path: on_commit runs the enqueue, which fails like Redis down."""
    dataset = upload(alice_client, real_table("credit_scoring", rows=200))

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("generation.services.async_task", broker_down)
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit", {"synthesizer": "spec"}, format="json"
    )
    assert resp.status_code == 503, resp.content
    error = resp.json()["error"]
    assert error["code"] == "broker_unavailable"
    assert "task queue is unavailable" in error["message"] and "try again" in error["message"]
    assert Job.objects.count() == 0
    assert SynthModel.objects.count() == 0
    assert alice_client.get("/api/jobs").json() == []
    assert alice_client.get("/api/models").json() == []
    assert alice_client.get(f"/api/datasets/{dataset['id']}").status_code == 200  # kept


def test_the_dcr_holdout_is_disjoint_from_the_rows_learned_when_the_table_is_capped(
    alice_client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SYNDATA_FIT_MAX_ROWS samples the table first; the holdout's positions are the whole
    table's, so the metrics' holdout is exactly the real rows the model never saw."""
    from generation.synthesis import fits
    from generation.synthesis.fitted import load_fitted
    from generation.synthesis.tables import load_frame
    from tests.synthesis.conftest import fit_now

    settings.SYNDATA_FIT_MAX_ROWS = 500
    frame = real_table("credit_scoring", rows=2000, seed=1)
    frame.insert(0, "row_no", range(len(frame)))
    dataset = upload(alice_client, frame)
    learned_from: list[Any] = []
    real_fit_one = fits._fit_one

    def recording_fit_one(synthesizer: str, rows: Any, *args: Any, **kwargs: Any) -> Any:
        learned_from.append(rows.copy())
        return real_fit_one(synthesizer, rows, *args, **kwargs)

    monkeypatch.setattr(fits, "_fit_one", recording_fit_one)
    model_id = fit_now(alice_client, dataset["id"], "gaussian_copula", seed=4)["model_id"]
    model = SynthModel.objects.get(id=model_id)
    meta = load_fitted(model.directory).meta
    (train,) = learned_from
    assert len(train) == 450 and meta["rows_real"] == 450
    holdout_index = meta["holdout_index"]
    assert len(holdout_index) == 50
    # As evaluation.report reads them: positions in the whole table as loaded there.
    real_all = load_frame(model.dataset.absolute_path, model.dataset.metadata)
    holdout = real_all.iloc[holdout_index]
    assert not set(holdout["row_no"]) & set(train["row_no"])
    # Held out of the sample the fit drew, not rows that were never in it: a fresh real row
    # from the same draw, which is the baseline distance to closest record is compared with.
    drawn = set(real_all.sample(500, random_state=model.seed % 2**32)["row_no"])
    assert set(holdout["row_no"]) <= drawn
    assert set(train["row_no"]) | set(holdout["row_no"]) == drawn


def test_a_fit_job_reports_an_eta_until_its_last_epoch(alice_client: Any, monkeypatch: Any) -> None:
    import itertools
    import types

    from generation.synthesis import fitting

    # A clock that moves 2 s each time it is read: an epoch "takes" 2 s, whatever the machine.
    ticks = itertools.count(start=1000.0, step=2.0)
    monkeypatch.setattr(fitting, "time", types.SimpleNamespace(monotonic=lambda: next(ticks)))
    seen: list[tuple[int, int, Any]] = []
    original = FitProgress.__call__

    def recording(self: FitProgress, done: int, total: int) -> None:
        original(self, done, total)
        params = Job.objects.get(id=self.job.id).params  # what GET /api/jobs/{id} shows
        seen.append((params["epochs_done"], params["epochs_total"], params["eta_s"]))

    monkeypatch.setattr(FitProgress, "__call__", recording)
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

    from generation.synthesis import sdv_backend

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


@pytest.mark.parametrize(
    ("synthesizer", "options", "where"),
    [
        ("ctgan", {"batch_size": 0}, "batch_size"),  # was a ZeroDivisionError in the fit
        ("tvae", {"batch_size": -5}, "batch_size"),
        ("ctgan", {"batch_size": 30, "pac": 4}, "batch_size"),  # CTGAN's assertion
        ("ctgan", {"pac": 0}, "pac"),
        ("ctgan", {"generator_lr": 0}, "generator_lr"),
        ("ctgan", {"discriminator_lr": 2}, "discriminator_lr"),
        ("ctgan", {"embedding_dim": True}, "embedding_dim"),
        ("ctgan", {"generator_dim": []}, "generator_dim"),
        ("tvae", {"compress_dims": [128, 0]}, "compress_dims"),
        ("gaussian_copula", {"default_distribution": "cauchy"}, "default_distribution"),
        (
            "gaussian_copula",
            {"numerical_distributions": {"Home": "beta"}},
            "numerical_distributions",
        ),
        ("gaussian_copula", {"enforce_min_max_values": "yes"}, "enforce_min_max_values"),
        ("auto", {"time_budget_s": True}, "time_budget_s"),
        ("auto", {"holdout": 0.9}, "holdout"),
    ],
)
def test_an_out_of_range_fit_option_is_a_400_naming_it(
    alice_client: Any, synthesizer: str, options: dict[str, Any], where: str
) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=100))
    body = {"synthesizer": synthesizer, "options": options}
    resp = alice_client.post(f"/api/datasets/{dataset['id']}/fit", body, format="json")
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["message"].startswith(f"options.{where}: ")
    assert not Job.objects.exists() and not SynthModel.objects.exists()


def test_every_option_a_synthesizer_takes_has_its_range_checked() -> None:
    from generation.synthesis import fit_options, sdv_backend
    from generation.synthesis.catalog import SYNTHESIZERS

    taken = set().union(*(sdv_backend.allowed_options(s) for s in SYNTHESIZERS))
    assert taken | fit_options.AUTO_OPTIONS <= set(fit_options._OPTION_CHECKS)


def test_in_range_fit_options_are_accepted(alice_client: Any) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=100))
    url = f"/api/datasets/{dataset['id']}/fit"
    for synthesizer, options in (
        ("ctgan", {"batch_size": 40, "pac": 4, "generator_dim": [64, 64], "generator_lr": 1e-3}),
        ("gaussian_copula", {"numerical_distributions": {"Age": "beta"}}),
    ):
        body = {"synthesizer": synthesizer, "options": options}
        resp = alice_client.post(url, body, format="json")
        assert resp.status_code == 202, resp.content
