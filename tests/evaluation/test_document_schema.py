"""The metrics documents the API returns match what the OpenAPI document says of them."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from generation import services
from generation.models import Job
from tests.conftest import run_metrics
from tests.synthesis.conftest import fit_now, generate_now, real_table, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema's ``type: [T, "null"]``."""
    if isinstance(node, list):
        return [_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def _validate(client: Any, document: dict[str, Any]) -> None:
    openapi = client.get("/api/schema/?format=json").json()
    root = {
        "$ref": "#/components/schemas/MetricsDocument",
        "components": _as_json_schema(openapi["components"]),
    }
    jsonschema.validate(document, root)


def test_a_schema_jobs_document_matches_the_openapi_schema(
    alice_client: Any, people_spec: Any
) -> None:
    resp = alice_client.post(
        "/api/generate", {"schema": people_spec, "rows": 500, "seed": 2}, format="json"
    )
    job = Job.objects.get(id=resp.json()["id"])
    services.job_run_sequential(job=job)
    run_metrics(job.id)
    document = alice_client.get(f"/api/metrics/{job.id}").json()
    assert document["kind"] == "conformance"
    _validate(alice_client, document)
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        _validate(alice_client, {**document, "summary": {"utility": "high"}})
    page = alice_client.get(f"/api/metrics/{job.id}?format=html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    bad = alice_client.get(f"/api/metrics/{job.id}?format=xml")
    assert bad.status_code == 400 and "format" in bad.json()["error"]["message"]


def test_a_model_jobs_document_matches_the_openapi_schema(alice_client: Any) -> None:
    dataset = upload(alice_client, real_table("credit_scoring", rows=400), "credit.csv")
    fit = fit_now(alice_client, dataset["id"], "spec", seed=1)
    job, _ = generate_now(alice_client, fit["model_id"], rows=200, seed=2)
    document = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert document["kind"] == "model" and document["model_id"] == fit["model_id"]
    privacy = document["privacy"]
    assert privacy["verdict"] in ("low", "medium", "high")
    assert set(privacy["attacks"]) == {
        "membership_inference",
        "attribute_inference",
        "singling_out",
    }
    assert 0 <= privacy["attacks"]["membership_inference"]["auc"] <= 1
    _validate(alice_client, document)
    with pytest.raises(jsonschema.ValidationError):  # the privacy part is typed too
        _validate(alice_client, {**document, "privacy": {**privacy, "verdict": "fine"}})
