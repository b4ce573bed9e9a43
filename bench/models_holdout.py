"""``bench/models.py --holdout``: issue 13's side by side against a 20% holdout.

Reuses bench/pairs.py (the split, the bare competitors, the scoring) and bench/wide.py (the
generated wide tables); see bench/models.py's docstring for what is measured.

``argn`` and bare TabularARGN are compared like for like: the same training rows, epochs,
model size (S), seed and the engine's own 10% validation split; mostlyai-engine and torch are
imported before any fit is timed (the first import is 4 s of CPU and up to 25 s of wall time
on a loaded 2-core machine, and it used to be counted in ``argn``'s fit only); the two fits run
one right after the other (``bare_argn`` straight after ``argn``, so a busy spell of the shared
machine hits both alike), timed in wall and CPU seconds, and with ``--argn-rounds`` N refitted
N-1 more times in turn (fastest kept); their quality is the mean over ``--draws`` samples of
the holdout's size (one 250-row sample moves the score by about 0.01 from one draw to the
next, the size of the target). ``--sides`` runs some sides only, updating them in the
recorded ``holdout`` part (the others kept, each entry saying which run measured it).
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
SIDES = ["spec", "argn", "bare_argn", "auto", "gaussian_copula", "ctgan", "tvae"]
DEEP = ("argn", "auto", "bare_argn")
#: Sides whose quality is the mean of ``--draws`` samples (the 0.01 target is about them).
DRAWN = ("argn", "bare_argn")
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

    def fit(name: str, data: pd.DataFrame, progress: Any = None) -> dict[str, Any]:
        opts = {"epochs": epochs, "model_size": "S"} if name == "argn" else {}
        return _fit_one(
            name,
            data,
            metadata,
            learned=learned,
            options=opts,
            seed=SEED,
            table="table",
            progress=progress or (lambda d, t: None),
        )

    t0, c0 = time.perf_counter(), time.process_time()
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
            # the candidate's epoch callback (its time budget) goes through, as in the product
            fit_one=lambda name, data, *a, progress=None, **kw: fit(name, data, progress),
        )
    result = fit(chosen, train)
    fit_s, fit_cpu_s = time.perf_counter() - t0, time.process_time() - c0
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
    return {
        "rows": out,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "sample_s": sample_s,
        "dropped": dropped,
        **extra,
    }


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _bare_argn(train: pd.DataFrame, learned: list[str], rows: int, epochs: int) -> dict:
    """Bare TabularARGN as its docs show it (its own type inference), on the same rows with
    the same epochs, model size and seed as ``argn``."""
    engine = argn_backend._engine()
    t0, c0 = time.perf_counter(), time.process_time()
    model = engine.TabularARGN(
        model=argn_backend.MODEL_SIZES["S"],
        max_epochs=epochs,
        random_state=SEED,
        device=argn_backend.device(),
        verbose=0,
    )
    model.fit(train[learned])
    fit_s, fit_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    argn_backend._denormals_back()
    t0 = time.perf_counter()
    out = model.sample(n_samples=rows)
    sample_s = time.perf_counter() - t0
    return {"rows": out, "fit_s": fit_s, "fit_cpu_s": fit_cpu_s, "sample_s": sample_s}


def _bare_sdv(kind: str, train: pd.DataFrame, metadata: dict, rows: int, epochs: int) -> dict:
    import sdv_bare  # noqa: PLC0415  (bench/)

    learned = learned_columns(metadata)
    options = {"epochs": epochs} if kind in ("ctgan", "tvae") else {}
    t0, c0 = time.perf_counter(), time.process_time()
    model = sdv_bare.bare_model(
        train[learned], synthesizer=kind, options=options, seed=SEED, metadata=metadata
    )
    fit_s, fit_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    out = sdv_bare.bare_sample(model, rows)
    return {
        "rows": out,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "sample_s": time.perf_counter() - t0,
    }


def _side(side: str, split: tuple[Any, ...], rows: int, args: Any, workdir: Path) -> dict:
    frame, train, _holdout, metadata = split
    if side in ("spec", "argn", "auto"):
        return _ours(side, frame, train, metadata, rows, args.epochs, workdir)
    if side == "bare_argn":
        return _bare_argn(train, learned_columns(metadata), rows, args.epochs)
    return _bare_sdv(side, train, metadata, rows, args.epochs)


def _drawn_score(holdout: pd.DataFrame, out: pd.DataFrame, metadata: dict, draws: int) -> dict:
    """The mean score of ``draws`` consecutive samples of the holdout's size, and each."""
    size = len(holdout)
    each = [
        pairs.score(holdout, out.iloc[i * size : (i + 1) * size], metadata) for i in range(draws)
    ]
    mean = {
        k: float(np.mean([s[k] for s in each]))
        for k in ("score", "column_shapes", "column_pair_trends")
    }
    return {**mean, "draws": [round(s["score"], 4) for s in each]}


