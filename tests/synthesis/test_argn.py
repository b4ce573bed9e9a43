"""argn (TabularARGN, mostlyai-engine): flat tables, sequences and related tables through the
API, with the guarantees of every model (no real row, synthetic keys and identifiers, the
same bytes for the same seed), progress, cancel, its limits and ``auto`` around it.

Tiny tables, the small model and 1-2 epochs: the tests check behaviour, not quality."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from generation import services as job_services
from generation.models import Job, SynthModel
from generation.synthesis.fits import fit_run
from tests.conftest import REPO, SAMPLE_DATA, run_metrics
from tests.generation.tasks_queue import RecordingQueue
from tests.synthesis.conftest import csv_upload, fit_now, generate_now, real_table, upload

pytestmark = [
    pytest.mark.skipif(
        not __import__("generation.synthesis.argn_backend").synthesis.argn_backend.available(),
        reason="mostlyai-engine is not installed",
    ),
    pytest.mark.slow,  # deep-model fits, seconds to tens of seconds each
]

FAST = {"epochs": 2, "model_size": "S"}


def _with_email(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["email"] = [f"person{i}@mail{i % 7}.org" for i in range(len(frame))]
    return frame


def test_argn_is_listed_licence_clean_with_what_it_takes(alice_client: Any, settings: Any) -> None:
    settings.SYNDATA_SYNTHESIZERS = ["spec", "argn", "auto"]
    listed = {s["name"]: s for s in alice_client.get("/api/synthesizers").json()}
    assert set(listed) == {"spec", "argn", "auto"}
    argn = listed["argn"]
    assert argn["bsl"] is False and argn["available"] is True and argn["epochs"] is True
    assert argn["takes"] == ["single_table", "sequences", "related_tables"]
    assert "Apache-2.0" in argn["license"]
    assert listed["spec"]["takes"] == ["single_table", "sequences"]  # the series language


def test_argn_fits_and_samples_a_flat_table_through_the_api(alice_client: Any) -> None:
    real = _with_email(real_table("clinical_rotterdam", rows=300, seed=4))
    dataset = upload(alice_client, real)
    assert dataset["metadata"]["columns"]["email"]["identifier"] == "email"
    fit = fit_now(alice_client, dataset["id"], "argn", seed=3, options=FAST)
    job = Job.objects.get(id=fit["job"]["id"])
    # Real progress: epochs, the validation loss of the last epoch, an ETA.
    assert job.params["epochs_done"] == job.params["epochs_total"] == 2
    assert job.rows_done == job.rows_total == 2
    assert isinstance(job.params["val_loss"], float) and "eta_s" in job.params
    model = SynthModel.objects.get(id=fit["model_id"])
    assert model.chosen == "argn"
    # The engine's model is kept with ours; its copy of the real rows is not.
    assert (model.directory / "argn" / "ModelStore" / "model-data").is_dir()
    assert not list(model.directory.rglob("OriginalData"))
    meta = json.loads((model.directory / "meta.json").read_text())
    assert len(meta["holdout_index"]) == 30  # real rows for DCR that the fit never saw
    _job, rows = generate_now(alice_client, fit["model_id"], rows=400, seed=7)
    assert len(rows) == 400 and list(rows.columns) == list(real.columns)
    assert rows["pid"].is_unique and not set(rows["pid"]) & set(real["pid"])
    assert not set(rows["email"]) & set(real["email"])
    learned = [c for c in real.columns if c not in ("pid", "email")]
    merged = rows[learned].astype(str).merge(real[learned].astype(str).drop_duplicates())
    assert len(merged) == 0, "a real row was copied"
    metrics = alice_client.get(f"/api/metrics/{_job['id']}").json()
    assert metrics["summary"]["identifier_leaks"] == 0
    privacy = next(iter(metrics["tables"].values()))["privacy"]
    assert privacy["exact_copies_in_output"] == 0


def test_argn_blocks_give_the_same_bytes_in_any_order_and_keep_conditions(
    alice_client: Any, settings: Any, monkeypatch: Any
) -> None:
    real = real_table("clinical_rotterdam", rows=300, seed=13)
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], "argn", seed=5, options={**FAST, "epochs": 1})
    settings.SYNDATA_BLOCK_SIZE = 200
    queue = RecordingQueue()
    monkeypatch.setattr("generation.services.async_task", queue)
    conditions = [{"column": "recur", "value": "1", "fraction": 0.75}]
    body = {"model_id": fit["model_id"], "rows": 600, "seed": 6, "conditions": conditions}
    ids = []
    for _ in range(2):
        resp = alice_client.post("/api/generate", {**body, "format": "csv"}, format="json")
        assert resp.status_code == 202, resp.json()
        ids.append(resp.json()["id"])
    split_id, ref_id = ids
    queue.tasks.clear()
    job_services.job_run(job_id=split_id)  # one run_block task per block, in any order
    assert queue.names() == ["run_block"] * 3
    queue.drain(seed=3)
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    reference = Job.objects.get(id=ref_id)
    job_services.job_run_sequential(job=reference)  # every block in this one task
    reference.refresh_from_db()
    assert reference.status == "succeeded", reference.error
    split_file = split.artifacts.exclude(table="").get()
    assert split_file.sha256 == reference.artifacts.exclude(table="").get().sha256
    rows = pd.read_csv(split_file.absolute_path)
    for i in range(3):  # the condition holds in every block (seeded generation)
        assert (rows.iloc[i * 200 : (i + 1) * 200]["recur"] == 1).mean() == pytest.approx(0.75)
    assert rows["pid"].is_unique and not set(rows["pid"]) & set(real["pid"])


def _weather_days() -> pd.DataFrame:
    """3 stations x 120 hours, a sequence per station and half day: 30 sequences of 12 hours
    (argn's least: fewer, and the engine learns one row per sequence)."""
    frame = pd.read_csv(SAMPLE_DATA / "sensor_nyc_weather.csv")
    frame = frame.groupby("origin").head(120).reset_index(drop=True)
    half = (frame["hour"] >= 12).map({False: "am", True: "pm"})
    frame["station_day"] = frame["origin"] + "-" + frame["day"].astype(str) + half
    return frame[["station_day", "time_hour", "temp", "humid", "wind_speed", "pressure"]]


def _sequence_dataset(client: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    frame = _weather_days()
    dataset = upload(client, frame)
    resp = client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"sequence_key": "station_day", "sequence_index": "time_hour"}},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    return frame, resp.json()


