"""The generate -> job -> preview -> download -> metrics path, run in-process."""

from __future__ import annotations

import io
from functools import partial
from typing import Any

import pandas as pd
import pytest
from django.test import TestCase

from generation.models import Job
from tests.conftest import run_job, submit

pytestmark = pytest.mark.django_db(transaction=True)


_submit = partial(submit, rows=500, document=True)
_run = run_job


def test_generate_answers_202_with_a_queued_job_and_links(
    alice_client: Any, people_spec: Any
) -> None:
    job = _submit(alice_client, people_spec)
    assert job["status"] == "queued"
    assert job["seed"] == 7 and job["rows_total"] == 500
    assert job["links"]["download"] == f"/api/download/{job['id']}"


def test_a_finished_job_has_preview_download_and_metrics(
    alice_client: Any, people_spec: Any
) -> None:
    job = _run(_submit(alice_client, people_spec)["id"], metrics=True)
    assert job.status == "succeeded", job.error
    preview = alice_client.get(f"/api/preview/{job.id}?limit=5").json()
    assert preview["columns"] == ["id", "age", "income", "score", "segment"]
    assert [r["id"] for r in preview["rows"]] == [1, 2, 3, 4, 5]
    resp = alice_client.get(f"/api/download/{job.id}")
    assert resp.status_code == 200
    assert f'filename="{job.id}-people.csv"' in resp["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(b"".join(resp.streaming_content)))
    assert len(frame) == 500
    metrics = alice_client.get(f"/api/metrics/{job.id}").json()
    cols = metrics["tables"]["people"]["columns"]
    assert cols["age"]["ks"] < 0.1 and cols["segment"]["tv_distance"] < 0.1
    assert metrics["tables"]["people"]["diversity"]["uniqueness_rate"] == 1.0


def test_the_fast_job_rendering_equals_drfs_own(alice_client: Any, people_spec: Any) -> None:
    """JobSerializer builds its dict by hand for speed; DRF's declared fields must agree."""
    from rest_framework import serializers

    from generation.api.serializers import ArtifactSerializer, JobSerializer

    queued = Job.objects.get(id=_submit(alice_client, people_spec)["id"])
    done = _run(_submit(alice_client, people_spec, format="parquet")["id"])
    for job in (queued, done):
        fast = JobSerializer(job).data
        drf = serializers.ModelSerializer.to_representation(JobSerializer(job), job)
        drf["artifacts"] = [
            serializers.ModelSerializer.to_representation(ArtifactSerializer(a), a)
            for a in job.artifacts.all()
        ]
        assert fast == drf
        assert list(fast) == list(JobSerializer.Meta.fields)
    assert done.artifacts.count() == 1 and fast["finished_at"].endswith("Z")


def test_a_jobs_spec_can_be_read_back_and_run_again(alice_client: Any, people_spec: Any) -> None:
    first = _submit(alice_client, people_spec)
    assert first["links"]["spec"] == f"/api/jobs/{first['id']}/spec"
    resp = alice_client.get(first["links"]["spec"])
    assert resp.status_code == 200
    spec = resp.json()["spec"]
    assert (
        spec["tables"]["people"]["fields"].keys()
        == people_spec["tables"]["people"]["fields"].keys()
    )
    again = _submit(alice_client, spec)  # the same request again gives the same bytes
    a, b = _run(first["id"]), _run(again["id"])
    assert a.artifacts.get().sha256 == b.artifacts.get().sha256
    template = alice_client.post(
        "/api/generate", {"template": "retail_journeys", "rows": 20, "seed": 1}, format="json"
    ).json()
    assert (
        "products" in alice_client.get(f"/api/jobs/{template['id']}/spec").json()["spec"]["tables"]
    )


def test_a_job_without_a_spec_says_so(alice_client: Any, alice: Any) -> None:
    fit = Job.objects.create(owner=alice, kind="fit", format="csv", seed=1, spec=None)
    resp = alice_client.get(f"/api/jobs/{fit.id}/spec")
    assert resp.status_code == 404
    assert (
        resp.json()["error"]["message"] == "this fit job has no spec: a fitted model makes its rows"
    )


def test_same_schema_rows_and_seed_give_identical_files(
    alice_client: Any, people_spec: Any
) -> None:
    a = _run(_submit(alice_client, people_spec)["id"])
    b = _run(_submit(alice_client, people_spec)["id"])
    c = _run(_submit(alice_client, people_spec, seed=8)["id"])
    assert a.artifacts.get().sha256 == b.artifacts.get().sha256 != c.artifacts.get().sha256


def test_json_format_downloads_a_json_array(alice_client: Any, people_spec: Any) -> None:
    job = _run(_submit(alice_client, people_spec, format="json")["id"])
    resp = alice_client.get(f"/api/download/{job.id}")
    import json

    rows = json.loads(b"".join(resp.streaming_content))
    assert len(rows) == 500 and set(rows[0]) == {"id", "age", "income", "score", "segment"}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            {
                "schema": {
                    "tables": {
                        "t": {
                            "fields": {"x": {"type": "float", "dist": {"kind": "normal", "sd": -1}}}
                        }
                    }
                }
            },
            "schema.tables.t.fields.x.dist.sd",
        ),
        ({"schema": {"tables": {}}}, "schema.tables"),
        ({"rows": 5}, ""),
        (
            {"schema": {"tables": {"t": {"fields": {"id": {"type": "id"}}}}}, "format": "xlsx"},
            "format",
        ),
        ({"schema": {"tables": {"t": {"fields": {"id": {"type": "id"}}}}}, "rows": -1}, "rows"),
        ({"template": "no_such_template"}, "template"),
    ],
)
def test_bad_requests_get_a_400_that_names_the_place(
    alice_client: Any, body: dict[str, Any], path: str
) -> None:
    resp = alice_client.post("/api/generate", body, format="json")
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"].startswith(path)


