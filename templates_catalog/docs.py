"""Write a Markdown page per template (docs/templates/<name>.md) from its spec file.

The page lists the tables, their columns (hidden helper fields left out), the knobs, the
relationships built in, and a 5-row sample per table made by the engine with a fixed seed, so
the page always shows what the template really produces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from generation import engine
from templates_catalog.registry import TemplateDef, load_templates, template_spec

DOCS = Path(__file__).resolve().parent.parent / "docs" / "templates"
SAMPLE_SEED = 7
SAMPLE_ROWS = 5

# Sizes that keep the sample quick yet give every table at least 5 rows (the page shows the
# first 5; docs.sample_frames fails if a table has fewer).
SAMPLE_PARAMS: dict[str, dict[str, Any]] = {
    "healthcare_ehr": {"patients": 20},
    "finance_transactions": {"customers": 20, "transactions_per_card": 5},
    "robotics_sensors": {"robots": 5, "duration_s": 60, "failure_rate": 300.0},
    "retail_journeys": {"customers": 40, "products": 5, "days": 30},
}


def _short(value: Any, limit: int = 90) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(field: dict[str, Any]) -> str:
    """One line saying how a column is made."""
    if "description" in field:
        return _short(field["description"], 140)
    parts: list[str] = []
    if "expr" in field:
        parts.append(f"`{_short(field['expr'], 100)}`")
    elif "signal_events" in field:
        parts.append("spike / stuck / dropout injected into " + ", ".join(field["signal_events"]))
    elif field["type"] == "lookup":
        parts.append(f"`{field['field']}` of the row `{field['key']}` points to")
    elif field["type"] == "foreign_key":
        parts.append(
            f"→ `{field['table']}`" + (f" ({field['dist']['kind']})" if "dist" in field else "")
        )
        if "match" in field:
            parts.append("with the same " + ", ".join(f"`{k}`" for k in field["match"]))
    elif "values" in field:
        values = field["values"]
        names = list(values)[:6]
        more = "…" if len(values) > 6 else ""
        parts.append(", ".join(str(v) for v in names) + more)
    elif "signal" in field:
        parts.append("signal: " + ", ".join(k for k in field["signal"] if k != "entity_sd"))
    elif "after" in field:
        after = field["after"]
        parts.append(
            f"after `{after['field']}` + {after['offset']['kind']} ({after.get('unit', 's')})"
        )
    elif "dist" in field:
        dist = field["dist"]
        params = ", ".join(f"{k}={_short(v, 30)}" for k, v in dist.items() if k != "kind")
        parts.append(f"{dist['kind']}({params})")
    elif "pattern" in field:
        parts.append(f"pattern `{field['pattern']}`")
    elif "p" in field:
        parts.append(f"p={field['p']}")
    if "min" in field or "max" in field:
        parts.append(f"[{field.get('min', '')}, {field.get('max', '')}]")
    if "conditional" in field:
        on = field["conditional"]["on"]
        parts.append(f"depends on `{on if isinstance(on, str) else ', '.join(on)}`")
    if field.get("nulls"):
        parts.append(f"nulls {field['nulls']}")
    return "; ".join(parts)


def _relations(spec: dict[str, Any]) -> list[str]:
    lines = []
    for tname, table in spec["tables"].items():
        if "parent" in table:
            kind = "a time series per" if "series" in table else "children of"
            count = table.get("series", {}).get("length", table.get("per_parent"))
            lines.append(
                f"- `{tname}` rows are {kind} `{table['parent']}` rows (count: `{_short(count, 80)}`)."
            )
        for fname, field in table["fields"].items():
            if field.get("type") == "foreign_key" and field["table"] != table.get("parent"):
                same = field.get("match")
                extra = f" (a row with the same {', '.join(same)})" if same else ""
                lines.append(f"- `{tname}.{fname}` references `{field['table']}`{extra}.")
            after = field.get("after")
            if after:
                lines.append(f"- `{tname}.{fname}` is never before `{after['field']}`.")
    return lines


def _sample(frames: dict[str, pd.DataFrame], table: str) -> str:
    frame = frames[table]
    cols = list(frame.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in frame.iterrows():
        cells = ["" if pd.isna(v) else _short(str(v), 40).replace("|", "\\|") for v in row]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def sample_frames(name: str, params: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The first ``SAMPLE_ROWS`` rows of every table, over as many blocks as that takes.

    Raises:
        ValueError: a table has fewer rows at these knob values (choose larger ones).
    """
    spec = engine.parse_spec(template_spec(name, params))
    out: dict[str, pd.DataFrame] = {}
    for tname, plan in engine.plan_tables(spec, seed=SAMPLE_SEED).items():
        if plan.rows < SAMPLE_ROWS:
            raise ValueError(
                f"{name}.{tname} has {plan.rows} rows with the sample knobs {params}; "
                f"choose knobs that give at least {SAMPLE_ROWS}"
            )
        parts, got = [], 0
        for block in plan.blocks():
            if got >= SAMPLE_ROWS:
                break
            part = engine.generate_block(spec, tname, block, SAMPLE_SEED)
            parts.append(part.to_pandas())
            got += part.num_rows
        out[tname] = pd.concat(parts, ignore_index=True).head(SAMPLE_ROWS)
    return out


