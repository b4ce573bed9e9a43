"""What a user of model-based synthesis is promised: no real identifier, no real row, the
class mix asked for, the same bytes for the same seed."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import pytest

from generation.models import Job
from tests.synthesis.conftest import fit_now, generate_now, real_table, upload

SYNTHESIZERS = ["gaussian_copula", "spec"]


def _with_people(frame: pd.DataFrame) -> pd.DataFrame:
    from faker import Faker

    fake = Faker()
    Faker.seed(11)
    frame = frame.copy()
    frame["email"] = [fake.unique.email() for _ in range(len(frame))]
    frame["full_name"] = [fake.name() for _ in range(len(frame))]
    frame["phone"] = [fake.phone_number() for _ in range(len(frame))]
    frame["ssn"] = [fake.ssn() for _ in range(len(frame))]
    # Some accounts with two rows: an identifier, not the table's key.
    accounts = [fake.bothify("AC-########") for _ in range(len(frame) * 7 // 10)]
    frame["account_no"] = [accounts[i % len(accounts)] for i in range(len(frame))]
    return frame


@pytest.mark.parametrize("synthesizer", SYNTHESIZERS)
def test_a_planted_email_or_name_never_leaks(alice_client: Any, synthesizer: str) -> None:
    real = _with_people(real_table("credit_scoring", rows=600, seed=1))
    dataset = upload(alice_client, real)
    flags = {c: e["identifier"] for c, e in dataset["metadata"]["columns"].items()}
    assert flags["ssn"] == "ssn" and flags["account_no"] == "account_id"
    assert dataset["metadata"]["primary_key"] is None
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=1)
    job, rows = generate_now(alice_client, fit["model_id"], rows=3000, seed=2)
    for column in ("email", "full_name", "phone", "ssn", "account_no"):
        leaked = set(rows[column].dropna().astype(str)) & set(real[column].astype(str))
        assert not leaked, f"{column} leaked {sorted(leaked)[:3]}"
    assert rows["email"].str.contains("@example.").all()
    assert (rows["full_name"].str.split().str.len() == 2).all()
    assert rows["ssn"].str.fullmatch(r"9\d\d-\d\d-\d{4}").all()  # area 9xx: never issued
    assert rows["account_no"].str.fullmatch(r"[A-Z]{2}-\d{8}").all()  # the real codes' shape
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert metrics["summary"]["identifier_leaks"] == 0


@pytest.mark.parametrize("synthesizer", SYNTHESIZERS)
def test_exact_copies_of_real_rows_are_dropped_and_counted(
    alice_client: Any, synthesizer: str
) -> None:
    # Few columns with few values: a model reproduces real rows all the time.
    real = real_table("credit_scoring", rows=1500, seed=2)[["Status", "Home", "Records", "Job"]]
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=4)
    job, rows = generate_now(alice_client, fit["model_id"], rows=300, seed=5)
    assert len(rows) == 300
    real_keys = set(real.astype(str).agg("|".join, axis=1))
    out_keys = set(rows.astype(str).replace("nan", "nan").agg("|".join, axis=1))
    assert not (real_keys & out_keys)
    summary = alice_client.get(f"/api/metrics/{job['id']}").json()["summary"]
    assert summary["exact_copy_rate"] == 0
    assert summary["exact_copies_dropped"] > 0


@pytest.mark.parametrize("synthesizer", SYNTHESIZERS)
def test_a_condition_changes_the_class_mix_as_asked(alice_client: Any, synthesizer: str) -> None:
    real = real_table("credit_scoring", rows=1000, seed=3)
    assert (real["Status"] == "bad").mean() < 0.35
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=6)
    conditions = [{"column": "Status", "value": "bad", "fraction": 0.5}]
    job, rows = generate_now(
        alice_client, fit["model_id"], rows=1000, seed=7, conditions=conditions
    )
    assert len(rows) == 1000
    assert abs((rows["Status"] == "bad").mean() - 0.5) <= 0.01
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    table = next(iter(metrics["tables"].values()))
    assert abs(table["conditions"][0]["achieved"] - 0.5) <= 0.01


def test_bad_conditions_are_refused_with_their_path(
    alice_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit)
    fit = fit_now(alice_client, dataset["id"], "gaussian_copula", seed=1)
    cases = [
        ([{"column": "nope", "value": "x", "fraction": 0.5}], "conditions.0.column"),
        ([{"column": "Age", "value": 30, "fraction": 0.5}], "conditions.0.column"),
        ([{"column": "Status", "value": "maybe", "fraction": 0.5}], "conditions.0.value"),
        ([{"column": "Status", "value": "bad", "fraction": 1.5}], "conditions.0.fraction"),
        (
            [
                {"column": "Status", "value": "bad", "fraction": 0.6},
                {"column": "Status", "value": "good", "fraction": 0.6},
            ],
            "conditions:",
        ),
    ]
    for conditions, path in cases:
        resp = alice_client.post(
            "/api/generate",
            {"model_id": fit["model_id"], "rows": 10, "conditions": conditions},
            format="json",
        )
        assert resp.status_code == 400, resp.json()
        assert resp.json()["error"]["message"].startswith(path), resp.json()


def test_only_the_owner_can_generate_from_a_model(
    alice_client: Any, bob_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit)
    fit = fit_now(alice_client, dataset["id"], "gaussian_copula", seed=1)
    resp = bob_client.post("/api/generate", {"model_id": fit["model_id"], "rows": 5}, format="json")
    assert resp.status_code == 404
    assert bob_client.get(f"/api/models/{fit['model_id']}").status_code == 404
    assert alice_client.get(f"/api/models/{fit['model_id']}").json()["status"] == "succeeded"


def _artifact_sha(job_id: str) -> str:
    job = Job.objects.get(id=job_id)
    path = job.artifacts.exclude(table="").first().absolute_path
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("synthesizer", "options"),
    [
        ("gaussian_copula", {}),
        ("ctgan", {"epochs": 2, "batch_size": 100}),
        ("spec", {}),
    ],
)
def test_same_table_options_and_seed_give_the_same_bytes(
    alice_client: Any, synthesizer: str, options: dict[str, Any]
) -> None:
    real = real_table("clinical_rotterdam", rows=400, seed=4)
    dataset = upload(alice_client, real)
    shas = []
    for _ in range(2):
        fit = fit_now(alice_client, dataset["id"], synthesizer, seed=42, options=options)
        job, _rows = generate_now(alice_client, fit["model_id"], rows=700, seed=9)
        shas.append(_artifact_sha(job["id"]))
    assert shas[0] == shas[1]
    job, _rows = generate_now(alice_client, fit["model_id"], rows=700, seed=10)
    assert _artifact_sha(job["id"]) != shas[0]
    # The model this process keeps loaded has sampled other rows since: no state carries over.
    job, _rows = generate_now(alice_client, fit["model_id"], rows=700, seed=9)
    assert _artifact_sha(job["id"]) == shas[0]


def test_a_fit_reports_epochs_as_progress(alice_client: Any) -> None:
    real = real_table("credit_scoring", rows=300, seed=5)
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], "tvae", seed=1, options={"epochs": 3})
    job = alice_client.get(f"/api/jobs/{fit['job']['id']}").json()
    assert job["rows_total"] == 3 and job["rows_done"] == 3
    assert job["params"]["epochs_done"] == 3
    assert job["params"]["model_id"] == fit["model_id"]


def test_datetimes_round_trip_in_format_and_range(alice_client: Any) -> None:
    real = real_table("sensor_nyc_weather", rows=800, seed=6)
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], "gaussian_copula", seed=3)
    _job, rows = generate_now(alice_client, fit["model_id"], rows=500, seed=3)
    stamps = rows["time_hour"].dropna()
    assert stamps.str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()
    parsed = pd.to_datetime(stamps, utc=True)
    real_parsed = pd.to_datetime(real["time_hour"], utc=True)
    assert parsed.min() >= real_parsed.min() and parsed.max() <= real_parsed.max()
    assert parsed.dt.year.eq(2013).all()


@pytest.mark.parametrize("synthesizer", SYNTHESIZERS)
def test_integer_keys_never_equal_a_real_key(alice_client: Any, synthesizer: str) -> None:
    real = real_table("clinical_rotterdam", rows=500, seed=8)  # pid: integers 1..2982, shuffled
    dataset = upload(alice_client, real)
    assert dataset["metadata"]["primary_key"] == "pid"
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=3)
    job, rows = generate_now(alice_client, fit["model_id"], rows=3000, seed=4)
    assert len(rows) == 3000
    assert pd.api.types.is_integer_dtype(rows["pid"])
    assert rows["pid"].is_unique
    assert not set(rows["pid"]) & set(real["pid"])
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert metrics["summary"]["identifier_leaks"] == 0
    assert next(iter(metrics["tables"].values()))["privacy"]["identifier_leaks"]["pid"] == 0
