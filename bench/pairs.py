"""Pair fidelity of the ``spec`` synthesizer on held-out rows, pair by pair.

For each table of sample_data/ (capped at --max-rows, a random subset): fit on 80%, sample as
many rows as the other 20% through Syn-Data's guarded block sampler, and score with sdmetrics'
QualityReport against the 20% (column shapes, column pair trends). The ceiling is the 80%
itself scored against the 20%. Optionally the same split for SDV's GaussianCopula (bare, our
metadata) and mostlyai-engine's TabularARGN (when importable). Prints, per table, the
scores and the pairs that lose the most against the ceiling (what to learn next); writes
bench/results/pairs.json.

    .venv/bin/python bench/pairs.py [--tables credit_scoring,...] [--max-rows 12000]
        [--against gaussian_copula,tvae,argn] [--worst 8]
"""

from __future__ import annotations

import argparse
import json
import os
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
os.environ.setdefault("SYNDATA_VAR_DIR", tempfile.mkdtemp(prefix="bench-pairs-"))
warnings.filterwarnings("ignore")

import django  # noqa: E402

django.setup()

from evaluation.metrics.quality import quality_report  # noqa: E402
from generation.synthesis.fits import _fit_one  # noqa: E402
from generation.synthesis.fitted import load_fitted, sample_block, save_fitted  # noqa: E402
from generation.synthesis.fitting import learned_columns  # noqa: E402
from generation.synthesis.identifiers import make_salt  # noqa: E402
from generation.synthesis.sampler import make_sampler  # noqa: E402
from generation.synthesis.tables import detect_metadata, load_frame, read_table  # noqa: E402

DATA = REPO / "sample_data"
TABLES = [
    "clinical_rotterdam",
    "credit_scoring",
    "retail_diamonds",
    "sensor_nyc_weather",
    "flights_jan2013",
    "planes",
]
SEED = 7