def render(tdef: TemplateDef, sample_params: dict[str, Any]) -> str:
    spec = template_spec(tdef.name, {})  # knobs at their defaults
    frames = sample_frames(tdef.name, sample_params)
    knobs = "".join(f", {k}={v}" for k, v in sample_params.items())
    lines = [
        f"# {tdef.title} (`{tdef.name}`)",
        "",
        tdef.description,
        "",
        "```bash",
        f'curl -X POST /api/generate -d \'{{"template": "{tdef.name}", "params": {{}}, "seed": 7}}\'',
        f"python manage.py generate --template {tdef.name} --seed 7 --out out/",
        "```",
        "",
        "## Knobs",
        "",
        "| knob | type | default | range | meaning |",
        "|---|---|---|---|---|",
    ]
    for k in tdef.knobs:
        rng = ", ".join(map(str, k.choices)) if k.choices else f"{k.min} .. {k.max}"
        lines.append(f"| `{k.name}` | {k.type} | {k.default} | {rng} | {k.help} |")
    if tdef.checks:
        lines += ["", "Limits between knobs:", ""]
        lines += [f"- `{c.knob}` {c.message} (`{c.expr}`)." for c in tdef.checks]
    if tdef.realism:
        lines += ["", "## Realism built in", ""]
        lines += [f"- {item}" for item in tdef.realism]
        lines += ["", f"Each is asserted by `tests/templates_catalog/test_{tdef.name}.py`."]
    if tdef.limits:
        lines += ["", "## What agrees and what does not", ""]
        lines += [f"- {item}" for item in tdef.limits]
    from templates_catalog.rules import rules_for

    lines += ["", "## Domain rules (checked)", ""]
    lines += [f"- `{rname}`: {rule.text}" for rname, rule in rules_for(tdef.name).items()]
    lines += [
        "",
        f"Defined once in `templates_catalog/rules/{tdef.name}.py`: each counts the rows that "
        "break it; `tests/templates_catalog/test_rules.py` requires 0 and `bench/templates.py "
        "--realism` reports violations per million rows.",
    ]
    if (DOCS / f"{tdef.name}-distributions.svg").exists():
        lines += ["", f"![distributions]({tdef.name}-distributions.svg)"]
    lines += ["", "## Relationships", "", *_relations(spec), ""]
    lines += ["## Tables", ""]
    for tname, table in spec["tables"].items():
        lines += [f"### `{tname}`", ""]
        if table.get("description"):
            lines += [table["description"], ""]
        lines += ["| column | type | how it is made |", "|---|---|---|"]
        series = table.get("series")
        if series:
            every = series["every"]
            every = f"{every:g} s" if isinstance(every, int | float) else _short(every, 40)
            lines.append(
                f"| `{series.get('time_field', 'ts')}` | datetime | every {every} from `{series['start']}` |"
            )
        for fname, field in table["fields"].items():
            if field.get("hidden") or (series and fname == series.get("time_field", "ts")):
                continue
            lines.append(f"| `{fname}` | {field['type']} | {_describe(field).replace('|', '/')} |")
        lines += ["", f"Sample (seed {SAMPLE_SEED}{knobs}):", "", _sample(frames, tname), ""]
    return "\n".join(lines)


def write_all(out_dir: Any, sample_params: dict[str, dict[str, Any]]) -> list[str]:
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, tdef in load_templates().items():
        path = out_dir / f"{name}.md"
        path.write_text(render(tdef, sample_params.get(name, {})), encoding="utf-8")
        written.append(str(path))
    return written
