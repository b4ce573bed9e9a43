"""Optional neutralisation of spreadsheet formulas in CSV exports (CSV injection)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from generation import services
from generation.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "plain", "a=b"]
SPEC = {
    "tables": {
        "t": {
            "rows": 300,
            "fields": {
                "id": {"type": "id"},
                "cell": {"type": "category", "values": RISKY},
                "n": {"type": "int", "dist": {"kind": "uniform", "low": -50, "high": -1}},
            },
        }
    }
}


def _csv_rows(client: Any, fmt: str = "csv") -> list[dict[str, str]]:
    resp = client.post("/api/generate", {"schema": SPEC, "format": fmt, "seed": 3}, format="json")
    assert resp.status_code == 202, resp.content
    services.job_run(job_id=resp.json()["id"])
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == "succeeded", job.error
    body = b"".join(client.get(f"/api/download/{job.id}?format=csv").streaming_content)
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_formulas_are_defused_when_the_setting_is_on(alice_client: Any, settings: Any) -> None:
    settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS = True
    for fmt in ("csv", "parquet"):  # a CSV file, and a CSV converted on download
        rows = _csv_rows(alice_client, fmt)
        cells = {r["cell"] for r in rows}
        assert cells == {"'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "plain", "a=b"}, fmt
        # Numbers are numbers, not text: a negative int stays a negative int.
        assert all(int(r["n"]) < 0 for r in rows)


def test_csv_is_verbatim_by_default(alice_client: Any) -> None:
    cells = {r["cell"] for r in _csv_rows(alice_client)}
    assert cells == set(RISKY)
