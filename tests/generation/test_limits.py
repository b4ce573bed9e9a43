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
    from generation.synthesis import datasets

    def never(**kwargs: Any) -> None:
        raise AssertionError("the body should not have been read")

    monkeypatch.setattr(datasets, "dataset_create", never)
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


def _planned_rows_bounded(monkeypatch: pytest.MonkeyPatch, bound: int) -> dict[str, int]:
    """Fail whenever a plan (or a draw of per-parent counts) bigger than ``bound`` starts:
    the work a request does must not grow with the rows it asks for."""
    from generation.engine import relations

    seen = {"plans": 0, "largest_draw": 0}
    real_plan_all, real_counts = relations.plan_all, relations.children_counts

    def plan_all(compiled: Any, spec: Any, rows: Any, *args: Any) -> Any:
        seen["plans"] += 1
        asked = max(int(rows if rows is not None else t.rows) for t in spec.tables.values())
        assert asked <= bound, f"a plan of {asked} root rows was built"
        return real_plan_all(compiled, spec, rows, *args)

    def children_counts(spec_table: Any, table: str, seed: int, pb: int, n: int, *a: Any) -> Any:
        seen["largest_draw"] = max(seen["largest_draw"], n)
        assert n <= bound, f"{n} per-parent counts were drawn"
        return real_counts(spec_table, table, seed, pb, n, *a)

    monkeypatch.setattr(relations, "plan_all", plan_all)
    monkeypatch.setattr(relations, "children_counts", children_counts)
    return seen


@pytest.mark.parametrize("rows", [10**9, 10**7])
def test_a_huge_template_job_is_refused_before_it_is_planned(
    alice_client: Any, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """healthcare_ehr has ~37 rows per patient: 10^7 patients is ~4x10^8 rows, over the
    default limit, and must be refused from an estimate, without drawing 10^7 counts."""
    from generation.engine.relations import ESTIMATE_ROWS
    from generation.models import Job

    seen = _planned_rows_bounded(monkeypatch, ESTIMATE_ROWS)
    body = {"template": "healthcare_ehr", "rows": rows}
    resp = alice_client.post("/api/generate", body, format="json")
    assert resp.status_code == 400, resp.json()
    error = _shape(resp)
    assert error["code"] == "limit_rows_per_job"
    assert error["message"].startswith("rows: ") and "SYNDATA_MAX_ROWS_PER_JOB" in error["message"]
    assert error["details"][0]["path"] == "rows"
    assert seen["plans"] == 0 and seen["largest_draw"] <= ESTIMATE_ROWS
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_large_job_is_planned_by_its_worker_not_the_request(
    alice_client: Any, monkeypatch: pytest.MonkeyPatch, settings: Any, task_queue: Any
) -> None:
    """Expected rows over SYNDATA_PLAN_INLINE_ROWS: the request records the estimate and no
    plan; the worker plans, records the real counts and makes every row."""
    from generation.engine import relations
    from generation.models import Job

    settings.SYNDATA_BLOCK_SIZE = 100
    settings.SYNDATA_PLAN_INLINE_ROWS = 1000
    spec = {
        "tables": {
            "a": {"rows": 10, "fields": {"id": {"type": "id"}}},
            "b": {"parent": "a", "per_parent": 3, "fields": {"id": {"type": "id"}}},
        }
    }
    seen = _planned_rows_bounded(monkeypatch, 10**9)
    resp = alice_client.post("/api/generate", {"schema": spec, "rows": 400}, format="json")
    assert resp.status_code == 202, resp.json()
    job = resp.json()
    assert seen["plans"] == 0  # nothing planned in the request
    assert job["rows_total"] == 1600 and job["blocks_total"] == 0
    assert job["tables"] == {"a": {"rows": 400, "blocks": 0}, "b": {"rows": 1200, "blocks": 0}}
    monkeypatch.setattr(relations, "plan_all", relations.plan_all)
    task_queue.drain()
    done = Job.objects.get(id=job["id"])
    assert done.status == Job.Status.SUCCEEDED, done.error
    assert done.rows_total == 1600 and done.blocks_total == 4 + 12
    assert {t: v["rows"] for t, v in done.tables.items()} == {"a": 400, "b": 1200}


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_real_plan_is_over_the_limit_fails_on_its_worker(
    alice_client: Any, settings: Any, task_queue: Any
) -> None:
    """The estimate is an expectation: when the worker's plan passes the limit after all, the
    job fails saying so (and makes nothing) instead of running past it."""
    from generation.models import Job

    settings.SYNDATA_PLAN_INLINE_ROWS = 10
    spec = {"tables": {"a": {"rows": 10, "fields": {"id": {"type": "id"}}}}}
    resp = alice_client.post("/api/generate", {"schema": spec, "rows": 50}, format="json")
    assert resp.status_code == 202 and resp.json()["blocks_total"] == 0
    settings.SYNDATA_MAX_ROWS_PER_JOB = 40  # lowered meanwhile: the real plan is now over
    task_queue.drain()
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == Job.Status.FAILED
    assert "rows: 50 rows is over the limit of 40 rows per job" in job.error
    assert not job.directory.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"template": "healthcare_ehr", "rows": 10**9 + 1},
        {
            "schema": {"tables": {"a": {"rows": 1, "fields": {"id": {"type": "id"}}}}},
            "rows": 10**12,
        },
        {"model_id": "00000000-0000-0000-0000-000000000000", "rows": 10**9 + 1},
    ],
    ids=["template", "schema", "model"],
)
def test_rows_over_what_the_engine_takes_is_a_400_naming_rows(
    alice_client: Any, body: dict[str, Any]
) -> None:
    resp = alice_client.post("/api/generate", body, format="json")
    assert resp.status_code == 400, resp.content
    error = _shape(resp)
    assert error["details"][0]["path"] == "rows"
    assert "1000000000" in error["message"]


