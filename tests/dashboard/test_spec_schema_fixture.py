"""The editor's Vitest compiles the spec language's JSON Schema from a committed fixture."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from generation.engine.spec import json_schema
from tests.conftest import REPO

FRONTEND = REPO / "frontend"
FIXTURE = FRONTEND / "src" / "composables" / "__fixtures__" / "spec-jsonschema.json"
REGENERATE = "cd frontend && bash scripts/gen-spec-schema.sh (or `make schema`)"


def test_the_committed_spec_schema_fixture_matches_the_engine() -> None:
    committed = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        f"{FIXTURE.relative_to(REPO)} is out of date with json_schema(): run {REGENERATE}"
    )


def test_the_generator_writes_what_the_engine_publishes(tmp_path: Path) -> None:
    out = tmp_path / "spec-jsonschema.json"
    subprocess.run(
        ["bash", "scripts/gen-spec-schema.sh", str(out)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
    )
    assert json.loads(out.read_text(encoding="utf-8")) == json_schema()
