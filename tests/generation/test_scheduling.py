"""Fair, visible scheduling: fits on their own cluster, a job says why it waits and what it
does, recovery passes never pile up, and a block is never made by two tasks at once."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler
from django_q.signing import SignedPackage

from generation import heartbeat, recovery, scheduling, services
from generation.heartbeat import BlockLease
from generation.models import Job
from tests.conftest import submit
from tests.generation.tasks_queue import RecordingQueue
from tests.synthesis.conftest import real_table, upload

pytestmark = pytest.mark.django_db(transaction=True)


_submit = submit  # rows 1050: several blocks


def _submit_fit(client: Any) -> str:
    dataset = upload(client, real_table("credit_scoring", rows=300))
    resp = client.post(
        f"/api/datasets/{dataset['id']}/fit", {"synthesizer": "spec", "seed": 3}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    return str(resp.json()["id"])


# --- lanes -----------------------------------------------------------------------------------


def test_fits_go_to_the_heavy_cluster_and_short_work_to_the_default_one(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    settings.SYNDATA_BLOCK_SIZE = 100
    _submit_fit(alice_client)
    _submit(bob_client, people_spec)
    task_queue.drain()
    sent = dict(task_queue.sent)
    assert sent["run_fit"] == settings.SYNDATA_HEAVY_CLUSTER
    # Bob's job, its blocks, its join and its metrics never queue behind Alice's fit.
    for name in ("run_job", "run_block", "finalize_job", "compute_metrics"):
        assert sent[name] is None, name
    assert Job.objects.filter(status="succeeded").count() == 2


def test_without_heavy_workers_a_fit_runs_on_the_default_cluster(
    alice_client: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    settings.SYNDATA_HEAVY_WORKERS = 0
    _submit_fit(alice_client)
    assert task_queue.sent == [("run_fit", None)]


# --- why a job waits, what it does ------------------------------------------------------------


def test_a_queued_job_says_how_many_of_its_lane_are_ahead(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    first, second = _submit_fit(alice_client), _submit_fit(alice_client)
    bobs_fit = _submit_fit(bob_client)
    bobs_job = _submit(bob_client, people_spec)

    job = bob_client.get(f"/api/jobs/{bobs_fit}").json()
    assert job["phase"] == "waiting"
    # Fair shares: Bob's fit goes after Alice's first, before her second (sent before it).
    assert job["waiting"] == {"lane": "heavy", "ahead": 1, "running": 0, "workers": 1}
    assert job["activity"] == "waiting for a fit worker, 1 ahead"
    # Fits are not ahead of a schema job: it waits for the other workers.
    short = bob_client.get(f"/api/jobs/{bobs_job}").json()
    assert short["waiting"] == {"lane": "default", "ahead": 0, "running": 0, "workers": 2}

    Job.objects.filter(id=first).update(
        status="running", params={"epochs_done": 3, "epochs_total": 10}
    )
    job = bob_client.get(f"/api/jobs/{bobs_fit}").json()
    assert job["waiting"]["ahead"] == 0  # Alice has one running, Bob none: his turn is next
    assert job["activity"] == "waiting for a fit worker, 0 ahead (1 running on 1)"
    running = alice_client.get(f"/api/jobs/{first}").json()
    assert (running["phase"], running["activity"], running["waiting"]) == (
        "fitting",
        "fitting epoch 3/10",
        None,
    )
    listed = {j["id"]: j for j in alice_client.get("/api/jobs").json()}
    assert listed[second]["activity"] == "waiting for a fit worker, 1 ahead (1 running on 1)"


def _list_queries(client: Any) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        resp = client.get("/api/jobs")
    assert resp.status_code == 200
    return len(queries), {j["id"]: j for j in resp.json()}


def test_the_job_list_reads_each_lanes_order_once_whatever_the_number_queued(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    # Both lanes hold queued jobs of both users: a fit each, then schema jobs.
    fits = [_submit_fit(alice_client), _submit_fit(bob_client)]
    jobs = [_submit(alice_client, people_spec), _submit(bob_client, people_spec)]
    few, listed = _list_queries(alice_client)
    assert {listed[j]["waiting"]["ahead"] for j in jobs[:1]} == {0}

    jobs += [_submit(c, people_spec) for c in (alice_client, bob_client) * 3]
    many, listed = _list_queries(alice_client)
    mine = [j for j in jobs if j in listed]
    assert len(mine) == 4 and all(listed[j]["phase"] == "waiting" for j in mine)
    assert many == few, f"{few} queries with 2 schema jobs queued, {many} with 8"
    # The places are still each job's own, as the detail view gives them (fair shares: Bob's
    # jobs alternate with Alice's, so hers are 0, 2, 4, 6 ahead).
    assert sorted(listed[j]["waiting"]["ahead"] for j in mine) == [0, 2, 4, 6]
    for job_id in mine + fits[:1]:
        alone = alice_client.get(f"/api/jobs/{job_id}").json()
        assert alone["waiting"] == listed[job_id]["waiting"]
        assert alone["activity"] == listed[job_id]["activity"]


# --- fair shares inside a lane ------------------------------------------------------------------


def test_fair_order_alternates_users_and_puts_the_one_with_fewer_running_first() -> None:
    from datetime import datetime as dt

    t = [dt(2026, 1, 1, 0, m, tzinfo=UTC) for m in range(6)]
    queued = [("a1", "alice", t[0]), ("a2", "alice", t[1]), ("a3", "alice", t[2])]
    queued += [("b1", "bob", t[3]), ("b2", "bob", t[4])]
    # Nothing running: turns alternate, the oldest waiting job first on a tie.
    assert scheduling.fair_order(queued, {}) == ["a1", "b1", "a2", "b2", "a3"]
    # Alice's jobs hold two workers: Bob's both go first, though sent after all of hers.
    assert scheduling.fair_order(queued, {"alice": 2}) == ["b1", "b2", "a1", "a2", "a3"]
    assert scheduling.fair_order(queued, {"alice": 1}) == ["b1", "a1", "b2", "a2", "a3"]
    # A third user with one running goes after Bob's first (none running), then before his
    # second (one each: Carol not yet served here) and before Alice's (two running).
    carol = [("c1", "carol", t[5])]
    order = scheduling.fair_order(queued + carol, {"alice": 2, "carol": 1})
    assert order[:4] == ["b1", "c1", "b2", "a1"]
    # One worker, nothing running between turns: who was served last decides, so they
    # alternate (Alice's a0 started last at 00:10, Bob never).
    served = {"alice": dt(2026, 1, 1, 0, 10, tzinfo=UTC)}
    assert scheduling.fair_order(queued, {}, served) == ["b1", "a1", "b2", "a2", "a3"]
    served["bob"] = dt(2026, 1, 1, 0, 11, tzinfo=UTC)
    assert scheduling.fair_order(queued, {}, served) == ["a1", "b1", "a2", "b2", "a3"]
    # A user's own jobs keep the order they were sent in, however they are listed.
    assert scheduling.fair_order(list(reversed(queued)), {}) == ["a1", "b1", "a2", "b2", "a3"]
    assert scheduling.fair_order([], {"alice": 3}) == []


def test_two_workers_taking_turns_alternate_between_users(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    alices = [_submit(alice_client, people_spec, rows=10) for _ in range(3)]
    bobs = _submit(bob_client, people_spec, rows=10)
    # Each take is a worker that has claimed its job and not finished it: it counts as running.
    taken = [scheduling.take_turn(None, lane=scheduling.DEFAULT) for _ in range(4)]
    assert [str(j.id) for j in taken if j] == [alices[0], bobs, alices[1], alices[2]]
    assert scheduling.take_turn(None, lane=scheduling.DEFAULT) is None  # all claimed
    assert all(j.status == "queued" and j.started_at for j in Job.objects.all())


def test_on_one_worker_turns_alternate_between_users(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    alices = [_submit(alice_client, people_spec, rows=10) for _ in range(3)]
    bobs = _submit(bob_client, people_spec, rows=10)
    # One worker: each turn's job has finished before the next turn is taken.
    for _ in range(4):
        func, _ = task_queue.run_next(0)
        assert func == "generation.tasks.run_job"
        while task_queue.tasks and task_queue.tasks[0][0].endswith("compute_metrics"):
            task_queue.run_next(0)
    started = Job.objects.order_by("started_at").values_list("id", flat=True)
    assert [str(i) for i in started] == [alices[0], bobs, alices[1], alices[2]]
    assert set(Job.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_turn_runs_the_fairest_job_and_every_job_runs_once(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    alices = [_submit(alice_client, people_spec, rows=10) for _ in range(2)]
    bobs = _submit(bob_client, people_spec, rows=10)
    Job.objects.filter(id=alices[0]).update(status="running")  # a worker makes it meanwhile
    # Alice's second job's turn comes first in the queue: Bob's job (none running) takes it.
    func, args = task_queue.run_next(1)
    assert (func, args) == ("generation.tasks.run_job", (alices[1],))
    assert Job.objects.get(id=bobs).status == "succeeded"
    assert Job.objects.get(id=alices[1]).status == "queued"
    Job.objects.filter(id=alices[0]).update(status="succeeded")
    task_queue.drain()  # the turns left (Bob's own among them) run what still waits, once each
    assert set(Job.objects.values_list("status", flat=True)) == {"succeeded"}
    assert Job.objects.get(id=alices[1]).rows_done == 10


def test_two_workers_at_once_never_take_the_same_job(
    alice_client: Any, bob_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    from django.db import connection

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("threads need a database they can share")
    ids = {_submit(alice_client, people_spec, rows=10) for _ in range(4)}
    ids |= {_submit(bob_client, people_spec, rows=10) for _ in range(4)}
    start = threading.Barrier(2)
    got: list[str] = []

    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import OperationalError, connections

        try:
            start.wait()
            while True:
                try:
                    job = scheduling.take_turn(None, lane=scheduling.DEFAULT)
                except OperationalError as exc:  # SQLite's shared-cache test database
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                    continue
                if job is None:
                    return
                got.append(str(job.id))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(got) == sorted(ids)  # each job taken by exactly one of the two


def test_a_job_says_when_it_writes_its_files_and_computes_its_metrics(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()  # fan out
    job = alice_client.get(f"/api/jobs/{job_id}").json()
    assert (job["phase"], job["activity"]) == ("generating", "making blocks 0/11")
    while task_queue.names()[0] != "finalize_job":
        task_queue.run_next()
    job = alice_client.get(f"/api/jobs/{job_id}").json()
    assert (job["status"], job["phase"], job["activity"]) == ("running", "joining", "writing files")
    task_queue.run_next()
    job = alice_client.get(f"/api/jobs/{job_id}").json()
    assert (job["status"], job["phase"]) == ("succeeded", "metrics")
    assert job["activity"] == "computing metrics"
    task_queue.drain()
    job = alice_client.get(f"/api/jobs/{job_id}").json()
    assert (job["phase"], job["activity"]) == ("done", "succeeded")


# --- recovery passes do not pile up ----------------------------------------------------------


def _recovery_tasks(broker: Any) -> list[Any]:
    """The recovery passes waiting in the (ORM) broker."""
    from django_q.models import OrmQ

    return [q for q in OrmQ.objects.filter(key=broker.list_key) if q.func() == recovery_func()]


def recovery_func() -> str:
    return "generation.recovery.recover_stalled"


def test_the_schedule_never_queues_a_second_recovery_pass_while_one_waits(settings: Any) -> None:
    if "orm" not in settings.Q_CLUSTER:
        pytest.skip("reads the ORM broker's queue")
    recovery.ensure_recover_schedule()
    broker = get_broker()
    scheduler(broker=broker)
    assert len(_recovery_tasks(broker)) == 1
    # Minutes pass while every worker is busy: the scheduler keeps running.
    for _ in range(5):
        Schedule.objects.filter(name=recovery.RECOVER_SCHEDULE).update(
            next_run=timezone.now() - timedelta(minutes=1)
        )
        scheduler(broker=broker)
    waiting = _recovery_tasks(broker)
    assert len(waiting) == 1

    # A worker runs the pass: it arms the next one, a minute from now.
    task = SignedPackage.loads(waiting[0].payload)
    broker.delete(waiting[0].id)
    import_string(task["func"])(*task["args"])
    armed = Schedule.objects.get(name=recovery.RECOVER_SCHEDULE)
    assert armed.repeats == 1 and armed.next_run > timezone.now() + timedelta(seconds=30)
    scheduler(broker=broker)
    assert _recovery_tasks(broker) == []  # not before its time
    Schedule.objects.filter(name=recovery.RECOVER_SCHEDULE).update(next_run=timezone.now())
    scheduler(broker=broker)
    assert len(_recovery_tasks(broker)) == 1


def test_a_recovery_pass_lost_with_its_worker_no_longer_holds_the_schedule(settings: Any) -> None:
    recovery.ensure_recover_schedule()
    lease = settings.SYNDATA_RECOVER_LEASE_SECONDS
    sent = timezone.now() - timedelta(seconds=lease // 2)
    Schedule.objects.filter(name=recovery.RECOVER_SCHEDULE).update(repeats=0, next_run=sent)
    assert recovery.recover_schedule_revive() == 0  # may still be waiting for a worker
    lost = timezone.now() - timedelta(seconds=lease + 1)
    Schedule.objects.filter(name=recovery.RECOVER_SCHEDULE).update(repeats=0, next_run=lost)
    assert recovery.recover_schedule_revive() == 1
    assert Schedule.objects.get(name=recovery.RECOVER_SCHEDULE).repeats == 1


# --- one block, one task at a time -----------------------------------------------------------


def test_a_second_copy_of_a_block_being_made_leaves_it_to_the_first(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()  # fan out
    made: list[int] = []
    real_make = services._block_make

    def block_make(job: Job, table: str, index: int, part: Any) -> None:
        made.append(index)
        if len(made) == 1:  # while the first copy works, the duplicate arrives
            services.job_block_run(job_id=job_id, table="people", index=3)
        real_make(job, table, index, part)

    monkeypatch.setattr(services, "_block_make", block_make)
    services.job_block_run(job_id=job_id, table="people", index=3)
    assert made == [3]  # the duplicate saw the live lease and left
    task_queue.drain()
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert job.rows_done == 1050 and not (job.directory / "leases").exists()


def test_recovery_does_not_resend_a_block_a_live_task_is_making(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue, small_blocks: int
) -> None:
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()  # fan out
    task_queue.tasks.clear()  # the broker lost every block
    job = Job.objects.get(id=job_id)
    assert BlockLease(job, "people", 5).acquire()  # a long block, alive
    later = time.time() + 3600
    os.utime(job.directory / "leases" / "people-000005", (later, later))
    done = recovery.jobs_recover_stalled(now=later)
    assert done.blocks == 10
    assert sorted(args[2] for _, args in task_queue.tasks) == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]


def _takers(job: Job, index: int, copies: int = 4) -> list[bool]:
    """``copies`` threads try to take block ``index``'s lease at once: who won."""
    winners: list[bool] = []
    barrier = threading.Barrier(copies)

    def take() -> None:
        barrier.wait()
        winners.append(BlockLease(job, "people", index).acquire())

    threads = [threading.Thread(target=take) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(winners)


def test_a_stale_lease_is_taken_over_by_one_copy(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    job = Job.objects.get(id=_submit(alice_client, people_spec))
    for index in range(30):  # a race: one round rarely shows a second winner, thirty do
        first = BlockLease(job, "people", index)
        assert first.acquire() and not BlockLease(job, "people", index).acquire()
        old = time.time() - 3600
        os.utime(first.path, (old, old))  # its worker is gone
        assert _takers(job, index) == [False, False, False, True], index


def test_a_long_block_beats_its_heart_on_the_job_and_its_lease(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    small_blocks: int,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.SYNDATA_STALL_SECONDS = 2  # a beat every half second
    job_id = _submit(alice_client, people_spec)
    task_queue.run_next()  # fan out
    job = Job.objects.get(id=job_id)
    lease = job.directory / "leases" / "people-000004"
    real_make = services._block_make
    beats: list[bool] = []

    def slow_make(job: Job, table: str, index: int, part: Any) -> None:
        old = time.time() - 3600
        os.utime(job.directory, (old, old))
        os.utime(lease, (old, old))
        deadline = time.monotonic() + 60  # a bound, not a measurement
        while time.monotonic() < deadline:
            fresh = [time.time() - p.stat().st_mtime < 60 for p in (job.directory, lease)]
            if all(fresh):
                break
            time.sleep(0.05)
        beats.append(all(fresh))
        real_make(job, table, index, part)

    monkeypatch.setattr(services, "_block_make", slow_make)
    services.job_block_run(job_id=job_id, table="people", index=4)
    assert beats == [True]
    assert not lease.exists()  # released when the block was made


def test_the_lease_of_a_killed_worker_on_this_machine_is_taken_over_at_once(
    alice_client: Any, people_spec: Any, task_queue: RecordingQueue
) -> None:
    """A broker redelivers a killed worker's task within seconds: it must not wait for the
    stall window because the dead worker's lease is still fresh."""
    import socket
    import subprocess
    import sys

    job = Job.objects.get(id=_submit(alice_client, people_spec))
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = heartbeat._process_started(worker.pid)
    lease = BlockLease(job, "people", 2)
    lease.path.parent.mkdir(parents=True)
    lease.path.write_text(f"{socket.gethostname()} {worker.pid} {started}")
    assert lease.live() and not BlockLease(job, "people", 2).acquire()
    worker.kill()
    worker.wait()
    assert not lease.live()  # fresh, but its process is gone
    assert BlockLease(job, "people", 2).acquire()


def test_a_fit_waiting_behind_others_is_not_sent_again_every_stall(
    alice_client: Any, task_queue: RecordingQueue, settings: Any
) -> None:
    """While tasks wait in the heavy queue, a queued fit is one of them, not a lost task."""
    from django_q.tasks import async_task

    if "orm" not in settings.Q_CLUSTER:
        pytest.skip("reads the ORM broker's queue")
    job_id = _submit_fit(alice_client)
    task_queue.tasks.clear()
    # Another user's fit waits in the real heavy queue (not the recording one).
    async_task("generation.tasks.run_fit", "another-fit", cluster=settings.SYNDATA_HEAVY_CLUSTER)
    later = time.time() + 3600
    assert recovery.jobs_recover_stalled(now=later).starts == 0
    assert task_queue.tasks == []
    get_broker(settings.SYNDATA_HEAVY_CLUSTER).purge_queue()  # the queue drained: it was lost
    found = recovery.jobs_recover_stalled(now=later + 3600)
    assert (found.jobs, found.starts) == ([job_id], 1)
    assert task_queue.sent[-1] == ("run_fit", settings.SYNDATA_HEAVY_CLUSTER)
