"""Big jobs: block tasks, joined parts, preview from block 0, cancel, delete, retried blocks."""

from __future__ import annotations

import copy
import hashlib
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from generation import services
from generation.models import Job
from tests.conftest import submit
from tests.generation.tasks_queue import RecordingQueue

pytestmark = pytest.mark.django_db(transaction=True)

TWO_TABLES: dict[str, Any] = {
    "tables": {
        "accounts": {
            "rows": 250,
            "fields": {
                "id": {"type": "id"},
                "balance": {"type": "float", "dist": {"kind": "normal", "mean": 100, "sd": 5}},
            },
        },
        "events": {
            "rows": 430,
            "fields": {
                "id": {"type": "id"},
                "kind": {"type": "category", "values": {"a": 0.5, "b": 0.5}},
            },
        },
    }
}


_submit = submit  # rows 1050: several blocks


def _sequential(job_id: str) -> Job:
    """The same job made by one task writing every block straight through (the reference)."""
    job = Job.objects.get(id=job_id)
    services.job_run_sequential(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def _digests(job: Job) -> dict[tuple[str, str], str]:
    out = {}
    for artifact in job.artifacts.all():
        data = artifact.absolute_path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact.sha256
        out[(artifact.table, artifact.format)] = artifact.sha256
    return out


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "parquet"])
def test_a_job_split_into_blocks_gives_the_same_bytes_as_one_writer(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int, fmt: str
) -> None:
    split_id = _submit(alice_client, people_spec, format=fmt)
    ref_id = _submit(alice_client, people_spec, format=fmt)
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == split_id]

    task_queue.run_next()  # run_job: splits into one task per block
    assert task_queue.names() == ["run_block"] * 11
    task_queue.drain(seed=3)  # blocks in a shuffled order, then the join

    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    assert split.rows_done == split.rows_total == 1050
    assert split.blocks_done == split.blocks_total == 11
    assert not (split.directory / "parts").exists()
    assert _digests(split) == {(t, f): d for (t, f), d in _digests(_sequential(ref_id)).items()}
    assert [c["name"] for c in split.tables["people"]["columns"]] == list(
        people_spec["tables"]["people"]["fields"]
    )


def test_several_tables_are_more_blocks_and_a_zip(
    alice_client: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    spec = copy.deepcopy(TWO_TABLES)
    split_id = _submit(alice_client, spec, rows=None)
    ref_id = _submit(alice_client, spec, rows=None)
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == split_id]
    task_queue.run_next()
    # Block 0 of every table goes first, so every table's preview is ready early.
    assert [args[1:] for _, args in task_queue.tasks[:2]] == [("accounts", 0), ("events", 0)]
    assert len(task_queue.tasks) == 3 + 5
    task_queue.drain(seed=11)
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    digests = _digests(split)
    assert set(digests) == {("accounts", "csv"), ("events", "csv"), ("", "csv")}
    reference = _digests(_sequential(ref_id))
    for table in ("accounts", "events"):
        assert digests[(table, "csv")] == reference[(table, "csv")]


def test_the_preview_is_ready_as_soon_as_block_0_is(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec, rows=5000)
    task_queue.run_next()
    assert alice_client.get(f"/api/preview/{job_id}").status_code == 409
    task_queue.run_next(0)  # block 0 only, 49 blocks still to go
    resp = alice_client.get(f"/api/preview/{job_id}?limit=3")
    assert resp.status_code == 200, resp.content
    assert [r["id"] for r in resp.json()["rows"]] == [1, 2, 3]
    job = alice_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "running"
    assert (job["blocks_done"], job["rows_done"]) == (1, 100)
    assert job["progress"] == pytest.approx(100 / 5000)


