"""The web process stays small: what it serves most (job status, spec validation, downloads)
loads neither pandas nor scipy; a worker pays for them when it draws rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver
from rest_framework.authtoken.models import Token
get_resolver().url_patterns  # every view module, as a worker's first request imports them
user = get_user_model().objects.create_user("probe", "p@example.com", "probe-pw-12345")
client = Client(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=user).key)
from tests.conftest import PEOPLE_SPEC as spec  # distributions, nulls, a rank correlation
job = client.post("/api/generate", {"schema": spec, "rows": 10}, content_type="application/json")
statuses = [job.status_code, client.get("/api/jobs/" + job.json()["id"]).status_code]
statuses.append(client.post("/api/schemas/validate", {"spec": spec},
                            content_type="application/json").status_code)
loaded = [m for m in ("pandas", "scipy", "sdv", "torch", "sklearn") if m in sys.modules]
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_serving_jobs_loads_neither_pandas_nor_scipy(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "syndata_site.settings",
        "SYNDATA_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [202, 200, 200], out.stdout
    assert result["loaded"] == []
