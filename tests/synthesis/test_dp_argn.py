"""Differentially private argn fits (the engine's DP-SGD): the epsilon the engine reports stays
within the asked budget, is on the model and on every dataset sampled from it, related tables
share one budget, and bad requests are 400s. Small tables, the small model, one epoch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generation.models import Job, SynthModel
from tests.evaluation.test_document_schema import _validate as validate_document
from tests.synthesis.conftest import fit_now, generate_now, real_table, upload
from tests.synthesis.test_argn import _planes_flights, _sequence_dataset, _upload_tables

pytestmark = [
    pytest.mark.skipif(
        not __import__("generation.synthesis.argn_backend").synthesis.argn_backend.available(),
        reason="mostlyai-engine is not installed",
    ),
    pytest.mark.slow,  # deep-model fits, seconds to tens of seconds each
]

FAST = {"epochs": 1, "model_size": "S"}


@pytest.mark.django_db(transaction=True)
def test_a_dp_argn_fit_spends_at_most_the_asked_epsilon_and_says_so(alice_client: Any) -> None:
    real = real_table("credit_scoring", rows=400, seed=3)
    dataset = upload(alice_client, real, "credit.csv")
    url = f"/api/datasets/{dataset['id']}/fit"
    for body, text in (
        (
            {"synthesizer": "argn", "options": FAST, "differential_privacy": {"epsilon": 0}},
            "epsilon",
        ),
        ({"synthesizer": "argn", "differential_privacy": {"epsilon": -2}}, "above 0"),
        (
            {"synthesizer": "gaussian_copula", "differential_privacy": {"epsilon": 3}},
            "no differentially private fit",
        ),
    ):
        resp = alice_client.post(url, body, format="json")
        assert resp.status_code == 400, resp.json()
        assert text in resp.json()["error"]["message"], resp.json()
    fit = fit_now(
        alice_client,
        dataset["id"],
        "argn",
        seed=1,
        options=FAST,
        differential_privacy={"epsilon": 3, "delta": 1e-6},
    )
    dp = alice_client.get(f"/api/models/{fit['model_id']}").json()["differential_privacy"]
    assert dp["epsilon"] == 3 and dp["delta"] == 1e-6
    # the engine's own accountant, at the last epoch it could keep: within the budget, and
    # most of it spent (the noise is set so that the asked epochs use it)
    assert 2.5 <= dp["epsilon_spent"] <= 3.0
    weights = next(r for r in dp["releases"] if "DP-SGD" in r["what"])
    value = next(r for r in dp["releases"] if "value" in r["what"])
    assert weights["epsilon"] + value["epsilon"] == pytest.approx(dp["epsilon_spent"])
    assert value["epsilon"] == pytest.approx(0.3)
    assert "noise multiplier" in dp["mechanism"] and "validat" in dp["not_covered"]
    # value protection: a condition's error names no category the fit did not release
    model = SynthModel.objects.get(id=fit["model_id"])
    resp = alice_client.post(
        "/api/generate",
        {"model_id": fit["model_id"], "conditions": [{"column": "Home", "value": "zz"}]},
        format="json",
    )
    assert resp.status_code == 400
    assert model.metrics["differential_privacy"]["epsilon_spent"] == dp["epsilon_spent"]
    job, rows = generate_now(alice_client, fit["model_id"], rows=200, seed=2)
    assert job["params"]["differential_privacy"]["epsilon_spent"] == dp["epsilon_spent"]
    assert len(rows) == 200 and list(rows.columns) == list(real.columns)
    # the dataset's metrics document and its HTML report say it too
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert metrics["differential_privacy"]["epsilon_spent"] == dp["epsilon_spent"]
    page = alice_client.get(f"/api/metrics/{job['id']}?format=html").content.decode()
    assert f"epsilon spent {dp['epsilon_spent']:.4g} of 3" in page
    validate_document(alice_client, metrics)


def test_a_smaller_epsilon_or_more_epochs_train_with_more_noise(tmp_path: Path) -> None:
    from generation.synthesis.argn_backend import dp_plan

    stats = tmp_path / "ModelStore" / "tgt-stats"
    stats.mkdir(parents=True)
    # the engine's analysis of 900 training records, with 0.1 of epsilon spent on values
    stats.joinpath("stats.json").write_text(
        json.dumps({"no_of_training_records": 900, "value_protection_epsilon_spent": 0.1})
    )
    plans = {
        (eps, epochs): dp_plan(tmp_path, {"epsilon": eps, "delta": 1e-6}, epochs, None)
        for eps, epochs in ((1, 1), (10, 1), (10, 5))
    }
    assert plans[1, 1]["noise_multiplier"] > 2 * plans[10, 1]["noise_multiplier"]
    assert plans[10, 5]["noise_multiplier"] > plans[10, 1]["noise_multiplier"]
    plan = plans[10, 5]
    assert plan["value_protection_epsilon"] == pytest.approx(0.1)
    assert plan["batch_size"] == 120 and plan["steps"] == 5 * (900 // 120)
    assert plan["sample_rate"] == pytest.approx(1 / 8)


@pytest.mark.django_db(transaction=True)
def test_related_tables_share_one_dp_budget(alice_client: Any) -> None:
    planes, flights = _planes_flights()
    dataset = _upload_tables(alice_client, planes, flights)
    fit = fit_now(
        alice_client,
        dataset["id"],
        "argn",
        seed=4,
        options=FAST,
        differential_privacy={"epsilon": 4, "delta": 1e-6},
    )
    assert Job.objects.get(id=fit["job"]["id"]).status == "succeeded"
    dp = alice_client.get(f"/api/models/{fit['model_id']}").json()["differential_privacy"]
    assert dp["epsilon"] == 4 and dp["epsilon_spent"] <= 4
    per_table = [r for r in dp["releases"] if "DP-SGD" in r["what"]]
    assert sorted(r["what"].split(":")[0] for r in per_table) == ["flights", "planes"]
    assert sum(r["epsilon"] for r in dp["releases"]) == pytest.approx(dp["epsilon_spent"])
    # each table's fit within its half of the budget
    for table in ("planes", "flights"):
        share = sum(r["epsilon"] for r in dp["releases"] if r["what"].startswith(table))
        assert share <= 2.0 + 1e-9
    assert dp["delta_spent"] <= 1e-6 + 1e-18


@pytest.mark.django_db(transaction=True)
def test_a_dp_argn_fit_of_too_few_sequences_fails_rather_than_flattening_them(
    alice_client: Any,
) -> None:
    """33 sequences are enough for a plain argn fit, not for the engine's DP release of their
    lengths (DP quantiles need hundreds at this epsilon): it would learn one row per sequence
    (what this test once passed with). The fit fails and says why."""
    from generation.models import Job
    from generation.synthesis.fits import fit_run

    _frame, dataset = _sequence_dataset(alice_client)
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit",
        {
            "synthesizer": "argn",
            "seed": 2,
            "options": FAST,
            "differential_privacy": {"epsilon": 5, "delta": 1e-6},
        },
        format="json",
    )
    assert resp.status_code == 202, resp.json()
    fit_run(job_id=resp.json()["id"])
    done = Job.objects.get(id=resp.json()["id"])
    assert done.status == "failed"
    assert "could not release the sequence lengths" in done.error
    assert "one row per sequence" in done.error
