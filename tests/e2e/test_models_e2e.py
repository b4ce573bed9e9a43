"""Upload -> fit -> sample -> metrics through the real API, gunicorn and a django-q2 cluster."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.conftest import SAMPLE_DATA
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.e2e


def test_a_real_table_goes_from_upload_to_metrics(live_stack: LiveStack) -> None:
    real = pd.read_csv(SAMPLE_DATA / "clinical_rotterdam.csv").sample(600, random_state=0)
    with live_stack.client() as c:
        resp = c.post(
            "/api/datasets",
            files={"file": ("rotterdam.csv", real.to_csv(index=False).encode(), "text/csv")},
        )
        assert resp.status_code == 201, resp.text
        dataset = resp.json()
        resp = c.post(
            f"/api/datasets/{dataset['id']}/fit",
            json={"synthesizer": "tvae", "options": {"epochs": 3, "batch_size": 100}, "seed": 5},
        )
        assert resp.status_code == 202, resp.text
        fit = live_stack.wait_job(resp.json()["id"])
        assert fit["status"] == "succeeded", fit["error"]
        assert fit["kind"] == "fit"
        assert fit["rows_done"] == fit["rows_total"] == 3  # epochs
        model_id = fit["params"]["model_id"]
        assert c.get(f"/api/models/{model_id}").json()["status"] == "succeeded"
        resp = c.post(
            "/api/generate",
            json={
                "model_id": model_id,
                "rows": 2000,
                "format": "csv",
                "seed": 1,
                "conditions": [{"column": "recur", "value": 1, "fraction": 0.7}],
            },
        )
        assert resp.status_code == 202, resp.text
        job = live_stack.wait_job(resp.json()["id"])
        assert job["status"] == "succeeded", job["error"]
        rows = pd.read_csv(io.BytesIO(c.get(f"/api/download/{job['id']}").content))
        assert len(rows) == 2000
        assert list(rows.columns) == list(real.columns)
        assert abs(rows["recur"].mean() - 0.7) <= 0.01
        # keys regenerated as a sequence that starts past the largest real key
        top = int(real["pid"].max())
        assert sorted(rows["pid"]) == list(range(top + 1, top + 2001))
        assert not set(rows["pid"]) & set(real["pid"])
        metrics = live_stack.wait_metrics(job["id"], timeout=60)
        assert metrics["kind"] == "model"
        assert metrics["summary"]["exact_copy_rate"] == 0
        assert 0 < metrics["summary"]["quality"] <= 1
        assert metrics["summary"]["dcr_ratio"] is not None
        html = c.get(f"/api/metrics/{job['id']}?format=html")
        assert html.status_code == 200
        assert "<svg" in html.text
        assert c.delete(f"/api/datasets/{dataset['id']}").status_code == 204
