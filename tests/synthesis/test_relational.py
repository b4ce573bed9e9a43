"""Sequences (PAR) and related tables (HMA), through the API, on real tables from
sample_data/: the weather of three NYC stations, and planes with their January flights."""

from __future__ import annotations

import io
import math
import zipfile
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from generation import services as job_services
from generation.models import Job
from generation.synthesis.fits import fit_run
from tests.conftest import SAMPLE_DATA, run_metrics
from tests.evaluation.test_document_schema import _validate as validate_document
from tests.generation.tasks_queue import RecordingQueue
from tests.synthesis.conftest import csv_upload, fit_now, upload

pytest.importorskip("sdv")

WEATHER_COLUMNS = ["origin", "time_hour", "temp", "humid", "wind_speed", "precip", "pressure"]
STATIONS = {"EWR", "JFK", "LGA"}


@pytest.fixture(scope="module")
def weather() -> pd.DataFrame:
    """3 stations x their first 60 hours: three sequences, entity `origin`, index `time_hour`."""
    frame = pd.read_csv(SAMPLE_DATA / "sensor_nyc_weather.csv")[WEATHER_COLUMNS]
    return frame.groupby("origin").head(60).reset_index(drop=True)


@pytest.fixture(scope="module")
def planes_flights() -> tuple[pd.DataFrame, pd.DataFrame]:
    """120 planes, their January flights (a few columns) and 40 orphan flights."""
    planes = pd.read_csv(SAMPLE_DATA / "planes.csv").head(120)
    flights = pd.read_csv(SAMPLE_DATA / "flights_jan2013.csv")[
        ["carrier", "flight", "tailnum", "origin", "dest", "dep_delay", "distance"]
    ]
    mine = flights[flights["tailnum"].isin(planes["tailnum"])]
    orphans = flights[flights["tailnum"].notna() & ~flights["tailnum"].isin(planes["tailnum"])]
    mine = pd.concat([mine, orphans.head(40), flights[flights["tailnum"].isna()].head(5)])
    return planes, mine.reset_index(drop=True)


