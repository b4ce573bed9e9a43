"""Job.transition and Job.metrics_transition: the one place a job's status (or its metrics')
changes. Legal changes win once, illegal ones are refused before anything is written, a lost
race answers False; and no other code writes a status (checked over the source tree)."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from django.db.models import F

from generation.models import IllegalTransition, Job
from tests.conftest import REPO

S = Job.Status
M = Job.MetricsStatus


def _job(owner: Any, **fields: Any) -> Job:
    return Job.objects.create(owner=owner, seed=1, rows_total=10, **fields)


def test_queued_to_running_sets_started_at_in_the_row_and_in_memory(alice: Any) -> None:
    job = _job(alice)
    assert Job.transition(job, source=S.QUEUED, target=S.RUNNING)
    row = Job.objects.get(id=job.id)
    assert row.status == S.RUNNING and row.started_at is not None and row.finished_at is None
    assert job.status == S.RUNNING and job.started_at == row.started_at


def test_every_end_sets_finished_at_and_writes_the_fields(alice: Any) -> None:
    for target in (S.SUCCEEDED, S.FAILED, S.CANCELLED):
        job = _job(alice, status=S.RUNNING)
        assert Job.transition(job.id, source=S.RUNNING, target=target, error="why")
        row = Job.objects.get(id=job.id)
        assert (row.status, row.error) == (target, "why")
        assert row.finished_at is not None


def test_back_to_queued_clears_started_at(alice: Any) -> None:
    job = _job(alice)
    Job.transition(job, source=S.QUEUED, target=S.RUNNING)
    assert Job.transition(job.id, source=S.RUNNING, target=S.QUEUED, rows_done=0)
    assert Job.objects.get(id=job.id).started_at is None


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.SUCCEEDED, S.RUNNING),
        (S.FAILED, S.QUEUED),
        (S.CANCELLED, S.SUCCEEDED),
        (S.QUEUED, S.SUCCEEDED),  # a job never succeeds without running
        (S.QUEUED, S.QUEUED),
        ("paused", S.RUNNING),
    ],
)
def test_an_illegal_transition_is_refused_and_writes_nothing(
    alice: Any, source: str, target: str
) -> None:
    job = _job(alice, status=source if source in S.values else S.QUEUED)
    with pytest.raises(IllegalTransition):
        Job.transition(job, source=source, target=target, error="written?")
    row = Job.objects.get(id=job.id)
    assert row.error == "" and row.status == job.status


def test_one_illegal_source_among_several_refuses_them_all(alice: Any) -> None:
    job = _job(alice, status=S.RUNNING)
    with pytest.raises(IllegalTransition, match="succeeded to failed"):
        Job.transition(job, source=(S.RUNNING, S.SUCCEEDED), target=S.FAILED)
    assert Job.objects.get(id=job.id).status == S.RUNNING


def test_a_lost_race_answers_false_and_changes_nothing(alice: Any) -> None:
    """Two tasks try to start the same queued job: one wins; a job cancelled meanwhile
    does not start, fail or succeed."""
    job = _job(alice)
    first, second = Job.objects.get(id=job.id), Job.objects.get(id=job.id)
    assert Job.transition(first, source=S.QUEUED, target=S.RUNNING)
    assert not Job.transition(second, source=S.QUEUED, target=S.RUNNING)
    assert second.status == S.QUEUED  # the loser's copy is not updated in memory
    assert Job.transition(job.id, source=Job.UNFINISHED, target=S.CANCELLED)
    assert not Job.transition(job.id, source=S.RUNNING, target=S.SUCCEEDED, rows_done=10)
    assert not Job.transition(job.id, source=Job.UNFINISHED, target=S.FAILED, error="late")
    row = Job.objects.get(id=job.id)
    assert (row.status, row.rows_done, row.error) == (S.CANCELLED, 0, "")
    assert not Job.transition(Job().id, source=S.QUEUED, target=S.RUNNING)  # no such job


def test_no_target_writes_fields_only_while_in_source(alice: Any) -> None:
    job = _job(alice, status=S.RUNNING)
    assert Job.transition(job, source=S.RUNNING, rows_done=F("rows_done") + 4)
    assert Job.transition(job, source=S.RUNNING, rows_done=F("rows_done") + 4)
    assert Job.objects.get(id=job.id).rows_done == 8
    Job.transition(job, source=S.RUNNING, target=S.CANCELLED)
    assert not Job.transition(job, source=S.RUNNING, rows_done=F("rows_done") + 4)
    assert Job.objects.get(id=job.id).rows_done == 8


def test_metrics_transitions_need_a_succeeded_job(alice: Any) -> None:
    running = _job(alice, status=S.RUNNING)
    assert not Job.metrics_transition(running, source=M.PENDING, target=M.RUNNING)
    done = _job(alice, status=S.SUCCEEDED)
    assert Job.metrics_transition(done, source=M.PENDING, target=M.RUNNING)
    assert not Job.metrics_transition(done.id, source=M.PENDING, target=M.RUNNING)  # lost
    assert Job.metrics_transition(done.id, source=M.RUNNING, metrics_progress=0.5)
    assert Job.metrics_transition(done.id, source=M.RUNNING, target=M.READY)
    row = Job.objects.get(id=done.id)
    assert (row.status, row.metrics_status, row.metrics_progress) == (S.SUCCEEDED, M.READY, 0.5)
    with pytest.raises(IllegalTransition):
        Job.metrics_transition(done, source=M.READY, target=M.PENDING)
    with pytest.raises(IllegalTransition):
        Job.metrics_transition(done, source=M.NONE, target=M.RUNNING)


def _status_writes_outside_the_helper() -> list[str]:
    """Every ``Job.objects....update(...)`` whose chain names ``status`` or ``metrics_status``
    (in a filter, an exclude, or as a field written), and every ``save(update_fields=...)``
    naming them, outside generation/models.py: a state change the helper should make."""
    found = []
    state = {"status", "metrics_status"}
    for folder in ("generation", "evaluation", "syndata_site", "templates_catalog", "accounts"):
        for path in sorted((REPO / folder).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel == "generation/models.py" or "/migrations/" in rel:
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                chain = ast.unparse(node)
                if node.func.attr == "save":
                    saved = [kw.value for kw in node.keywords if kw.arg == "update_fields"]
                    names = {
                        c.value for v in saved for c in ast.walk(v) if isinstance(c, ast.Constant)
                    }
                    hit = bool(names & state)
                elif node.func.attr == "update" and "Job.objects" in chain:
                    words = {
                        kw.arg.split("__")[0]
                        for call in ast.walk(node)
                        if isinstance(call, ast.Call)
                        for kw in call.keywords
                        if kw.arg
                    }
                    hit = bool(words & state)
                else:
                    continue
                if hit:
                    found.append(f"{rel}:{node.lineno}: {chain[:100]}")
    return found


def test_no_status_is_written_outside_the_transition_helper() -> None:
    assert _status_writes_outside_the_helper() == []


def test_the_check_finds_a_spread_compare_and_set(tmp_path: Any, monkeypatch: Any) -> None:
    """The check above can fail: a module with the old pattern is found."""
    import tests.generation.test_job_transitions as me

    fake = tmp_path / "generation"
    fake.mkdir()
    (fake / "x.py").write_text(
        "Job.objects.filter(id=1, status=Job.Status.QUEUED).update(rows_done=0)\n"
        "Job.objects.filter(id=1).exclude(status__in=Job.FINISHED).update(error='x')\n"
        "Job.objects.filter(id=1).update(metrics_status='ready')\n"
        "Job.objects.filter(id=1).update(rows_done=1)\n"
        "job.save(update_fields=['status', 'error'])\n"
        "job.save(update_fields=['params'])\n"
    )
    monkeypatch.setattr(me, "REPO", tmp_path)
    assert [line.split(":")[1] for line in _status_writes_outside_the_helper()] == [
        "1",
        "2",
        "3",
        "5",
    ]