def _retime(name: str, split: tuple[Any, ...], entry: dict, args: Any, workdir: Path) -> None:
    """``--argn-rounds``: argn and bare TabularARGN refitted in turn (bare first this time),
    the fastest wall and CPU fit of every round kept (the fits are deterministic: the same
    model each round, only the machine's load differs)."""
    pair = [s for s in ("bare_argn", "argn") if "fit_s" in entry.get(s, {})]
    for r in range(1, args.argn_rounds):
        for side in pair if r % 2 else pair[::-1]:
            got = _side(side, split, 10, args, workdir)
            e = entry[side]
            e["fit_s_rounds"] = [*e.get("fit_s_rounds", [e["fit_s"]]), round(got["fit_s"], 2)]
            e["fit_cpu_s_rounds"] = [
                *e.get("fit_cpu_s_rounds", [e["fit_cpu_s"]]),
                round(got["fit_cpu_s"], 2),
            ]
            e["fit_s"], e["fit_cpu_s"] = min(e["fit_s_rounds"]), min(e["fit_cpu_s_rounds"])
            print(
                f"{name:22s} {side:16s} round {r + 1}: fit {got['fit_s']:.2f} s "
                f"(CPU {got['fit_cpu_s']:.2f} s)",
                flush=True,
            )


def _table(
    name: str, split: tuple[Any, ...], args: Any, workdir: Path, sides: list[str], label: str
) -> dict[str, Any]:
    frame, train, holdout, metadata = split
    rows = len(holdout)
    ceiling = pairs.score(holdout, train, metadata)
    entry: dict[str, Any] = {
        "rows_train": len(train),
        "columns": len(frame.columns),
        "ceiling": {k: round(ceiling[k], 4) for k in ("score", "column_pair_trends")},
    }
    for side in sides:
        if side in DEEP and args.argn_tables and name not in args.argn_tables.split(","):
            entry[side] = {"skipped": "not in --argn-tables (CPU time)"}
            continue
        t0 = time.perf_counter()
        draws = max(1, args.draws) if side in DRAWN else 1
        try:
            got = _side(side, split, rows * draws, args, workdir)
            s = _drawn_score(holdout, got.pop("rows"), metadata, draws)
        except Exception as exc:  # a side that cannot run is reported, not fatal
            entry[side] = {"error": f"{type(exc).__name__}: {exc}"[:300], "run": label}
            print(f"{name:22s} {side:16s} ERROR {entry[side]['error']}", flush=True)
            continue
        entry[side] = {
            "quality": round(s["score"], 4),
            "column_shapes": round(s["column_shapes"], 4),
            "column_pair_trends": round(s["column_pair_trends"], 4),
            **({"quality_draws": s["draws"]} if draws > 1 else {}),
            "fit_s": round(got.pop("fit_s"), 2),
            "fit_cpu_s": round(got.pop("fit_cpu_s"), 2),
            "sample_s": round(got.pop("sample_s") / draws, 2),
            **{k: v for k, v in got.items()},
            "run": label,
        }
        e = entry[side]
        print(
            f"{name:22s} {side:16s} quality {e['quality']:.4f} pairs "
            f"{e['column_pair_trends']:.4f} shapes {e['column_shapes']:.4f} fit "
            f"{e['fit_s']:7.2f} s (CPU {e['fit_cpu_s']:7.2f} s) sample {e['sample_s']:6.2f} s "
            f"({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    if args.argn_rounds > 1:
        _retime(name, split, entry, args, workdir)
    return entry


def _verdicts(tables: dict[str, Any], shared: list[str]) -> dict[str, Any]:
    def q(entry: dict, side: str) -> float | None:
        return entry.get(side, {}).get("quality")

    spec_wins, auto_ok, ratios, argn_ok = [], {}, {}, {}
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
        if q(e, "argn") is not None and bare is not None:
            ours, theirs = e["argn"], e["bare_argn"]
            argn_ok[name] = {
                "quality_delta": round(ours["quality"] - theirs["quality"], 4),
                "fit_wall_ratio": round(ours["fit_s"] / theirs["fit_s"], 3),
                "fit_cpu_ratio": round(ours["fit_cpu_s"] / theirs["fit_cpu_s"], 3)
                if ours.get("fit_cpu_s") and theirs.get("fit_cpu_s")
                else None,
            }
            a = argn_ok[name]
            a["met"] = abs(a["quality_delta"]) <= 0.01 and all(
                r <= 1.1 for r in (a["fit_wall_ratio"], a["fit_cpu_ratio"]) if r is not None
            )
            ratios[name].update({k: v for k, v in a.items() if k != "met"})
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
        "argn within 0.01 of bare TabularARGN's quality, fit <= 1.1x bare (wall and CPU)": {
            "per_table": argn_ok,
            "met": bool(argn_ok) and all(v["met"] for v in argn_ok.values()),
        },
    }


