"""Hostile uploads to POST /api/datasets: random bytes, huge lines, wrong encodings,
decompression bombs, pickles -> a 400 that says why, with bounded memory; nothing executed."""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import pickle
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from generation.models import Dataset

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def upload(client: APIClient, name: str, data: bytes) -> Any:
    return client.post(
        "/api/datasets", {"file": SimpleUploadedFile(name, data), "name": "x"}, format="multipart"
    )


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    data=st.binary(max_size=4096),
    name=st.sampled_from(["t.csv", "t.parquet", "t.tsv", "t", "t.pkl", "../../t.csv"]),
)
def test_random_bytes_are_refused_with_a_reason(
    alice_client: APIClient, data: bytes, name: str
) -> None:
    resp = upload(alice_client, name, data)
    assert resp.status_code in (201, 400), resp.content[:300]
    if resp.status_code == 400:
        assert resp.json()["error"]["message"].startswith("file")
    Dataset.objects.all().delete()


class Boom:
    """Unpickling this runs a command: the marker file proves whether anything unpickled it."""

    marker = Path("/tmp/syndata-unpickled-marker")

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def parquet_bomb(rows: int) -> bytes:
    """A few KB on disk, ``rows`` * 8 bytes once read (one constant column, RLE-encoded).

    Written in row groups of a million rows, so that making it costs no memory to speak of.
    """
    sink = io.BytesIO()
    chunk = pa.table({"a": pa.array(np.zeros(1_000_000, dtype=np.int64))})
    with pq.ParquetWriter(sink, chunk.schema, compression="zstd") as writer:
        for _ in range(rows // 1_000_000):
            writer.write_table(chunk)
    return sink.getvalue()


def _repeated(line: bytes, times: int) -> Iterator[bytes]:
    yield b"a,b\n"
    for _ in range(times // 100_000):
        yield line * 100_000


def gzip_bomb(times: int) -> bytes:
    sink = io.BytesIO()
    with gzip.GzipFile(fileobj=sink, mode="wb") as gz:
        for piece in _repeated(b"1,2\n", times):
            gz.write(piece)
    return sink.getvalue()


def zip_bomb(times: int) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("data.csv", "w") as fh:
        for piece in _repeated(b"1,2\n", times):
            fh.write(piece)
    return sink.getvalue()


@functools.cache
def hostile_files() -> dict[str, tuple[str, bytes]]:
    bomb = gzip_bomb(20_000_000)  # ~80 MB of CSV in ~80 KB
    return {
        "latin1": ("t.csv", "nom,ville\nZoë,Besançon\n".encode("latin-1") * 20),
        "huge-line": ("t.csv", b"a" * (3 * 1024 * 1024)),
        "huge-field-count": ("t.csv", b",".join(b"c%d" % i for i in range(200_000)) + b"\n"),
        "gzip-bomb": ("t.csv", bomb),
        "gzip-bomb-named-gz": ("t.csv.gz", bomb),
        "zip-bomb": ("t.csv", zip_bomb(20_000_000)),
        "parquet-bomb": ("t.parquet", parquet_bomb(60_000_000)),
        "pickle-as-parquet": ("t.parquet", pickle.dumps(Boom())),
        "pickle-as-csv": ("t.csv", pickle.dumps(Boom())),
        "pickle": ("t.pkl", pickle.dumps(Boom())),
        "empty": ("t.csv", b""),
        "nul-bytes": ("t.csv", b"a,b\n\x00\x00,\x00\n" * 50),
    }


def test_a_utf16_csv_with_its_bom_is_read_as_text(alice_client: APIClient) -> None:
    csv = "a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(100))
    resp = upload(alice_client, "t.csv", csv.encode("utf-16"))
    assert resp.status_code == 201, resp.content[:300]
    assert resp.json()["rows"] == 100 and resp.json()["columns"] == 2


@pytest.mark.parametrize("case", sorted(hostile_files()))
def test_hostile_files_are_a_400_and_nothing_is_executed(
    alice_client: APIClient, case: str
) -> None:
    Boom.marker.unlink(missing_ok=True)
    name, data = hostile_files()[case]
    resp = upload(alice_client, name, data)
    assert resp.status_code == 400, resp.content[:300]
    assert resp.json()["error"]["message"].startswith("file")
    assert not Boom.marker.exists(), "an upload was unpickled"
    assert Dataset.objects.count() == 0


MEMORY_PROBE = r"""
import json, os, resource, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "syndata_site.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from generation.synthesis import datasets
from syndata_site.errors import ApiError
sys.path.insert(0, os.getcwd())
from tests.fuzz.test_uploads import hostile_files
user = get_user_model().objects.create_user("m")
files = hostile_files()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
answers = {}
for case, (name, data) in files.items():
    try:
        datasets.dataset_create(user=user, upload=SimpleUploadedFile(name, data))
        answers[case] = "accepted"
    except ApiError as exc:
        answers[case] = exc.code
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"base_kb": base, "peak_kb": peak, "answers": answers}))
"""


def test_hostile_files_are_refused_with_bounded_memory(tmp_path: Path) -> None:
    """In a fresh process, so that its peak RSS is the uploads' and nothing else's."""
    env = {**os.environ, "SYNDATA_VAR_DIR": str(tmp_path), "SYNDATA_DATASET_MAX_BYTES": "4000000"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "accepted" not in result["answers"].values(), result["answers"]
    grown_mb = (result["peak_kb"] - result["base_kb"]) / 1024
    # The bombs would be 80-480 MB once inflated; refusing them must not inflate them.
    assert grown_mb < 150, (grown_mb, result)
