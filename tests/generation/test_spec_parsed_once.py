"""A job's spec is parsed and compiled once per process: a worker runs every task of the job
(plan, blocks, join, metrics) on one parse of it (before: 2 for one block, 4 for five).

The real parse (pydantic's validation of the document) and the real compiler are wrapped
with counters; the job runs in this process through the queue stand-in."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from generation import engine
from generation.engine import compile as compile_module
from generation.engine import parse as parse_module
from generation.models import Job
from templates_catalog.registry import load_templates, template_spec
from tests.conftest import PEOPLE_SPEC
from tests.fuzz.test_spec_language import plausible_specs
from tests.generation.tasks_queue import RecordingQueue

pytestmark = pytest.mark.django_db(transaction=True)  # the enqueue waits for the commit


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    found = {"parse": 0, "compile": 0}
    real_validate = parse_module.Spec.model_validate.__func__  # type: ignore[attr-defined]
    real_run = compile_module._Compiler.run

    def model_validate(cls: Any, *args: Any, **kwargs: Any) -> Any:
        found["parse"] += 1
        return real_validate(cls, *args, **kwargs)

    def run(self: Any) -> Any:
        found["compile"] += 1
        return real_run(self)

    monkeypatch.setattr(parse_module.Spec, "model_validate", classmethod(model_validate))
    monkeypatch.setattr(compile_module._Compiler, "run", run)
    return found


def _fresh_process() -> None:
    """What a worker process that never saw the spec has: no parsed or compiled copy."""
    parse_module._PARSED.clear()
    compile_module._CACHE.clear()


@pytest.mark.parametrize(("rows", "blocks"), [(500, 1), (500, 5)])
def test_a_job_parses_and_compiles_its_spec_once_per_process(
    alice_client: Any,
    people_spec: Any,
    task_queue: RecordingQueue,
    settings: Any,
    counts: dict[str, int],
    rows: int,
    blocks: int,
) -> None:
    settings.SYNDATA_BLOCK_SIZE = rows // blocks
    _fresh_process()
    body = {"schema": people_spec, "rows": rows, "format": "csv", "seed": 7}
    resp = alice_client.post("/api/generate", body, format="json")
    assert resp.status_code == 202, resp.content
    # The request's document, then the form the job stores (and every later task reads).
    assert counts == {"parse": 1, "compile": 1}, "the submit request"

    _fresh_process()  # the worker: another process
    counts.update(parse=0, compile=0)
    job_id = resp.json()["id"]
    ran = task_queue.drain()  # run_job, (five blocks: each block, the join), the metrics
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert (job.blocks_total, ran) == (blocks, 2 if blocks == 1 else blocks + 3)
    assert job.metrics_status == "ready"
    assert counts == {"parse": 1, "compile": 1}, "every task of the job in one worker"


def _stored_round_trip(doc: dict) -> None:
    parsed = engine.parse_spec(doc)
    stored = parsed.model_dump(mode="json", exclude_unset=True)
    again = engine.parse_spec(stored)
    assert again == parsed
    assert again.model_dump(mode="json", exclude_unset=True) == stored


@pytest.mark.parametrize("name", sorted(load_templates()))
def test_a_stored_spec_parses_back_to_the_spec_it_was_made_from(name: str) -> None:
    """What lets the submit request remember its parsed spec as the job's stored form
    (engine.spec_document): parsing the stored form again gives an equal spec."""
    _stored_round_trip(template_spec(name, {}))
    _stored_round_trip(PEOPLE_SPEC)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(spec=plausible_specs())
def test_fuzzed_specs_parse_back_from_their_stored_form(spec: dict) -> None:
    try:
        engine.parse_spec(spec)
    except engine.SpecError:
        return
    _stored_round_trip(spec)
