"""``bench/models.py --holdout``: issue 13's side by side against a 20% holdout.

Reuses bench/pairs.py (the split, the bare competitors, the scoring) and bench/wide.py (the
generated wide tables); see bench/models.py's docstring for what is measured.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pairs  # bench/: split, score, fit_other (bare SDV)
import pandas as pd
import wide  # bench/: wide_frame

from evaluation.metrics.quality import quality_report
from generation.synthesis import argn_backend
from generation.synthesis.auto import auto_select
from generation.synthesis.fits import _fit_one
from generation.synthesis.fitted import load_fitted, sample_block, save_fitted
from generation.synthesis.fitting import learned_columns
from generation.synthesis.identifiers import make_salt
from generation.synthesis.sampler import make_sampler
from generation.synthesis.tables import detect_metadata, load_frame, read_table

SEED = 7
SIDES = ["spec", "argn", "auto", "bare_argn", "gaussian_copula", "ctgan", "tvae"]
COMPETITORS = ["bare_argn", "gaussian_copula", "ctgan", "tvae"]


def _wide_split(k: int, cap: int, workdir: Path) -> tuple[Any, ...]:
    path = workdir / f"wide_{k}.csv"
    wide.wide_frame(k, int(cap / 0.8) + 1, seed=k).to_csv(path, index=False)
    raw, info = read_table(path, filename=path.name, max_columns=500, min_rows=10)
    metadata = detect_metadata(raw, table=f"wide_{k}", info=info)
    frame = load_frame(path, metadata).reset_index(drop=True)
    cut = int(len(frame) * 0.8)
    return frame, frame.iloc[:cut].reset_index(drop=True), frame.iloc[cut:], metadata


def _ours(
    kind: str,
    frame: pd.DataFrame,
    train: pd.DataFrame,
    metadata: dict[str, Any],
    rows: int,
    epochs: int,
    workdir: Path,
) -> dict[str, Any]:
    """Fit ``kind`` (spec, argn, auto of spec and argn) through Syn-Data's fit path, save,
    load and sample ``rows`` guarded rows."""
    learned = learned_columns(metadata)

    def fit(name: str, data: pd.DataFrame, **kw: Any) -> dict[str, Any]:
        opts = {"epochs": epochs, "model_size": "S"} if name == "argn" else {}
        return _fit_one(
            name,
            data,
            metadata,
            learned=learned,
            options=opts,
            seed=SEED,
            table="table",
            progress=lambda d, t: None,
        )

    t0 = time.perf_counter()
    auto: dict[str, Any] = {}
    chosen = kind
    if kind == "auto":
        chosen, auto = auto_select(
            train,
            metadata,
            learned,
            candidates=["spec", "argn"],
            epochs=epochs,
            seed=SEED,
            table="table",
            budget_s=600.0,
            holdout_share=0.2,
            score_of=quality_report,
            fit_one=lambda name, data, *a, **kw: fit(name, data),
        )
    result = fit(chosen, train)
    fit_s = time.perf_counter() - t0
    meta = {
        "synthesizer": kind,
        "chosen": chosen,
        "table": "table",
        "columns": {k: dict(v) for k, v in metadata["columns"].items()},
        "learned": learned,
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": len(train),
        "categories": {},
        "spec_names": result.get("spec_names"),
    }
    directory = workdir / f"{kind}-{time.monotonic_ns()}"
    save_fitted(directory, meta=meta, real=frame, spec=result.get("spec"))
    if chosen == "argn":
        result["argn"].save(directory / "argn")
    fitted = load_fitted(directory)
    t0 = time.perf_counter()
    out, dropped = sample_block(fitted, make_sampler(fitted), n=rows, seed=SEED, start_row=0)
    sample_s = time.perf_counter() - t0
    extra = {"chosen": chosen, "auto": _plain(auto)} if kind == "auto" else {}
    return {"rows": out, "fit_s": fit_s, "sample_s": sample_s, "dropped": dropped, **extra}


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _bare_argn(train: pd.DataFrame, learned: list[str], rows: int, epochs: int) -> dict:
    engine = argn_backend._engine()
    t0 = time.perf_counter()
    model = engine.TabularARGN(
        model=argn_backend.MODEL_SIZES["S"],
        max_epochs=epochs,
        random_state=SEED,
        device=argn_backend.device(),
        verbose=0,
    )
    model.fit(train[learned])
    fit_s = time.perf_counter() - t0
    argn_backend._denormals_back()
    t0 = time.perf_counter()
    out = model.sample(n_samples=rows)
    return {"rows": out, "fit_s": fit_s, "sample_s": time.perf_counter() - t0}


def _bare_sdv(kind: str, train: pd.DataFrame, metadata: dict, rows: int, epochs: int) -> dict:
    import sdv_bare  # noqa: PLC0415  (bench/)

    learned = learned_columns(metadata)
    options = {"epochs": epochs} if kind in ("ctgan", "tvae") else {}
    t0 = time.perf_counter()
    model = sdv_bare.bare_model(
        train[learned], synthesizer=kind, options=options, seed=SEED, metadata=metadata
    )
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = sdv_bare.bare_sample(model, rows)
    return {"rows": out, "fit_s": fit_s, "sample_s": time.perf_counter() - t0}


def _table(name: str, split: tuple[Any, ...], args: Any, workdir: Path) -> dict[str, Any]:
    frame, train, holdout, metadata = split
    learned = learned_columns(metadata)
    rows = len(holdout)
    ceiling = pairs.score(holdout, train, metadata)
    entry: dict[str, Any] = {
        "rows_train": len(train),
        "columns": len(frame.columns),
        "ceiling": {k: round(ceiling[k], 4) for k in ("score", "column_pair_trends")},
    }
    deep = ("argn", "auto", "bare_argn")
    for side in SIDES:
        if side in deep and args.argn_tables and name not in args.argn_tables.split(","):
            entry[side] = {"skipped": "not in --argn-tables (CPU time)"}
            continue
        t0 = time.perf_counter()
        try:
            if side in ("spec", "argn", "auto"):
                got = _ours(side, frame, train, metadata, rows, args.epochs, workdir)
            elif side == "bare_argn":
                got = _bare_argn(train, learned, rows, args.epochs)
            else:
                got = _bare_sdv(side, train, metadata, rows, args.epochs)
            s = pairs.score(holdout, got.pop("rows"), metadata)
        except Exception as exc:  # a side that cannot run is reported, not fatal
            entry[side] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            print(f"{name:22s} {side:16s} ERROR {entry[side]['error']}", flush=True)
            continue
        entry[side] = {
            "quality": round(s["score"], 4),
            "column_shapes": round(s["column_shapes"], 4),
            "column_pair_trends": round(s["column_pair_trends"], 4),
            "fit_s": round(got.pop("fit_s"), 2),
            "sample_s": round(got.pop("sample_s"), 2),
            **{k: v for k, v in got.items()},
        }
        e = entry[side]
        print(
            f"{name:22s} {side:16s} quality {e['quality']:.4f} pairs "
            f"{e['column_pair_trends']:.4f} shapes {e['column_shapes']:.4f} fit "
            f"{e['fit_s']:7.2f} s sample {e['sample_s']:6.2f} s "
            f"({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    return entry


def _verdicts(tables: dict[str, Any], shared: list[str]) -> dict[str, Any]:
    def q(entry: dict, side: str) -> float | None:
        return entry.get(side, {}).get("quality")

    spec_wins, auto_ok, ratios = [], {}, {}
    for name, e in tables.items():
        spec, bare, auto = q(e, "spec"), q(e, "bare_argn"), q(e, "auto")
        best = max((q(e, c) for c in COMPETITORS if q(e, c) is not None), default=None)
        ratios[name] = {
            "spec / bare_argn": None if not (spec and bare) else round(spec / bare, 4),
            "auto - best competitor": None
            if auto is None or best is None
            else round(auto - best, 4),
            "argn / bare_argn quality": None
            if not (q(e, "argn") and bare)
            else round(q(e, "argn") / bare, 4),
        }
        if name in shared and spec is not None and bare is not None:
            spec_wins.append(spec >= bare)
        if name in shared:
            auto_ok[name] = None if auto is None or best is None else auto >= best - 0.005
    fit_10k = {
        n: round(e["spec"]["fit_s"] * 10_000 / e["rows_train"], 2)
        for n, e in tables.items()
        if n in shared and "fit_s" in e.get("spec", {})
    }
    return {
        "ratios": ratios,
        "spec >= bare TabularARGN on at least half the shared tables": {
            "wins": int(sum(spec_wins)),
            "of": len(spec_wins),
            "met": bool(spec_wins) and sum(spec_wins) * 2 >= len(spec_wins),
        },
        "spec fit seconds on a shared table scaled linearly to 10k rows (<= 10 s)": {
            "per_table": fit_10k,
            "met": all(v <= 10 for v in fit_10k.values()),
        },
        "auto >= max(bare TabularARGN, SDV GC/CTGAN/TVAE) - 0.005 on every shared table": {
            "per_table": auto_ok,
            "met": all(v is True for v in auto_ok.values()),
        },
    }


def run(args: Any, shared: list[str]) -> None:
    cap = 1000 if args.quick else args.fit_rows
    workdir = Path(tempfile.mkdtemp(prefix="models-holdout-"))
    names = [t for t in args.tables.split(",") if t in shared]
    tables: dict[str, Any] = {}
    started = time.perf_counter()
    for name in names:
        tables[name] = _table(name, pairs.split(name, int(cap / 0.8) + 1), args, workdir)
    for k in (55, 200):
        tables[f"wide_{k}"] = _table(f"wide_{k}", _wide_split(k, cap, workdir), args, workdir)
    verdicts = _verdicts(tables, names)
    for name, r in verdicts["ratios"].items():
        print(f"{name:22s} " + "  ".join(f"{k}: {v}" for k, v in r.items()))
    for target, v in verdicts.items():
        if target != "ratios":
            print(f"{'met' if v['met'] else 'NOT met':8s} {target}: {json.dumps(v)}")
    out = Path(args.out)
    doc = json.loads(out.read_text()) if out.exists() else {}
    doc["holdout"] = {
        "options": {
            "fit_rows": cap,
            "epochs": args.epochs,
            "quick": args.quick,
            "seed": SEED,
            "argn_tables": args.argn_tables or "all",
        },
        "seconds": round(time.perf_counter() - started, 1),
        "tables": tables,
        **{k: v for k, v in verdicts.items()},
        "mean_quality": {
            side: round(
                float(
                    np.mean(
                        [
                            e[side]["quality"]
                            for e in tables.values()
                            if "quality" in e.get(side, {})
                        ]
                    )
                ),
                4,
            )
            for side in SIDES
            if any("quality" in e.get(side, {}) for e in tables.values())
        },
    }
    out.write_text(json.dumps(doc, indent=2, default=str) + "\n")
