"""A job is done when its data is ready: its metrics follow in a task of their own, with their
own state (pending, running, ready, failed), and survive a lost worker like blocks do."""

from __future__ import annotations

import io
import time
from functools import partial
from typing import Any

import pandas as pd
import pytest

from generation.models import Job
from generation.recovery import jobs_recover_stalled
from tests.conftest import submit
from tests.generation.tasks_queue import RecordingQueue

pytestmark = pytest.mark.django_db(transaction=True)


_submit = partial(submit, rows=500)


def _run_data(queue: RecordingQueue) -> None:
    """Every task the data needs (run_job, blocks, join), leaving the metrics task queued."""
    while any(name != "compute_metrics" for name in queue.names()):
        queue.run_next(next(i for i, n in enumerate(queue.names()) if n != "compute_metrics"))


def _downloaded_rows(client: Any, job_id: str) -> int:
    resp = client.get(f"/api/download/{job_id}")
    assert resp.status_code == 200
    return len(pd.read_csv(io.BytesIO(b"".join(resp.streaming_content))))


@pytest.mark.parametrize("blocks", [1, 5], ids=["one-task", "blocks-and-join"])
def test_a_job_is_succeeded_and_downloadable_while_its_metrics_are_pending(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any, blocks: int
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 500 // blocks
    job_id = _submit(alice_client, people_spec)
    _run_data(task_queue)
    assert task_queue.names() == ["compute_metrics"]  # enqueued by the job's completion

    job = alice_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["metrics"] == {"status": "pending", "progress": 0.0, "error": ""}
    assert _downloaded_rows(alice_client, job_id) == 500
    assert alice_client.get(f"/api/preview/{job_id}?limit=3").status_code == 200
    waiting = alice_client.get(f"/api/metrics/{job_id}")
    assert waiting.status_code == 202 and waiting["Retry-After"] == "2"
    assert waiting.json() == {
        "status": "pending",
        "progress": 0.0,
        "error": "",
        "job": job_id,
        "retry_after": 2,
    }
    page = alice_client.get(f"/api/metrics/{job_id}?format=html")
    assert page.status_code == 202 and page["Retry-After"] == "2"
    assert "computing metrics" in page.content.decode()

    task_queue.run_next()  # the metrics task, on whichever worker takes it
    ready = alice_client.get(f"/api/metrics/{job_id}")
    assert ready.status_code == 200
    document = ready.json()
    assert document["kind"] == "conformance" and "people" in document["tables"]
    assert document["sample"]["rows_cap"] == settings.SYNDATA_METRICS_SAMPLE_ROWS
    assert alice_client.get(f"/api/jobs/{job_id}").json()["metrics"] == {
        "status": "ready",
        "progress": 1.0,
        "error": "",
    }
    assert alice_client.get(f"/api/metrics/{job_id}?format=html").status_code == 200


def test_a_running_job_answers_202_and_a_duplicate_metrics_task_does_nothing(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    job_id = _submit(alice_client, people_spec)
    assert alice_client.get(f"/api/metrics/{job_id}").status_code == 202  # queued: they will come
    _run_data(task_queue)
    task_queue.run_next()
    assert Job.objects.get(id=job_id).metrics_attempts == 1
    from generation.tasks import compute_metrics

    compute_metrics(job_id)  # a redelivered copy: the metrics are ready, it claims nothing
    job = Job.objects.get(id=job_id)
    assert job.metrics_attempts == 1 and job.metrics_status == "ready"


def test_failed_metrics_leave_the_job_succeeded_and_say_why(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    job_id = _submit(alice_client, people_spec)
    _run_data(task_queue)
    # A spec the metrics cannot read (as if the engine changed under a stored job): a real
    # failure of the metrics' own work, nothing mocked.
    Job.objects.filter(id=job_id).update(spec={"tables": "not tables"})
    task_queue.run_next()
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded" and job.error == ""
    assert job.metrics_status == "failed" and "SpecError" in job.metrics_error
    shown = alice_client.get(f"/api/jobs/{job_id}").json()["metrics"]
    assert shown["status"] == "failed" and "SpecError" in shown["error"]
    resp = alice_client.get(f"/api/metrics/{job_id}")
    assert resp.status_code == 409
    error = resp.json()["error"]
    assert error["code"] == "metrics_failed" and "SpecError" in error["message"]
    assert _downloaded_rows(alice_client, job_id) == 500  # the data is intact


def test_lost_metrics_are_enqueued_again_and_the_data_stays_downloadable(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    job_id = _submit(alice_client, people_spec)
    _run_data(task_queue)
    # The worker that took the metrics task was killed mid-way: what it left is the claim
    # (running, one attempt) and no task anywhere.
    Job.objects.filter(id=job_id).update(metrics_status="running", metrics_attempts=1)
    task_queue.tasks.clear()
    assert jobs_recover_stalled().metrics == 0  # its heartbeat is recent: maybe still working
    later = time.time() + settings.SYNDATA_STALL_SECONDS + 60
    found = jobs_recover_stalled(now=later)
    assert (found.jobs, found.metrics) == ([job_id], 1)
    assert task_queue.names() == ["compute_metrics"]
    assert Job.objects.get(id=job_id).metrics_status == "pending"
    assert jobs_recover_stalled(now=later).metrics == 0  # this stall was handled once
    assert _downloaded_rows(alice_client, job_id) == 500
    assert alice_client.get(f"/api/metrics/{job_id}").status_code == 202
    task_queue.run_next()
    assert alice_client.get(f"/api/metrics/{job_id}").status_code == 200
    job = Job.objects.get(id=job_id)
    assert job.metrics_status == "ready" and job.metrics_attempts == 2


def test_metrics_whose_enqueue_was_refused_are_enqueued_by_recovery(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    job_id = _submit(alice_client, people_spec)
    _run_data(task_queue)
    task_queue.tasks.clear()  # the broker refused it: metrics pending, no task
    found = jobs_recover_stalled(now=time.time() + settings.SYNDATA_STALL_SECONDS + 60)
    assert found.jobs == [job_id] and found.metrics == 1
    assert task_queue.names() == ["compute_metrics"]


def test_metrics_lost_too_often_fail_and_the_job_stays_succeeded(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    settings.SYNDATA_METRICS_RETRIES = 2
    job_id = _submit(alice_client, people_spec)
    _run_data(task_queue)
    task_queue.tasks.clear()
    Job.objects.filter(id=job_id).update(metrics_status="running", metrics_attempts=3)
    found = jobs_recover_stalled(now=time.time() + settings.SYNDATA_STALL_SECONDS + 60)
    assert found.metrics_failed == 1 and task_queue.tasks == []
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded" and job.metrics_status == "failed"
    assert "SYNDATA_METRICS_RETRIES=2" in job.metrics_error
    assert alice_client.get(f"/api/metrics/{job_id}").json()["error"]["code"] == "metrics_failed"


def test_metrics_of_failed_cancelled_and_other_users_jobs_are_refused(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    cancelled = _submit(alice_client, people_spec)
    assert alice_client.post(f"/api/jobs/{cancelled}/cancel").status_code == 200
    failed = _submit(alice_client, people_spec)
    Job.objects.filter(id=failed).update(status="failed", error="block 0 of people: boom")
    for job_id, status in ((cancelled, "cancelled"), (failed, "failed")):
        resp = alice_client.get(f"/api/metrics/{job_id}")
        assert resp.status_code == 409, job_id
        assert resp.json()["error"] == {
            "code": "not_ready",
            "message": f"metrics are not ready: the job is {status}",
            "details": None,
        }
        assert alice_client.get(f"/api/jobs/{job_id}").json()["metrics"]["status"] == "none"
    assert bob_client.get(f"/api/metrics/{failed}").status_code == 404
    task_queue.tasks.clear()
    assert jobs_recover_stalled(now=time.time() + 10_000).metrics == 0  # never for these
