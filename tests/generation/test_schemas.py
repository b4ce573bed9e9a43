"""Saved schemas: CRUD of the caller's specs, validation with JSON paths, the JSON Schema."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

BAD_SPEC = {
    "tables": {"t": {"fields": {"x": {"type": "float", "dist": {"kind": "normal", "sd": -1}}}}}
}


def test_alice_creates_lists_reads_updates_and_deletes_a_schema(
    alice_client: Any, people_spec: Any
) -> None:
    resp = alice_client.post("/api/schemas", {"name": "people", "spec": people_spec}, format="json")
    assert resp.status_code == 201, resp.content
    schema = resp.json()
    assert schema["name"] == "people" and schema["spec"] == people_spec
    assert [s["id"] for s in alice_client.get("/api/schemas").json()] == [schema["id"]]
    assert alice_client.get(f"/api/schemas/{schema['id']}").json()["description"] == ""

    resp = alice_client.patch(
        f"/api/schemas/{schema['id']}", {"description": "our customers"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["description"] == "our customers"
    people_spec["tables"]["people"]["rows"] = 7
    resp = alice_client.put(
        f"/api/schemas/{schema['id']}", {"name": "p2", "spec": people_spec}, format="json"
    )
    assert resp.status_code == 200
    assert resp.json()["name"] == "p2" and resp.json()["spec"]["tables"]["people"]["rows"] == 7

    job = alice_client.post(
        "/api/generate", {"schema_id": schema["id"], "seed": 1}, format="json"
    ).json()
    assert job["rows_total"] == 7

    assert alice_client.delete(f"/api/schemas/{schema['id']}").status_code == 204
    assert alice_client.get(f"/api/schemas/{schema['id']}").status_code == 404
    assert alice_client.get(f"/api/jobs/{job['id']}").status_code == 200  # the job stays


def test_a_schema_with_a_bad_spec_is_a_400_naming_the_path(alice_client: Any) -> None:
    resp = alice_client.post("/api/schemas", {"name": "bad", "spec": BAD_SPEC}, format="json")
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "invalid_spec"
    assert error["message"].startswith("spec.tables.t.fields.x.dist.sd")
    assert error["details"][0]["path"] == "spec.tables.t.fields.x.dist.sd"
    resp = alice_client.post("/api/schemas", {"spec": {"tables": {}}}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["details"][0]["path"] == "name"


def test_an_update_with_a_bad_spec_changes_nothing(alice_client: Any, people_spec: Any) -> None:
    schema = alice_client.post(
        "/api/schemas", {"name": "people", "spec": people_spec}, format="json"
    ).json()
    resp = alice_client.patch(f"/api/schemas/{schema['id']}", {"spec": BAD_SPEC}, format="json")
    assert resp.status_code == 400
    assert alice_client.get(f"/api/schemas/{schema['id']}").json()["spec"] == people_spec


def test_bob_cannot_see_or_touch_alices_schemas(
    alice_client: Any, bob_client: Any, people_spec: Any
) -> None:
    schema = alice_client.post(
        "/api/schemas", {"name": "people", "spec": people_spec}, format="json"
    ).json()
    url = f"/api/schemas/{schema['id']}"
    assert bob_client.get("/api/schemas").json() == []
    assert bob_client.get(url).status_code == 404
    assert bob_client.patch(url, {"name": "x"}, format="json").status_code == 404
    assert bob_client.delete(url).status_code == 404
    resp = bob_client.post("/api/generate", {"schema_id": schema["id"]}, format="json")
    assert resp.status_code == 404
    assert alice_client.get(url).json()["name"] == "people"


def test_validate_answers_valid_or_every_error_with_its_path(
    alice_client: Any, people_spec: Any
) -> None:
    ok = alice_client.post("/api/schemas/validate", {"spec": people_spec}, format="json")
    assert ok.status_code == 200
    assert ok.json() == {"valid": True, "errors": [], "tables": {"people": 1000}}
    bad = alice_client.post("/api/schemas/validate", {"spec": BAD_SPEC}, format="json").json()
    assert bad["valid"] is False and bad["tables"] == {}
    assert {"path": "spec.tables.t.fields.x.dist.sd", "message": bad["errors"][0]["message"]} in (
        bad["errors"]
    )


def test_the_json_schema_of_the_language_is_published(alice_client: Any) -> None:
    schema = alice_client.get("/api/schemas/jsonschema").json()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "tables" in schema["properties"]
