"""Upload -> fit -> sample -> metrics in one process, on real tables from ../shared/data."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.synthesis.conftest import fit_now, generate_now, needs_learned_specs, upload


@pytest.mark.parametrize(
    "synthesizer", ["gaussian_copula", pytest.param("spec", marks=needs_learned_specs)]
)
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


@needs_learned_specs
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
