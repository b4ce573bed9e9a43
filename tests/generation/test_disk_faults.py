"""A full disk and an unwritable database: jobs fail clearly and leave no files, the API answers
507/503 instead of 500, /healthz says not ready, and a killed join's temporary files go."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import IO, Any

import pytest
from django.db import OperationalError, connection

from generation import engine, parts, services, storage
from generation.models import Job
from generation.recovery import jobs_recover_stalled
from tests.conftest import submit
from tests.generation.tasks_queue import RecordingQueue

pytestmark = pytest.mark.django_db(transaction=True)

TWO_TABLES: dict[str, Any] = {
    "tables": {
        "accounts": {"rows": 250, "fields": {"id": {"type": "id"}}},
        "events": {
            "rows": 430,
            "fields": {"id": {"type": "id"}, "kind": {"type": "category", "values": ["a", "b"]}},
        },
    }
}


_submit = submit  # rows 1050: several blocks


class _FullDisk:
    """A sink on a disk with ``room["bytes"]`` left: it fails as a full filesystem does."""

    def __init__(self, sink: IO[bytes], room: dict[str, int]) -> None:
        self._sink, self._room = sink, room

    def write(self, data: Any) -> int:
        data = bytes(data)
        if len(data) > self._room["bytes"]:
            self._sink.write(data[: self._room["bytes"]])
            self._room["bytes"] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room["bytes"] -= len(data)
        return self._sink.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sink, name)


@pytest.fixture
def disk_fills_after(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Part files share ``room["bytes"]`` bytes of disk, then get ENOSPC from the real writer."""
    room = {"bytes": 10**9}
    real = engine.open_writer

    def open_writer(fmt: str, sink: IO[bytes], schema: Any, **kwargs: Any) -> Any:
        return real(fmt, _FullDisk(sink, room), schema, **kwargs)

    monkeypatch.setattr(parts.engine, "open_writer", open_writer)
    return room