def _generate(client: Any, model_id: str, **body: Any) -> Job:
    resp = client.post(
        "/api/generate", {"model_id": model_id, "format": "csv", **body}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    job = Job.objects.get(id=resp.json()["id"])
    job_services.job_run_sequential(job=job)  # every block in this process
    run_metrics(job.id)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def _table(job: Job, table: str) -> pd.DataFrame:
    return pd.read_csv(job.artifacts.get(table=table).absolute_path)


def _assert_dcr(privacy: dict[str, Any]) -> None:
    """A distance to closest record measured against a real holdout."""
    ratio = privacy["dcr_ratio"]
    assert isinstance(ratio, float) and math.isfinite(ratio) and ratio > 0, privacy
    assert 0 <= privacy["share_closer_than_holdout_p5"] <= 1, privacy


class _Recorder:
    """Wraps an sdv_backend fit and keeps a copy of the frames each call learned from."""

    def __init__(self, fit: Any) -> None:
        self.fit = fit
        self.calls: list[Any] = []

    def __call__(self, frames: Any, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(
            {t: f.copy() for t, f in frames.items()} if isinstance(frames, dict) else frames.copy()
        )
        return self.fit(frames, *args, **kwargs)


# --- PAR ------------------------------------------------------------------------------------
@pytest.fixture
def par_model(alice_client: Any, weather: pd.DataFrame) -> dict[str, Any]:
    dataset = upload(alice_client, weather, "weather.csv")
    fit = fit_now(alice_client, dataset["id"], "par", options={"epochs": 3}, seed=1)
    return {"dataset": dataset, **fit}


def test_it_detects_the_entity_and_the_order_of_a_time_series(
    alice_client: Any, weather: pd.DataFrame
) -> None:
    meta = upload(alice_client, weather, "weather.csv")["metadata"]
    assert (meta["sequence_key"], meta["sequence_index"]) == ("origin", "time_hour")
    credit = upload(alice_client, pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(200))
    assert credit["metadata"]["sequence_key"] is None


def test_par_makes_whole_synthetic_sequences_in_order(
    alice_client: Any, weather: pd.DataFrame, par_model: dict[str, Any]
) -> None:
    fit_job = Job.objects.get(id=par_model["job"]["id"])
    assert fit_job.params["epochs_done"] == fit_job.params["epochs_total"] == 3
    job = _generate(alice_client, par_model["model_id"], rows=4, seed=5)
    rows = _table(job, "weather")
    assert list(rows.columns) == WEATHER_COLUMNS
    # rows = sequences: 4 entities, none a real station, each a series of several hours
    sizes = rows.groupby("origin").size()
    assert len(sizes) == 4 and (sizes >= 5).all()
    assert not set(rows["origin"]) & STATIONS
    assert job.params["sequences"] == 4
    assert job.rows_total == len(rows) == job.artifacts.get(table="weather").rows
    for _, seq in rows.groupby("origin", sort=False):
        stamps = pd.to_datetime(seq["time_hour"])
        assert stamps.is_monotonic_increasing
    # No synthetic row equals a real row on the learned columns.
    learned = WEATHER_COLUMNS[1:]
    real_rows = set(weather[learned].astype(str).itertuples(index=False))
    assert not set(rows[learned].astype(str).itertuples(index=False)) & real_rows
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    assert metrics["summary"]["exact_copy_rate"] == 0
    assert metrics["summary"]["quality"] > 0.3
    # 3 sequences are too few to hold one out: no baseline, and the document says so.
    assert metrics["summary"]["dcr_ratio"] is None
    assert metrics["summary"]["share_closer_than_holdout_p5"] is None
    privacy = metrics["tables"]["weather"]["privacy"]
    assert privacy["holdout"].startswith("no holdout: 3 sequences")


def test_par_holds_whole_sequences_out_of_the_fit_and_measures_dcr_against_them(
    alice_client: Any, weather: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 six-hour sequences: 3 are held out whole, never learned, and are the baseline."""
    from generation.synthesis import sdv_backend
    from generation.synthesis.fitted import load_fitted
    from generation.synthesis.models import SynthModel
    from generation.synthesis.tables import load_frame

    frame = weather.copy()
    frame["origin"] = frame["origin"] + "-" + (frame.groupby("origin").cumcount() // 6).astype(str)
    dataset = upload(alice_client, frame, "weather.csv")
    resp = alice_client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"sequence_key": "origin", "sequence_index": "time_hour"}},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    recorder = _Recorder(sdv_backend.fit_par)
    monkeypatch.setattr(sdv_backend, "fit_par", recorder)
    fits = [fit_now(alice_client, dataset["id"], "par", options={"epochs": 2}, seed=3)]
    fits.append(fit_now(alice_client, dataset["id"], "par", options={"epochs": 2}, seed=3))
    metas = [load_fitted(SynthModel.objects.get(id=f["model_id"]).directory).meta for f in fits]
    meta = metas[0]
    real = load_frame(
        SynthModel.objects.get(id=fits[0]["model_id"]).dataset.absolute_path,
        {**dataset["metadata"], "sequence_key": "origin", "sequence_index": "time_hour"},
    )
    held = real.iloc[meta["holdout_index"]]
    learned = recorder.calls[0]
    assert held["origin"].nunique() == meta["holdout_sequences"] == 3
    assert len(held) == 18  # whole sequences
    assert not set(held["origin"]) & set(learned["origin"])
    assert set(held["origin"]) | set(learned["origin"]) == set(frame["origin"])
    assert meta["sequences_real"] == 27 and meta["rows_real"] == len(learned) == 162
    # Same dataset, options and seed: the same holdout, rows learned and model bytes.
    assert metas[1]["holdout_index"] == meta["holdout_index"]
    assert recorder.calls[1].equals(learned)
    jobs = [_generate(alice_client, f["model_id"], rows=6, seed=9) for f in fits]
    assert jobs[0].artifacts.get().sha256 == jobs[1].artifacts.get().sha256
    metrics = alice_client.get(f"/api/metrics/{jobs[0].id}").json()
    privacy = metrics["tables"]["weather"]["privacy"]
    assert privacy["holdout_rows"] == 18 and "holdout" not in privacy
    _assert_dcr(privacy)
    _assert_dcr(metrics["summary"])
    assert metrics["summary"]["dcr_ratio"] == privacy["dcr_ratio"]
    assert 0 <= metrics["summary"]["diagnostic"] <= 1
    # the attacks are on entities (stations), the held-out ones whole sequences
    assert privacy["entities"].startswith("one row per origin")
    members = privacy["attacks"]["membership_inference"]["n"]
    assert members == {"members": 27, "non_members": 3}
    validate_document(alice_client, metrics)


def test_par_blocks_of_whole_sequences_give_the_same_bytes_in_any_order(
    alice_client: Any,
    par_model: dict[str, Any],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 100  # 60-hour sequences: one sequence per block
    queue = RecordingQueue()
    monkeypatch.setattr("generation.services.async_task", queue)
    body = {"model_id": par_model["model_id"], "rows": 3, "seed": 11, "format": "csv"}
    with django_capture_on_commit_callbacks(execute=True):
        split_id = alice_client.post("/api/generate", body, format="json").json()["id"]
    ref_id = alice_client.post("/api/generate", body, format="json").json()["id"]
    queue.tasks = [t for t in queue.tasks if t[1][0] == split_id]
    queue.run_next()
    assert queue.names() == ["run_block"] * 3
    queue.drain(seed=2)
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    ref = Job.objects.get(id=ref_id)
    job_services.job_run_sequential(job=ref)
    ref.refresh_from_db()
    assert ref.status == "succeeded", ref.error
    assert ref.blocks_total == 3
    assert split.artifacts.get().sha256 == ref.artifacts.get().sha256
    rows = pd.read_csv(split.artifacts.get().absolute_path)
    assert rows["origin"].nunique() == 3
    other = _generate(alice_client, par_model["model_id"], rows=3, seed=12)
    assert other.artifacts.get().sha256 != ref.artifacts.get().sha256


def test_sequence_metadata_edits_are_checked(alice_client: Any, weather: pd.DataFrame) -> None:
    dataset = upload(alice_client, weather, "weather.csv")
    url = f"/api/datasets/{dataset['id']}"
    for edit, path in [
        ({"sequence_key": "station"}, "metadata.sequence_key"),
        ({"sequence_index": "temp_f"}, "metadata.sequence_index"),
        ({"sequence_key": None, "sequence_index": "time_hour"}, "metadata.sequence_index"),
        ({"sequence_index": "origin"}, "metadata.sequence_index"),
    ]:
        resp = alice_client.patch(url, {"metadata": edit}, format="json")
        assert resp.status_code == 400, edit
        assert resp.json()["error"]["message"].startswith(path), resp.json()
    resp = alice_client.patch(url, {"metadata": {"sequence_key": None}}, format="json")
    assert resp.status_code == 200
    assert resp.json()["metadata"]["sequence_key"] is None
    resp = alice_client.post(f"{url}/fit", {"synthesizer": "par"}, format="json")
    assert resp.status_code == 400
    assert "sequence_key" in resp.json()["error"]["message"]
    resp = alice_client.patch(
        url, {"metadata": {"sequence_key": "origin", "sequence_index": "temp"}}, format="json"
    )
    assert resp.status_code == 200
    assert resp.json()["metadata"]["sequence_index"] == "temp"
    resp = alice_client.post(
        f"{url}/fit", {"synthesizer": "par", "options": {"sample_size": "many"}}, format="json"
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["message"].startswith("options.sample_size:")


def test_auto_on_sequences_fits_par(alice_client: Any, weather: pd.DataFrame) -> None:
    dataset = upload(alice_client, weather, "weather.csv")
    fit = fit_now(alice_client, dataset["id"], "auto", options={"epochs": 1}, seed=2)
    model = alice_client.get(f"/api/models/{fit['model_id']}").json()
    assert model["chosen"] == "par"
    assert model["metrics"]["auto"]["chosen"] == "par"


# --- HMA ------------------------------------------------------------------------------------
def _upload_tables(client: Any, planes: pd.DataFrame, flights: pd.DataFrame) -> dict[str, Any]:
    files = [csv_upload(planes, "planes.csv"), csv_upload(flights, "flights.csv")]
    resp = client.post("/api/datasets", {"file": files}, format="multipart")
    assert resp.status_code == 201, resp.json()
    return resp.json()


@pytest.fixture
def hma_model(alice_client: Any, planes_flights: Any) -> dict[str, Any]:
    dataset = _upload_tables(alice_client, *planes_flights)
    fit = fit_now(alice_client, dataset["id"], "hma", seed=4)
    return {"dataset": dataset, **fit}


def test_two_uploaded_files_are_related_tables(alice_client: Any, planes_flights: Any) -> None:
    planes, flights = planes_flights
    dataset = _upload_tables(alice_client, planes, flights)
    meta = dataset["metadata"]
    assert set(meta["tables"]) == {"planes", "flights"}
    assert meta["relationships"] == [
        {
            "parent_table": "planes",
            "parent_primary_key": "tailnum",
            "child_table": "flights",
            "child_foreign_key": "tailnum",
        }
    ]
    assert meta["tables"]["planes"]["primary_key"] == "tailnum"
    assert dataset["rows"] == len(planes) + len(flights)


def test_a_zip_of_tables_is_a_multi_table_dataset(alice_client: Any, planes_flights: Any) -> None:
    planes, flights = planes_flights
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("data/planes.csv", planes.to_csv(index=False))
        zf.writestr("data/flights.csv", flights.to_csv(index=False))
    archive = SimpleUploadedFile("fleet.zip", buffer.getvalue(), content_type="application/zip")
    resp = alice_client.post("/api/datasets", {"file": archive}, format="multipart")
    assert resp.status_code == 201, resp.json()
    assert len(resp.json()["metadata"]["relationships"]) == 1
    lone = io.BytesIO()
    with zipfile.ZipFile(lone, "w") as zf:
        zf.writestr("notes.md", "# not a table")
        zf.writestr("planes.csv", planes.to_csv(index=False))
    bad = SimpleUploadedFile("x.zip", lone.getvalue(), content_type="application/zip")
    resp = alice_client.post("/api/datasets", {"file": bad}, format="multipart")
    assert resp.status_code == 400
    assert "notes.md" in resp.json()["error"]["message"]


@pytest.mark.slow  # an HMA fit and sample of related tables
def test_hma_keeps_every_child_on_a_synthetic_parent(
    alice_client: Any, planes_flights: Any, hma_model: dict[str, Any]
) -> None:
    planes, flights = planes_flights
    fit_job = Job.objects.get(id=hma_model["job"]["id"])
    orphans = fit_job.params["orphans"]["flights.tailnum"]
    assert orphans["orphan_rows_dropped"] == 40
    assert orphans["null_key_rows_dropped"] == 5
    job = _generate(alice_client, hma_model["model_id"], rows=60, seed=8)
    assert {a.table for a in job.artifacts.all()} == {"planes", "flights", ""}
    out_planes, out_flights = _table(job, "planes"), _table(job, "flights")
    assert len(out_planes) == 60
    assert out_planes["tailnum"].is_unique
    # Referential integrity, synthetic keys only.
    assert out_flights["tailnum"].isin(out_planes["tailnum"]).all()
    assert not set(out_planes["tailnum"]) & set(planes["tailnum"])
    # Child counts near the real ratio (about 1,500 flights for 120 planes).
    real_ratio = (len(flights) - 45) / len(planes)
    assert 0.5 * real_ratio < len(out_flights) / 60 < 1.5 * real_ratio
    assert job.rows_total == len(out_planes) + len(out_flights)
    # No row equals a real row on the learned columns.
    for real, fake in ((planes, out_planes), (flights, out_flights)):
        learned = [c for c in real.columns if c != "tailnum"]
        seen = set(real[learned].astype(str).itertuples(index=False))
        assert not set(fake[learned].astype(str).itertuples(index=False)) & seen
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    assert metrics["referential_integrity"] == {"flights.tailnum": 1.0}
    assert metrics["summary"]["exact_copy_rate"] == 0
    assert set(metrics["tables"]) == {"planes", "flights"}
    again = _generate(alice_client, hma_model["model_id"], rows=60, seed=8)
    assert again.artifacts.get(table="flights").sha256 == job.artifacts.get(table="flights").sha256


@pytest.mark.slow  # an HMA fit and sample of related tables
def test_hma_holds_root_rows_out_with_their_descendants_and_measures_dcr_per_table(
    alice_client: Any, planes_flights: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12 of the 120 planes and all their flights are never learned: each table's distance
    to closest record is compared with its held-out rows; the diagnostic is per table."""
    from generation.synthesis import sdv_backend
    from generation.synthesis.fitted import load_fitted
    from generation.synthesis.models import SynthModel

    planes, flights = planes_flights
    dataset = _upload_tables(alice_client, planes, flights)
    recorder = _Recorder(sdv_backend.fit_hma)
    monkeypatch.setattr(sdv_backend, "fit_hma", recorder)
    fits = [fit_now(alice_client, dataset["id"], "hma", seed=4) for _ in range(2)]
    model = SynthModel.objects.get(id=fits[0]["model_id"])
    learned = recorder.calls[0]
    held_planes = planes.iloc[
        load_fitted(model.directory / "tables" / "planes").meta["holdout_index"]
    ]
    held_flights = flights.iloc[
        load_fitted(model.directory / "tables" / "flights").meta["holdout_index"]
    ]
    assert len(held_planes) == 12 and len(learned["planes"]) == 108
    assert not set(held_planes["tailnum"]) & set(learned["planes"]["tailnum"])
    # every flight of a held-out plane is held out, and none of the others
    assert set(held_flights["tailnum"]) <= set(held_planes["tailnum"])
    assert not set(learned["flights"]["tailnum"]) & set(held_planes["tailnum"])
    assert len(held_flights) == int(flights["tailnum"].isin(held_planes["tailnum"]).sum()) > 0
    assert len(held_flights) + len(learned["flights"]) == len(flights) - 45  # orphans out
    fit_job = Job.objects.get(id=fits[0]["job"]["id"])
    assert fit_job.params["holdout_rows"] == {"planes": 12, "flights": len(held_flights)}
    meta = load_fitted(model.directory).meta
    assert meta["rows_real"] == {"planes": 108, "flights": len(learned["flights"])}
    # Same dataset, options and seed: the same rows learned, the same output bytes.
    assert all(recorder.calls[1][t].equals(learned[t]) for t in learned)
    jobs = [_generate(alice_client, f["model_id"], rows=30, seed=3) for f in fits]
    for table in ("planes", "flights"):
        assert (
            jobs[0].artifacts.get(table=table).sha256 == jobs[1].artifacts.get(table=table).sha256
        )
    metrics = alice_client.get(f"/api/metrics/{jobs[0].id}").json()
    for table in ("planes", "flights"):
        entry = metrics["tables"][table]
        assert entry["holdout_rows"] == entry["privacy"]["holdout_rows"] > 0
        assert 0 <= entry["diagnostic"]["score"] <= 1
    _assert_dcr(metrics["tables"]["flights"]["privacy"])
    # the attacks run on each table: planes as rows, flights as one entity per plane
    flights_privacy = metrics["tables"]["flights"]["privacy"]
    assert flights_privacy["entities"].startswith("one row per tailnum")
    n = flights_privacy["attacks"]["membership_inference"]["n"]
    assert n["non_members"] == held_flights["tailnum"].nunique()
    assert n["members"] == learned["flights"]["tailnum"].nunique()
    planes_attacks = metrics["tables"]["planes"]["privacy"]["attacks"]
    assert "entities" not in metrics["tables"]["planes"]["privacy"]
    assert planes_attacks["membership_inference"]["n"]["non_members"] == 12
    assert set(metrics["privacy"]["tables"]) == {"planes", "flights"}
    validate_document(alice_client, metrics)  # as the OpenAPI document describes it
    # 110 of these 120 planes repeat another plane's row (same model, year, seats ...): the
    # median held-out plane is 0 away from a training one, so there is no ratio to take.
    planes_privacy = metrics["tables"]["planes"]["privacy"]
    assert planes_privacy["dcr_holdout_median"] == 0 and planes_privacy["dcr_ratio"] is None
    assert planes_privacy["holdout"].startswith("no dcr_ratio: the median held-out row")
    assert 0 <= planes_privacy["share_closer_than_holdout_p5"] <= 1
    _assert_dcr(metrics["summary"])
    assert metrics["summary"]["dcr_ratio"] == metrics["tables"]["flights"]["privacy"]["dcr_ratio"]
    assert metrics["summary"]["diagnostic"] == min(
        metrics["tables"][t]["diagnostic"]["score"] for t in ("planes", "flights")
    )


def test_hma_on_a_root_table_under_50_rows_holds_nothing_out_and_says_so(
    alice_client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(5)
    customers = pd.DataFrame({"customer_id": np.arange(1, 41), "age": rng.integers(18, 90, 40)})
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, 161),
            "customer_id": rng.integers(1, 41, 160),
            "amount": rng.lognormal(3, 0.5, 160).round(2),
        }
    )
    files = [csv_upload(customers, "customers.csv"), csv_upload(orders, "orders.csv")]
    resp = alice_client.post("/api/datasets", {"file": files}, format="multipart")
    assert resp.status_code == 201, resp.json()
    fit = fit_now(alice_client, resp.json()["id"], "hma", seed=1)
    model = alice_client.get(f"/api/models/{fit['model_id']}").json()
    assert model["metrics"]["holdout_rows"] == {"customers": 0, "orders": 0}
    assert "fewer than 50" in model["metrics"]["holdout_note"]
    job = _generate(alice_client, fit["model_id"], rows=20, seed=2)
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    assert metrics["summary"]["dcr_ratio"] is None
    assert metrics["summary"]["share_closer_than_holdout_p5"] is None
    for table in ("customers", "orders"):
        privacy = metrics["tables"][table]["privacy"]
        assert privacy["dcr_ratio"] is None
        assert privacy["holdout"].startswith("no holdout: the root table customers has 40 rows")
    # Licence-clean (no BSL synthesizer offered): the diagnostic is computed without sdmetrics.
    from evaluation import report

    def no_sdmetrics(*args: Any) -> Any:
        raise AssertionError("sdmetrics on the licence-clean path")

    monkeypatch.setattr(report, "diagnostic_report", no_sdmetrics)
    monkeypatch.setattr(report, "quality_report", no_sdmetrics)
    settings.SYNDATA_SYNTHESIZERS = ["spec", "auto"]
    clean = report.model_metrics_document(job)
    assert all(0 <= clean["tables"][t]["diagnostic"]["score"] <= 1 for t in clean["tables"])


def test_multi_table_edits_and_fits_are_checked(alice_client: Any, planes_flights: Any) -> None:
    dataset = _upload_tables(alice_client, *planes_flights)
    url = f"/api/datasets/{dataset['id']}"
    rel = dataset["metadata"]["relationships"][0]
    for edit, path in [
        ({"tables": {"airports": {}}}, "metadata.tables.airports"),
        ({"tables": {"planes": {"columns": {"nope": {}}}}}, "metadata.tables.planes.columns.nope"),
        ({"relationships": [{**rel, "child_table": "cars"}]}, "metadata.relationships.0.child"),
        (
            {"relationships": [{**rel, "child_foreign_key": "tail"}]},
            "metadata.relationships.0.child_foreign_key",
        ),
        ({"relationships": []}, "metadata.relationships"),
        ({"primary_key": "tailnum"}, "metadata.primary_key"),
        # checked against the table's own file, as a single table's edits are
        (
            {"tables": {"planes": {"columns": {"manufacturer": {"sdtype": "datetime"}}}}},
            "metadata.tables.planes.columns.manufacturer",
        ),
        ({"tables": {"flights": {"primary_key": "carrier"}}}, "metadata.tables.flights"),
    ]:
        resp = alice_client.patch(url, {"metadata": edit}, format="json")
        assert resp.status_code == 400, edit
        assert resp.json()["error"]["message"].startswith(path), resp.json()
    for synthesizer in ("gaussian_copula", "spec", "par"):
        resp = alice_client.post(f"{url}/fit", {"synthesizer": synthesizer}, format="json")
        assert resp.status_code == 400
        assert "use hma" in resp.json()["error"]["message"]
    single = upload(alice_client, planes_flights[0], "planes.csv")
    resp = alice_client.post(
        f"/api/datasets/{single['id']}/fit", {"synthesizer": "hma"}, format="json"
    )
    assert resp.status_code == 400
    assert "one table" in resp.json()["error"]["message"]


def test_auto_on_related_tables_fits_hma(alice_client: Any, planes_flights: Any) -> None:
    planes, flights = planes_flights
    dataset = _upload_tables(alice_client, planes.head(100), flights)
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit", {"synthesizer": "auto", "seed": 1}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    fit_run(job_id=resp.json()["id"])
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == "succeeded", job.error
    assert job.params["chosen"] == "hma"
    assert job.params["orphans"]["flights.tailnum"]["orphan_rows_dropped"] > 40


def test_hma_and_par_are_bsl_and_absent_from_a_licence_clean_list(
    alice_client: Any, settings: Any
) -> None:
    listed = {s["name"]: s for s in alice_client.get("/api/synthesizers").json()}
    assert listed["hma"]["bsl"] and listed["par"]["bsl"]
    settings.SYNDATA_SYNTHESIZERS = ["spec", "auto"]
    listed = {s["name"] for s in alice_client.get("/api/synthesizers").json()}
    assert listed == {"spec", "auto"}


def test_integer_keys_of_related_tables_are_never_real_keys(alice_client: Any) -> None:
    """Parents numbered 1..N and their children: HMA's synthetic keys start past the real
    ones, so no output key (parent's, child's own, or foreign) is a real key's value."""
    rng = np.random.default_rng(3)
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, 81),
            "age": rng.integers(18, 90, 80),
            "segment": rng.choice(["a", "b", "c"], 80),
            "balance": rng.lognormal(7, 1, 80).round(2),
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, 301),
            "customer_id": rng.integers(1, 81, 300),
            "amount": rng.lognormal(3, 0.5, 300).round(2),
        }
    )
    files = [csv_upload(customers, "customers.csv"), csv_upload(orders, "orders.csv")]
    resp = alice_client.post("/api/datasets", {"file": files}, format="multipart")
    assert resp.status_code == 201, resp.json()
    relationships = resp.json()["metadata"]["relationships"]
    assert [(r["parent_table"], r["child_table"]) for r in relationships] == [
        ("customers", "orders")
    ]
    fit = fit_now(alice_client, resp.json()["id"], "hma", seed=2)
    job = _generate(alice_client, fit["model_id"], rows=50, seed=5)
    out_customers, out_orders = _table(job, "customers"), _table(job, "orders")
    assert len(out_customers) == 50 and out_customers["customer_id"].is_unique
    assert out_orders["customer_id"].isin(out_customers["customer_id"]).all()
    assert not set(out_customers["customer_id"]) & set(customers["customer_id"])
    assert not set(out_orders["order_id"]) & set(orders["order_id"])
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    assert metrics["summary"]["identifier_leaks"] == 0
    # 8 of the 80 customers (10 %) and their orders were held out: DCR per table and the
    # worst of them in the summary.
    model = alice_client.get(f"/api/models/{fit['model_id']}").json()
    held_orders = (
        int(orders["customer_id"].isin(range(1, 81)).sum())
        - model["metrics"]["rows_real"]["orders"]
    )
    assert model["metrics"]["holdout_rows"] == {"customers": 8, "orders": held_orders}
    for table in ("customers", "orders"):
        _assert_dcr(metrics["tables"][table]["privacy"])
        assert metrics["tables"][table]["privacy"]["holdout_rows"] > 0
        assert "score" in metrics["tables"][table]["diagnostic"]
    _assert_dcr(metrics["summary"])
    assert metrics["summary"]["dcr_ratio"] == min(
        metrics["tables"][t]["privacy"]["dcr_ratio"] for t in ("customers", "orders")
    )
    assert metrics["summary"]["share_closer_than_holdout_p5"] == max(
        metrics["tables"][t]["privacy"]["share_closer_than_holdout_p5"]
        for t in ("customers", "orders")
    )