def test_cancel_mid_job_stops_the_blocks_and_leaves_no_file(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    for _ in range(4):
        task_queue.run_next()
    job = Job.objects.get(id=job_id)
    assert any(job.directory.rglob("*.csv"))
    resp = alice_client.post(f"/api/jobs/{job_id}/cancel")
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    assert not job.directory.exists()
    task_queue.drain()  # the remaining blocks find the job cancelled and do nothing
    assert not job.directory.exists()
    job.refresh_from_db()
    assert job.status == "cancelled" and job.blocks_done == 4
    assert not job.artifacts.exists()


def test_a_block_cancelled_while_it_runs_removes_what_it_wrote(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    job = Job.objects.get(id=job_id)
    real = services.producer_for

    def cancel_then_make(job_arg: Any) -> Any:
        producer = real(job_arg)
        Job.objects.filter(id=job_id).update(status="cancelled")  # cancelled meanwhile
        return producer

    import generation.services as svc

    svc.producer_for = cancel_then_make  # type: ignore[assignment]
    try:
        task_queue.run_next()
    finally:
        svc.producer_for = real  # type: ignore[assignment]
    assert not job.directory.exists()


def test_delete_mid_job_removes_the_job_and_its_files(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    task_queue.run_next()
    directory = Job.objects.get(id=job_id).directory
    assert directory.exists()
    assert alice_client.delete(f"/api/jobs/{job_id}").status_code == 204
    task_queue.drain()
    assert not directory.exists()
    assert not Job.objects.filter(id=job_id).exists()


def test_a_block_run_twice_counts_once_and_the_bytes_do_not_change(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    split_id = _submit(alice_client, people_spec)
    ref_id = _submit(alice_client, people_spec)
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == split_id]
    task_queue.run_next()
    # A worker that died after writing its part: the broker delivers the task again.
    task_queue.tasks.insert(1, task_queue.tasks[0])
    task_queue.tasks.append(task_queue.tasks[5])
    task_queue.drain()
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    assert split.blocks_done == 11 and split.rows_done == 1050
    assert _digests(split) == _digests(_sequential(ref_id))


def test_a_failing_block_fails_the_job_and_removes_its_files(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    task_queue.run_next()
    Job.objects.filter(id=job_id).update(format="xlsx")  # a writer that cannot exist
    task_queue.drain()
    job = Job.objects.get(id=job_id)
    assert job.status == "failed" and "block" in job.error
    assert not Path(job.directory).exists()


def test_a_template_with_child_tables_splits_into_blocks_with_the_same_bytes(
    alice_client: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 1500
    if "finance_transactions" not in {t["name"] for t in alice_client.get("/api/templates").json()}:
        pytest.skip("the templates catalog has no finance_transactions yet")
    body = {"template": "finance_transactions", "rows": 150, "seed": 3, "format": "parquet"}
    split_id = alice_client.post("/api/generate", body, format="json").json()["id"]
    ref_id = alice_client.post("/api/generate", body, format="json").json()["id"]
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == split_id]
    task_queue.run_next()
    assert len(task_queue.tasks) > len(Job.objects.get(id=split_id).tables)  # several per table
    task_queue.drain(seed=5)
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded", split.error
    reference = _sequential(ref_id)
    assert _digests(split) == _digests(reference)
    assert split.tables == reference.tables
    assert split.rows_done == split.rows_total == sum(t["rows"] for t in split.tables.values())
    assert split.rows_total == sum(a.rows for a in split.artifacts.exclude(table=""))


def test_a_stalled_job_gets_its_lost_blocks_back(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    import time

    from generation.recovery import jobs_recover_stalled, recover_stalled

    split_id = _submit(alice_client, people_spec)
    ref_id = _submit(alice_client, people_spec)
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == split_id]
    task_queue.run_next()
    for _ in range(3):
        task_queue.run_next()
    task_queue.tasks.clear()  # the other 8 block tasks were lost (a broker without retry)
    assert recover_stalled() == 0  # still recent: nothing is resent
    # The split job's lost blocks, and the reference job still queued: its split is resent.
    later = time.time() + 3600
    found = jobs_recover_stalled(now=later)
    assert sorted(found.jobs) == sorted([split_id, ref_id])
    assert (found.blocks, found.starts, found.joins) == (8, 1, 0)
    assert sorted(task_queue.names()) == ["run_block"] * 8 + ["run_job"]
    task_queue.tasks = [t for t in task_queue.tasks if t[1][0] == split_id]
    task_queue.drain(seed=1)
    split = Job.objects.get(id=split_id)
    assert split.status == "succeeded" and split.blocks_done == 11
    assert _digests(split) == _digests(_sequential(ref_id))
    task_queue.drain()  # the reference's metrics, enqueued when it succeeded
    assert jobs_recover_stalled(now=later).jobs == []
    # The reference job was made meanwhile; a job still waiting is resent once per period.
    waiting_id = _submit(alice_client, people_spec)
    assert jobs_recover_stalled(now=later).jobs == [waiting_id]
    assert jobs_recover_stalled(now=later + 60).jobs == []
    assert jobs_recover_stalled(now=later + 3700).jobs == [waiting_id]
    assert [args[0] for _, args in task_queue.tasks].count(waiting_id) >= 2


def test_a_late_duplicate_block_after_the_join_keeps_the_jobs_files(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A block redelivered after its worker was lost ends after another copy was joined."""
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()  # fan out
    real_write = services.parts.write_part
    late = {"pending": True}

    def write_part(fmt: str, data: Any, final: Path) -> bool:
        if late.pop("pending", False):
            # This copy's worker looked lost (its lease went stale), so another copy of the
            # block may take the lease over: meanwhile the other workers make every block
            # and join the job.
            # Its holder named as a process that is gone: this copy's own heartbeat thread
            # only touches the file, so a beat landing now cannot make the lease live again.
            lease = Job.objects.get(id=job_id).directory / "leases" / "people-000003"
            lease.write_text(f"{socket.gethostname()} 999999999 0")
            os.utime(lease, (time.time() - 3600, time.time() - 3600))
            task_queue.drain()
            assert Job.objects.get(id=job_id).status == "succeeded"
        return real_write(fmt, data, final)

    monkeypatch.setattr(services.parts, "write_part", write_part)
    services.job_block_run(job_id=job_id, table="people", index=3)

    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert job.blocks_done == 11 and job.rows_done == 1050
    assert _digests(job)  # every artifact is there, with the bytes its digest says
    assert not (job.directory / "parts").exists()
    resp = alice_client.get(f"/api/download/{job_id}")
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content).count(b"\n") == 1051


def test_a_second_join_that_loses_the_race_keeps_the_jobs_files(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two joins of one job (two last blocks at once): the one that finishes second fails quietly."""
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()
    while len(task_queue.tasks) > 1 or task_queue.names() != ["finalize_job"]:
        task_queue.run_next()
    real_join = services.parts.join_parts
    first = {"pending": True}

    def join_parts(*args: Any) -> None:
        if first.pop("pending", False):
            task_queue.drain()  # the other join runs to the end while this one is at work
            assert Job.objects.get(id=job_id).status == "succeeded"
        real_join(*args)

    monkeypatch.setattr(services.parts, "join_parts", join_parts)
    services.job_finalize(job_id=job_id)

    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded" and not job.error
    assert {a.table for a in job.artifacts.all()} == {"people"}
    assert _digests(job)
    assert not [p.name for p in job.directory.iterdir() if p.name.endswith(".tmp")]