def run(args: Any, shared: list[str]) -> None:
    cap = 1000 if args.quick else args.fit_rows
    sides = [x for x in (args.sides.split(",") if args.sides else SIDES) if x in SIDES]
    label = time.strftime("%Y-%m-%d %H:%M") + (
        "" if sides == SIDES else " --sides " + ",".join(sides)
    )
    workdir = Path(tempfile.mkdtemp(prefix="models-holdout-"))
    names = [t for t in args.tables.split(",") if t in shared]
    wides = [] if args.no_wide else [55, 200]
    out = Path(args.out)
    doc = json.loads(out.read_text()) if out.exists() else {}
    previous = doc.get("holdout", {})
    partial = sides != SIDES
    if partial and previous.get("options", {}).get("fit_rows") not in (None, cap):
        raise SystemExit(
            f"--sides updates the recorded run, which has fit_rows "
            f"{previous['options']['fit_rows']}: use the same (--quick or --fit-rows)"
        )
    tables: dict[str, Any] = dict(previous.get("tables", {})) if partial else {}
    if any(s in DEEP for s in sides):
        import torch  # noqa: F401, PLC0415  (imported before any fit is timed, for both sides)

        argn_backend._engine()
    started = time.perf_counter()
    splits = [(n, lambda n=n: pairs.split(n, int(cap / 0.8) + 1)) for n in names] + [
        (f"wide_{k}", lambda k=k: _wide_split(k, cap, workdir)) for k in wides
    ]
    for name, make in splits:
        measured = _table(name, make(), args, workdir, sides, label)
        tables[name] = {**tables.get(name, {}), **measured}
    verdicts = _verdicts(tables, [n for n in shared if n in tables])
    for name, r in verdicts["ratios"].items():
        print(f"{name:22s} " + "  ".join(f"{k}: {v}" for k, v in r.items()))
    for target, v in verdicts.items():
        if target != "ratios":
            print(f"{'met' if v['met'] else 'NOT met':8s} {target}: {json.dumps(v)}")
    options = {
        "fit_rows": cap,
        "epochs": args.epochs,
        "quick": args.quick,
        "seed": SEED,
        "argn_tables": args.argn_tables or "all",
        "draws": args.draws,
        "argn_rounds": args.argn_rounds,
    }
    first = {"run": "full run (entries without a run)", **previous.get("options", {})}
    runs = [
        *previous.get("runs", [{**first, "seconds": previous.get("seconds")}] if previous else []),
        {
            "run": label,
            "sides": sides,
            "tables": [n for n, _ in splits],
            "seconds": round(time.perf_counter() - started, 1),
            **options,
        },
    ]
    doc["holdout"] = {
        "options": previous.get("options", {}) if partial else options,  # the full run's
        "seconds": round(time.perf_counter() - started, 1)
        if not partial
        else previous.get("seconds"),
        "runs": runs if partial else runs[-1:],
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
