"""The Python SDK drives whole jobs against a real server and real workers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import PEOPLE_SPEC, SAMPLE_DATA
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.e2e


def test_a_schema_job_from_generate_to_dataframe(live_stack: LiveStack, tmp_path: Path) -> None:
    from syndata_client import ApiError, Client

    client = Client(live_stack.url, live_stack.tokens["alice"])
    assert client.validate(PEOPLE_SPEC)["valid"] is True
    saved = client.save_schema("people", PEOPLE_SPEC)

    job = client.generate(schema_id=saved["id"], rows=3000, seed=7).wait(timeout=120)
    assert job.status == "succeeded" and job.progress == 1.0
    frame = job.to_pandas()
    assert len(frame) == 3000 and list(frame.columns) == list(
        PEOPLE_SPEC["tables"]["people"]["fields"]
    )
    assert [r["id"] for r in job.preview(limit=3)["rows"]] == [1, 2, 3]
    # wait() returned at the data; the metrics follow on their own.
    assert job.metrics_status in ("pending", "running", "ready")
    document = job.wait_metrics(timeout=120)
    assert document["tables"]["people"]["diversity"]["uniqueness_rate"] == 1.0
    assert job.refresh().metrics_status == "ready"
    path = job.download(tmp_path / "people.csv")
    assert pd.read_csv(path).equals(pd.read_csv(job.download(tmp_path / "again.csv")))
    assert len(pd.read_csv(path)) == 3000

    with pytest.raises(ApiError) as info:
        client.generate(schema={"tables": {}})
    assert info.value.status == 400 and info.value.message.startswith("schema.tables")


def test_a_template_job_when_the_catalog_has_it(live_stack: LiveStack) -> None:
    from syndata_client import Client

    client = Client(live_stack.url, live_stack.tokens["alice"])
    if "finance_transactions" not in {t["name"] for t in client.templates()}:
        pytest.skip("the templates catalog has no finance_transactions yet")
    job = client.generate(template="finance_transactions", rows=2000, seed=7).wait(timeout=180)
    tables = job.data["tables"]
    largest = max(tables, key=lambda name: tables[name]["rows"])
    assert len(job.to_pandas()) == tables[largest]["rows"]


def test_upload_fit_and_sample(live_stack: LiveStack, tmp_path: Path) -> None:
    from syndata_client import Client

    client = Client(live_stack.url, live_stack.tokens["alice"])
    real = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(500)
    source = tmp_path / "credit.csv"
    real.to_csv(source, index=False)
    dataset = client.upload(source)
    assert dataset["rows"] == 500

    fit = client.fit(dataset["id"], "gaussian_copula", seed=3).wait(timeout=300)
    model_id = fit.model_id
    job = client.sample(model_id, rows=400, seed=5).wait(timeout=300, metrics=True)
    assert job.refresh().metrics_status == "ready"  # wait(metrics=True) waited for both
    synthetic = job.to_pandas()
    assert len(synthetic) == 400
    assert set(synthetic.columns) <= set(real.columns)
    assert "utility" in str(job.metrics())
