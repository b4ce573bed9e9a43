"""The two lanes on Redis and PostgreSQL: a fit runs on the heavy cluster's queue, a schema
job on the default one, each cluster serving only its own (real gunicorn + both qclusters)."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from tests.conftest import PEOPLE_SPEC
from tests.production.conftest import Backends, production_stack

pytestmark = pytest.mark.e2e


def test_a_fit_runs_on_the_heavy_queue_and_a_job_on_the_default_one(
    tmp_path: Path, backends: Backends
) -> None:
    table = b"age,income,segment\n" + b"".join(
        f"{20 + i % 50},{1000 + 37 * i},{'abc'[i % 3]}\n".encode() for i in range(200)
    )
    with production_stack(tmp_path, backends) as stack, stack.client("alice") as c:
        dataset_id = c.post("/api/datasets", files={"file": ("p.csv", table, "text/csv")}).json()[
            "id"
        ]
        fit = c.post(f"/api/datasets/{dataset_id}/fit", json={"synthesizer": "spec", "seed": 1})
        assert fit.status_code == 202, fit.text
        job = c.post("/api/generate", json={"schema": PEOPLE_SPEC, "rows": 3000, "seed": 2})
        assert job.status_code == 202, job.text
        assert stack.wait_job(job.json()["id"])["status"] == "succeeded"
        done = stack.wait_job(fit.json()["id"])
        assert done["status"] == "succeeded", done["error"]
        assert done["phase"] == "done"
    heavy = (tmp_path / "qcluster-heavy.log").read_text()
    default = (tmp_path / "qcluster.log").read_text()
    assert "generation.tasks.run_fit" in heavy and "generation.tasks.run_fit" not in default
    assert "generation.tasks.run_job" in default and "generation.tasks.run_job" not in heavy
    # Nothing is left in either queue.
    conn = redis.Redis.from_url(backends.redis_url)
    assert conn.llen(backends.q_name) == 0 and conn.llen(f"{backends.q_name}-heavy") == 0