def test_rows_over_the_engine_range_in_job_submit_is_a_400(alice: Any) -> None:
    """job_submit itself (any caller, not only the API's serializer) refuses them."""
    from generation import services
    from syndata_site.errors import ApiError

    spec = {"tables": {"a": {"rows": 1, "fields": {"id": {"type": "id"}}}}}
    request = services.JobRequest(kind="schema", spec=spec, rows=10**9 + 1, format="csv", seed=1)
    with pytest.raises(ApiError) as caught:
        services.job_submit(user=alice, request=request)
    assert caught.value.status_code == 400
    assert caught.value.details == [{"path": "rows", "message": "must be between 0 and 1000000000"}]


UNIQUE_TOO_FEW = {
    "tables": {
        "t": {
            "rows": 1000,
            "fields": {"code": {"type": "string", "pattern": "A##", "unique": True}},
        }
    }
}


def test_a_unique_pattern_too_small_for_the_rows_is_refused_everywhere(
    alice_client: Any,
) -> None:
    """100 codes cannot fill 1000 unique rows: generate, validate and save all say so."""
    path = "tables.t.fields.code.pattern"
    resp = alice_client.post("/api/generate", {"schema": UNIQUE_TOO_FEW}, format="json")
    assert resp.status_code == 400, resp.content
    error = _shape(resp)
    assert error["details"][0]["path"] == f"schema.{path}"
    assert "100 combinations cannot fill 1000 unique rows" in error["message"]
    resp = alice_client.post("/api/schemas/validate", {"spec": UNIQUE_TOO_FEW}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["valid"] is False
    assert resp.json()["errors"][0]["path"] == f"spec.{path}"
    resp = alice_client.post("/api/schemas", {"name": "u", "spec": UNIQUE_TOO_FEW}, format="json")
    assert resp.status_code == 400 and _shape(resp)["details"][0]["path"] == f"spec.{path}"
    # Fewer rows asked of the job: it fits.
    resp = alice_client.post(
        "/api/generate", {"schema": UNIQUE_TOO_FEW, "rows": 100}, format="json"
    )
    assert resp.status_code == 202, resp.content
    small = {"tables": {"t": {**UNIQUE_TOO_FEW["tables"]["t"], "rows": 50}}}
    resp = alice_client.post("/api/generate", {"schema": small, "rows": 101}, format="json")
    assert resp.status_code == 400 and _shape(resp)["details"][0]["path"] == f"schema.{path}"


def _chunked_post(
    path: str, body: bytes, content_type: str, token: str, *, terminated: bool = True
) -> tuple[int, dict[str, Any]]:
    """POST through the WSGI middleware of syndata_site.wsgi as gunicorn calls it for a chunked
    body: no CONTENT_LENGTH, the body's stream ending at its end (``wsgi.input_terminated``)."""
    import io
    import json
    import sys

    from django.test.client import ClientHandler

    from syndata_site.chunked import ChunkedBodies

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if terminated:
        environ["wsgi.input_terminated"] = True
    handler = ClientHandler(enforce_csrf_checks=False)  # Django's, as the test client runs it

    def django_app(environ: dict[str, Any], start_response: Any) -> Any:
        response = handler(environ)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response

    status: list[str] = []
    result = ChunkedBodies(django_app)(environ, lambda s, headers, *a: status.append(s))
    data = b"".join(result)
    getattr(result, "close", lambda: None)()
    return int(status[0].split()[0]), json.loads(data)


def test_a_chunked_upload_without_content_length_is_read_within_the_limit(
    alice: Any, settings: Any
) -> None:
    """It answered "file: is required" (Django read no body); now it is read to its end,
    and one over the upload limit is refused while being read."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
    from rest_framework.authtoken.models import Token

    from generation.synthesis.models import Dataset
    from syndata_site import wsgi

    assert wsgi.application.__class__.__name__ == "ChunkedBodies"
    token = Token.objects.create(user=alice).key
    body = encode_multipart(BOUNDARY, {"file": _csv("chunked.csv", 200), "name": "chunked"})
    status, doc = _chunked_post("/api/datasets", body, MULTIPART_CONTENT, token)
    assert status == 201, doc
    assert doc["rows"] == 200 and Dataset.objects.get(id=doc["id"]).name == "chunked"

    settings.SYNDATA_DATASET_MAX_BYTES = 1000
    huge = encode_multipart(BOUNDARY, {"file": _csv("huge.csv", 30_000)})
    status, doc = _chunked_post("/api/datasets", huge, MULTIPART_CONTENT, token)
    assert status == 400 and doc["error"]["code"] == "limit_upload_size"
    assert doc["error"]["message"].startswith("file: the request body is over the limit")
    assert Dataset.objects.count() == 1

    # A server that cannot tell where a chunked body ends: a 411 that says what to send.
    status, doc = _chunked_post("/api/datasets", body, MULTIPART_CONTENT, token, terminated=False)
    assert status == 411 and "Content-Length is required" in doc["error"]["message"]
