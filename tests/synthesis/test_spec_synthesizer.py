"""The native `spec` synthesizer: an editable learned spec, at least SDV GaussianCopula's quality,
and `auto`'s choice by holdout quality."""

from __future__ import annotations

from typing import Any

import pytest

from generation.models import Job, SynthModel
from tests.synthesis.conftest import fit_now, generate_now, real_table, upload


@pytest.mark.parametrize("table", ["credit_scoring", "clinical_rotterdam"])
def test_spec_quality_matches_or_beats_sdv_gaussian_copula(alice_client: Any, table: str) -> None:
    real = real_table(table, rows=1500, seed=8)
    dataset = upload(alice_client, real)
    quality = {}
    for synthesizer in ("spec", "gaussian_copula"):
        fit = fit_now(alice_client, dataset["id"], synthesizer, seed=8)
        job, _rows = generate_now(alice_client, fit["model_id"], rows=1500, seed=8)
        quality[synthesizer] = alice_client.get(f"/api/metrics/{job['id']}").json()["summary"][
            "quality"
        ]
    assert quality["spec"] >= quality["gaussian_copula"], quality


def test_the_learned_spec_is_an_editable_schema(alice_client: Any) -> None:
    real = real_table("credit_scoring", rows=600, seed=9)
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], "spec", seed=1)
    model = alice_client.get(f"/api/models/{fit['model_id']}").json()
    assert model["schema_id"]
    schema = alice_client.get(f"/api/schemas/{model['schema_id']}").json()
    spec = schema["spec"]
    table = next(iter(spec["tables"].values()))
    assert table["fields"]["Age"]["dist"]["kind"] in ("quantiles", "empirical")
    assert set(table["fields"]["Status"]["values"]) == {"good", "bad"}
    # The user rebalances the label and asks for more rows, from the saved schema. (Where the
    # engine correlates categories through a hidden code, the code's weights are the knob.)
    table["fields"]["Status"]["values"] = {"good": 1, "bad": 1}
    if "Status__code" in table["fields"]:
        table["fields"]["Status__code"]["dist"]["weights"] = [1, 1]
    resp = alice_client.patch(f"/api/schemas/{model['schema_id']}", {"spec": spec}, format="json")
    assert resp.status_code == 200, resp.json()
    resp = alice_client.post(
        "/api/generate", {"schema_id": model["schema_id"], "rows": 2000, "seed": 3}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    from generation.services import job_run

    job_run(job_id=resp.json()["id"])
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == "succeeded", job.error
    import pandas as pd

    rows = pd.read_csv(job.artifacts.exclude(table="").first().absolute_path)
    assert abs((rows["Status"] == "bad").mean() - 0.5) < 0.05


def test_auto_keeps_the_candidate_with_the_best_holdout_quality(alice_client: Any) -> None:
    real = real_table("credit_scoring", rows=800, seed=10)
    dataset = upload(alice_client, real)
    fit = fit_now(
        alice_client,
        dataset["id"],
        "auto",
        seed=2,
        options={"candidates": ["spec", "gaussian_copula"], "time_budget_s": 120},
    )
    model = SynthModel.objects.get(id=fit["model_id"])
    scores = model.metrics["auto"]
    best = max(("spec", "gaussian_copula"), key=lambda c: scores[c]["quality"])
    assert model.chosen == scores["chosen"] == best
    job, rows = generate_now(alice_client, fit["model_id"], rows=300, seed=1)
    assert len(rows) == 300


def test_auto_stops_and_skips_candidates_past_its_time_budget_and_keeps_a_model(
    alice_client: Any,
) -> None:
    """10,000 CTGAN epochs would take many minutes here: a 1 s budget stops them after the
    epoch that spends it, skips the candidates after, and still gives a model to sample."""
    import time

    real = real_table("credit_scoring", rows=300, seed=3)
    dataset = upload(alice_client, real)
    started = time.monotonic()
    fit = fit_now(
        alice_client,
        dataset["id"],
        "auto",
        seed=2,
        options={"candidates": ["ctgan", "tvae", "spec"], "time_budget_s": 1, "epochs": 10_000},
    )
    assert time.monotonic() - started < 120
    job = Job.objects.get(id=fit["job"]["id"])
    auto = job.params["auto"]
    assert auto["chosen"] == "ctgan"
    assert 1 <= auto["ctgan"]["epochs_done"] < 10_000
    assert auto["ctgan"]["stopped"].startswith("time budget of 1s spent after ")
    assert "of 10000 epochs" in auto["ctgan"]["stopped"]
    for skipped in ("tvae", "spec"):
        assert auto[skipped] == {"skipped": "time budget of 1s spent before it started"}
    assert auto["refit"].startswith("skipped: the time budget of 1s is spent")
    model = SynthModel.objects.get(id=fit["model_id"])
    assert model.chosen == "ctgan" and model.metrics["auto"] == auto
    _job, rows = generate_now(alice_client, fit["model_id"], rows=100, seed=1)
    assert len(rows) == 100 and list(rows.columns) == list(real.columns)


def test_an_auto_candidate_within_its_budget_runs_every_epoch(alice_client: Any) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=300, seed=3))
    options = {"candidates": ["spec", "ctgan"], "time_budget_s": 600, "epochs": 2}
    fit = fit_now(alice_client, dataset["id"], "auto", seed=2, options=options)
    auto = Job.objects.get(id=fit["job"]["id"]).params["auto"]
    assert auto["ctgan"]["epochs_done"] == 2 and "stopped" not in auto["ctgan"]
    assert "quality" in auto["spec"] and "skipped" not in auto["spec"]
    assert auto["refit"] == "on every row"


