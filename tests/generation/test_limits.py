"""Limits per user, throttling, and the one error shape for every failure."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


def _shape(resp: Any) -> dict[str, Any]:
    assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
    error = resp.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def test_rows_over_the_limit_is_a_400_naming_the_limit(
    alice_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_MAX_ROWS_PER_JOB = 1000
    resp = alice_client.post("/api/generate", {"schema": people_spec, "rows": 1001}, format="json")
    assert resp.status_code == 400
    error = _shape(resp)
    assert error["code"] == "limit_rows_per_job"
    assert (
        "1000 rows per job" in error["message"] and "SYNDATA_MAX_ROWS_PER_JOB" in error["message"]
    )
    ok = alice_client.post("/api/generate", {"schema": people_spec, "rows": 1000}, format="json")
    assert ok.status_code == 202


def test_too_many_unfinished_jobs_is_a_429_per_user(
    alice_client: Any, bob_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_MAX_CONCURRENT_JOBS = 2
    body = {"schema": people_spec, "rows": 10}
    for _ in range(2):
        assert alice_client.post("/api/generate", body, format="json").status_code == 202
    resp = alice_client.post("/api/generate", body, format="json")
    assert resp.status_code == 429
    error = _shape(resp)
    assert error["code"] == "limit_concurrent_jobs"
    assert "2 concurrent jobs" in error["message"]
    assert bob_client.post("/api/generate", body, format="json").status_code == 202
    job_id = alice_client.get("/api/jobs").json()[0]["id"]
    alice_client.post(f"/api/jobs/{job_id}/cancel")
    assert alice_client.post("/api/generate", body, format="json").status_code == 202


def test_a_spec_over_the_size_limit_is_a_400(
    alice_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_MAX_SPEC_BYTES = 200
    for url, body in (
        ("/api/generate", {"schema": people_spec}),
        ("/api/schemas", {"name": "big", "spec": people_spec}),
    ):
        resp = alice_client.post(url, body, format="json")
        assert resp.status_code == 400, url
        error = _shape(resp)
        assert error["code"] == "limit_spec_size" and "200 bytes per spec" in error["message"]


def _csv(name: str, rows: int) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"a,b\n" + b"1,2\n" * rows, content_type="text/csv")


def _zip(name: str, members: dict[str, bytes]) -> Any:
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def test_an_upload_over_the_limit_names_it(alice_client: Any, settings: Any) -> None:
    """One file, several files, a zip: all a 400 ``limit_upload_size`` naming the setting."""
    from pathlib import Path

    from generation.synthesis.models import Dataset

    settings.SYNDATA_DATASET_MAX_BYTES = 1000
    small = b"a,b\n" + b"1,2\n" * 100  # 404 bytes
    cases = {
        "one file": {"file": _csv("big.csv", 1000)},
        "two files": {"file": [_csv("one.csv", 150), _csv("two.csv", 150)]},
        "a zip": {"file": _zip("tables.zip", {"one.csv": small, "two.csv": small, "x.csv": small})},
    }
    for case, body in cases.items():
        resp = alice_client.post("/api/datasets", body, format="multipart")
        assert resp.status_code == 400, (case, resp.json())
        error = _shape(resp)
        assert error["code"] == "limit_upload_size", (case, error)
        assert "1000 bytes per upload" in error["message"], (case, error)
        assert "SYNDATA_DATASET_MAX_BYTES" in error["message"], (case, error)
        assert error["details"] == [
            {"path": "file", "message": "at most 1000 bytes", "limit": 1000}
        ]
    resp = alice_client.post("/api/datasets", {"file": _csv("big.csv", 1000)}, format="multipart")
    assert "file: the upload is 4004 bytes, over the limit" in resp.json()["error"]["message"]
    assert Dataset.objects.count() == 0
    root = Path(settings.MEDIA_ROOT) / "datasets"
    assert not root.exists() or not any(root.iterdir())
    # Just under the limit is fine.
    resp = alice_client.post("/api/datasets", {"file": _csv("ok.csv", 240)}, format="multipart")
    assert resp.status_code == 201, resp.json()


def test_an_upload_whose_body_is_over_the_limit_is_refused_before_reading_it(
    alice_client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generation.synthesis import services

    def never(**kwargs: Any) -> None:
        raise AssertionError("the body should not have been read")

    monkeypatch.setattr(services, "dataset_create", never)
    settings.SYNDATA_DATASET_MAX_BYTES = 1000
    resp = alice_client.post(
        "/api/datasets", {"file": _csv("huge.csv", 30_000)}, format="multipart"
    )
    assert resp.status_code == 400
    error = _shape(resp)
    assert error["code"] == "limit_upload_size"
    assert error["message"].startswith("file: the request body is over the limit of 1000 bytes")


def test_throttled_callers_get_429_in_the_error_shape(
    alice_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    codes = [alice_client.get("/api/jobs").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = alice_client.get("/api/jobs")
    error = _shape(resp)
    assert error["code"] == "throttled" and "SYNDATA_THROTTLE_USER" in error["message"]
    assert int(resp["Retry-After"]) > 0


def test_every_failure_has_the_one_error_shape(alice_client: Any, anon_client: Any) -> None:
    assert _shape(anon_client.get("/api/jobs"))["code"] == "not_authenticated"
    resp = alice_client.put("/api/generate", {}, format="json")
    assert resp.status_code == 405 and _shape(resp)["code"] == "method_not_allowed"
    resp = alice_client.get("/api/no-such-endpoint")
    assert resp.status_code == 404 and _shape(resp)["code"] == "not_found"
    resp = alice_client.get("/api/jobs/00000000-0000-0000-0000-000000000000")
    assert resp.status_code == 404 and _shape(resp)["code"] == "not_found"
    resp = alice_client.post("/api/generate", "{not json", content_type="application/json")
    assert resp.status_code == 400 and _shape(resp)["code"] == "parse_error"


def test_a_server_fault_is_a_json_500(alice_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(**kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("generation.selectors.job_list_for", boom)
    alice_client.raise_request_exception = False
    resp = alice_client.get("/api/jobs")
    assert resp.status_code == 500
    error = _shape(resp)
    assert error["code"] == "server_error" and "disk" not in error["message"]


def test_throttle_counters_are_shared_by_every_web_process(
    alice: Any, alice_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept in files under var/ (Redis when there is one), not in one process's memory."""
    from django.conf import settings
    from django.core.cache import caches

    assert "locmem" not in settings.CACHES["default"]["BACKEND"]
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "5/min", "anon": "2/min"})
    for _ in range(3):
        assert alice_client.get("/api/jobs").status_code == 200
    from syndata_site import throttling

    # Counters opened afresh, as another gunicorn worker has them, see the same counts.
    del caches["default"]
    assert sum(throttling.UserRateThrottle().counts(f"throttle_user_{alice.pk}")) == 3


