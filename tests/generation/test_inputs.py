"""Inputs are refused with the field named, never silently changed (issue 17), and the
estimate says what a request would make before it is launched."""

from __future__ import annotations

from typing import Any

import pytest

from generation.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

SPEC = {"tables": {"t": {"rows": 10, "fields": {"id": {"type": "id"}}}}}


@pytest.mark.parametrize("rows", [0, -5, 2.5, "many"])
def test_rows_below_one_or_not_an_integer_is_a_400_naming_rows(
    alice_client: Any, rows: Any
) -> None:
    for url in ("/api/generate", "/api/generate/estimate"):
        resp = alice_client.post(url, {"schema": SPEC, "rows": rows}, format="json")
        assert resp.status_code == 400, (url, resp.content)
        assert resp.json()["error"]["message"].startswith("rows"), resp.content
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"fraud_rate": 0.9}, "params.fraud_rate"),
        ({"customers": 2.5}, "params.customers"),
        ({"customers": -5}, "params.customers"),
    ],
)
def test_out_of_range_knobs_are_a_400_naming_the_knob(
    alice_client: Any, params: dict[str, Any], path: str
) -> None:
    body = {"template": "finance_transactions", "params": params}
    resp = alice_client.post("/api/generate/estimate", body, format="json")
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["message"].startswith(path), resp.content


def test_rows_and_the_size_knob_together_are_refused_naming_both(alice_client: Any) -> None:
    body = {"template": "healthcare_ehr", "params": {"patients": 5000}, "rows": 200_000}
    resp = alice_client.post("/api/generate", body, format="json")
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert (
        error["message"].startswith("rows:")
        and "params.patients sizes patients" in error["message"]
    )
    assert {d["path"] for d in error["details"]} == {"rows", "params.patients"}
    assert not Job.objects.exists()


def test_the_estimate_gives_rows_per_table_and_starts_nothing(alice_client: Any) -> None:
    body = {"template": "healthcare_ehr", "params": {"patients": 200}}
    resp = alice_client.post("/api/generate/estimate", body, format="json")
    assert resp.status_code == 200, resp.content
    estimate = resp.json()
    assert estimate["tables"]["patients"] == 200
    assert len(estimate["tables"]) > 1
    assert estimate["rows_total"] == sum(estimate["tables"].values())
    assert not Job.objects.exists()
    # rows alone still sizes the root table (the documented meaning); with the same seed
    # the estimate is exactly what the job plans (child counts are drawn from the seed).
    only_rows = {"template": "healthcare_ehr", "rows": 300, "seed": 7}
    estimate = alice_client.post("/api/generate/estimate", only_rows, format="json").json()
    job = alice_client.post("/api/generate", only_rows, format="json").json()
    assert estimate["tables"]["patients"] == 300
    assert estimate["rows_total"] == job["rows_total"]


def test_an_estimate_over_the_row_limit_is_the_same_400_as_generate(
    alice_client: Any, settings: Any
) -> None:
    settings.SYNDATA_MAX_ROWS_PER_JOB = 50
    resp = alice_client.post("/api/generate/estimate", {"schema": SPEC, "rows": 51}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "limit_rows_per_job"
