"""Writers: typed Parquet, JSON that parses back to the same values, gzip CSV, stable bytes."""

from __future__ import annotations

import decimal
import gzip
import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from generation import engine
from generation.engine.writers import write_zip
from tests.conftest import REPO

RICH: dict[str, Any] = {
    "tables": {
        "people": {
            "rows": 3000,
            "fields": {
                "id": {"type": "id"},
                "uid": {"type": "uuid"},
                "name": {"type": "name"},
                "age": {"type": "int", "min": 0, "max": 99, "nulls": 0.1},
                "score": {"type": "float", "precision": 3, "nulls": 0.1},
                "balance": {"type": "money", "dist": {"kind": "normal", "mean": 100, "sd": 50}},
                "vip": {"type": "bool", "p": 0.3},
                "seg": {
                    "type": "category",
                    "values": {'a "quoted"\\value': 1, "plain": 1, "tab\there": 1},
                },
                "at": {"type": "datetime", "start": "2024-01-01", "end": "2025-01-01"},
                "born": {"type": "date", "start": "1950-01-01", "end": "2005-01-01"},
                "wake": {"type": "time", "start": "05:00", "end": "09:00"},
            },
        },
        "orders": {
            "parent": "people",
            "per_parent": {"dist": {"kind": "poisson", "lam": 2}},
            "fields": {
                "pid": {"type": "foreign_key", "table": "people"},
                "n": {"type": "int", "min": 1, "max": 3},
            },
        },
    }
}


def _file(
    doc: dict[str, Any],
    table: str,
    fmt: str,
    seed: int = 5,
    order: list[int] | None = None,
    block_size: int = 700,
) -> bytes:
    spec = engine.parse_spec(doc)
    plan = engine.plan_tables(spec, block_size=block_size, seed=seed)[table]
    idx = list(range(plan.n_blocks))
    made = {i: engine.generate_block(spec, table, plan.block(i), seed) for i in (order or idx)}
    sink = io.BytesIO()
    writer = engine.open_writer(fmt, sink, engine.output_schema(spec, table))
    for i in idx:
        writer.write(made[i])
    writer.close()
    return sink.getvalue()


def _table(doc: dict[str, Any], table: str) -> pa.Table:
    spec = engine.parse_spec(doc)
    plan = engine.plan_tables(spec, block_size=700, seed=5)[table]
    return pa.concat_tables([engine.generate_block(spec, table, b, 5) for b in plan.blocks()])


def test_parquet_keeps_proper_column_types() -> None:
    schema = pq.read_table(io.BytesIO(_file(RICH, "people", "parquet"))).schema
    assert schema.field("id").type == pa.int64()
    assert schema.field("age").type == pa.int64() and schema.field("age").nullable
    assert schema.field("balance").type == pa.decimal128(18, 2)
    # Parquet has no second unit: seconds are stored as milliseconds (same instants).
    assert pa.types.is_timestamp(schema.field("at").type)
    assert schema.field("born").type == pa.date32()
    assert pa.types.is_time32(schema.field("wake").type)
    assert schema.field("vip").type == pa.bool_()
    back = pq.read_table(io.BytesIO(_file(RICH, "people", "parquet")))
    assert back.cast(_table(RICH, "people").schema).equals(_table(RICH, "people"))


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_parses_back_to_the_same_values(fmt: str) -> None:
    data = _file(RICH, "people", fmt)
    lines = data.decode().splitlines()
    if fmt == "json":
        assert lines[0] == "[" and lines[-1] == "]"
        records = json.loads(data)
        assert len(records) == len(lines) - 2  # one record per line
    else:
        records = [json.loads(line) for line in lines]
    expected = _table(RICH, "people").to_pylist()
    assert len(records) == len(expected)
    for got, want in zip(records[:500], expected[:500], strict=True):
        assert list(got) == list(want)
        for key, value in want.items():
            if value is None:
                assert got[key] is None
            elif isinstance(value, decimal.Decimal):
                assert decimal.Decimal(str(got[key])) == value
            elif isinstance(value, float):
                assert got[key] == pytest.approx(value)
            elif hasattr(value, "isoformat"):
                assert got[key] == value.isoformat()
            else:
                assert got[key] == value


def test_csv_gzip_is_the_csv_gzipped_and_reads_back() -> None:
    plain = _file(RICH, "people", "csv")
    assert gzip.decompress(_file(RICH, "people", "csv.gz")) == plain
    back = pacsv.read_csv(io.BytesIO(plain))
    assert back.num_rows == 3000 and back.column_names == _table(RICH, "people").column_names


@pytest.mark.parametrize("fmt", engine.ALL_FORMATS)
def test_same_seed_same_file_and_shuffled_child_blocks(fmt: str) -> None:
    a = _file(RICH, "orders", fmt)
    order = list(
        range(
            engine.plan_tables(engine.parse_spec(RICH), block_size=700, seed=5)["orders"].n_blocks
        )
    )
    random.Random(1).shuffle(order)
    assert _file(RICH, "orders", fmt, order=order) == a
    assert _file(RICH, "orders", fmt, seed=6) != a
    assert _file(RICH, "people", fmt) == _file(RICH, "people", fmt)


def test_a_child_block_made_in_another_process_is_the_same(tmp_path: Path) -> None:
    code = (
        "import io, json, sys, hashlib\n"
        "from generation import engine\n"
        "spec = engine.parse_spec(json.loads(sys.argv[1]))\n"
        "plan = engine.plan_tables(spec, block_size=700, seed=5)['orders']\n"
        "t = engine.generate_block(spec, 'orders', plan.block(plan.n_blocks - 1), 5)\n"
        "sink = io.BytesIO(); w = engine.open_writer('csv', sink, t.schema); w.write(t); w.close()\n"
        "print(hashlib.sha256(sink.getvalue()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(RICH)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    spec = engine.parse_spec(RICH)
    plan = engine.plan_tables(spec, block_size=700, seed=5)["orders"]
    t = engine.generate_block(spec, "orders", plan.block(plan.n_blocks - 1), 5)
    sink = io.BytesIO()
    w = engine.open_writer("csv", sink, t.schema)
    w.write(t)
    w.close()
    import hashlib

    assert out == hashlib.sha256(sink.getvalue()).hexdigest()


def test_zip_of_tables_has_fixed_bytes(tmp_path: Path) -> None:
    for name in ("people", "orders"):
        (tmp_path / f"{name}.csv").write_bytes(_file(RICH, name, "csv"))
    files = {f"{n}.csv": tmp_path / f"{n}.csv" for n in ("people", "orders")}
    write_zip(tmp_path / "a.zip", files)
    write_zip(tmp_path / "b.zip", files)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.read("orders.csv") == (tmp_path / "orders.csv").read_bytes()


def test_empty_tables_write_valid_files() -> None:
    doc = {"tables": {"t": {"rows": 0, "fields": {"id": {"type": "id"}, "x": {"type": "float"}}}}}
    assert json.loads(_file(doc, "t", "json")) == []
    assert _file(doc, "t", "jsonl") == b""
    assert pq.read_table(io.BytesIO(_file(doc, "t", "parquet"))).num_rows == 0
    assert _file(doc, "t", "csv").decode().strip() == '"id","x"'