def test_a_block_write_that_hits_enospc_fails_the_job_saying_disk_and_leaves_no_files(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    disk_fills_after: dict[str, int],
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()  # fan out
    for _ in range(3):
        task_queue.run_next()
    job = Job.objects.get(id=job_id)
    assert job.blocks_done == 3 and parts.count_parts(job.directory, "csv") == 3
    disk_fills_after["bytes"] = 500  # the next part gets half-written
    task_queue.drain()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "the disk is full" in job.error and "No space left on device" in job.error
    assert job.error.startswith("block 3 of people:")
    assert not job.directory.exists()  # no parts, no temporary half-part
    resp = alice_client.get(f"/api/jobs/{job_id}")
    assert resp.json()["status"] == "failed" and "disk is full" in resp.json()["error"]


def test_submit_answers_507_with_free_and_needed_bytes_when_space_is_under_the_minimum(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    free = storage.free_bytes(Path(settings.MEDIA_ROOT))
    settings.SYNDATA_MIN_FREE_BYTES = free * 4
    resp = alice_client.post(
        "/api/generate", {"schema": people_spec, "rows": 100, "format": "csv"}, format="json"
    )
    assert resp.status_code == 507, resp.content
    error = resp.json()["error"]
    assert error["code"] == "disk_full"
    assert "SYNDATA_MIN_FREE_BYTES" in error["message"]
    assert error["details"][0]["needed"] == free * 4
    assert 0 < error["details"][0]["free"] < free * 4
    assert Job.objects.count() == 0 and task_queue.tasks == []


def test_a_running_job_stops_before_a_block_once_free_space_is_under_the_minimum(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    settings: Any,
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    task_queue.run_next()
    settings.SYNDATA_MIN_FREE_BYTES = storage.free_bytes(Path(settings.MEDIA_ROOT)) * 4
    task_queue.drain()
    job = Job.objects.get(id=job_id)
    assert job.status == "failed"
    assert "not enough disk space" in job.error and "SYNDATA_MIN_FREE_BYTES" in job.error
    assert job.blocks_done == 1
    assert not job.directory.exists()


def test_a_sequential_job_checks_free_space_before_each_block(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    job_id = _submit(alice_client, people_spec, rows=100)
    settings.SYNDATA_MIN_FREE_BYTES = storage.free_bytes(Path(settings.MEDIA_ROOT)) * 4
    task_queue.drain()
    job = Job.objects.get(id=job_id)
    assert job.status == "failed" and "not enough disk space" in job.error
    assert not job.directory.exists()


def test_an_unwritable_database_pauses_the_worker_and_says_so_once(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    disk_fills_after: dict[str, int],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(storage, "RETRY_DELAYS", (0.0, 0.0))
    settings.SYNDATA_DB_PAUSE_SECONDS = 1
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    task_queue.run_next()
    disk_fills_after["bytes"] = 100
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")  # every write now fails, as on a full disk
    try:
        with caplog.at_level(logging.ERROR, logger="generation.storage"):
            for index in (1, 2):
                with pytest.raises(OperationalError):
                    services.job_block_run(job_id=job_id, table="people", index=index)
                disk_fills_after["bytes"] = 100
        assert storage.paused()
        said = [r for r in caplog.records if "cannot write the database" in r.getMessage()]
        assert len(said) == 1  # once per outage, not once per task
        job = Job.objects.get(id=job_id)
        assert job.status == "running"  # could not be written; recovery fails it later
        assert not (job.directory / "parts").exists()  # but its parts no longer fill the disk
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert storage.pause_if_unwritable() > 0  # the next task waits out the pause
    assert not storage.paused()
    task_queue.tasks.clear()
    disk_fills_after["bytes"] = 10**9  # space again: a block would now succeed
    # Recovery fails the job with the error its worker could not write, making nothing again.
    found = jobs_recover_stalled(now=time.time() + 3600)
    assert found.jobs == [job_id] and found.blocks == 0 and task_queue.tasks == []
    job = Job.objects.get(id=job_id)
    assert job.status == "failed", job.error
    assert job.error.startswith("block 1 of people: the disk is full")
    assert not job.directory.exists()


def test_the_state_write_is_retried_until_the_database_takes_it(
    monkeypatch: pytest.MonkeyPatch, django_user_model: Any
) -> None:
    monkeypatch.setattr(storage, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    user = django_user_model.objects.create_user("carol")
    attempts = []

    def write() -> int:
        attempts.append(1)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA query_only = {'ON' if len(attempts) < 3 else 'OFF'}")
        return django_user_model.objects.filter(id=user.id).update(first_name="C")

    try:
        assert storage.db_write(write, what="a test") == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert len(attempts) == 3 and not storage.paused()
    assert django_user_model.objects.get(id=user.id).first_name == "C"


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 507, "disk_full"),
        (OperationalError("database or disk is full"), 507, "disk_full"),
        (OperationalError("unable to open database file"), 503, "database_unavailable"),
    ],
)
def test_the_api_answers_507_or_503_for_a_full_disk_or_an_unavailable_database(
    alice_client: Any,
    people_spec: Any,
    monkeypatch: pytest.MonkeyPatch,
    exc: Exception,
    status: int,
    code: str,
) -> None:
    def fails(**kwargs: Any) -> None:
        raise exc

    monkeypatch.setattr(services, "concurrent_jobs_check", fails)
    resp = alice_client.post(
        "/api/generate", {"schema": people_spec, "rows": 10, "format": "csv"}, format="json"
    )
    assert resp.status_code == status, resp.content
    assert resp.json()["error"]["code"] == code
    assert "try again" in resp.json()["error"]["message"]


def test_the_api_answers_507_for_a_real_full_sqlite_database(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    with connection.cursor() as cursor:
        # Earlier tests' flushes leave free pages: fill them first, so that the database is
        # really full once it cannot grow.
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA freelist_count")
        free = cursor.fetchone()[0]
        cursor.execute("CREATE TABLE IF NOT EXISTS _filler (b BLOB)")
        cursor.execute("INSERT INTO _filler VALUES (zeroblob(%s))", [free * page_size])
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")  # the database cannot grow
    try:
        big = {**people_spec, "description": "x" * 4900}
        resp = alice_client.post(
            "/api/generate", {"schema": big, "rows": 10, "format": "csv"}, format="json"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
            cursor.execute("DROP TABLE _filler")
    assert resp.status_code == 507, resp.content
    assert resp.json()["error"]["code"] == "disk_full"


def test_healthz_is_503_when_the_files_folder_cannot_be_written(
    client: Any, settings: Any, tmp_path: Path
) -> None:
    assert client.get("/healthz").status_code == 200
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"  # even root cannot create a file under a file
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "down" and body["storage"] == "down"
    assert any(
        r.startswith("storage: the files folder (MEDIA_ROOT) cannot be written")
        for r in body["reasons"]
    )


def test_healthz_is_503_when_free_space_is_under_the_minimum(client: Any, settings: Any) -> None:
    settings.SYNDATA_MIN_FREE_BYTES = storage.free_bytes(Path(settings.MEDIA_ROOT)) * 4
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["storage"] == "down"
    assert "SYNDATA_MIN_FREE_BYTES" in " ".join(body["reasons"])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_rerun_join_removes_the_temporary_files_a_killed_join_left(
    alice_client: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, TWO_TABLES, rows=None)
    ref_id = _submit(alice_client, TWO_TABLES, rows=None)
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == job_id]
    task_queue.run_next()
    names = task_queue.names()
    while names and names[0] == "run_block":
        task_queue.run_next()
        names = task_queue.names()
    job = Job.objects.get(id=job_id)
    # A join killed mid-way: its half-written tables and zip stay behind.
    stale = [
        parts.temporary_for(job.directory / "accounts.csv"),
        parts.temporary_for(job.directory / "tables.zip"),
    ]
    for path in stale:
        path.write_bytes(b"half a join" * 1000)
    task_queue.drain()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert [p for p in stale if p.exists()] == []
    assert list(job.directory.glob(".*.tmp")) == []
    reference = Job.objects.get(id=ref_id)
    services.job_run_sequential(job=reference)
    mine = {(a.table, a.sha256) for a in job.artifacts.all()}
    assert mine == {(a.table, a.sha256) for a in reference.artifacts.all()}
    for artifact in job.artifacts.all():
        assert _digest(artifact.absolute_path) == artifact.sha256


def test_recovery_removes_temporary_files_no_one_is_writing(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    import time

    from generation.recovery import jobs_recover_stalled

    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    task_queue.run_next()
    job = Job.objects.get(id=job_id)
    stale = parts.temporary_for(job.directory / "people.csv")
    stale.write_bytes(b"x" * 1000)
    half_part = parts.temporary_for(parts.part_path(job.directory, "people", 4, "csv"))
    half_part.write_bytes(b"y" * 1000)
    task_queue.tasks.clear()  # the rest was lost with its worker
    found = jobs_recover_stalled(now=time.time() + 3600)
    assert found.jobs == [job_id]
    assert not stale.exists() and not half_part.exists()


def test_cancel_answers_503_not_500_when_the_database_cannot_be_written(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        resp = alice_client.post(f"/api/jobs/{job_id}/cancel")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert resp.status_code == 503, resp.content
    assert resp.json()["error"]["code"] == "database_unavailable"
    assert Job.objects.get(id=job_id).status == "running"
    assert alice_client.post(f"/api/jobs/{job_id}/cancel").status_code == 200
