"""The README's tour works as written: every JSON body it sends to /api/generate is accepted."""

from __future__ import annotations

import json
import re
from typing import Any

from generation.models import Job
from tests.conftest import REPO

BODY = re.compile(r"-d '(\{.*?\})'", re.S)


def tour_bodies() -> list[dict[str, Any]]:
    readme = (REPO / "README.md").read_text()
    commands = readme.split("curl ")[1:]  # each command runs until the next one
    bodies = []
    for command in commands:
        command = command.split("```")[0]
        match = BODY.search(command)
        if "/api/generate" in command and match and "<" not in match[1]:
            bodies.append(json.loads(match[1]))
    return bodies


def test_the_readme_generate_requests_are_accepted(alice_client: Any, task_queue: Any) -> None:
    bodies = tour_bodies()
    assert {"template", "schema"} <= {key for body in bodies for key in body}
    for body in bodies:
        resp = alice_client.post("/api/generate", body, format="json")
        assert resp.status_code == 202, (body, resp.json())
        job = Job.objects.get(id=resp.json()["id"])
        assert job.rows_total > 0
        if "schema" in body:
            assert job.rows_total == body["rows"]
