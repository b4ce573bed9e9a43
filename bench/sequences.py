"""Sequences, side by side in one run: the ``spec`` synthesizer (learned series spec + engine),
SDV's PAR, argn (our TabularARGN wrapper) and bare TabularARGN (mostlyai-engine defaults), on
the shared sensor table (sample_data/sensor_nyc_weather.csv: 3 stations, hourly) and on a
seasonal table generated with known parameters. ``spec`` runs on the whole tables; the four
run side by side on the first ``--window`` rows of each entity (PAR samples step by step:
whole years would take it hours here), few epochs, with the ratios printed.

Per table and synthesizer: quality (sdmetrics QualityReport) against a time-based holdout
(the last 20% of each entity's rows, never learned), the temporal score and lag-1
autocorrelation errors per numeric column (evaluation/metrics/temporal.py, against the
training rows), fit and sample seconds; for ``spec`` also the seconds to sample 100
sequences of a year, and on the known table the recovered amplitude, AR coefficient and
trend. Writes bench/results/sequences.json.

The side by side's known table has ``--side-entities`` sites (40): TabularARGN learns
sequence lengths only from 20 training sequences on (fewer, and its value protection makes
every sequence one row long: the 3 sensor stations are too few, so argn and bare
TabularARGN are reported skipped there, with the reason).

    .venv/bin/python bench/sequences.py [--window 300] [--par-epochs 3] [--argn-epochs 3]
        [--argn-budget-s 120] [--side-entities 40] [--deep par,argn,bare] [--no-deep]
        [--side-only] (only the side by side, merged into the results file; --no-deep keeps
        the side by side that is there)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
os.environ.setdefault("SYNDATA_VAR_DIR", tempfile.mkdtemp(prefix="bench-sequences-"))
warnings.filterwarnings("ignore")

AMPLITUDE, PHI, SD, TREND = 6.0, 0.7, 1.0, 0.01


def known_table(entities: int = 6, days: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Daily series: 20 + 0.01/day + 6 cos(2pi(t/year - 0.55)) + AR(1) phi 0.7, sd 1."""
    rng = np.random.default_rng(seed)
    parts = []
    for e in range(entities):
        t = pd.date_range("2015-01-01", periods=days, freq="D")
        sec = t.asi8 / 1e9
        ar = np.zeros(days)
        for i in range(1, days):
            ar[i] = PHI * ar[i - 1] + rng.normal(0, SD)
        value = (
            20 + TREND * np.arange(days) + AMPLITUDE * np.cos(2 * np.pi * (sec / 31557600 - 0.55))
        )
        parts.append(pd.DataFrame({"site": f"S{e}", "day": t, "value": value + ar}))
    return pd.concat(parts, ignore_index=True)


