#!/usr/bin/env bash
# Write the spec language's JSON Schema (what GET /api/schemas/jsonschema serves, from
# generation/engine/spec.py json_schema()) to the fixture the editor's Vitest compiles:
#   scripts/gen-spec-schema.sh [OUT]
# tests/dashboard/test_spec_schema_fixture.py fails when the committed fixture drifts.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-src/composables/__fixtures__/spec-jsonschema.json}"
ROOT="$(cd .. && pwd)"
(cd "$ROOT" && "${PYTHON:-$ROOT/.venv/bin/python}" -c '
import json, sys
from generation.engine.spec import json_schema
sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
') > "$OUT"
