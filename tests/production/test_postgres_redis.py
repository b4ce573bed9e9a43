"""The whole generate path in production mode: PostgreSQL, the Redis broker, real processes;
and a dropped database connection is recovered by web and workers alike."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PEOPLE_SPEC
from tests.production.conftest import Backends, pg_terminate_backends, production_stack

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
            assert c.get("/healthz").json() == {
                "status": "ok",
                "database": "ok",
                "broker": "ok",
                "storage": "ok",
            }
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
            assert stack.wait_metrics(job["id"])  # metrics follow the data, as their own task
            listed = c.get("/api/jobs").json()
            listed = listed["results"] if isinstance(listed, dict) else listed
            assert [j["id"] for j in listed] == [job["id"]]

            # Fault: PostgreSQL drops every connection (failover, restart, pg_terminate_backend).
            for _ in range(8):  # every web thread now holds a persistent connection
                assert c.get("/api/jobs").status_code == 200
            assert pg_terminate_backends(backends.database_url) >= 2  # web's and workers'
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


def test_throttle_counters_on_redis_are_prefixed_and_cleared_alone(
    services: None, settings: Any
) -> None:
    """Throttle counters live under the deployment's cache prefix (its queue name unless
    SYNDATA_CACHE_PREFIX says otherwise), and clearing them touches no other key."""
    import secrets

    import redis
    from django.core.cache import caches

    from syndata_site.throttling import UserRateThrottle, counters
    from tests.production.conftest import REDIS_URL

    prefix = f"syndata_test_{secrets.token_hex(6)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    client = redis.Redis.from_url(REDIS_URL)
    other = f"{prefix}_other_key"
    client.set(other, b"kept")
    try:
        caches["default"].close()
        throttle = UserRateThrottle()
        key = throttle.cache_format % {"scope": "user", "ident": 42}
        current, _, _ = throttle.window_keys(key, 1_000_000.0)
        counters().hit(current, 60)
        counters().hit(current, 60)
        assert counters().get([current]) == [2]
        assert [k.decode() for k in client.scan_iter(match=f"{prefix}:*")] == [
            caches["default"].make_key(current)
        ]
        counters().clear()
        assert list(client.scan_iter(match=f"{prefix}:*")) == []
        assert client.get(other) == b"kept"
    finally:
        client.delete(other, *client.scan_iter(match=f"{prefix}:*"))
