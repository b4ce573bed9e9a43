"""The dashboard's TypeScript API types are generated from the committed OpenAPI file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

FRONTEND = REPO / "frontend"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"


@pytest.mark.skipif(
    not GENERATOR.exists() or shutil.which("node") is None,
    reason="frontend/node_modules is not installed (make install)",
)
def test_the_committed_api_types_match_the_openapi_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.d.ts"
    subprocess.run(
        ["bash", "scripts/gen-api.sh", str(out)], cwd=FRONTEND, check=True, capture_output=True
    )
    committed = (FRONTEND / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, (
        "frontend/src/api/schema.d.ts is out of date: run `make schema`"
    )
