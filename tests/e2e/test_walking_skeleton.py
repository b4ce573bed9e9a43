"""Through every layer with real processes: HTTP -> gunicorn -> job row -> qcluster -> file."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from tests.conftest import PEOPLE_SPEC
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.e2e


def test_token_to_downloaded_file_and_metrics(live_stack: LiveStack) -> None:
    with live_stack.client("alice") as c:
        resp = c.post(
            "/api/generate", json={"schema": PEOPLE_SPEC, "rows": 5000, "format": "csv", "seed": 7}
        )
        assert resp.status_code == 202, resp.text
        job = live_stack.wait_job(resp.json()["id"])
        assert job["status"] == "succeeded", job["error"]
        assert job["rows_done"] == job["rows_total"] == 5000

        preview = c.get(f"/api/preview/{job['id']}", params={"limit": 3}).json()
        assert len(preview["rows"]) == 3

        download = c.get(f"/api/download/{job['id']}")
        assert download.status_code == 200
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert len(rows) == 5000
        assert rows[0]["id"] == "1"
        assert hashlib.sha256(download.content).hexdigest() == job["artifacts"][0]["sha256"]

        metrics = c.get(f"/api/metrics/{job['id']}").json()
        assert metrics["tables"]["people"]["columns"]["income"]["ks"] < 0.05

        # The same schema, rows and seed give the same bytes from another job.
        again = live_stack.wait_job(
            c.post(
                "/api/generate",
                json={"schema": PEOPLE_SPEC, "rows": 5000, "format": "csv", "seed": 7},
            ).json()["id"]
        )
        assert again["artifacts"][0]["sha256"] == job["artifacts"][0]["sha256"]

    with live_stack.client("bob") as bob:
        assert bob.get(f"/api/jobs/{job['id']}").status_code == 404
        assert bob.get(f"/api/download/{job['id']}").status_code == 404
    with live_stack.client(None) as anon:
        assert anon.get(f"/api/jobs/{job['id']}").status_code == 401


def test_the_dashboard_and_docs_are_served(live_stack: LiveStack) -> None:
    with live_stack.client(None) as c:
        index = c.get("/")
        assert index.status_code == 200 and '<div id="app">' in index.text
        docs = c.get("/api/docs/")
        assert docs.status_code == 200
        asset = c.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
        assert asset.status_code == 200
