"""Who may touch what: another user's objects do not exist, anonymous callers are refused,
and a browser session cannot be ridden by another site (CSRF)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from generation.models import Job, Schema
from tests.conftest import PEOPLE_SPEC
from tests.security.conftest import UNSAFE, Operation, Owned, api_operations

pytestmark = pytest.mark.django_db

# The first path segment after /api/ names the kind of object a path parameter points at.
KIND_BY_SEGMENT = {
    "jobs": "job",
    "preview": "job",
    "download": "job",
    "metrics": "job",
    "schemas": "schema",
    "datasets": "dataset",
    "models": "model",
}
# One body generous enough for every write: a view must refuse someone else's object before it
# looks at the body, so the body must not be the reason for the answer.
BODY = {
    "name": "renamed",
    "spec": PEOPLE_SPEC,
    "schema": PEOPLE_SPEC,
    "rows": 10,
    "format": "csv",
    "synthesizer": "spec",
    "metadata": {},
}


def _object_id(op: Operation, owned: Owned) -> dict[str, str]:
    segment = op.path.removeprefix("/api/").split("/")[0]
    kind = KIND_BY_SEGMENT.get(segment)
    if kind is None:
        pytest.fail(
            f"{op.method.upper()} {op.path} takes {op.params}: add its object kind to "
            "KIND_BY_SEGMENT so the ownership test covers it"
        )
    obj = {"job": owned.job, "schema": owned.schema, "dataset": owned.dataset, "model": owned.model}
    return {name: str(obj[kind].pk) for name in op.params}


def _call(client: APIClient, op: Operation, url: str) -> Any:
    if op.method in ("post", "put", "patch"):
        return getattr(client, op.method)(url, BODY, format="json")
    return getattr(client, op.method)(url)


def _operations_with_ids() -> list[Operation]:
    return [op for op in api_operations() if op.params]


def test_the_api_has_operations_on_owned_objects() -> None:
    ids = {op.operation_id for op in _operations_with_ids()}
    assert {"jobs_retrieve", "jobs_destroy", "jobs_cancel", "download", "preview"} <= ids


def test_every_endpoint_answers_404_for_another_users_object(
    owned: Owned, bob_client: APIClient
) -> None:
    answers = {}
    for op in _operations_with_ids():
        url = op.url(**_object_id(op, owned))
        resp = _call(bob_client, op, url)
        answers[f"{op.method.upper()} {op.path}"] = resp.status_code
        if resp.status_code == 404:
            assert resp.json()["error"]["code"] == "not_found"
    wrong = {k: v for k, v in answers.items() if v != 404}
    assert not wrong, f"another user's object must be 404 everywhere; got {wrong}"
    # ...and nothing of alice's was touched by bob's writes.
    owned.job.refresh_from_db()
    owned.schema.refresh_from_db()
    assert owned.job.status == "succeeded" and owned.job.artifacts.count() == 1
    assert owned.schema.name == "people"
    assert owned.job.directory.joinpath("people.csv").exists()


def test_every_endpoint_answers_404_for_ids_that_are_not_ids(bob_client: APIClient) -> None:
    bad = ["not-a-uuid", "..", "..%2F..%2Fetc%2Fpasswd", "0", "%00", "1' OR '1'='1"]
    wrong = {}
    for op in _operations_with_ids():
        for value in bad:
            url = op.url(**dict.fromkeys(op.params, value))
            resp = _call(bob_client, op, url)
            if resp.status_code not in (404, 400):
                wrong[f"{op.method.upper()} {url}"] = resp.status_code
    assert not wrong, wrong


def test_every_endpoint_refuses_anonymous_callers_with_401(
    owned: Owned, anon_client: APIClient
) -> None:
    wrong = {}
    for op in api_operations():
        if op.anonymous_allowed:
            continue
        url = op.url(**_object_id(op, owned)) if op.params else op.path
        resp = _call(anon_client, op, url)
        if resp.status_code != 401:
            wrong[f"{op.method.upper()} {op.path}"] = resp.status_code
        else:
            assert resp.json()["error"]["code"] == "not_authenticated"
            assert resp["WWW-Authenticate"].startswith("Token")
    assert not wrong, f"anonymous callers must get 401; got {wrong}"


def test_only_the_auth_endpoints_are_open_to_anonymous_callers() -> None:
    open_ops = {f"{op.method.upper()} {op.path}" for op in api_operations() if op.anonymous_allowed}
    for op in open_ops:
        assert op.split()[1].startswith(("/api/auth/", "/api/templates", "/api/synthesizers")), op


def _session_client(user: Any) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_writes_without_a_csrf_token_are_refused(owned: Owned, alice: Any) -> None:
    client = _session_client(alice)
    wrong = {}
    for op in api_operations():
        if op.method not in UNSAFE or op.path.startswith("/api/auth/logout"):
            continue
        url = op.url(**_object_id(op, owned)) if op.params else op.path
        resp = _call(client, op, url)
        if resp.status_code != 403 or "CSRF" not in resp.json()["error"]["message"]:
            wrong[f"{op.method.upper()} {op.path}"] = (resp.status_code, resp.content[:120])
    assert not wrong, f"session writes without CSRF must be 403; got {wrong}"
    assert Job.objects.count() == 2 and Schema.objects.count() == 1  # nothing was written


def test_a_session_write_with_the_csrf_token_goes_through(alice: Any) -> None:
    client = _session_client(alice)
    index = client.get("/")  # the dashboard page hands out the CSRF cookie
    token = index.cookies["csrftoken"].value
    resp = client.post(
        "/api/generate",
        {"schema": PEOPLE_SPEC, "rows": 10, "format": "csv", "seed": 1},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert resp.status_code == 202, resp.content


def test_a_token_client_needs_no_csrf_token(alice_client: APIClient) -> None:
    resp = alice_client.post(
        "/api/generate", {"schema": PEOPLE_SPEC, "rows": 10, "format": "csv"}, format="json"
    )
    assert resp.status_code == 202, resp.content
