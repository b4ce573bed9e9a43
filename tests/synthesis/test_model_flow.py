"""Upload -> fit -> sample -> metrics in one process, on real tables from sample_data/."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.synthesis.conftest import fit_now, generate_now, upload


@pytest.mark.parametrize("synthesizer", ["gaussian_copula", "spec"])
def test_it_learns_a_real_table_and_makes_new_rows(
    alice_client: Any, credit: pd.DataFrame, synthesizer: str
) -> None:
    dataset = upload(alice_client, credit, "credit.csv")
    assert dataset["rows"] == 800
    assert dataset["metadata"]["columns"]["Status"]["sdtype"] == "categorical"
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=3)
    job, rows = generate_now(alice_client, fit["model_id"], rows=500, seed=9)
    assert len(rows) == 500
    assert list(rows.columns) == list(credit.columns)
    assert set(rows["Status"].dropna()) <= {"good", "bad"}
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert metrics["kind"] == "model"
    summary = metrics["summary"]
    assert summary["exact_copy_rate"] == 0
    assert summary["quality"] > 0.7
    assert summary["identifier_leaks"] == 0


def test_a_model_job_converts_on_download_while_its_model_exists(
    alice_client: Any, credit: pd.DataFrame
) -> None:
    import io

    import pyarrow.parquet as pq

    from generation.synthesis.models import SynthModel

    dataset = upload(alice_client, credit, "credit.csv")
    fit = fit_now(alice_client, dataset["id"], "spec", seed=3)
    job, rows = generate_now(alice_client, fit["model_id"], rows=300, seed=9)
    resp = alice_client.get(f"/api/download/{job['id']}?format=parquet")
    assert resp.status_code == 200
    converted = pq.read_table(io.BytesIO(b"".join(resp.streaming_content))).to_pandas()
    assert converted.shape == rows.shape
    assert list(converted.columns) == list(rows.columns)
    assert (converted["Amount"].to_numpy() == rows["Amount"].to_numpy()).all()

    SynthModel.objects.filter(id=fit["model_id"]).delete()
    refused = alice_client.get(f"/api/download/{job['id']}?format=json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "cannot_convert"
    assert "model that made this job has been deleted" in refused.json()["error"]["message"]
    assert alice_client.get(f"/api/download/{job['id']}?format=parquet").status_code == 200


def test_the_diagnostic_of_a_gaussian_copula_fit_is_fully_valid(
    alice_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit)
    fit = fit_now(alice_client, dataset["id"], "gaussian_copula", seed=3)
    job, _rows = generate_now(alice_client, fit["model_id"], rows=800, seed=4)
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    diagnostic = next(iter(metrics["tables"].values()))["diagnostic"]
    # SDV keeps every value in the real range and category set, and every column: validity
    # and structure are both 1.0, so is their mean.
    assert diagnostic["properties"] == {
        "Data Validity": pytest.approx(1.0),
        "Data Structure": pytest.approx(1.0),
    }
    assert diagnostic["score"] == pytest.approx(1.0)
    assert metrics["summary"]["diagnostic"] == diagnostic["score"]


@pytest.mark.parametrize("synthesizer", ["gaussian_copula", "spec"])
def test_a_model_job_over_several_blocks_is_deterministic_per_block_and_keeps_conditions(
    alice_client: Any, settings: Any, monkeypatch: Any, synthesizer: str
) -> None:
    from generation import services
    from generation.models import Job
    from generation.synthesis.model_producer import ModelProducer
    from tests.generation.tasks_queue import RecordingQueue
    from tests.synthesis.conftest import real_table

    real = real_table("clinical_rotterdam", rows=800, seed=13)
    dataset = upload(alice_client, real)
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=5)
    settings.SYNDATA_BLOCK_SIZE = 250
    queue = RecordingQueue()
    monkeypatch.setattr("generation.services.async_task", queue)
    conditions = [{"column": "recur", "value": "1", "fraction": 0.8}]
    body = {"model_id": fit["model_id"], "rows": 1000, "seed": 6, "conditions": conditions}
    ids = []
    for _ in range(2):
        resp = alice_client.post("/api/generate", {**body, "format": "csv"}, format="json")
        assert resp.status_code == 202, resp.json()
        ids.append(resp.json()["id"])
    split_id, ref_id = ids
    queue.tasks.clear()
    services.job_run(job_id=split_id)  # what the run_job task does: one task per block
    assert queue.names() == ["run_block"] * 4
    queue.drain(seed=3)  # the blocks in a shuffled order, then the join
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    assert split.blocks_done == split.blocks_total == 4
    reference = Job.objects.get(id=ref_id)
    services.job_run_sequential(job=reference)  # one task writing block after block
    reference.refresh_from_db()
    assert reference.status == "succeeded", reference.error
    split_file = split.artifacts.exclude(table="").get()
    ref_file = reference.artifacts.exclude(table="").get()
    assert split_file.sha256 == ref_file.sha256
    rows = pd.read_csv(split_file.absolute_path)
    assert len(rows) == 1000
    # The condition holds in every block, not only over the file.
    for i in range(4):
        block = rows.iloc[i * 250 : (i + 1) * 250]
        assert (block["recur"] == 1).mean() == pytest.approx(0.8, abs=0.004)
    # Keys run on across blocks; none is a real one.
    assert rows["pid"].is_unique and not set(rows["pid"]) & set(real["pid"])
    # A block made alone is the same rows as in the file.
    producer = ModelProducer(split, block_size=250)
    table = next(iter(producer.plans()))
    alone = producer.make_block(table, 2).to_pandas()
    expected = rows.iloc[500:750].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.astype(str), expected.astype(str))
    summary = alice_client.get(f"/api/metrics/{split_id}").json()
    achieved = next(iter(summary["tables"].values()))["conditions"][0]["achieved"]
    assert achieved == pytest.approx(0.8, abs=0.004)
