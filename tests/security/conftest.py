"""Objects owned by alice, and the API's operations read from its own OpenAPI document.

Reading the operations from the schema (not from a hand list) means a new endpoint is covered
by the ownership, anonymous and CSRF tests the day it is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from generation.models import Artifact, Job, Schema
from tests.conftest import PEOPLE_SPEC

UNSAFE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI template, e.g. /api/jobs/{job_id}
    operation_id: str
    anonymous_allowed: bool

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, **values: str) -> str:
        return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], self.path)


def api_operations() -> list[Operation]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            security = op.get("security", [])
            ops.append(
                Operation(
                    method=method,
                    path=path,
                    operation_id=op["operationId"],
                    anonymous_allowed=(not security) or {} in security,
                )
            )
    return ops


def make_job(owner: Any, *, status: str = "succeeded") -> Job:
    """A finished one-table CSV job with its file on disk, made without any worker."""
    job = Job.objects.create(
        owner=owner,
        kind="schema",
        status=status,
        spec=PEOPLE_SPEC,
        params={"rows": 2},
        format="csv",
        seed=1,
        rows_total=2,
        rows_done=2,
        blocks_total=1,
        blocks_done=1,
        tables={"people": {"rows": 2, "blocks": 1, "columns": [{"name": "id", "type": "int64"}]}},
    )
    job.directory.mkdir(parents=True, exist_ok=True)
    path = job.directory / "people.csv"
    path.write_text('"id"\n1\n2\n')
    (job.directory / "preview-people.json").write_text('{"columns": ["id"], "rows": [{"id": 1}]}')
    Artifact.objects.create(
        job=job,
        table="people",
        format="csv",
        path=str(path.relative_to(settings.MEDIA_ROOT)),
        size=path.stat().st_size,
        rows=2,
    )
    return job


@dataclass
class Owned:
    job: Job
    running_job: Job
    schema: Schema
    dataset: Any
    model: Any


@pytest.fixture
def owned(alice: Any) -> Owned:
    """One of everything alice can own."""
    from generation.models import Dataset, SynthModel

    job = make_job(alice)
    schema = Schema.objects.create(owner=alice, name="people", spec=PEOPLE_SPEC)
    dataset = Dataset.objects.create(
        owner=alice, name="real.csv", path="datasets/x/real.csv", format="csv", size=10, rows=2
    )
    d = Path(settings.MEDIA_ROOT) / dataset.path
    d.parent.mkdir(parents=True, exist_ok=True)
    d.write_text("a,b\n1,2\n3,4\n")
    model = SynthModel.objects.create(
        owner=alice, dataset=dataset, synthesizer="spec", seed=1, fit_job=job
    )
    return Owned(
        job=job,
        running_job=make_job(alice, status="running"),
        schema=schema,
        dataset=dataset,
        model=model,
    )
