"""The ``spec`` synthesizer on a wide table: fit, validate and sample seconds.

A generated table of --columns columns x --rows rows (an integer key, then floats of cents,
skewed integer counts, 3-level categories, bools and amounts in whole hundreds, driven by 4
latent factors; a tenth of the floats with nulls) is read as an upload is, fitted with
``spec`` (as a fit job does), its spec checked as a sample request checks it, saved, loaded
and sampled through the guarded block sampler of model jobs (``fitted.sample_block``, blocks
of --block rows). Prints the seconds against the issue's targets (fit < 60 s, 100,000 rows
< 10 s, validation < 1 s) and writes bench/results/wide.json.

    .venv/bin/python bench/wide.py [--columns 500] [--rows 10000] [--sample 100000]
        [--block 50000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")
os.environ.setdefault("SYNDATA_VAR_DIR", tempfile.mkdtemp(prefix="bench-wide-"))
warnings.filterwarnings("ignore")

import django  # noqa: E402

django.setup()

from generation.specs import spec_validate  # noqa: E402
from generation.synthesis.fits import _fit_one  # noqa: E402
from generation.synthesis.fitted import load_fitted, sample_block, save_fitted  # noqa: E402
from generation.synthesis.fitting import learned_columns  # noqa: E402
from generation.synthesis.identifiers import make_salt  # noqa: E402
from generation.synthesis.sampler import make_sampler  # noqa: E402
from generation.synthesis.tables import detect_metadata, load_frame, read_table  # noqa: E402

TARGETS = {"fit_s": 60.0, "sample_s": 10.0, "validate_s": 1.0}


def wide_frame(k: int, n: int, seed: int = 0) -> pd.DataFrame:
    """``k`` columns driven by 4 latent factors (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, 4))
    weights = rng.uniform(-0.9, 0.9, (k, 4)) / 2
    own = np.sqrt(np.clip(1 - (weights**2).sum(axis=1), 0.05, None))
    z = common @ weights.T + rng.standard_normal((n, k)) * own
    cols: dict[str, Any] = {"loan_id": np.arange(1, n + 1)}
    levels = np.array(["low", "mid", "high"], dtype=object)
    for j in range(k - 1):
        kind = j % 5
        if kind == 0:
            cols[f"grade_{j}"] = levels[np.digitize(z[:, j], [0.0, 1.0])]
        elif kind == 1:
            cols[f"count_{j}"] = np.round(np.exp(z[:, j]) * 20).astype(int)
        elif kind == 2:
            cols[f"flag_{j}"] = z[:, j] > 0.3
        elif j % 10 == 3:
            cols[f"limit_{j}"] = np.round(z[:, j] * 30 + 100) * 100  # whole hundreds
        else:
            x = np.round(z[:, j] * 1500 + 9000, 2)
            if j % 20 == 4:
                x = np.where(z[:, (j + 1) % k] > 1.0, np.nan, x)
            cols[f"amount_{j}"] = x
    return pd.DataFrame(cols)


def run(args: argparse.Namespace) -> dict[str, Any]:
    frame = wide_frame(args.columns, args.rows)
    work = Path(tempfile.mkdtemp(prefix="wide-"))
    path = work / "wide.csv"
    frame.to_csv(path, index=False)
    raw, info = read_table(path, filename=path.name, max_columns=args.columns, min_rows=10)
    metadata = {**detect_metadata(raw, table="wide", info=info), **info}
    real = load_frame(path, metadata).reset_index(drop=True)
    learned = learned_columns(metadata)

    t0 = time.perf_counter()
    result = _fit_one(
        "spec",
        real,
        metadata,
        learned=learned,
        options={},
        seed=7,
        table="wide",
        progress=lambda done, total: None,
    )
    fit_s = time.perf_counter() - t0
    spec = result["spec"]
    t0 = time.perf_counter()
    spec_validate(spec=spec, path="spec")  # what a sample request runs
    validate_s = time.perf_counter() - t0

    meta = {
        "synthesizer": "spec",
        "chosen": "spec",
        "table": "wide",
        "columns": {k: dict(v) for k, v in metadata["columns"].items()},
        "learned": learned,
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": len(real),
        "categories": {},
        "spec_names": result["spec_names"],
    }
    save_fitted(work / "model", meta=meta, real=real, spec=spec)
    fitted = load_fitted(work / "model")
    t0 = time.perf_counter()
    sampler = make_sampler(fitted, categorical=True)  # once per worker (ModelProducer)
    setup_s = time.perf_counter() - t0

    profiler = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    made, dropped, start = 0, 0, 0
    while made < args.sample:
        n = min(args.block, args.sample - made)
        out, d = sample_block(fitted, sampler, n=n, seed=11 + start, start_row=start)
        assert len(out) == n and out.shape[1] == args.columns
        made, dropped, start = made + n, dropped + d, start + n
    if profiler:
        profiler.disable()
    sample_s = time.perf_counter() - t0
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    table = next(iter(spec["tables"].values()))
    return {
        "columns": args.columns,
        "rows": args.rows,
        "sampled_rows": args.sample,
        "block_rows": args.block,
        "fit_s": round(fit_s, 2),
        "validate_s": round(validate_s, 3),
        "sampler_setup_s": round(setup_s, 2),
        "sample_s": round(sample_s, 2),
        "exact_copies_dropped": dropped,
        "spec_bytes": len(json.dumps(spec, separators=(",", ":")).encode()),
        "correlation_forms": [sorted(c)[0] for c in table.get("correlations", [])],
        "conditional_fields": sum("conditional" in f for f in table["fields"].values()),
        "stepped_fields": sum("step" in f for f in table["fields"].values()),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=500)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--block", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the sampling")
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "wide.json"))
    args = parser.parse_args()
    result = run(args)
    result["targets"] = {k: f"< {v:g} s" for k, v in TARGETS.items()}
    result["met"] = {k: result[k] < v for k, v in TARGETS.items()}
    for key in ("fit_s", "validate_s", "sample_s"):
        verdict = "met" if result["met"][key] else "NOT met"
        print(f"{key:12s} {result[key]:8.2f}  target < {TARGETS[key]:g} s: {verdict}")
    print(json.dumps({k: v for k, v in result.items() if k not in ("targets", "met")}))
    if not args.profile:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
