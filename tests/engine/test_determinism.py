"""Same spec, rows and seed -> same bytes, whatever the block order or the process."""

from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
import sys
from typing import Any

import pyarrow as pa
import pytest

from generation import engine
from tests.conftest import PEOPLE_SPEC, REPO


def _bytes(
    spec_doc: dict[str, Any],
    rows: int,
    seed: int,
    fmt: str,
    block_size: int,
    order: list[int] | None = None,
) -> bytes:
    spec = engine.parse_spec(spec_doc)
    plan = engine.plan_tables(spec, rows=rows, block_size=block_size)["people"]
    indices = list(range(plan.n_blocks))
    made = {
        i: engine.generate_block(spec, "people", plan.block(i), seed) for i in (order or indices)
    }
    sink = io.BytesIO()
    writer = engine.open_writer(fmt, sink, made[0].schema)
    for i in indices:
        writer.write(made[i])
    writer.close()
    return sink.getvalue()


@pytest.mark.parametrize("fmt", engine.FORMATS)
def test_same_seed_gives_same_bytes_in_every_format(fmt: str) -> None:
    a = _bytes(PEOPLE_SPEC, 5000, 7, fmt, 1000)
    b = _bytes(PEOPLE_SPEC, 5000, 7, fmt, 1000)
    assert a == b
    assert _bytes(PEOPLE_SPEC, 5000, 8, fmt, 1000) != a


def test_blocks_made_in_shuffled_order_give_the_same_bytes() -> None:
    order = list(range(10))
    random.Random(3).shuffle(order)
    assert _bytes(PEOPLE_SPEC, 10_000, 7, "csv", 1000, order) == _bytes(
        PEOPLE_SPEC, 10_000, 7, "csv", 1000
    )


def test_a_block_made_alone_equals_that_block_of_a_full_run() -> None:
    spec = engine.parse_spec(PEOPLE_SPEC)
    plan = engine.plan_tables(spec, rows=10_000, block_size=1000)["people"]
    full = pa.concat_tables([engine.generate_block(spec, "people", b, 11) for b in plan.blocks()])
    alone = engine.generate_block(spec, "people", plan.block(6), 11)
    assert alone.equals(full.slice(6000, 1000))