def time_split(frame: pd.DataFrame, key: str, index: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(first 80% of each entity's rows, the last 20%), in time order."""
    frame = frame.sort_values([key, index], kind="stable").reset_index(drop=True)
    pos = frame.groupby(key).cumcount()
    size = frame.groupby(key)[key].transform("size")
    late = pos >= (size * 0.8).astype(int)
    return frame[~late].reset_index(drop=True), frame[late].reset_index(drop=True)


def sample_spec(spec_doc: dict[str, Any], child: str, sequences: int, seed: int) -> pd.DataFrame:
    import pyarrow as pa

    from generation import engine

    spec = engine.parse_spec(spec_doc)
    plans = engine.plan_tables(spec, rows=sequences, seed=seed)
    blocks = [engine.generate_block(spec, child, b, seed) for b in plans[child].blocks()]
    return pa.concat_tables(blocks).to_pandas()


def run_table(
    name: str, frame: pd.DataFrame, key: str, index: str, deep: dict[str, Any] | None
) -> dict[str, Any]:
    import django

    django.setup()
    from evaluation.metrics.quality import quality_report
    from evaluation.metrics.temporal import temporal_report
    from generation.synthesis.sequence_synth import learn_sequence_spec
    from generation.synthesis.tables import detect_metadata

    meta = detect_metadata(frame, table=name, info={})
    meta["sequence_key"], meta["sequence_index"] = key, index
    meta["columns"][key]["sdtype"] = "categorical"
    learned = [c for c, e in meta["columns"].items() if c != key and e["sdtype"] != "id"]
    train, holdout = time_split(frame, key, index)
    sequences = int(train[key].nunique())
    numeric = [c for c in learned if meta["columns"][c]["sdtype"] == "numerical"]
    categorical = [c for c in learned if meta["columns"][c]["sdtype"] == "categorical"]
    results: dict[str, Any] = {"rows": len(frame), "sequences": sequences, "models": {}}
    # The order column is left out of the quality: a time-based holdout's dates lie past
    # every training date by construction, whichever model made the rows.
    scored = [c for c in learned if c != index]
    quality_meta = {**meta, "columns": {c: meta["columns"][c] for c in scored}}

    def score(synthetic: pd.DataFrame, fit_s: float, sample_s: float) -> dict[str, Any]:
        quality = quality_report(holdout[scored], synthetic[scored], quality_meta)
        temporal = temporal_report(
            train, synthetic, key=key, index=index, numeric=numeric, categorical=categorical
        )
        lag1 = {
            c: {
                "real": temporal["columns"][c]["lag1_real"],
                "synthetic": temporal["columns"][c]["lag1_synthetic"],
            }
            for c in temporal["columns"]
        }
        strong = {c: v for c, v in lag1.items() if (v["real"] or 0) > 0.5}
        return {
            "quality_vs_time_holdout": round(quality["score"], 4),
            "temporal": temporal["score"],
            "lag1": lag1,
            "lag1_errors": temporal["lag1_errors"],
            "lag1_within_0.1_where_real_over_0.5": all(
                v["synthetic"] is not None and abs(v["real"] - v["synthetic"]) <= 0.1
                for v in strong.values()
            ),
            "fit_s": round(fit_s, 3),
            "sample_s": round(sample_s, 3),
        }

    t0 = time.perf_counter()
    spec, info = learn_sequence_spec(
        train, meta, table=name, key=key, index=index, learned=learned, seed=0
    )
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    synthetic = sample_spec(spec, info["child"], sequences, seed=1)
    sample_s = time.perf_counter() - t0
    entry = score(synthetic.rename(columns=info["names"]), fit_s, sample_s)
    t0 = time.perf_counter()
    year = sample_spec(_year_long(spec, info), info["child"], 100, seed=2)
    entry["sample_100_sequences_of_a_year_s"] = round(time.perf_counter() - t0, 3)
    entry["rows_of_100_years"] = len(year)
    results["models"]["spec"] = entry
    if deep is not None:
        results["models"].update(_deep_models(train, meta, key, index, learned, deep, score))
    return results


def _deep_models(
    train: pd.DataFrame,
    meta: dict[str, Any],
    key: str,
    index: str,
    learned: list[str],
    deep: dict[str, Any],
    score: Any,
) -> dict[str, Any]:
    """PAR (SDV), argn (our TabularARGN wrapper: its encodings, sequences as the product fits
    them) and bare TabularARGN (mostlyai-engine's defaults), few epochs, on the same rows."""
    import shutil

    from generation.synthesis import argn_backend, sdv_backend

    out: dict[str, Any] = {}
    sequences = int(train[key].nunique())
    frame = train[[key, *learned]]
    if sdv_backend.available() and "par" in deep["models"]:
        t0 = time.perf_counter()
        model = sdv_backend.fit_par(
            frame,
            meta,
            sequence_key=key,
            sequence_index=index,
            options={"epochs": deep["par_epochs"]},
            seed=0,
            table="bench",
        )
        fit_s = time.perf_counter() - t0
        payload = sdv_backend.dumps(model)
        t0 = time.perf_counter()
        synthetic = sdv_backend.sample_par(payload, sequences, seed=1)
        out["par"] = {
            **score(synthetic, fit_s, time.perf_counter() - t0),
            "epochs": deep["par_epochs"],
        }
    if not argn_backend.available() or not {"argn", "bare"} & set(deep["models"]):
        return out
    trained = round(0.8 * sequences)  # the engine's train/validation split
    if trained < argn_backend.ENGINE_MIN_SEQUENCES:
        skipped = {
            "skipped": f"{sequences} sequences: TabularARGN trains on {trained}, and under "
            f"{argn_backend.ENGINE_MIN_SEQUENCES} its value protection makes every sequence "
            "one row long (argn refuses such a fit)"
        }
        return {**out, "argn": skipped, "bare_tabular_argn": skipped}
    text_keys = frame.assign(**{key: frame[key].astype(str)})
    options = {"epochs": deep["argn_epochs"], "time_budget_s": deep["argn_budget_s"]}
    t0 = time.perf_counter()
    argn = argn_backend.fit(text_keys, meta["columns"], options=options, seed=0, context_key=key)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    synthetic = argn_backend.sample(
        argn.workspace, seed=1, context=argn_backend.sequence_context(key, sequences)
    )
    argn_rows = synthetic
    out["argn"] = {
        **score(synthetic, fit_s, time.perf_counter() - t0),
        "epochs": deep["argn_epochs"],
        "epochs_done": argn.epochs_done,
        "synthetic_rows_per_sequence": round(len(synthetic) / max(1, sequences), 1),
    }
    if "bare" not in deep["models"]:
        return out
    engine = argn_backend._engine()
    work = Path(tempfile.mkdtemp(prefix="bench-bare-argn-"))
    try:
        t0 = time.perf_counter()
        engine.set_random_state(0)
        engine.split(tgt_data=text_keys, tgt_context_key=key, workspace_dir=work)
        engine.analyze(workspace_dir=work)
        engine.encode(workspace_dir=work)
        engine.train(
            max_epochs=deep["argn_epochs"],
            max_training_time=deep["argn_budget_s"] / 60,
            device="cpu",
            workspace_dir=work,
        )
        argn_backend._denormals_back()
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        synthetic = argn_backend.sample(
            work, seed=1, context=argn_backend.sequence_context(key, sequences)
        )
        out["bare_tabular_argn"] = {
            **score(synthetic, fit_s, time.perf_counter() - t0),
            "epochs": deep["argn_epochs"],
            "synthetic_rows_per_sequence": round(len(synthetic) / max(1, sequences), 1),
            # Same seed, epochs and model size, and argn's encodings equal the engine's own
            # guesses on these columns: then the two are one model and sample the same rows.
            "same_rows_as_argn": bool(
                synthetic.shape == argn_rows.shape
                and synthetic.reset_index(drop=True).equals(argn_rows.reset_index(drop=True))
            ),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _year_long(spec: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
    """The spec with every entity a year of steps long."""
    import copy

    spec = copy.deepcopy(spec)
    steps = max(1, int(round(365 * 86400 / info["step_s"])))
    field = spec["tables"][info["parent"]]["fields"]["n_steps"]
    field.pop("conditional", None)
    field["dist"] = {"kind": "constant", "value": steps}
    spec["tables"][info["child"]]["series"]["length"]["max"] = max(
        steps, spec["tables"][info["child"]]["series"]["length"]["max"]
    )
    return spec


def recovery(frame: pd.DataFrame) -> dict[str, Any]:
    from generation.synthesis.sequence_synth import learn_sequence_spec
    from generation.synthesis.tables import detect_metadata

    meta = detect_metadata(frame, table="known", info={})
    spec, _ = learn_sequence_spec(
        frame, meta, table="known", key="site", index="day", learned=["day", "value"]
    )
    field = spec["tables"]["known"]["fields"]["value"]
    cases = field["conditional"]["cases"].values()
    amp = [s["amplitude"] for c in cases for s in c["signal"]["seasonality"]]
    phi = [c["signal"]["ar"]["phi"] for c in cases]
    trend = [c["signal"].get("trend", 0.0) for c in cases]
    return {
        "amplitude": {"true": AMPLITUDE, "learned_mean": round(float(np.mean(amp)), 4)},
        "phi": {"true": PHI, "learned_mean": round(float(np.mean(phi)), 4)},
        "trend": {"true": TREND, "learned_mean": round(float(np.mean(trend)), 6)},
        "within_10_percent": bool(
            all(abs(a - AMPLITUDE) <= 0.1 * AMPLITUDE for a in amp)
            and all(abs(p - PHI) <= 0.1 * PHI for p in phi)
        ),
    }


def _window(frame: pd.DataFrame, key: str, index: str, rows: int) -> pd.DataFrame:
    """The first ``rows`` rows of each entity in time order (what PAR samples in bounded time)."""
    frame = frame.sort_values([key, index], kind="stable")
    return frame[frame.groupby(key).cumcount() < rows].reset_index(drop=True)


def _ratios(models: dict[str, Any]) -> dict[str, Any]:
    spec = models["spec"]
    out: dict[str, Any] = {}
    for name in ("par", "argn", "bare_tabular_argn"):
        if name in models and "skipped" not in models[name]:
            other = models[name]
            out[f"quality_spec_minus_{name}"] = round(
                spec["quality_vs_time_holdout"] - other["quality_vs_time_holdout"], 4
            )
            out[f"temporal_spec_minus_{name}"] = round(spec["temporal"] - other["temporal"], 4)
            out[f"fit_s_{name}_over_spec"] = round(other["fit_s"] / max(spec["fit_s"], 1e-9), 1)
            out[f"sample_s_{name}_over_spec"] = round(
                other["sample_s"] / max(spec["sample_s"], 1e-9), 1
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--par-epochs", type=int, default=3)
    parser.add_argument("--argn-epochs", type=int, default=3)
    parser.add_argument("--argn-budget-s", type=float, default=120.0)
    parser.add_argument(
        "--window", type=int, default=300, help="rows per entity of the side-by-side run"
    )
    parser.add_argument("--no-deep", action="store_true", help="spec only")
    parser.add_argument("--side-entities", type=int, default=40)
    parser.add_argument("--deep", default="par,argn,bare", help="which of par,argn,bare")
    parser.add_argument("--side-only", action="store_true")
    args = parser.parse_args()
    deep = (
        None
        if args.no_deep
        else {
            "par_epochs": args.par_epochs,
            "argn_epochs": args.argn_epochs,
            "argn_budget_s": args.argn_budget_s,
            "models": args.deep.split(","),
        }
    )
    sensor = pd.read_csv(REPO / "sample_data" / "sensor_nyc_weather.csv")
    sensor["time_hour"] = pd.to_datetime(sensor["time_hour"]).dt.tz_localize(None)
    known = known_table()
    path = REPO / "bench" / "results" / "sequences.json"
    keep = (args.side_only or args.no_deep) and path.exists()  # the other part stays
    out: dict[str, Any] = json.loads(path.read_text()) if keep else {}
    out["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    if not args.side_only:
        out |= {
            "sensor_nyc_weather": run_table("weather", sensor, "origin", "time_hour", None),
            "known_parameters": {
                **run_table("known", known, "site", "day", None),
                "recovery": recovery(known),
            },
        }
    if deep is not None:
        side: dict[str, Any] = {
            "rows_per_entity": args.window,
            "known_entities": args.side_entities,
            **deep,
        }
        wide_known = known_table(entities=args.side_entities, days=args.window)
        for name, frame, key, index in (
            ("sensor_nyc_weather", sensor, "origin", "time_hour"),
            ("known_parameters", wide_known, "site", "day"),
        ):
            entry = run_table(name, _window(frame, key, index, args.window), key, index, deep)
            entry["ratios"] = _ratios(entry["models"])
            side[name] = entry
            print(name, json.dumps(entry["ratios"]), flush=True)
        out["side_by_side"] = side
    path.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
