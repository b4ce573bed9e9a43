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
