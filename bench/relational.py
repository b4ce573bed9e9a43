"""HMA (planes + their January flights) and PAR (hourly weather of three stations) through
Syn-Data's real path (upload, fit job, generate job, metrics) next to bare SDV in the same
process. Writes bench/results/relational.json.

    .venv/bin/python bench/relational.py [--planes 400] [--hours 300] [--epochs 32]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")
os.environ.setdefault("SYNDATA_VAR_DIR", tempfile.mkdtemp(prefix="bench-relational-"))
warnings.filterwarnings("ignore")

import django  # noqa: E402

django.setup()

import sdv_bare  # noqa: E402  (bench/, plain SDV for the side-by-side runs)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from evaluation.metrics.quality import quality_report  # noqa: E402
from evaluation.models import MetricsReport  # noqa: E402
from generation import services as job_services  # noqa: E402
from generation.synthesis import datasets, fits, model_requests  # noqa: E402

DATA = REPO / "sample_data"
FLIGHT_COLUMNS = ["carrier", "flight", "tailnum", "origin", "dest", "dep_delay", "distance"]
WEATHER_COLUMNS = ["origin", "time_hour", "temp", "humid", "wind_speed", "precip", "pressure"]
SEED = 7


def _csv(frame: pd.DataFrame, name: str) -> SimpleUploadedFile:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def _run(user: Any, dataset: Any, synthesizer: str, options: dict[str, Any], rows: int) -> dict:
    fit = fits.model_fit_submit(
        user=user, dataset=dataset, synthesizer=synthesizer, options=options, seed=SEED
    )
    t0 = time.perf_counter()
    fits.fit_run(job_id=fit.id)
    fit_s = time.perf_counter() - t0
    fit.refresh_from_db()
    assert fit.status == "succeeded", fit.error
    request = model_requests.model_job_request(
        user=user, data={"model_id": fit.params["model_id"], "rows": rows, "format": "csv"}
    )
    job = job_services.job_submit(user=user, request=request)
    t0 = time.perf_counter()
    job_services.job_run_sequential(job=job)  # includes the metrics document
    sample_s = time.perf_counter() - t0
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    doc = MetricsReport.objects.get(job=job).document
    return {
        "fit_s": round(fit_s, 2),
        "sample_and_metrics_s": round(sample_s, 2),
        "rows_out": {a.table: a.rows for a in job.artifacts.exclude(table="")},
        "quality": round(doc["summary"]["quality"], 4),
        "per_table_quality": {
            t: round(v["quality"]["score"], 4)
            for t, v in doc["tables"].items()
            if isinstance(v.get("quality"), dict)
        },
        "exact_copy_rate": doc["summary"]["exact_copy_rate"],
        "exact_copies_dropped": doc["summary"]["exact_copies_dropped"],
        "fit_job_params": {
            k: fit.params[k] for k in ("orphans", "holdout_rows") if k in fit.params
        },
        "frames": {a.table: pd.read_csv(a.absolute_path) for a in job.artifacts.exclude(table="")},
    }


def _bare_quality(real: pd.DataFrame, fake: pd.DataFrame, drop: list[str]) -> float:
    cols = [c for c in real.columns if c not in drop]
    metadata = {
        "columns": {
            c: {
                "sdtype": "numerical"
                if pd.api.types.is_numeric_dtype(real[c])
                else (
                    "datetime" if pd.api.types.is_datetime64_any_dtype(real[c]) else "categorical"
                )
            }
            for c in cols
        }
    }
    return round(quality_report(real[cols], fake[cols], metadata)["score"], 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planes", type=int, default=400)
    parser.add_argument("--hours", type=int, default=300, help="rows per station")
    parser.add_argument("--epochs", type=int, default=32)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "relational.json"))
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench")
    results: dict[str, Any] = {"settings": vars(args) | {"seed": SEED}}

    planes = pd.read_csv(DATA / "planes.csv").head(args.planes)
    flights = pd.read_csv(DATA / "flights_jan2013.csv")[FLIGHT_COLUMNS]
    flights = flights[flights["tailnum"].isin(planes["tailnum"]) | flights.index.isin(range(300))]
    dataset = datasets.dataset_create_tables(
        user=user, uploads=[_csv(planes, "planes.csv"), _csv(flights, "flights.csv")]
    )
    ours = _run(user, dataset, "hma", {}, rows=len(planes))
    clean = {"planes": planes, "flights": flights[flights["tailnum"].isin(planes["tailnum"])]}
    fit_s, sample_s, bare = sdv_bare.bare_structured(clean, seed=SEED)
    # Both outputs scored by the same scorer (the job's own document scores ours with the
    # dataset's metadata, which plain SDV does not have).
    frames = ours.pop("frames")
    ours["per_table_quality_same_scorer"] = {
        t: _bare_quality(clean[t], frames[t], ["tailnum"]) for t in ("planes", "flights")
    }
    results["hma"] = {
        "real_rows": {"planes": len(planes), "flights": len(flights)},
        "syndata": ours,
        "sdv": {
            "fit_s": round(fit_s, 2),
            "sample_s": round(sample_s, 2),
            "per_table_quality": {
                t: _bare_quality(clean[t], bare[t], ["tailnum"]) for t in ("planes", "flights")
            },
        },
    }
    print(json.dumps(results["hma"], indent=1))

    weather = pd.read_csv(DATA / "sensor_nyc_weather.csv")[WEATHER_COLUMNS]
    weather = weather.groupby("origin").head(args.hours).reset_index(drop=True)
    dataset = datasets.dataset_create(user=user, upload=_csv(weather, "weather.csv"))
    ours = _run(user, dataset, "par", {"epochs": args.epochs}, rows=3)
    frame = weather.assign(time_hour=pd.to_datetime(weather["time_hour"]).dt.tz_localize(None))
    fit_s, sample_s, bare = sdv_bare.bare_structured(
        {"weather": frame},
        sequence_key="origin",
        sequence_index="time_hour",
        epochs=args.epochs,
        seed=SEED,
        sequences=3,
    )
    frames = ours.pop("frames")
    times = pd.to_datetime(frames["weather"]["time_hour"], utc=True).dt.tz_localize(None)
    ours["quality_same_scorer"] = _bare_quality(
        frame, frames["weather"].assign(time_hour=times), ["origin"]
    )
    results["par"] = {
        "real_rows": len(weather),
        "syndata": ours,
        "sdv": {
            "fit_s": round(fit_s, 2),
            "sample_s": round(sample_s, 2),
            "quality": _bare_quality(frame, bare["weather"], ["origin"]),
        },
    }
    print(json.dumps(results["par"], indent=1))
    Path(args.out).write_text(json.dumps(results, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
