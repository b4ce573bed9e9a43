"""The cast: alice owns things, bob is another user, charlie has no token (anonymous)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DATA = REPO / "sample_data"  # real public tables; provenance and licences in its README

PEOPLE_SPEC: dict[str, Any] = {
    "tables": {
        "people": {
            "rows": 1000,
            "fields": {
                "id": {"type": "id"},
                "age": {
                    "type": "int",
                    "dist": {"kind": "normal", "mean": 40, "sd": 12},
                    "min": 18,
                    "max": 90,
                },
                "income": {
                    "type": "float",
                    "dist": {"kind": "lognormal", "mu": 10.5, "sigma": 0.6},
                    "nulls": 0.05,
                },
                "score": {"type": "float", "dist": {"kind": "uniform", "low": 0, "high": 100}},
                "segment": {
                    "type": "category",
                    "values": {"retail": 0.6, "premium": 0.3, "private": 0.1},
                },
            },
            "correlations": [{"fields": ["age", "income"], "rank": 0.4}],
        }
    }
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """An end-to-end test (real server and worker processes: tests/e2e, tests/production, or
    marked e2e) is slow as well: `make test-fast` (``-m "not slow"``) leaves both out."""
    for item in items:
        if item.nodeid.rsplit("::", 1)[-1] != item.name and item.parent is not None:
            # schemathesis names each operation's test but gives them all one node id; pytest-
            # xdist hands tests out by node id, so it would run one operation of them all
            item._id = item.parent.id.child(item.name)
        path = item.nodeid.split("::")[0]
        if path.startswith(("tests/e2e/", "tests/production/")) or item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)


def submit(
    client: APIClient,
    spec: dict[str, Any] | None = None,
    *,
    rows: int | None = 1050,
    document: bool = False,
    **body: Any,
) -> Any:
    """POST /api/generate as a user would (a schema job; ``model_id=...`` for a model job) and
    assert it was accepted: the job's id, or (``document``) its whole document. ``body``
    overrides the defaults (csv, seed 7); a None value leaves that key out of the request."""
    request = {"schema": spec, "rows": rows, "format": "csv", "seed": 7, **body}
    request = {k: v for k, v in request.items() if v is not None}
    resp = client.post("/api/generate", request, format="json")
    assert resp.status_code == 202, resp.content
    return resp.json() if document else str(resp.json()["id"])


def run_job(job_id: Any, *, metrics: bool = False) -> Any:
    """What a worker does with a submitted job, in this process (the e2e tests use a real
    cluster): every block and the join, then (``metrics``) the metrics task; the job after."""
    from generation.models import Job
    from generation.services import job_run

    job_run(job_id=str(job_id))
    if metrics:
        run_metrics(job_id)
    return Job.objects.get(id=job_id)


def run_metrics(job_id: Any) -> None:
    """What a worker does once a job succeeded: the metrics task its completion enqueued
    (in-process tests run the data's task directly, so nothing else runs it)."""
    from generation.tasks import compute_metrics

    compute_metrics(str(job_id))


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """A cheap hasher: PBKDF2's 1M+ iterations cost ~0.5 s per user made or logged in, and the
    tests are about the service, not about key stretching (e2e servers keep the real one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _fresh_throttles(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Throttle counters live in the cache: each test starts with none (not a shared budget),
    in a file cache of its test process's own (parallel test processes would share the one
    under var/, and each one's users are the same ids)."""
    from django.core.cache import cache

    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("FileBasedCache"):
        own = str(tmp_path_factory.getbasetemp() / "cache")
        settings.CACHES = {**settings.CACHES, "default": {**default, "LOCATION": own}}

    from syndata_site.throttling import counters

    if not hasattr(getattr(cache, "_cache", None), "get_client"):  # never flush a Redis
        cache.clear()
    counters().clear()


@pytest.fixture
def alice(db: Any) -> Any:
    return get_user_model().objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def bob(db: Any) -> Any:
    return get_user_model().objects.create_user("bob", "bob@example.com", "bob-password-1")


def _client_for(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def alice_client(alice: Any) -> APIClient:
    return _client_for(alice)


@pytest.fixture
def bob_client(bob: Any) -> APIClient:
    return _client_for(bob)


@pytest.fixture
def anon_client(db: Any) -> APIClient:
    return APIClient()


@pytest.fixture
def people_spec() -> dict[str, Any]:
    import copy

    return copy.deepcopy(PEOPLE_SPEC)
