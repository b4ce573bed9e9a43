"""schemathesis against our own OpenAPI document: every operation, authenticated, with
generated valid and invalid input -> never a 5xx, and every response matches the spec.

In-process through the WSGI app on the test database (fast, no ports). Path parameters are
sometimes swapped for real objects of the caller, so that the happy paths are fuzzed too.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup

from syndata_site.throttling import counters
from syndata_site.wsgi import application
from tests.conftest import PEOPLE_SPEC
from tests.security.conftest import make_job

EXAMPLES_PER_OPERATION = 40
MIN_REQUESTS = 1000

pytestmark = pytest.mark.slow  # every operation of the API, fuzzed: about a minute

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
REQUESTS: Counter[str] = Counter()
KNOWN: dict[str, list[str]] = {}


@schema.hook
def map_path_parameters(ctx: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(str(path_parameters))
    for name in list(path_parameters or {}):
        kind = name.removesuffix("_id")
        if KNOWN.get(kind) and rng.random() < 0.6:
            path_parameters[name] = rng.choice(KNOWN[kind])
    return path_parameters


def _objects(user: Any) -> dict[str, list[str]]:
    """One object of each kind for the caller: ids the path parameters are swapped for."""
    from generation.models import Dataset, Schema, SynthModel

    job = make_job(user)
    saved = Schema.objects.create(owner=user, name="people", spec=PEOPLE_SPEC)
    dataset = Dataset.objects.create(
        owner=user, name="d.csv", path="datasets/none/d.csv", format="csv", size=1, rows=1
    )
    model = SynthModel.objects.create(
        owner=user, dataset=dataset, synthesizer="spec", chosen="spec", seed=1, fit_job=job
    )
    return {
        "job": [str(job.id)],
        "schema": [str(saved.id)],
        "dataset": [str(dataset.id)],
        "model": [str(model.id)],
    }


@pytest.fixture
def fuzzer(db: Any, django_user_model: Any) -> tuple[Any, str]:
    user = django_user_model.objects.create_user("fuzzer", "f@example.com", "fuzzer-password-1")
    counters().clear()  # rate limits start afresh for each operation
    KNOWN.clear()
    KNOWN.update(_objects(user))
    return user, Token.objects.create(user=user).key


def _restore(user: Any, token: str) -> None:
    """Undo what a fuzzed request took away, so that the next examples still run
    authenticated and on real objects: a revoked or rotated token, a deleted object."""
    from generation.models import Dataset, Job, Schema, SynthModel

    if not Token.objects.filter(key=token, user=user).exists():
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user, key=token)
    models = {"job": Job, "schema": Schema, "dataset": Dataset, "model": SynthModel}
    if any(not models[k].objects.filter(id__in=ids).exists() for k, ids in KNOWN.items()):
        KNOWN.update(_objects(user))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_5xx_and_responses_match_the_spec(case: Any, fuzzer: tuple[Any, str]) -> None:
    user, token = fuzzer
    REQUESTS[case.operation.label] += 1
    if REQUESTS.total() % 200 == 0:
        counters().clear()
    try:
        case.call_and_validate(
            headers={"Authorization": f"Token {token}"},
            # "Schema-valid" is not "valid": a spec or a file can match its JSON type and still
            # be wrong (an unknown distribution, bytes that are not UTF-8), which must be a 400.
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
        )
    except FailureGroup as group:
        real = [f for f in group.exceptions if not _number_for_text(f)]
        if real:
            raise FailureGroup(real) from None
    finally:
        _restore(user, token)


def _number_for_text(failure: Exception) -> bool:
    """DRF's CharField takes 12 for "12" on purpose; that leniency is not a finding."""
    return isinstance(failure, AcceptedNegativeData) and bool(
        re.search(r"violates `type` at \S+ \(was string, became (number|integer)\)", str(failure))
    )


def test_the_fuzzing_sent_at_least_1000_requests() -> None:
    if not REQUESTS:
        pytest.skip("runs after the schemathesis test, in the same session")
    assert REQUESTS.total() >= MIN_REQUESTS, REQUESTS
    operations = {
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert set(REQUESTS) == operations  # every operation of the document, and only those
