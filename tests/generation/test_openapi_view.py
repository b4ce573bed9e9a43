"""The OpenAPI document under concurrent first requests (gunicorn's threads at cold start)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from syndata_site.views import SchemaView

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_first_requests_all_get_the_same_document() -> None:
    SchemaView._built.clear()  # a cold process

    def fetch(_: int) -> tuple[int, bytes]:
        resp = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
        return resp.status_code, resp.content

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(fetch, range(12)))
    assert {status for status, _ in results} == {200}
    assert len({body for _, body in results}) == 1
    assert b'"operationId":"jobs_retrieve"' in results[0][1].replace(b" ", b"")
