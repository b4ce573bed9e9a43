"""argn vs bare mostlyai-engine TabularARGN on one table of sample_data/, same epochs, model
size and seed: fit seconds (wall and CPU) and quality (the same sdmetrics QualityReport of
the same number of sampled rows vs the same training rows). Ours samples through the guarded
block sampler (copies of real rows dropped), the bare model with ``TabularARGN.sample``.

    .venv/bin/python bench/argn.py [--table clinical_rotterdam] [--rows 2000] [--epochs 5]
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")
os.environ.setdefault("SYNDATA_VAR_DIR", tempfile.mkdtemp(prefix="bench-argn-"))
warnings.filterwarnings("ignore")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from evaluation.metrics.quality import quality_report  # noqa: E402
from generation.synthesis import argn_backend  # noqa: E402
from generation.synthesis.fits import _fit_one  # noqa: E402
from generation.synthesis.fitted import load_fitted, sample_block, save_fitted  # noqa: E402
from generation.synthesis.fitting import learned_columns  # noqa: E402
from generation.synthesis.identifiers import make_salt  # noqa: E402
from generation.synthesis.sampler import make_sampler  # noqa: E402
from generation.synthesis.tables import detect_metadata, load_frame, read_table  # noqa: E402

SEED = 7


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--table", default="clinical_rotterdam")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--model-size", default="S")
    args = parser.parse_args()
    path = REPO / "sample_data" / f"{args.table}.csv"
    raw, info = read_table(path, filename=path.name, max_columns=500, min_rows=10)
    metadata = detect_metadata(raw, table=args.table, info=info)
    frame = load_frame(path, metadata)
    train = frame.sample(min(args.rows, len(frame)), random_state=SEED).reset_index(drop=True)
    learned = learned_columns(metadata)
    options = {"epochs": args.epochs, "model_size": args.model_size}
    engine = argn_backend._engine()  # imported before either fit is timed (4 s of CPU)

    t0, c0 = time.perf_counter(), time.process_time()
    result = _fit_one(
        "argn",
        train,
        metadata,
        learned=learned,
        options=options,
        seed=SEED,
        table="table",
        progress=lambda done, total: None,
    )
    ours_fit = (time.perf_counter() - t0, time.process_time() - c0)
    directory = Path(tempfile.mkdtemp(prefix="argn-model-"))
    meta = {
        "synthesizer": "argn",
        "chosen": "argn",
        "table": "table",
        "columns": {k: dict(v) for k, v in metadata["columns"].items()},
        "learned": learned,
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": len(train),
        "categories": {},
    }
    save_fitted(directory, meta=meta, real=frame)
    result["argn"].save(directory / "argn")
    fitted = load_fitted(directory)
    rows, _dropped = sample_block(
        fitted, make_sampler(fitted), n=len(train), seed=SEED, start_row=0
    )
    ours_q = quality_report(train[learned], rows[learned], metadata)["score"]

    t0, c0 = time.perf_counter(), time.process_time()
    bare = engine.TabularARGN(
        model=argn_backend.MODEL_SIZES[args.model_size],
        max_epochs=args.epochs,
        random_state=SEED,
        device=argn_backend.device(),
    )
    bare.fit(train[learned])
    bare_fit = (time.perf_counter() - t0, time.process_time() - c0)
    argn_backend._denormals_back()
    bare_rows = bare.sample(n_samples=len(train))
    bare_q = quality_report(train[learned], bare_rows[learned], metadata)["score"]
    out = {
        "table": args.table,
        "rows": len(train),
        **options,
        "ours": {
            "fit_s": round(ours_fit[0], 2),
            "fit_cpu_s": round(ours_fit[1], 2),
            "quality": round(ours_q, 4),
        },
        "bare": {
            "fit_s": round(bare_fit[0], 2),
            "fit_cpu_s": round(bare_fit[1], 2),
            "quality": round(bare_q, 4),
        },
        "fit_ratio_wall": round(ours_fit[0] / bare_fit[0], 3),
        "quality_delta": round(float(np.subtract(ours_q, bare_q)), 4),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
