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
    """An end-to-end test (real server and worker processes) is slow as well: `make test-fast`
    (``-m "not slow"``) leaves both out."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.slow)


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
def _fresh_throttles() -> None:
    """Throttle counters live in the cache: each test starts with none (not a shared budget)."""
    from django.core.cache import cache

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
