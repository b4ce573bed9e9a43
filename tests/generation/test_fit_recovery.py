"""Lost fit jobs come back: the watchdog resends a fit that never started, queues a fit whose
worker was lost again (same seed, same model) up to SYNDATA_FIT_RETRIES, then fails it; a long
healthy fit beats its heart and is left alone."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from generation.models import Job, SynthModel
from generation.recovery import jobs_recover_stalled
from generation.synthesis import fits as synthesis
from generation.synthesis.fitting import FitProgress
from tests.generation.tasks_queue import RecordingQueue
from tests.synthesis.conftest import real_table, upload

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = 3600.0


@pytest.fixture
def fit_queue(task_queue: RecordingQueue) -> RecordingQueue:
    """Fits are enqueued like every job (generation.services, which task_queue records)."""
    return task_queue


def _submit_fit(client: Any, seed: int = 3) -> str:
    dataset = upload(client, real_table("credit_scoring", rows=300))
    resp = client.post(
        f"/api/datasets/{dataset['id']}/fit", {"synthesizer": "spec", "seed": seed}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    return str(resp.json()["id"])


def _worker_lost_mid_fit(job_id: str) -> None:
    """What a worker killed (-9, OOM) during a fit leaves: a running job that stopped beating."""
    Job.objects.filter(id=job_id).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=1)
    )


def _learned_spec(job_id: str) -> Any:
    model = SynthModel.objects.get(id=Job.objects.get(id=job_id).params["model_id"])
    return model.schema.spec


def test_a_queued_fit_whose_task_was_lost_is_sent_again_once_per_stall(
    alice_client: Any, fit_queue: RecordingQueue
) -> None:
    job_id = _submit_fit(alice_client)
    fit_queue.tasks.clear()  # the broker lost the task
    assert jobs_recover_stalled().jobs == []  # still recent: nothing is resent
    later = time.time() + HOUR
    found = jobs_recover_stalled(now=later)
    assert (found.jobs, found.starts) == ([job_id], 1)
    assert fit_queue.names() == ["run_fit"]
    assert jobs_recover_stalled(now=later + 60).jobs == []  # this stall was handled
    fit_queue.tasks.append(fit_queue.tasks[0])  # ... and a duplicate of the resent task
    fit_queue.drain()
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert job.started_at is not None and job.rows_done == job.rows_total
    assert jobs_recover_stalled(now=later + 2 * HOUR).jobs == []


def test_a_fit_whose_worker_was_lost_runs_again_and_gives_the_same_model(
    alice_client: Any, fit_queue: RecordingQueue
) -> None:
    reference = _submit_fit(alice_client, seed=11)
    fit_queue.drain()
    job_id = _submit_fit(alice_client, seed=11)
    fit_queue.tasks.clear()
    _worker_lost_mid_fit(job_id)
    found = jobs_recover_stalled(now=time.time() + HOUR)
    assert (found.jobs, found.fit_retries, found.fits_failed) == ([job_id], 1, 0)
    job = Job.objects.get(id=job_id)
    assert job.status == "queued" and job.params["fit_retries"] == 1
    assert "retried" in job.log[-1]["message"]
    assert fit_queue.names() == ["run_fit"]
    fit_queue.drain()
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert _learned_spec(job_id) == _learned_spec(reference)


def test_a_fit_that_keeps_losing_its_worker_fails_after_the_retry_limit(
    alice_client: Any, fit_queue: RecordingQueue, settings: Any
) -> None:
    settings.SYNDATA_FIT_RETRIES = 2
    job_id = _submit_fit(alice_client)
    now = time.time()
    for retry in (1, 2):
        fit_queue.tasks.clear()
        _worker_lost_mid_fit(job_id)
        now += HOUR
        assert jobs_recover_stalled(now=now).fit_retries == 1
        assert Job.objects.get(id=job_id).params["fit_retries"] == retry
    _worker_lost_mid_fit(job_id)
    fit_queue.tasks.clear()
    found = jobs_recover_stalled(now=now + HOUR)
    assert (found.fit_retries, found.fits_failed) == (0, 1)
    assert fit_queue.tasks == []
    job = Job.objects.get(id=job_id)
    assert job.status == "failed"
    assert "no heartbeat" in job.error and "SYNDATA_FIT_RETRIES=2" in job.error
    assert "retried 2 times" in job.error
    model_id = job.params["model_id"]
    assert alice_client.get(f"/api/models/{model_id}").json()["status"] == "failed"
    assert jobs_recover_stalled(now=now + 3 * HOUR).jobs == []


def test_a_long_healthy_fit_beats_its_heart_and_is_not_taken_for_stalled(
    alice_client: Any, fit_queue: RecordingQueue, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SYNDATA_STALL_SECONDS = 2
    job_id = _submit_fit(alice_client)
    fit_queue.tasks.clear()
    seen: dict[str, Any] = {}
    real_fit = synthesis._fit

    def slow_fit(job: Job, model: SynthModel) -> None:
        time.sleep(3)  # longer than the stall time, and no epoch callback meanwhile
        seen["recovered"] = jobs_recover_stalled()
        real_fit(job, model)

    monkeypatch.setattr(synthesis, "_fit", slow_fit)
    synthesis.fit_run(job_id=job_id)
    assert seen["recovered"].jobs == []
    assert fit_queue.tasks == []
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert "fit_retries" not in job.params
    assert not job.directory.exists()  # the heartbeat's folder is gone with the fit


def test_each_epoch_of_a_fit_is_a_heartbeat(alice_client: Any, fit_queue: RecordingQueue) -> None:
    job = Job.objects.get(id=_submit_fit(alice_client))
    Job.objects.filter(id=job.id).update(status=Job.Status.RUNNING)
    job.directory.mkdir(parents=True)
    os.utime(job.directory, (time.time() - HOUR, time.time() - HOUR))
    FitProgress(job)(1, 10)
    assert time.time() - job.directory.stat().st_mtime < 60
