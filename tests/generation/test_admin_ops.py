"""Operators' tools in the admin: cancel jobs, see the queues and the workers."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from generation.models import Job
from tests.conftest import submit
from tests.generation.tasks_queue import RecordingQueue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator() -> Client:
    get_user_model().objects.create_superuser("root", "root@example.com", "root-password-1")
    client = Client()
    client.login(username="root", password="root-password-1")
    return client


_submit = partial(submit, format=None)


def test_operators_cancel_unfinished_jobs_from_the_admin(
    operator: Client, alice_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    waiting = _submit(alice_client, people_spec)
    done = _submit(alice_client, people_spec)
    Job.objects.filter(id=done).update(status="succeeded")
    resp = operator.post(
        "/admin/generation/job/",
        {"action": "cancel_jobs", "_selected_action": [waiting, done]},
        follow=True,
    )
    assert resp.status_code == 200 and b"Cancelled 1 job(s)" in resp.content
    assert Job.objects.get(id=waiting).status == "cancelled"
    assert Job.objects.get(id=done).status == "succeeded"
    task_queue.drain()  # its task, when it comes, does nothing
    assert Job.objects.get(id=waiting).status == "cancelled"


def test_the_queue_page_shows_tasks_per_cluster_and_running_and_stalled_jobs(
    operator: Client, alice_client: Any, people_spec: Any, settings: Any
) -> None:
    running = _submit(alice_client, people_spec)  # its task waits in the (ORM) broker
    Job.objects.filter(id=running).update(status="running")
    page = operator.get("/admin/generation/job/queues/")
    assert page.status_code == 200
    text = page.content.decode()
    assert settings.SYNDATA_HEAVY_CLUSTER in text and "Stalled jobs" in text
    assert running in text and "making blocks 0/1" in text
    assert "no worker runs" in text  # no qcluster in this test
    assert b"queues-link" in operator.get("/admin/generation/job/").content
    assert Client().get("/admin/generation/job/queues/").status_code == 302  # staff only