def test_argn_learns_sequences_and_makes_whole_synthetic_ones_in_order(
    alice_client: Any,
) -> None:
    frame, dataset = _sequence_dataset(alice_client)
    fit = fit_now(alice_client, dataset["id"], "argn", seed=2, options={**FAST, "epochs": 1})
    model = SynthModel.objects.get(id=fit["model_id"])
    assert model.chosen == "argn" and model.metrics["holdout_sequences"] == 3
    resp = alice_client.post(
        "/api/generate",
        {"model_id": fit["model_id"], "rows": 6, "seed": 1, "format": "csv"},
        format="json",
    )
    assert resp.status_code == 202, resp.json()
    job = Job.objects.get(id=resp.json()["id"])
    job_services.job_run_sequential(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    rows = pd.read_csv(job.artifacts.exclude(table="").get().absolute_path)
    assert list(rows.columns) == list(frame.columns)
    assert 1 <= rows["station_day"].nunique() <= 6
    assert not set(rows["station_day"]) & set(frame["station_day"])
    lengths = rows.groupby("station_day", sort=False).size()
    assert lengths.max() > 1  # sequences, not one row per entity
    for _, seq in rows.groupby("station_day", sort=False):  # in time order within each
        times = pd.to_datetime(seq["time_hour"])
        assert times.is_monotonic_increasing
    run_metrics(job.id)  # the metrics task the job's completion enqueued
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    assert metrics["summary"]["identifier_leaks"] == 0


def _planes_flights() -> tuple[pd.DataFrame, pd.DataFrame]:
    planes = pd.read_csv(SAMPLE_DATA / "planes.csv").head(110)[
        ["tailnum", "year", "manufacturer", "engines", "seats"]
    ]
    flights = pd.read_csv(SAMPLE_DATA / "flights_jan2013.csv")[
        ["tailnum", "carrier", "origin", "dep_delay", "distance"]
    ]
    mine = flights[flights["tailnum"].isin(planes["tailnum"])].groupby("tailnum").head(4)
    return planes, mine.reset_index(drop=True)


def _upload_tables(client: Any, planes: pd.DataFrame, flights: pd.DataFrame) -> dict[str, Any]:
    resp = client.post(
        "/api/datasets",
        {"file": [csv_upload(planes, "planes.csv"), csv_upload(flights, "flights.csv")]},
        format="multipart",
    )
    assert resp.status_code == 201, resp.json()
    return resp.json()


def test_argn_learns_related_tables_with_the_parent_as_context(alice_client: Any) -> None:
    planes, flights = _planes_flights()
    dataset = _upload_tables(alice_client, planes, flights)
    assert dataset["metadata"]["relationships"][0]["child_table"] == "flights"
    fit = fit_now(alice_client, dataset["id"], "argn", seed=4, options={**FAST, "epochs": 1})
    fit_job = Job.objects.get(id=fit["job"]["id"])
    assert fit_job.params["epochs_total"] == 2  # one epoch for each of the two tables
    model = SynthModel.objects.get(id=fit["model_id"])
    assert (model.directory / "tables" / "flights" / "argn" / "ModelStore").is_dir()
    assert model.metrics["holdout_rows"]["planes"] == 11
    resp = alice_client.post(
        "/api/generate",
        {"model_id": fit["model_id"], "rows": 30, "seed": 2, "format": "csv"},
        format="json",
    )
    assert resp.status_code == 202, resp.json()
    job = Job.objects.get(id=resp.json()["id"])
    job_services.job_run_sequential(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    out_planes = pd.read_csv(job.artifacts.get(table="planes").absolute_path)
    out_flights = pd.read_csv(job.artifacts.get(table="flights").absolute_path)
    assert len(out_planes) == 30 and list(out_planes.columns) == list(planes.columns)
    assert list(out_flights.columns) == list(flights.columns) and len(out_flights) > 0
    assert out_planes["tailnum"].is_unique
    assert not set(out_planes["tailnum"]) & set(planes["tailnum"])
    assert set(out_flights["tailnum"]) <= set(out_planes["tailnum"])  # every child has a parent
    run_metrics(job.id)  # the metrics task the job's completion enqueued
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    assert metrics["synthesizer"] == "argn"
    assert set(metrics["tables"]) == {"planes", "flights"}


def test_a_cancelled_argn_fit_stops_training_and_leaves_no_model(
    alice_client: Any, monkeypatch: Any
) -> None:
    from generation.synthesis import argn_fit

    dataset = upload(alice_client, real_table("clinical_rotterdam", rows=200, seed=1))
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit",
        {"synthesizer": "argn", "options": {"epochs": 200, "model_size": "S"}},
        format="json",
    )
    assert resp.status_code == 202, resp.json()
    job_id = resp.json()["id"]
    real_progress = argn_fit.ArgnProgress
    calls = []

    def cancelling(job: Any, *args: Any, **kwargs: Any) -> Any:
        progress = real_progress(job, *args, **kwargs)

        def call(done: int, total: int, info: Any = None) -> Any:
            calls.append(done)
            if len(calls) == 2:  # the user cancels while it trains
                assert alice_client.post(f"/api/jobs/{job_id}/cancel").status_code == 200
            return progress(done, total, info)

        return call

    monkeypatch.setattr(argn_fit, "ArgnProgress", cancelling)
    fit_run(job_id=job_id)
    job = Job.objects.get(id=job_id)
    assert job.status == "cancelled"
    assert len(calls) == 2 and max(calls) < 200  # stopped at the next report, not at the end
    model = SynthModel.objects.get(id=job.params["model_id"])
    assert not model.directory.exists()


def test_bad_argn_options_and_datasets_are_400s_before_any_fit(
    alice_client: Any, settings: Any
) -> None:
    dataset = upload(alice_client, real_table("clinical_rotterdam", rows=200))
    url = f"/api/datasets/{dataset['id']}/fit"
    cases = [
        ({"epochs": 0}, "options.epochs:"),
        ({"epochs": 5000}, "options.epochs:"),
        ({"epochs": "3"}, "options.epochs:"),
        ({"time_budget_s": 0}, "options.time_budget_s:"),
        ({"time_budget_s": True}, "options.time_budget_s:"),
        ({"model_size": "XL"}, "options.model_size:"),
        ({"batch_size": 2}, "options.batch_size:"),
        ({"learning_rate": 1}, "options.learning_rate:"),
    ]
    before = Job.objects.count()
    for options, path in cases:
        resp = alice_client.post(url, {"synthesizer": "argn", "options": options}, format="json")
        assert resp.status_code == 400, (options, resp.json())
        assert resp.json()["error"]["message"].startswith(path), resp.json()
    small = upload(alice_client, real_table("clinical_rotterdam", rows=60))
    resp = alice_client.post(
        f"/api/datasets/{small['id']}/fit", {"synthesizer": "argn"}, format="json"
    )
    assert resp.status_code == 400
    assert "at least 100 rows" in resp.json()["error"]["message"]
    # Sequences: too few of them for a deep model (three stations).
    frame = pd.read_csv(SAMPLE_DATA / "sensor_nyc_weather.csv").groupby("origin").head(50)
    seq = upload(alice_client, frame[["origin", "time_hour", "temp"]])
    alice_client.patch(
        f"/api/datasets/{seq['id']}", {"metadata": {"sequence_key": "origin"}}, format="json"
    )
    resp = alice_client.post(
        f"/api/datasets/{seq['id']}/fit", {"synthesizer": "argn"}, format="json"
    )
    assert resp.status_code == 400
    assert "at least 30 of them (this dataset has 3)" in resp.json()["error"]["message"]
    assert Job.objects.count() == before  # nothing was queued


def test_training_runs_on_cuda_when_present(monkeypatch: Any) -> None:
    import torch

    from generation.synthesis import argn_backend

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert argn_backend.device() == "cuda"
    engine = argn_backend._engine()
    seen = {}

    class Stop(Exception):
        pass

    def train(**kwargs: Any) -> None:
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(engine, "train", train)
    frame = real_table("clinical_rotterdam", rows=120)[["age", "recur"]]
    columns = {"age": {"sdtype": "numerical"}, "recur": {"sdtype": "categorical"}}
    with pytest.raises(Stop):
        argn_backend.fit(frame, columns, options={"epochs": 1}, seed=1)
    assert seen["device"] == "cuda" and seen["max_epochs"] == 1


def test_auto_skips_a_failing_candidate_reports_its_error_and_still_succeeds(
    alice_client: Any, monkeypatch: Any, settings: Any
) -> None:
    from generation.synthesis import argn_backend

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the engine ran out of memory")

    monkeypatch.setattr(argn_backend, "fit", broken)
    settings.SYNDATA_SYNTHESIZERS = ["spec", "argn", "auto"]
    dataset = upload(alice_client, real_table("clinical_rotterdam", rows=300, seed=2))
    fit = fit_now(
        alice_client, dataset["id"], "auto", seed=1, options={"candidates": ["argn", "spec"]}
    )
    auto = Job.objects.get(id=fit["job"]["id"]).params["auto"]
    assert auto["argn"]["outcome"] == "failed"
    assert auto["argn"]["error"] == "RuntimeError: the engine ran out of memory"
    assert "fit_seconds" in auto["argn"]
    assert auto["spec"]["outcome"] == "scored" and 0 < auto["spec"]["quality"] <= 1
    assert auto["chosen"] == "spec"
    assert SynthModel.objects.get(id=fit["model_id"]).chosen == "spec"


def test_auto_scores_argn_against_the_holdout_among_the_licence_clean_candidates(
    alice_client: Any, settings: Any
) -> None:
    settings.SYNDATA_SYNTHESIZERS = ["spec", "argn", "auto"]
    dataset = upload(alice_client, real_table("clinical_rotterdam", rows=300, seed=2))
    fit = fit_now(alice_client, dataset["id"], "auto", seed=1, options={"epochs": 1})
    auto = Job.objects.get(id=fit["job"]["id"]).params["auto"]
    for cand in ("spec", "argn"):  # the default candidates that are offered here
        assert auto[cand]["outcome"] == "scored", auto
        assert 0 < auto[cand]["quality"] <= 1 and auto[cand]["fit_seconds"] > 0
    assert auto["argn"]["epochs_done"] == 1
    assert auto["chosen"] in ("spec", "argn")


def test_auto_on_sequences_falls_back_to_argn_when_par_fails(
    alice_client: Any, monkeypatch: Any
) -> None:
    pytest.importorskip("sdv")
    from generation.synthesis import sdv_backend

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("PAR cannot learn this")

    monkeypatch.setattr(sdv_backend, "fit_par", broken)
    _frame, dataset = _sequence_dataset(alice_client)
    fit = fit_now(alice_client, dataset["id"], "auto", seed=1, options={"epochs": 1})
    job = Job.objects.get(id=fit["job"]["id"])
    auto = job.params["auto"]
    assert auto["chosen"] == "argn"
    assert auto["candidates"]["par"] == {
        "outcome": "failed",
        "error": "ValueError: PAR cannot learn this",
        "fit_seconds": auto["candidates"]["par"]["fit_seconds"],
    }
    assert auto["candidates"]["argn"]["outcome"] == "chosen"
    assert SynthModel.objects.get(id=fit["model_id"]).chosen == "argn"


def test_only_the_backend_module_imports_mostlyai() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+mostlyai\b|import_module\(\s*['\"]mostlyai", re.M)
    offenders = []
    for path in REPO.rglob("*.py"):
        rel = path.relative_to(REPO)
        if (
            rel.parts[0] in (".venv", "node_modules", "frontend", "var")
            or "site-packages" in rel.parts
        ):
            continue
        if rel == Path("generation/synthesis/argn_backend.py"):
            continue
        if pattern.search(path.read_text(errors="ignore")):
            offenders.append(str(rel))
    assert offenders == []


LICENCE_CLEAN = """
import sys, django
django.setup()
from generation.synthesis import argn_backend, fits, model_producer
from generation.synthesis.tables import detect_metadata
from evaluation import report
import pandas as pd
assert [s["name"] for s in fits.synthesizers_offered()] == ["spec", "argn", "auto"]
assert report.licence_clean()
frame = pd.read_csv(sys.argv[1]).head(150)
meta = detect_metadata(frame, table="t", info={"format": "csv"})
learned = [c for c, e in meta["columns"].items() if e["sdtype"] != "id" and not e["identifier"]]
model = argn_backend.fit(frame[learned], meta["columns"], options={"epochs": 1, "model_size": "S"}, seed=1)
rows = argn_backend.sample(model.workspace, seed=1, n=50)
assert len(rows) == 50
import numpy as np
assert (np.array([1e-310]) * 1.0)[0] > 0, "denormals still flushed to zero after training"
banned = {"sdv", "ctgan", "copulas", "rdt", "sdmetrics", "deepecho", "transformers", "peft"}
print("BANNED:", sorted({m.split(".")[0] for m in sys.modules} & banned))
"""


@pytest.mark.slow  # a fresh interpreter imports torch and the engine
def test_a_spec_argn_auto_deployment_imports_no_bsl_package_nor_transformers() -> None:
    import os

    env = {
        **os.environ,
        "SYNDATA_SYNTHESIZERS": "spec,argn,auto",
        "DJANGO_SETTINGS_MODULE": "syndata_site.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", LICENCE_CLEAN, str(SAMPLE_DATA / "clinical_rotterdam.csv")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "BANNED: []" in out.stdout