def test_another_process_makes_the_same_bytes() -> None:
    code = (
        "import io, json, sys, hashlib\n"
        "from generation import engine\n"
        "spec = engine.parse_spec(json.loads(sys.argv[1]))\n"
        "plan = engine.plan_tables(spec, rows=3000, block_size=1000)['people']\n"
        "sink = io.BytesIO(); w = None\n"
        "for b in reversed(plan.blocks()):\n"
        "    t = engine.generate_block(spec, 'people', b, 7)\n"
        "    if w is None: parts = {}\n"
        "    parts[b.index] = t; w = 1\n"
        "w = engine.open_writer('csv', sink, parts[0].schema)\n"
        "[w.write(parts[i]) for i in sorted(parts)]; w.close()\n"
        "print(hashlib.sha256(sink.getvalue()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(PEOPLE_SPEC)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == hashlib.sha256(_bytes(PEOPLE_SPEC, 3000, 7, "csv", 1000)).hexdigest()


def test_the_engine_never_imports_django() -> None:
    code = "import sys, generation.engine; print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_a_spec_stored_as_json_makes_the_same_rows() -> None:
    from tests.engine.test_writers import RICH

    first = engine.parse_spec(RICH)
    stored = json.loads(json.dumps(first.model_dump(mode="json", exclude_unset=True)))
    again = engine.parse_spec(stored)
    for name in ("people", "orders"):
        a, b = (
            pa.concat_tables(
                [
                    engine.generate_block(s, name, blk, 9)
                    for blk in engine.plan_tables(s, seed=9, block_size=900)[name].blocks()
                ]
            )
            for s in (first, again)
        )
        assert a.equals(b)


# A small spec touching most samplers: distributions, a calibrated correlation with a bool,
# conditional cases, identifiers, datetimes, a child time series with a signal.
GOLDEN_SPEC: dict[str, Any] = {
    "tables": {
        "people": {
            "rows": 300,
            "fields": {
                "id": {"type": "id"},
                "uid": {"type": "uuid"},
                "name": {"type": "name"},
                "age": {"type": "int", "dist": {"kind": "normal", "mean": 40, "sd": 12}, "min": 18},
                "visits": {"type": "int", "dist": {"kind": "poisson", "lam": 3}},
                "income": {
                    "type": "float",
                    "precision": 2,
                    "dist": {"kind": "lognormal", "mu": 10, "sigma": 0.5},
                    "nulls": 0.1,
                },
                "balance": {"type": "money", "dist": {"kind": "gamma", "shape": 2, "scale": 300}},
                "vip": {"type": "bool", "p": 0.2},
                "segment": {
                    "type": "category",
                    "values": {"a": 0.5, "b": 0.3, "c": 0.2},
                    "noise": {"flip": 0.05},
                },
                "joined": {"type": "datetime", "start": "2020-01-01", "end": "2024-01-01"},
                "code": {"type": "string", "pattern": "AB-####"},
                "score": {"type": "float", "expr": "age * 2 + visits"},
            },
            "correlations": [
                {
                    "fields": ["age", "income", "vip"],
                    "matrix": [[1, 0.4, 0.3], [0.4, 1, 0.5], [0.3, 0.5, 1]],
                }
            ],
        },
        "readings": {
            "parent": "people",
            "series": {"length": 4, "start": "parent.joined", "every": "1h"},
            "fields": {
                "pid": {"type": "foreign_key", "table": "people"},
                "v": {
                    "type": "float",
                    "signal": {"level": 1, "ar": {"phi": 0.5, "sd": 1}, "random_walk": {"sd": 0.1}},
                },
            },
        },
    }
}

# The CSV bytes of GOLDEN_SPEC (seed 5, blocks of 100 rows) per engine version. A change in
# the bytes must come with a new ENGINE_VERSION: jobs record the version that made them, and
# "same spec, rows and seed, same bytes" holds only within one version.
GOLDEN_SHA256 = {
    "0.3.0": "8216df2c2bf2521b381012210721001d212a36a54e4e0fc10c3b05ac8443f077",
    # 0.4.0: e-mail, phone and card defaults moved to reserved ranges; GOLDEN_SPEC has none
    # of those types, so its bytes are the same.
    "0.4.0": "8216df2c2bf2521b381012210721001d212a36a54e4e0fc10c3b05ac8443f077",
}


def test_the_bytes_of_a_fixed_spec_change_only_with_the_engine_version() -> None:
    spec = engine.parse_spec(GOLDEN_SPEC)
    plans = engine.plan_tables(spec, block_size=100, seed=5)
    digest = hashlib.sha256()
    for name, plan in plans.items():
        sink = io.BytesIO()
        writer = engine.open_writer("csv", sink, engine.output_schema(spec, name))
        for block in plan.blocks():
            writer.write(engine.generate_block(spec, name, block, 5))
        writer.close()
        digest.update(name.encode() + b"\0" + sink.getvalue())
    got = digest.hexdigest()
    assert engine.ENGINE_VERSION in GOLDEN_SHA256, (
        f"engine {engine.ENGINE_VERSION} has no golden hash: add "
        f'"{engine.ENGINE_VERSION}": "{got}" to GOLDEN_SHA256 (keep the old ones)'
    )
    assert got == GOLDEN_SHA256[engine.ENGINE_VERSION], (
        f"the bytes engine {engine.ENGINE_VERSION} makes have changed ({got}). If that is "
        "intended, bump ENGINE_VERSION in generation/engine/__init__.py and add the new hash "
        "under the new version; if not, the change broke determinism"
    )
