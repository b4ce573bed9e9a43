"""Bring your own synthetic data, the privacy gate and the attacker's columns, through the
API: a leaky upload is flagged by every attack and by the gate; `spec` output is not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from evaluation.sample import evaluation_holdout_index
from generation.models import Job
from tests.conftest import run_metrics
from tests.synthesis.conftest import csv_upload, fit_now, generate_now, real_table, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _leaky(frame: pd.DataFrame, dataset: dict[str, Any], seed: int = 0) -> pd.DataFrame:
    """What a memorising tool returns: its training rows (the dataset less the evaluation's
    holdout), numbers jittered by a hair."""
    rng = np.random.default_rng(seed)
    train = frame.drop(index=evaluation_holdout_index(len(frame), seed)).copy()
    for name, entry in dataset["metadata"]["columns"].items():
        if entry["sdtype"] == "numerical":
            std = float(train[name].std()) or 1.0
            train[name] = train[name] + rng.normal(0, 1e-4 * std, len(train))
    return train.sample(frac=1.0, random_state=seed)


def _evaluate(client: Any, dataset_id: str, frame: pd.DataFrame) -> Any:
    return client.post(
        f"/api/datasets/{dataset_id}/evaluate",
        {"file": csv_upload(frame, "synthetic.csv")},
        format="multipart",
    )


@pytest.fixture
def credit() -> pd.DataFrame:
    return real_table("credit_scoring", rows=800)


def test_a_leaky_upload_is_flagged_by_every_attack_and_the_gate(
    alice_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit, "credit.csv")
    resp = _evaluate(alice_client, dataset["id"], _leaky(credit, dataset))
    assert resp.status_code == 202, resp.json()
    job = resp.json()
    assert job["kind"] == "evaluation" and job["privacy"]["passed"] is None
    listed = alice_client.get("/api/jobs").json()
    assert job["id"] in [j["id"] for j in listed]
    assert alice_client.get(f"/api/metrics/{job['id']}").status_code == 202  # pending
    run_metrics(job["id"])
    document = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert document["kind"] == "evaluation" and "seeded 10%" in document["sample"]["holdout"]
    privacy = document["privacy"]
    assert privacy["verdict"] == "high"
    assert {a["level"] for a in privacy["attacks"].values()} == {"high"}
    gate = alice_client.get(f"/api/jobs/{job['id']}").json()["privacy"]
    assert gate["passed"] is False and gate["mode"] == "warn" and "training" in gate["reason"]
    refused = alice_client.get(f"/api/download/{job['id']}")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "privacy_risk"
    assert "acknowledge_privacy_risk" in refused.json()["error"]["message"]
    ok = alice_client.get(f"/api/download/{job['id']}?acknowledge_privacy_risk=1")
    assert ok.status_code == 200
    page = alice_client.get(f"/api/metrics/{job['id']}?format=html").content.decode()
    assert "Privacy risk: high" in page


def test_under_block_a_pending_verdict_waits_and_a_high_one_is_refused(
    alice_client: Any, credit: pd.DataFrame, settings: Any
) -> None:
    settings.SYNDATA_PRIVACY_GATE = "block"
    dataset = upload(alice_client, credit, "credit.csv")
    job = _evaluate(alice_client, dataset["id"], _leaky(credit, dataset)).json()
    pending = alice_client.get(f"/api/download/{job['id']}")
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "privacy_pending"
    assert int(pending["Retry-After"]) > 0
    run_metrics(job["id"])
    blocked = alice_client.get(f"/api/download/{job['id']}?acknowledge_privacy_risk=1")
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "privacy_blocked"
    settings.SYNDATA_PRIVACY_GATE = "warn"  # warn serves a pending verdict's data
    fresh = _evaluate(alice_client, dataset["id"], _leaky(credit, dataset)).json()
    assert alice_client.get(f"/api/download/{fresh['id']}").status_code == 200


def test_an_upload_with_other_columns_is_a_400_naming_them(
    alice_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit, "credit.csv")
    wrong = credit.drop(columns=["Income"]).rename(columns={"Debt": "debt_eur"})
    resp = _evaluate(alice_client, dataset["id"], wrong)
    assert resp.status_code == 400
    message = resp.json()["error"]["message"]
    assert "Income" in message and "Debt" in message and "debt_eur" in message
    assert not Job.objects.filter(kind="evaluation").exists()
    missing = alice_client.post(f"/api/datasets/{dataset['id']}/evaluate", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["error"]["message"]


def test_spec_output_passes_the_gate_and_the_attacker_columns_are_the_users(
    alice_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit, "credit.csv")
    bad = alice_client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"quasi_identifiers": ["Age", "Shoe size"]}},
        format="json",
    )
    assert bad.status_code == 400 and "Shoe size" in bad.json()["error"]["message"]
    assert "quasi_identifiers" in bad.json()["error"]["message"]
    both = alice_client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"quasi_identifiers": ["Age"], "sensitive": ["Age"]}},
        format="json",
    )
    assert both.status_code == 400 and "sensitive" in both.json()["error"]["message"]
    ok = alice_client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"quasi_identifiers": ["Age", "Marital", "Job"], "sensitive": ["Income"]}},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    fit = fit_now(alice_client, dataset["id"], "spec", seed=1)
    job, _ = generate_now(alice_client, fit["model_id"], rows=800, seed=2, privacy_gate="block")
    assert job["privacy"]["mode"] == "block"  # the request's gate, over the deployment's
    document = alice_client.get(f"/api/metrics/{job['id']}").json()
    attribute = document["privacy"]["attacks"]["attribute_inference"]
    assert attribute["quasi_identifiers"] == ["Age", "Marital", "Job"]
    assert attribute["sensitive"] == ["Income"]
    assert document["privacy"]["verdict"] != "high"
    assert job["privacy"]["passed"] is True
    assert alice_client.get(f"/api/download/{job['id']}").status_code == 200


def test_privacy_gate_is_a_model_job_option(alice_client: Any, people_spec: Any) -> None:
    resp = alice_client.post(
        "/api/generate", {"schema": people_spec, "privacy_gate": "block"}, format="json"
    )
    assert resp.status_code == 400 and "privacy_gate" in resp.json()["error"]["message"]
    resp = alice_client.post(
        "/api/generate",
        {"model_id": "00000000-0000-0000-0000-000000000000", "privacy_gate": "strict"},
        format="json",
    )
    assert resp.status_code == 400 and "privacy_gate" in resp.json()["error"]["message"]


def test_a_parquet_upload_is_evaluated_and_a_non_table_is_a_400(
    alice_client: Any, credit: pd.DataFrame, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    dataset = upload(alice_client, credit, "credit.csv")
    path = tmp_path / "synthetic.parquet"
    credit.sample(frac=1.0, random_state=3).to_parquet(path)
    parquet = SimpleUploadedFile("synthetic.parquet", path.read_bytes())
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/evaluate", {"file": parquet}, format="multipart"
    )
    assert resp.status_code == 202, resp.json()
    assert resp.json()["format"] == "parquet"
    run_metrics(resp.json()["id"])
    document = alice_client.get(f"/api/metrics/{resp.json()['id']}").json()
    # the real rows themselves, holdout included: members and non-members look alike
    assert document["summary"]["exact_copy_rate"] > 0.8
    assert document["privacy"]["attacks"]["membership_inference"]["advantage"] < 0.3
    binary = SimpleUploadedFile("synthetic.csv", b"\x00\x01\x02 not a table")
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/evaluate", {"file": binary}, format="multipart"
    )
    assert resp.status_code == 400 and resp.json()["error"]["message"].startswith("file:")


def test_evaluating_sequences_holds_out_whole_entities(alice_client: Any) -> None:
    """On a sequence dataset the evaluation's control is whole sequences, as a fit's: no
    entity has rows both in the part the tool may have learned and in the holdout."""
    from tests.synthesis.test_sequence_spec import known_table

    parts = [known_table(entities=1, days=20 + e, seed=e).assign(site=f"S{e}") for e in range(30)]
    frame = pd.concat(parts, ignore_index=True)
    dataset = upload(alice_client, frame, "known.csv")
    assert dataset["metadata"]["sequence_key"] == "site"
    index = evaluation_holdout_index(len(frame), 0, frame=frame, key="site")
    held = set(frame.loc[index, "site"])
    kept = set(frame.drop(index=index)["site"])
    assert len(held) == 3 and not held & kept  # whole entities only
    assert len(index) == frame["site"].isin(held).sum()
    rowwise = evaluation_holdout_index(len(frame), 0)
    assert set(frame.loc[rowwise, "site"]) & set(frame.drop(index=rowwise)["site"])  # the old
    synthetic = frame.sample(frac=1.0, random_state=1)
    resp = _evaluate(alice_client, dataset["id"], synthetic)
    assert resp.status_code == 202, resp.json()
    run_metrics(resp.json()["id"])
    document = alice_client.get(f"/api/metrics/{resp.json()['id']}").json()
    (table,) = document["tables"].values()
    assert table["holdout_sequences"] == 3 and table["holdout_rows"] == len(index)
    assert table["real_rows"] == len(frame) - len(index)
    assert "sequences of 'site' (whole)" in document["sample"]["holdout"]