def split(name: str, max_rows: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """The table (capped), its 80% training part, its 20% holdout, and its metadata."""
    path = DATA / f"{name}.csv"
    raw, info = read_table(path, filename=path.name, max_columns=500, min_rows=10)
    metadata = detect_metadata(raw, table=name, info=info)
    frame = load_frame(path, metadata)
    order = np.random.default_rng(SEED).permutation(len(frame))[:max_rows]
    frame = frame.iloc[order].reset_index(drop=True)
    cut = int(len(frame) * 0.8)
    return frame, frame.iloc[:cut].reset_index(drop=True), frame.iloc[cut:], metadata


def fit_spec(
    frame: pd.DataFrame, train: pd.DataFrame, metadata: dict[str, Any], rows: int, workdir: Path
) -> tuple[pd.DataFrame, float, int]:
    """Fit ``spec`` on ``train`` and sample ``rows`` guarded rows: (rows, fit seconds, spec
    bytes, real rows the guard dropped)."""
    learned = learned_columns(metadata)
    t0 = time.perf_counter()
    result = _fit_one(
        "spec",
        train,
        metadata,
        learned=learned,
        options={},
        seed=SEED,
        table="table",
        progress=lambda done, total: None,
    )
    fit_s = time.perf_counter() - t0
    meta = {
        "synthesizer": "spec",
        "chosen": "spec",
        "table": "table",
        "columns": {k: dict(v) for k, v in metadata["columns"].items()},
        "learned": learned,
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": len(train),
        "categories": {},
        "spec_names": result["spec_names"],
    }
    directory = workdir / f"spec-{time.monotonic_ns()}"
    save_fitted(directory, meta=meta, real=frame, spec=result["spec"])
    size = len(json.dumps(result["spec"], separators=(",", ":")).encode())
    fitted = load_fitted(directory)
    out, dropped = sample_block(fitted, make_sampler(fitted), n=rows, seed=SEED, start_row=0)
    return out, fit_s, size, dropped


def fit_other(kind: str, train: pd.DataFrame, metadata: dict[str, Any], rows: int) -> Any:
    """Rows of a competitor fitted on ``train``: SDV (our metadata) or bare TabularARGN."""
    learned = learned_columns(metadata)
    t0 = time.perf_counter()
    if kind == "argn":
        from generation.synthesis import argn_backend  # the one module importing mostlyai

        engine = argn_backend._engine()  # without its language models (transformers)
        model = engine.TabularARGN(max_training_time=1.0, verbose=0)  # minutes, CPU
        model.fit(train[learned])
        argn_backend._denormals_back()  # the engine leaves flush-to-zero on (see the backend)
        fit_s = time.perf_counter() - t0
        return model.sample(n_samples=rows), fit_s
    import sdv_bare  # noqa: PLC0415  (bench/)

    options = {"epochs": 50} if kind == "tvae" else {}
    model = sdv_bare.bare_model(
        train[learned], synthesizer=kind, options=options, seed=SEED, metadata=metadata
    )
    fit_s = time.perf_counter() - t0
    return sdv_bare.bare_sample(model, rows), fit_s


def score(real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]) -> dict:
    learned = learned_columns(metadata)
    report = quality_report(real[learned], synthetic[learned], metadata)
    pairs = {tuple(p["columns"]): p["score"] for p in report["pairs"]}
    return {
        "score": report["score"],
        "column_shapes": report["column_shapes"],
        "column_pair_trends": report["column_pair_trends"],
        "columns": {k: v["score"] for k, v in report["columns"].items()},
        "pairs": pairs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--max-rows", type=int, default=12_000)
    parser.add_argument("--against", default="", help="gaussian_copula,tvae,argn")
    parser.add_argument("--worst", type=int, default=8)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "pairs.json"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pairs-"))
    results: dict[str, Any] = {}
    for name in args.tables.split(","):
        frame, train, holdout, metadata = split(name, args.max_rows)
        ceiling = score(holdout, train, metadata)
        synthetic, fit_s, size, dropped = fit_spec(frame, train, metadata, len(holdout), workdir)
        ours = score(holdout, synthetic, metadata)
        entry: dict[str, Any] = {
            "rows_train": len(train),
            "spec_fit_s": round(fit_s, 3),
            "spec_bytes": size,
            "copies_dropped": dropped,
            "ceiling": {k: ceiling[k] for k in ("score", "column_shapes", "column_pair_trends")},
            "spec": {k: ours[k] for k in ("score", "column_shapes", "column_pair_trends")},
        }
        for kind in filter(None, args.against.split(",")):
            try:
                rows, other_s = fit_other(kind, train, metadata, len(holdout))
            except Exception as exc:  # a competitor that cannot run is reported, not fatal
                entry[kind] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
                continue
            theirs = score(holdout, rows, metadata)
            entry[kind] = {k: theirs[k] for k in ("score", "column_shapes", "column_pair_trends")}
            entry[kind]["fit_s"] = round(other_s, 2)
        losses = sorted(
            (
                (ceiling["pairs"][p] - s, p)
                for p, s in ours["pairs"].items()
                if s is not None and ceiling["pairs"].get(p) is not None
            ),
            reverse=True,
        )
        entry["worst_pairs"] = [
            {"columns": list(p), "loss": round(loss, 4), "spec": round(ours["pairs"][p], 4)}
            for loss, p in losses[: args.worst]
        ]
        shape_losses = sorted(
            ((ceiling["columns"][c] - s, c) for c, s in ours["columns"].items() if s is not None),
            reverse=True,
        )
        entry["worst_columns"] = [
            {"column": c, "loss": round(loss, 4)} for loss, c in shape_losses[:4]
        ]
        results[name] = entry
        print(json.dumps({name: entry}, indent=1, default=str), flush=True)
    summary = {
        side: float(np.mean([r[side]["score"] for r in results.values()]))
        for side in ("ceiling", "spec")
    }
    print("mean score:", {k: round(v, 4) for k, v in summary.items()})
    Path(args.out).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