@pytest.mark.parametrize("synthesizer", ["tvae", "copulagan"])
def test_the_other_sdv_synthesizers_fit_and_sample(alice_client: Any, synthesizer: str) -> None:
    real = real_table("clinical_rotterdam", rows=300, seed=11)
    dataset = upload(alice_client, real)
    fit = fit_now(
        alice_client, dataset["id"], synthesizer, seed=1, options={"epochs": 2, "batch_size": 100}
    )
    _job, rows = generate_now(alice_client, fit["model_id"], rows=200, seed=1)
    assert len(rows) == 200
    assert list(rows.columns) == list(real.columns)


def test_bad_fit_requests_say_what_is_wrong(alice_client: Any, settings: Any) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=100))
    url = f"/api/datasets/{dataset['id']}/fit"
    cases = [
        ({"synthesizer": "magic"}, "synthesizer:"),
        ({"synthesizer": "ctgan", "options": {"epochs": 0}}, "options.epochs:"),
        ({"synthesizer": "ctgan", "options": {"learning": 1}}, "options.learning:"),
        ({"synthesizer": "auto", "options": {"candidates": ["auto"]}}, "options.candidates:"),
    ]
    for body, path in cases:
        resp = alice_client.post(url, body, format="json")
        assert resp.status_code == 400, resp.json()
        assert resp.json()["error"]["message"].startswith(path), resp.json()
    settings.SYNDATA_SYNTHESIZERS = ["spec"]
    resp = alice_client.post(url, {"synthesizer": "gaussian_copula"}, format="json")
    assert resp.status_code == 400
    assert "spec" in resp.json()["error"]["message"]


def test_the_learned_schema_regenerates_keys_and_identifiers_without_real_values(
    alice_client: Any,
) -> None:
    import pandas as pd
    from faker import Faker

    from generation.services import job_run

    fake = Faker()
    Faker.seed(12)
    real = real_table("clinical_rotterdam", rows=500, seed=12)  # pid: the integer key
    real.insert(2, "email", [fake.unique.email() for _ in range(len(real))])
    real["full_name"] = [fake.name() for _ in range(len(real))]
    real["phone"] = [fake.phone_number() for _ in range(len(real))]
    real["ssn"] = [fake.ssn() for _ in range(len(real))]
    real["account_no"] = [fake.bothify("AC-########") for _ in range(len(real))]
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], "spec", seed=2)
    model = alice_client.get(f"/api/models/{fit['model_id']}").json()
    spec = alice_client.get(f"/api/schemas/{model['schema_id']}").json()["spec"]
    fields = next(iter(spec["tables"].values()))["fields"]
    assert fields["pid"]["type"] == "id" and fields["pid"]["start"] > real["pid"].max()
    assert fields["email"]["type"] == "email" and fields["full_name"]["type"] == "name"
    assert fields["phone"]["type"] == "phone"
    resp = alice_client.post(
        "/api/generate", {"schema_id": model["schema_id"], "rows": 3000, "seed": 4}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    job_run(job_id=resp.json()["id"])
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == "succeeded", job.error
    rows = pd.read_csv(job.artifacts.exclude(table="").first().absolute_path, dtype=str)
    assert list(rows.columns) == list(real.columns)
    assert len(rows) == 3000
    assert rows["pid"].is_unique and not set(rows["pid"]) & set(real["pid"].astype(str))
    for column in ("email", "phone", "ssn", "account_no"):
        assert rows[column].notna().all()
        leaked = set(rows[column]) & set(real[column].astype(str))
        assert not leaked, f"{column} leaked {sorted(leaked)[:3]}"
    assert rows["email"].str.fullmatch(r"[^@]+@example\.(test|invalid)").all()
    assert rows["ssn"].str.fullmatch(r"9\d\d-\d\d-\d{4}").all()
    assert rows["account_no"].str.fullmatch(r"SYN-[A-Z]{2}-\d{8}").all()
    # Names come from the engine's pools: the shape of a real one, first and last.
    assert (rows["full_name"].str.split().str.len() >= 2).all()
    # The fitted model's own blocks are unchanged: they too hold every column, none real.
    _job, sampled = generate_now(alice_client, fit["model_id"], rows=500, seed=5)
    assert list(sampled.columns) == list(real.columns)
    assert not set(sampled["pid"]) & set(real["pid"])
