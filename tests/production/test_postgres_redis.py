"""The whole generate path in production mode: PostgreSQL, the Redis broker, real processes;
and a dropped database connection is recovered by web and workers alike."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PEOPLE_SPEC
from tests.production.conftest import Backends, production_stack

pytestmark = pytest.mark.e2e


def test_a_job_runs_end_to_end_on_postgres_and_redis_and_survives_dropped_connections(
    tmp_path: Path, backends: Backends
) -> None:
    with production_stack(tmp_path, backends) as stack:
        # The processes really are on PostgreSQL and Redis, not the embedded defaults.
        probe = (
            stack.manage(
                "shell",
                "--no-imports",
                "-c",
                "from django.db import connection; from django_q.brokers import get_broker;"
                "print(connection.vendor, connection.settings_dict['NAME'], type(get_broker()).__name__)",
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
        assert probe == ["postgresql", backends.database_url.rsplit("/", 1)[1], "Redis"]

        with stack.client("alice") as c:
            assert c.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
            resp = c.post(
                "/api/generate",
                json={"schema": PEOPLE_SPEC, "rows": 3000, "format": "csv", "seed": 11},
            )
            assert resp.status_code == 202, resp.text
            job = stack.wait_job(resp.json()["id"])
            assert job["status"] == "succeeded", job["error"]
            assert job["rows_done"] == job["rows_total"] == 3000

            download = c.get(f"/api/download/{job['id']}")
            assert download.status_code == 200
            rows = list(csv.DictReader(io.StringIO(download.text)))
            assert len(rows) == 3000
            assert hashlib.sha256(download.content).hexdigest() == job["artifacts"][0]["sha256"]
            assert (tmp_path / "media" / "jobs" / job["id"]).is_dir()  # the shared MEDIA_ROOT

            assert c.get(f"/api/preview/{job['id']}", params={"limit": 2}).status_code == 200
            assert c.get(f"/api/metrics/{job['id']}").status_code == 200
            listed = c.get("/api/jobs").json()
            listed = listed["results"] if isinstance(listed, dict) else listed
            assert [j["id"] for j in listed] == [job["id"]]

            # Fault: PostgreSQL drops every connection (failover, restart, pg_terminate_backend).
            for _ in range(8):  # every web thread now holds a persistent connection
                assert c.get("/api/jobs").status_code == 200
            assert _terminate_backends(backends.database_url) >= 2  # web's and workers'
            # The next requests find the dead connections, reconnect and answer
            # (CONN_HEALTH_CHECKS)...
            for _ in range(8):
                resp = c.get(f"/api/jobs/{job['id']}")
                assert resp.status_code == 200, resp.text
            # ...and so do the workers: the same request again gives the same bytes.
            again = stack.wait_job(
                c.post(
                    "/api/generate",
                    json={"schema": PEOPLE_SPEC, "rows": 3000, "format": "csv", "seed": 11},
                ).json()["id"]
            )
            assert again["status"] == "succeeded", again["error"]
            assert again["artifacts"][0]["sha256"] == job["artifacts"][0]["sha256"]


def _terminate_backends(database_url: str) -> int:
    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/test"
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)
