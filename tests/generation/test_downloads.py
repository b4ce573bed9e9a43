"""Downloads: streamed files with ETag, Content-Length and Range; conversion; retention."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from generation import services
from generation.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _queue(task_queue: Any) -> None:
    """Jobs of several blocks run their block tasks in-process (see conftest)."""


def _job(client: Any, spec: dict[str, Any], fmt: str = "csv", rows: int = 700) -> Job:
    resp = client.post(
        "/api/generate", {"schema": spec, "rows": rows, "format": fmt, "seed": 5}, format="json"
    )
    assert resp.status_code == 202, resp.content
    services.job_run_sequential(job=Job.objects.get(id=resp.json()["id"]))
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == "succeeded", job.error
    return job


def _body(resp: Any) -> bytes:
    return b"".join(resp.streaming_content)


def test_a_download_has_length_etag_and_a_file_name(alice_client: Any, people_spec: Any) -> None:
    job = _job(alice_client, people_spec)
    artifact = job.artifacts.get()
    resp = alice_client.get(f"/api/download/{job.id}")
    body = _body(resp)
    assert resp.status_code == 200
    assert int(resp["Content-Length"]) == len(body) == artifact.size
    assert resp["ETag"] == f'"{artifact.sha256}"' == f'"{hashlib.sha256(body).hexdigest()}"'
    assert resp["Accept-Ranges"] == "bytes"
    assert resp["Content-Type"].startswith("text/csv")
    assert resp["Content-Disposition"] == f'attachment; filename="{job.id}-people.csv"'
    again = alice_client.get(f"/api/download/{job.id}", HTTP_IF_NONE_MATCH=resp["ETag"])
    assert again.status_code == 304


def test_ranges_give_206_with_the_exact_bytes_and_416_outside(
    alice_client: Any, people_spec: Any
) -> None:
    job = _job(alice_client, people_spec)
    whole = job.artifacts.get().absolute_path.read_bytes()
    size = len(whole)
    url = f"/api/download/{job.id}"
    for header, first, last in (
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, size - 1),
        ("bytes=-50", size - 50, size - 1),
        (f"bytes=10-{size + 500}", 10, size - 1),
    ):
        resp = alice_client.get(url, HTTP_RANGE=header)
        assert resp.status_code == 206, header
        assert _body(resp) == whole[first : last + 1], header
        assert resp["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert int(resp["Content-Length"]) == last - first + 1
    resp = alice_client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert resp.status_code == 416 and resp["Content-Range"] == f"bytes */{size}"
    assert resp.json()["error"]["code"] == "range_not_satisfiable"
    # A stale If-Range (the file changed) gets the whole file, not a piece of another one.
    resp = alice_client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"')
    assert resp.status_code == 200 and _body(resp) == whole


@pytest.mark.parametrize(
    ("source", "target"), [("csv", "parquet"), ("parquet", "csv"), ("csv", "json")]
)
def test_conversion_on_download_equals_a_job_made_in_that_format(
    alice_client: Any, people_spec: Any, settings: Any, source: str, target: str
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 200  # several blocks stream out one after the other
    job = _job(alice_client, people_spec, fmt=source)
    direct = _job(alice_client, people_spec, fmt=target)
    resp = alice_client.get(f"/api/download/{job.id}?format={target}")
    assert resp.status_code == 200
    assert resp.streaming
    assert resp["Content-Disposition"] == f'attachment; filename="{job.id}-people.{target}"'
    body = _body(resp)
    assert hashlib.sha256(body).hexdigest() == direct.artifacts.get().sha256
    if target == "parquet":
        assert pq.read_table(io.BytesIO(body)).num_rows == 700


def test_a_conversion_is_kept_so_the_next_download_has_length_and_ranges(
    alice_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 200
    job = _job(alice_client, people_spec, fmt="csv")
    url = f"/api/download/{job.id}?format=parquet"
    first = alice_client.get(url)
    assert first.streaming and "Content-Length" not in first
    body = _body(first)  # streamed while it was converted
    kept = job.artifacts.get(format="parquet")
    assert kept.size == len(body) and kept.rows == 700
    assert kept.sha256 == hashlib.sha256(body).hexdigest()
    again = alice_client.get(url)
    assert again.status_code == 200 and int(again["Content-Length"]) == len(body)
    assert again["ETag"] == f'"{kept.sha256}"'
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert _body(again) == body
    piece = alice_client.get(url, HTTP_RANGE="bytes=4-99")
    assert piece.status_code == 206 and _body(piece) == body[4:100]
    # The job's own download is still the CSV, and the job lists both files.
    assert alice_client.get(f"/api/download/{job.id}")["Content-Type"].startswith("text/csv")
    formats = {a["format"] for a in alice_client.get(f"/api/jobs/{job.id}").json()["artifacts"]}
    assert formats == {"csv", "parquet"}


def test_a_conversion_left_half_way_keeps_nothing(
    alice_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 100
    job = _job(alice_client, people_spec, fmt="csv")
    resp = alice_client.get(f"/api/download/{job.id}?format=jsonl")
    chunks = iter(resp.streaming_content)
    next(chunks)
    resp.close()  # the client went away after the first block
    assert not job.artifacts.filter(format="jsonl").exists()
    assert sorted(p.name for p in job.directory.iterdir() if p.is_file()) == [
        "people.csv",
        "preview-people.json",
    ]


def test_a_multi_table_job_downloads_a_zip_or_one_table(alice_client: Any, task_queue: Any) -> None:
    spec = {
        "tables": {
            "a": {"rows": 10, "fields": {"id": {"type": "id"}}},
            "b": {"rows": 20, "fields": {"id": {"type": "id"}}},
        }
    }
    resp = alice_client.post("/api/generate", {"schema": spec, "seed": 1}, format="json")
    job_id = resp.json()["id"]
    task_queue.drain()  # two tables: two block tasks and a join
    assert Job.objects.get(id=job_id).status == "succeeded"
    whole = alice_client.get(f"/api/download/{job_id}")
    assert whole["Content-Disposition"] == f'attachment; filename="{job_id}.zip"'
    assert whole["Content-Type"] == "application/zip"
    one = alice_client.get(f"/api/download/{job_id}?table=b")
    assert _body(one).count(b"\n") == 21
    bad = alice_client.get(f"/api/download/{job_id}?format=parquet")
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("table")
    converted = alice_client.get(f"/api/download/{job_id}?format=jsonl&table=a")
    assert _body(converted).count(b"\n") == 10


def test_bad_download_parameters_are_400s(alice_client: Any, people_spec: Any) -> None:
    job = _job(alice_client, people_spec)
    resp = alice_client.get(f"/api/download/{job.id}?format=xlsx")
    assert resp.status_code == 400 and resp.json()["error"]["message"].startswith("format")
    resp = alice_client.get(f"/api/download/{job.id}?table=nope")
    assert resp.status_code == 400 and resp.json()["error"]["message"].startswith("table")


def test_files_expire_after_the_retention_and_answer_410(
    alice_client: Any, people_spec: Any, settings: Any
) -> None:
    settings.SYNDATA_RETENTION_DAYS = 3
    old = _job(alice_client, people_spec)
    fresh = _job(alice_client, people_spec)
    Job.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=4))
    from generation.tasks import purge_expired

    assert purge_expired() == 1
    assert not old.directory.exists() and fresh.directory.exists()
    resp = alice_client.get(f"/api/download/{old.id}")
    assert resp.status_code == 410 and resp.json()["error"]["code"] == "expired"
    assert alice_client.get(f"/api/jobs/{old.id}").json()["artifacts"] == []
    assert purge_expired() == 0


def test_migrate_creates_one_purge_schedule() -> None:
    from django_q.models import Schedule

    from generation.apps import ensure_purge_schedule

    ensure_purge_schedule()
    ensure_purge_schedule()
    schedule = Schedule.objects.get(name="syndata-purge-expired")
    assert schedule.func == "generation.tasks.purge_expired"


def test_a_conversion_needs_the_engine_that_made_the_job(
    alice_client: Any, people_spec: Any
) -> None:
    job = _job(alice_client, people_spec)
    Job.objects.filter(id=job.id).update(engine_version="0.0.1")
    resp = alice_client.get(f"/api/download/{job.id}?format=parquet")
    assert resp.status_code == 409
    error = resp.json()["error"]
    assert error["code"] == "cannot_convert"
    assert "0.0.1" in error["message"] and "download it as csv" in error["message"]
    # the file as made is still served
    assert alice_client.get(f"/api/download/{job.id}").status_code == 200


def test_the_admin_purge_action_removes_files_and_downloads_answer_410(
    alice_client: Any, people_spec: Any, client: Any
) -> None:
    from django.contrib.auth import get_user_model

    job = _job(alice_client, people_spec)
    kept = _job(alice_client, people_spec)
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(root)
    listing = client.get(f"/admin/generation/artifact/?q={job.id}")
    assert listing.status_code == 200 and str(job.id).encode() in listing.content
    resp = client.post(
        "/admin/generation/job/",
        {"action": "purge_files", "_selected_action": [str(job.id)]},
        follow=True,
    )
    assert resp.status_code == 200 and b"Purged files of 1 job(s)." in resp.content
    assert not job.directory.exists() and kept.directory.exists()
    assert not job.artifacts.exists() and kept.artifacts.exists()
    gone = alice_client.get(f"/api/download/{job.id}")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "expired"
    assert alice_client.get(f"/api/download/{kept.id}").status_code == 200