def test_anonymous_callers_get_401(anon_client: Any, people_spec: Any) -> None:
    resp = anon_client.post("/api/generate", {"schema": people_spec}, format="json")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "not_authenticated"


def test_another_users_job_is_404_on_every_endpoint(
    alice_client: Any, bob_client: Any, people_spec: Any
) -> None:
    job = _run(_submit(alice_client, people_spec)["id"], metrics=True)
    for url in (
        f"/api/jobs/{job.id}",
        f"/api/preview/{job.id}",
        f"/api/download/{job.id}",
        f"/api/metrics/{job.id}",
    ):
        assert bob_client.get(url).status_code == 404, url
        assert alice_client.get(url).status_code == 200, url
    assert bob_client.post(f"/api/jobs/{job.id}/cancel").status_code == 404
    assert bob_client.delete(f"/api/jobs/{job.id}").status_code == 404
    assert bob_client.get("/api/jobs").json() == []
    assert Job.objects.filter(id=job.id).exists()


def test_unknown_and_malformed_job_ids_are_404(alice_client: Any) -> None:
    assert alice_client.get("/api/jobs/not-a-uuid").status_code == 404
    assert alice_client.get("/api/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_cancel_and_delete(alice_client: Any, people_spec: Any) -> None:
    queued = _submit(alice_client, people_spec)
    resp = alice_client.post(f"/api/jobs/{queued['id']}/cancel")
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    _run(queued["id"])  # a worker picking it up later does nothing
    assert Job.objects.get(id=queued["id"]).status == "cancelled"
    assert alice_client.post(f"/api/jobs/{queued['id']}/cancel").status_code == 409
    done = _run(_submit(alice_client, people_spec)["id"])
    assert done.directory.exists()
    assert alice_client.delete(f"/api/jobs/{done.id}").status_code == 204
    assert not done.directory.exists()
    assert alice_client.get(f"/api/jobs/{done.id}").status_code == 404


def test_openapi_and_docs_work_offline(alice_client: Any) -> None:
    schema = alice_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for p in (
        "/api/generate",
        "/api/jobs/{job_id}",
        "/api/preview/{job_id}",
        "/api/download/{job_id}",
        "/api/metrics/{job_id}",
    ):
        assert p in paths
    docs = alice_client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


class AdminTests(TestCase):
    def test_admin_lists_jobs_with_filters(self) -> None:
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_superuser(
            "root", "root@example.com", "pw-123456789"
        )
        self.client.force_login(admin)
        Job.objects.create(owner=admin, seed=1, format="csv")
        resp = self.client.get("/admin/generation/job/?status__exact=queued")
        assert resp.status_code == 200
        assert b"queued" in resp.content


@pytest.mark.django_db
def test_lists_come_in_pages_with_the_total_and_a_link_to_the_next(alice_client: Any) -> None:
    from django.contrib.auth import get_user_model

    from generation.models import Schema

    alice = get_user_model().objects.get(username="alice")
    ids = [str(Job.objects.create(owner=alice, seed=i, format="csv").id) for i in range(5)]
    Schema.objects.create(owner=alice, name="s", spec={"tables": {}})
    seen: list[str] = []
    url: str | None = "/api/jobs?limit=2"
    while url:
        resp = alice_client.get(url)
        assert resp.status_code == 200 and resp["X-Total-Count"] == "5"
        page = [job["id"] for job in resp.json()]
        assert len(page) == (2 if len(seen) < 4 else 1)
        seen += page
        link = resp.headers.get("Link")
        url = link[link.index("<") + 1 : link.index(">")] if link else None
        if url:
            assert 'rel="next"' in link and f"offset={len(seen)}" in url
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 5
    assert seen == [j["id"] for j in alice_client.get("/api/jobs").json()]  # newest first
    assert alice_client.get("/api/jobs?offset=4&limit=10").json()[0]["id"] == seen[4]
    assert alice_client.get("/api/schemas?limit=1")["X-Total-Count"] == "1"
    for query, name in (
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("limit=", "limit"),
        ("limit=%D9%A1", "limit"),  # an Arabic-Indic digit: int() would take it
        ("limit=1&limit=2", "limit"),
        ("offset=-1", "offset"),
        ("offset=%201", "offset"),
    ):
        resp = alice_client.get(f"/api/jobs?{query}")
        assert resp.status_code == 400 and resp.json()["error"]["message"].startswith(name)


def test_a_job_records_the_engine_version_that_made_it(alice_client: Any, people_spec: Any) -> None:
    from generation import engine

    job = _submit(alice_client, people_spec)
    assert job["engine_version"] == engine.ENGINE_VERSION
    assert Job.objects.get(id=job["id"]).engine_version == engine.ENGINE_VERSION
