"""A dataset's fits, models and sample jobs, found from the dataset (``?dataset=``), and the
dataset and model found from each job (its params): the dashboard links them both ways."""

from __future__ import annotations

from typing import Any

from tests.synthesis.conftest import fit_now, generate_now, real_table, upload


def test_a_dataset_lists_its_fits_models_and_samples_and_each_names_it(
    alice_client: Any, bob_client: Any
) -> None:
    table = real_table("credit_scoring", rows=200)
    mine = upload(alice_client, table, "credit.csv")
    other = upload(alice_client, table, "other.csv")
    fit = fit_now(alice_client, mine["id"], "spec", seed=1)
    sample, _ = generate_now(alice_client, fit["model_id"], rows=50, seed=2)
    other_fit = fit_now(alice_client, other["id"], "spec", seed=1)

    jobs = alice_client.get(f"/api/jobs?dataset={mine['id']}").json()
    assert {j["id"] for j in jobs} == {fit["job"]["id"], sample["id"]}
    assert {j["kind"] for j in jobs} == {"fit", "model"}
    models = alice_client.get(f"/api/models?dataset={mine['id']}").json()
    assert [m["id"] for m in models] == [fit["model_id"]]
    assert models[0]["fit_job_id"] == fit["job"]["id"]
    assert other_fit["model_id"] != fit["model_id"]

    # the other way: each job names its dataset, the sample its model, the model its fit
    fit_job = alice_client.get(f"/api/jobs/{fit['job']['id']}").json()
    assert fit_job["params"]["dataset_id"] == mine["id"]
    assert fit_job["params"]["dataset_name"] == mine["name"]
    assert fit_job["params"]["model_id"] == fit["model_id"]
    assert sample["params"]["dataset_id"] == mine["id"]
    assert sample["params"]["model_id"] == fit["model_id"]

    # another user's dataset id finds nothing of alice's
    assert bob_client.get(f"/api/jobs?dataset={mine['id']}").json() == []
    assert bob_client.get(f"/api/models?dataset={mine['id']}").json() == []


def test_a_dataset_filter_that_is_no_id_is_a_400_naming_it(alice_client: Any) -> None:
    for path in ("/api/jobs", "/api/models"):
        resp = alice_client.get(f"{path}?dataset=planes")
        assert resp.status_code == 400, (path, resp.status_code)
        assert resp.json()["error"]["message"].startswith("dataset:")