def test_the_sliding_window_weighs_the_previous_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """6/min: 6 requests late in one minute still count early in the next, then decay."""
    from types import SimpleNamespace

    from syndata_site.throttling import UserRateThrottle as Counter

    monkeypatch.setattr(Counter, "THROTTLE_RATES", {"user": "6/min", "anon": "2/min"})
    clock = {"now": 6000.0 + 50}  # 50 s into a window
    throttle = Counter()
    throttle.timer = lambda: clock["now"]
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=42))
    assert [throttle.allow_request(request, None) for _ in range(7)] == [True] * 6 + [False]
    assert throttle.wait() >= 10  # not before the next window
    clock["now"] = 6060.0 + 15  # a quarter into the next: 6 * 0.75 = 4.5 still count
    assert [throttle.allow_request(request, None) for _ in range(3)] == [True, True, False]
    assert 1 <= throttle.wait() <= 60
    clock["now"] = 6060.0 + 55  # 6 * 1/12 + 2 = 2.5: four more fit
    assert [throttle.allow_request(request, None) for _ in range(5)] == [True] * 4 + [False]
    assert throttle.counts("throttle_user_42", now=clock["now"]) == (6, 6)


def test_an_unreachable_throttle_cache_lets_requests_through(
    alice_client: Any, settings: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    assert alice_client.get("/api/jobs").status_code == 200
