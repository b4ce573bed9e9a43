"""`manage.py generate`: spec files or templates, every format, folders and zips."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

SPEC = {
    "tables": {
        "a": {"rows": 10, "fields": {"id": {"type": "id"}, "x": {"type": "float", "precision": 2}}},
        "b": {
            "parent": "a",
            "per_parent": 2,
            "fields": {"a_id": {"type": "foreign_key", "table": "a"}},
        },
    }
}


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate", *args, "--quiet", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_writes_a_zip_of_tables_and_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    msg = _run(
        "--schema",
        str(spec),
        "--rows",
        "100",
        "--format",
        "parquet",
        "--seed",
        "3",
        "--out",
        str(tmp_path / "a.zip"),
    )
    assert "300 rows in 2 table(s)" in msg
    _run(
        "--schema",
        str(spec),
        "--rows",
        "100",
        "--format",
        "parquet",
        "--seed",
        "3",
        "--out",
        str(tmp_path / "b.zip"),
    )
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert sorted(zf.namelist()) == ["a.parquet", "b.parquet"]
        assert pq.read_table(io.BytesIO(zf.read("b.parquet"))).num_rows == 200


def test_it_writes_one_table_to_a_file_in_every_format(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("tables:\n  t:\n    rows: 5\n    fields:\n      id: {type: id}\n")
    for fmt, ext in (("csv", "csv"), ("csv.gz", "csv.gz"), ("jsonl", "jsonl"), ("json", "json")):
        out = tmp_path / f"t.{ext}"
        _run("--schema", str(spec), "--format", fmt, "--seed", "1", "--out", str(out))
        data = out.read_bytes()
        text = gzip.decompress(data).decode() if fmt == "csv.gz" else data.decode()
        assert "5" in text
    assert json.loads((tmp_path / "t.json").read_text())[-1] == {"id": 5}


def test_it_reports_spec_errors_with_their_paths(tmp_path: Path) -> None:
    spec = tmp_path / "bad.json"
    spec.write_text(
        json.dumps(
            {
                "tables": {
                    "t": {"fields": {"x": {"type": "float", "dist": {"kind": "normal", "sd": -1}}}}
                }
            }
        )
    )
    with pytest.raises(CommandError, match=r"tables\.t\.fields\.x\.dist\.sd: must be > 0"):
        _run("--schema", str(spec), "--out", str(tmp_path / "x.csv"))


def test_without_quiet_a_progress_bar_counts_the_rows_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    out = io.StringIO()
    call_command(
        "generate",
        "--schema",
        str(spec),
        "--rows",
        "100",
        "--block-size",
        "25",
        "--seed",
        "1",
        "--out",
        str(tmp_path / "out"),
        stdout=out,
    )
    err = capsys.readouterr().err
    frames = [f for f in err.split("\r") if f.strip()]
    # One redraw per block (4 of table a, then table b's), the last one full, then a newline.
    assert len(frames) >= 5
    assert frames[0].startswith("[") and "25/300 rows" in frames[0]
    assert frames[-1].startswith("[" + "#" * 30 + "]") and "300/300 rows" in frames[-1]
    assert "rows/s" in frames[-1] and "0s left" in frames[-1]
    assert err.endswith("\n")
    assert "300 rows in 2 table(s)" in out.getvalue()


def test_quiet_writes_no_progress_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    _run("--schema", str(spec), "--rows", "100", "--out", str(tmp_path / "out"))
    assert capsys.readouterr().err == ""
