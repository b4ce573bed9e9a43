"""Attack-based privacy risk, side by side: per shared table (sample_data/), the attacks of
evaluation/metrics/attacks.py on the output of `spec`, differentially private `spec` at
epsilon 1, 3 and 10, `argn` (TabularARGN, few epochs) and DP `argn` at the same epsilons,
SDV's gaussian_copula and ctgan (few epochs, plain SDV as its documentation shows it) and a
leaky baseline (the training rows back, numbers jittered by a hair), each against a seeded
10% holdout; with the quality each costs (the native quality score against the training rows,
as a model job's) and the seconds of the fit and the attacks. DP spec's quality is also the
mean of three fit seeds (`quality_seeds`), and `dp_spec_target` checks DP spec at epsilon 3
within 0.05 of spec's quality on each table.

Then the scale target: the privacy metrics (DCR report and attacks, as a model job's
metrics compute them with the default settings) of a 10,000 x 30 table within 30 s.

    .venv/bin/python bench/privacy.py [--tables credit_scoring,clinical_rotterdam,retail_diamonds]
        [--rows 2000] [--ctgan-epochs 5] [--argn-epochs 3] [--epsilons 1,3,10] [--no-sdv]
        [--no-argn] [--no-scale]

Writes bench/results/privacy.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from evaluation.metrics.attacks import attack_report  # noqa: E402
from evaluation.metrics.privacy import privacy_report  # noqa: E402
from evaluation.metrics.quality import native_quality_report  # noqa: E402
from generation.synthesis.dp_spec import learn_dp_spec  # noqa: E402
from generation.synthesis.spec_synth import learn_spec, spec_sampler  # noqa: E402
from generation.synthesis.tables import detect_metadata  # noqa: E402

RESULTS = REPO / "bench" / "results" / "privacy.json"
ATTACKS = ("membership_inference", "attribute_inference", "singling_out")


def thresholds() -> dict[str, tuple[float, float]]:
    level = (settings.SYNDATA_PRIVACY_MEDIUM, settings.SYNDATA_PRIVACY_HIGH)
    return {name: level for name in ATTACKS}


def split(frame: pd.DataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = max(1, len(frame) // 10)
    return (
        frame.iloc[order[cut:]].reset_index(drop=True),
        frame.iloc[order[:cut]].reset_index(drop=True),
    )


def leaky(train: pd.DataFrame, sdtypes: dict[str, str], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = train.copy()
    for name, kind in sdtypes.items():
        if kind == "numerical":
            values = pd.to_numeric(out[name], errors="coerce")
            out[name] = values + rng.normal(0, 1e-4, len(values)) * (values.std() or 1.0)
    return out


def spec_rows(train: pd.DataFrame, meta: dict[str, Any], learned: list[str]) -> pd.DataFrame:
    spec, names = learn_spec(train, meta, table="t", learned=learned, rows=len(train))
    return spec_sampler(spec, names)(len(train), 1, [])[learned]


def dp_spec_rows(
    train: pd.DataFrame, meta: dict[str, Any], learned: list[str], epsilon: float, seed: int = 0
) -> pd.DataFrame:
    spec, names, _ = learn_dp_spec(
        train, meta, table="t", learned=learned, epsilon=epsilon, delta=1e-6, seed=seed
    )
    return spec_sampler(spec, names)(len(train), 1, [])[learned]


def argn_rows(
    train: pd.DataFrame,
    meta: dict[str, Any],
    learned: list[str],
    epochs: int,
    epsilon: float | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """TabularARGN (the small model, ``epochs``), DP-SGD when ``epsilon`` is given; its rows
    and what the fit reports (epochs, the epsilon spent)."""
    from generation.synthesis import argn_backend

    dp = {"epsilon": epsilon, "delta": 1e-6} if epsilon else None
    model = argn_backend.fit(
        train[learned],
        meta["columns"],
        options={"epochs": epochs, "model_size": "S"},
        seed=0,
        differential_privacy=dp,
    )
    rows = argn_backend.sample(model.workspace, seed=1, n=len(train))[learned]
    info: dict[str, Any] = {"epochs_done": model.epochs_done}
    if dp:
        accounting = argn_backend.dp_accounting(model, dp)
        info["epsilon_spent"] = accounting["epsilon_spent"]
        info["noise_multiplier"] = model.dp["noise_multiplier"]
    return rows, info


def sdv_rows(train: pd.DataFrame, synthesizer: str, options: dict[str, Any]) -> pd.DataFrame:
    sys.path.insert(0, str(REPO / "bench"))
    from sdv_bare import bare_sdv

    return bare_sdv(train, synthesizer=synthesizer, options=options, seed=0, rows=len(train))[2]


def summary(report: dict[str, Any]) -> dict[str, Any]:
    a = report["attacks"]
    pick = {
        "membership_inference": ("advantage", "auc"),
        "attribute_inference": ("risk",),
        "singling_out": ("risk",),
    }
    out: dict[str, Any] = {"verdict": report["verdict"], "seconds": report["attack_seconds"]}
    for name, keys in pick.items():
        if "skipped" in a[name]:
            out[name] = {"skipped": a[name]["skipped"]}
        else:
            out[name] = {k: a[name][k] for k in keys} | {"ci": a[name]["ci"]}
    return out


def run_table(
    name: str,
    rows: int,
    epochs: int,
    sdv: bool,
    *,
    argn_epochs: int | None,
    epsilons: list[float],
) -> dict[str, Any]:
    frame = pd.read_csv(REPO / "sample_data" / f"{name}.csv").head(rows)
    meta = detect_metadata(frame, table="t", info={"format": "csv"})
    learned = [c for c, e in meta["columns"].items() if e["sdtype"] != "id" and not e["identifier"]]
    sdtypes = {c: meta["columns"][c]["sdtype"] for c in learned}
    train, holdout = split(frame[learned])
    makers: dict[str, Any] = {
        "spec": lambda: spec_rows(train, meta, learned),
        **{
            f"dp_spec_eps{e:g}": (lambda e=e: dp_spec_rows(train, meta, learned, e))
            for e in epsilons
        },
        "leaky": lambda: leaky(train, sdtypes),
    }
    if argn_epochs:
        makers["argn"] = lambda: argn_rows(train, meta, learned, argn_epochs)
        for e in epsilons:
            makers[f"dp_argn_eps{e:g}"] = lambda e=e: argn_rows(
                train, meta, learned, argn_epochs, e
            )
    if sdv:
        makers["gaussian_copula"] = lambda: sdv_rows(train, "gaussian_copula", {})
        makers["ctgan"] = lambda: sdv_rows(train, "ctgan", {"epochs": epochs})
    out: dict[str, Any] = {"rows": len(frame), "columns": len(learned)}
    for synth, make in makers.items():
        t0 = time.perf_counter()
        made_rows = make()
        synthetic, info = made_rows if isinstance(made_rows, tuple) else (made_rows, {})
        made = time.perf_counter() - t0
        quality = native_quality_report(train, synthetic, meta)["score"]
        report = attack_report(train, holdout, synthetic, sdtypes, thresholds=thresholds())
        out[synth] = {
            "make_seconds": round(made, 2),
            "quality": round(float(quality), 4),
            **info,
            **summary(report),
        }
        if synth.startswith("dp_spec"):  # the noise of one fit seed is not the method's
            e = float(synth.removeprefix("dp_spec_eps"))
            qualities = [
                native_quality_report(train, dp_spec_rows(train, meta, learned, e, s), meta)
                for s in range(3)
            ]
            out[synth]["quality_seeds"] = round(float(np.mean([q["score"] for q in qualities])), 4)
        print(f"{name:20s} {synth:16s} {json.dumps(out[synth])}", flush=True)
    if "dp_spec_eps3" in out:
        gap = out["spec"]["quality"] - out["dp_spec_eps3"]["quality_seeds"]
        out["dp_spec_target"] = {
            "quality_gap_at_eps3": round(gap, 4),
            "target": 0.05,
            "met": gap <= 0.05,
        }
    return out


def scale(rows: int = 10_000, columns: int = 30) -> dict[str, Any]:
    """The privacy part of a model job's metrics on a rows x columns table (half numbers,
    half categories) and `spec` output of as many rows: DCR report on the default caps, then
    the attacks."""
    rng = np.random.default_rng(0)
    data: dict[str, Any] = {}
    for i in range(columns):
        if i % 2:
            data[f"c{i}"] = rng.choice([f"v{k}" for k in range(8)], rows)
        else:
            data[f"n{i}"] = rng.normal(size=rows).round(3)
    frame = pd.DataFrame(data)
    sdtypes = {c: ("numerical" if c.startswith("n") else "categorical") for c in frame}
    train, holdout = split(frame)
    meta = detect_metadata(frame, table="t", info={"format": "csv"})
    synthetic = spec_rows(train, meta, list(frame.columns))  # a real synthesizer's rows
    t0 = time.perf_counter()
    cap = settings.SYNDATA_PRIVACY_SAMPLE_ROWS
    privacy_report(train.head(cap * 5), synthetic.head(cap), holdout, sdtypes)
    dcr_s = time.perf_counter() - t0
    report = attack_report(
        train,
        holdout,
        synthetic,
        sdtypes,
        thresholds=thresholds(),
        sample_rows=settings.SYNDATA_PRIVACY_ATTACK_ROWS,
        synthetic_rows=cap,
        budget_seconds=settings.SYNDATA_PRIVACY_ATTACK_SECONDS,
    )
    total = time.perf_counter() - t0
    out = {
        "rows": rows,
        "columns": columns,
        "dcr_seconds": round(dcr_s, 2),
        "attack_seconds": report["attack_seconds"],
        "total_seconds": round(total, 2),
        "target_seconds": 30,
        "met": total <= 30,
        "verdict": report["verdict"],
    }
    print(f"scale {json.dumps(out)}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", default="credit_scoring,clinical_rotterdam,retail_diamonds")
    parser.add_argument("--rows", type=int, default=2000, help="head of each table")
    parser.add_argument("--ctgan-epochs", type=int, default=5)
    parser.add_argument("--argn-epochs", type=int, default=3)
    parser.add_argument("--epsilons", default="1,3,10", help="of DP spec and DP argn")
    parser.add_argument("--no-sdv", action="store_true", help="no SDV synthesizers")
    parser.add_argument("--no-argn", action="store_true", help="no argn, DP or not")
    parser.add_argument("--no-scale", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "settings": {
            "attack_rows": settings.SYNDATA_PRIVACY_ATTACK_ROWS,
            "synthetic_rows": settings.SYNDATA_PRIVACY_SAMPLE_ROWS,
            "thresholds": [settings.SYNDATA_PRIVACY_MEDIUM, settings.SYNDATA_PRIVACY_HIGH],
            "argn": {"epochs": None if args.no_argn else args.argn_epochs, "model_size": "S"},
            "delta": 1e-6,
        },
        "tables": {},
    }
    for name in args.tables.split(","):
        results["tables"][name] = run_table(
            name,
            args.rows,
            args.ctgan_epochs,
            not args.no_sdv,
            argn_epochs=None if args.no_argn else args.argn_epochs,
            epsilons=[float(e) for e in args.epsilons.split(",") if e],
        )
    if not args.no_scale:
        results["scale"] = scale()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
