"""Rows per second of each built-in template at >= 1M rows (a benchmark, not a test).

    python bench/templates.py            # all templates, writes bench/results/templates.json
    python bench/templates.py retail_journeys --scale 0.1
    python bench/templates.py --realism   # rule violations per million rows + SVG charts

Each template is made with knobs that give at least a million rows in all, every block of
every table through the engine in this one process (what one worker does), plus the time to
encode the blocks as Parquet in memory. Parent columns that child blocks need are regenerated
by the engine, and that cost is included, as it is in a real job.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syndata_site.settings")

import pyarrow.parquet as pq  # noqa: E402

from generation import engine  # noqa: E402
from templates_catalog.registry import template_spec  # noqa: E402

# Knobs that give about 1.2-2M rows per template (scaled by --scale).
BIG: dict[str, dict[str, Any]] = {
    "healthcare_ehr": {"patients": 60_000},
    "finance_transactions": {"customers": 20_000},
    "robotics_sensors": {"robots": 10, "duration_s": 1_000},
    "retail_journeys": {"customers": 80_000, "products": 1_000},
}
SCALED = {
    "healthcare_ehr": ["patients"],
    "finance_transactions": ["customers"],
    "robotics_sensors": ["duration_s"],
    "retail_journeys": ["customers", "products"],
}


def bench(name: str, params: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    spec = engine.parse_spec(template_spec(name, params))
    plans = engine.plan_tables(spec, seed=seed)
    tables: dict[str, Any] = {}
    total_rows = 0
    started = time.perf_counter()
    for tname, plan in plans.items():
        t0 = time.perf_counter()
        sink = io.BytesIO()
        writer = None
        for block in plan.blocks():
            data = engine.generate_block(spec, tname, block, seed)
            if writer is None:
                writer = pq.ParquetWriter(sink, data.schema)
            writer.write_table(data)
        if writer is not None:
            writer.close()
        seconds = time.perf_counter() - t0
        tables[tname] = {
            "rows": plan.rows,
            "columns": len(data.schema) if plan.rows else 0,
            "seconds": round(seconds, 3),
            "rows_per_s": round(plan.rows / seconds) if seconds else None,
            "parquet_mb": round(sink.tell() / 1e6, 2),
        }
        total_rows += plan.rows
    seconds = time.perf_counter() - started
    return {
        "params": params,
        "rows": total_rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(total_rows / seconds),
        "tables": tables,
    }


def _svg_bars(title: str, labels: list[str], values: list[float], unit: str = "") -> str:
    """A small horizontal bar chart as SVG text (no plotting dependency)."""
    w, bar, left = 420, 16, 130
    top = max(values) or 1.0
    rows = []
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = 24 + i * (bar + 4)
        width = (w - left - 60) * v / top
        rows.append(
            f'<text x="{left - 4}" y="{y + 12}" text-anchor="end">{label}</text>'
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar}" fill="#4c78a8"/>'
            f'<text x="{left + width + 4:.1f}" y="{y + 12}">{v:,.3g}{unit}</text>'
        )
    h = 30 + len(labels) * (bar + 4)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="11" '
        f'font-family="sans-serif"><text x="4" y="14" font-weight="bold">{title}</text>'
        + "".join(rows)
        + "</svg>"
    )


def _svg_pyramid(
    title: str, labels: list[str], left: list[float], right: list[float], sides: tuple[str, str]
) -> str:
    """A population pyramid as SVG text: ``left`` bars grow leftwards from the middle axis,
    ``right`` bars rightwards; the youngest band at the bottom."""
    w, bar, mid = 420, 14, 210
    top = max([*left, *right]) or 1.0
    half = mid - 95  # room on the left for the band and the value
    rows = []
    n = len(labels)
    for i, (label, a, b) in enumerate(zip(labels, left, right, strict=True)):
        y = 40 + (n - 1 - i) * (bar + 3)
        wa, wb = half * a / top, half * b / top
        rows.append(
            f'<rect x="{mid - wa:.1f}" y="{y}" width="{wa:.1f}" height="{bar}" fill="#e45756"/>'
            f'<rect x="{mid}" y="{y}" width="{wb:.1f}" height="{bar}" fill="#4c78a8"/>'
            f'<text x="4" y="{y + 11}">{label}</text>'
            f'<text x="{mid - wa - 4:.1f}" y="{y + 11}" text-anchor="end">{a:.1%}</text>'
            f'<text x="{mid + wb + 4:.1f}" y="{y + 11}">{b:.1%}</text>'
        )
    h = 46 + n * (bar + 3)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="11" '
        f'font-family="sans-serif"><text x="4" y="14" font-weight="bold">{title}</text>'
        f'<text x="{mid - 8}" y="32" text-anchor="end" fill="#e45756">{sides[0]}</text>'
        f'<text x="{mid + 8}" y="32" fill="#4c78a8">{sides[1]}</text>' + "".join(rows) + "</svg>"
    )


def _charts(name: str, t: dict[str, Any]) -> list[str]:
    import pandas as pd

    out = []
    if name == "finance_transactions":
        tx = t["transactions"]
        med = tx["amount"].astype(float).groupby(tx["category"]).median().sort_values()
        out.append(_svg_bars("Median amount by category", list(med.index), list(med), ""))
        hour = tx.loc[~tx["is_fraud"], "ts"].dt.hour.value_counts(normalize=True).sort_index()
        out.append(
            _svg_bars(
                "Legitimate transactions by hour (share)",
                [f"{h:02d}h" for h in hour.index],
                list(hour),
            )
        )
    if name == "healthcare_ehr":
        p = t["patients"]
        age = (pd.Timestamp("2022-01-01") - pd.to_datetime(p["birth_date"])).dt.days // 3652.5 * 10
        decade = age.astype(int)
        share = decade.groupby([decade, p["sex"]]).size().unstack(fill_value=0) / len(p)
        bands = sorted(share.index)
        out.append(
            _svg_pyramid(
                "Age pyramid (share of patients by decade and sex)",
                [f"{a}-{a + 9}" for a in bands],
                [float(share.loc[a].get("F", 0.0)) for a in bands],
                [float(share.loc[a].get("M", 0.0)) for a in bands],
                ("women", "men"),
            )
        )
    if name == "retail_journeys":
        d = t["daily_demand"]
        wd = d.groupby(d["date"].dt.weekday)["units"].mean()
        days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        out.append(_svg_bars("Mean daily units by weekday", [days[i] for i in wd.index], list(wd)))
        mo = d.groupby(d["date"].dt.month)["units"].mean()
        out.append(
            _svg_bars(
                "Mean daily units by month (seasonality)", [str(m) for m in mo.index], list(mo)
            )
        )
    if name == "robotics_sensors":
        imu = t["imu"]
        hist = pd.cut(imu["accel_z"].dropna(), 10).value_counts(normalize=True).sort_index()
        out.append(
            _svg_bars("accel_z histogram (m/s²)", [f"{i.mid:.2f}" for i in hist.index], list(hist))
        )
    return out


def realism(name: str, params: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    """Rule violations per million rows (the rules of templates_catalog/rules) and charts."""
    import pandas as pd

    from templates_catalog.rules import violations

    spec = engine.parse_spec(template_spec(name, params))
    tables = {
        tname: pd.concat(
            [engine.generate_block(spec, tname, b, seed).to_pandas() for b in plan.blocks()],
            ignore_index=True,
        )
        for tname, plan in engine.plan_tables(spec, seed=seed).items()
    }
    rows = sum(len(f) for f in tables.values())
    t0 = time.perf_counter()
    got = violations(name, tables, params)
    charts = _charts(name, tables)
    if charts:
        svg = "\n".join(charts)
        (ROOT / "docs" / "templates" / f"{name}-distributions.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="430" height="'
            f'{sum(int(c.split(chr(34))[5]) + 6 for c in charts)}">'
            + "".join(
                f'<g transform="translate(0,{sum(int(c.split(chr(34))[5]) + 6 for c in charts[:i])})">{c}</g>'
                for i, c in enumerate(charts)
            )
            + "</svg>\n",
            encoding="utf-8",
        )
        del svg
    return {
        "params": params,
        "rows": rows,
        "check_seconds": round(time.perf_counter() - t0, 2),
        "violations": got,
        "violations_per_million_rows": {k: round(v * 1e6 / rows, 3) for k, v in got.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("templates", nargs="*", default=list(BIG))
    parser.add_argument("--scale", type=float, default=1.0, help="Scale the size knobs.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "templates.json")
    parser.add_argument("--realism", action="store_true", help="Check the domain rules instead.")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.realism:
        import django

        django.setup()
        for name in args.templates:
            params = dict(BIG[name])
            for key in SCALED[name]:
                params[key] = type(params[key])(params[key] * args.scale)
            results[name] = realism(name, params)
            print(name, results[name]["rows"], results[name]["violations"], flush=True)
        if args.scale >= 1.0:
            out = args.out.with_name("templates_realism.json")
            doc = {"engine_version": engine.ENGINE_VERSION, "results": results}
            out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {out}")
        return
    for name in args.templates:
        params = dict(BIG[name])
        for key in SCALED[name]:
            params[key] = type(params[key])(params[key] * args.scale)
        try:
            results[name] = bench(name, params)
        except Exception as exc:  # report what works, say what does not
            results[name] = {"params": params, "error": f"{type(exc).__name__}: {exc}"}
        line = results[name]
        print(
            f"{name:22s} {line.get('rows', 0):>10,} rows  {line.get('seconds', 0):>8}s  "
            f"{line.get('rows_per_s', 0):>10,} rows/s  {line.get('error', '')}",
            flush=True,
        )
    doc = {
        "benchmark": "templates: engine rows/s per template, all tables, Parquet in memory",
        "engine_version": engine.ENGINE_VERSION,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "note": "one process; a job splits blocks over several workers",
        "results": results,
    }
    if args.scale >= 1.0:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
