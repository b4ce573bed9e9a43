"""A self-contained HTML page of a metrics document: summary, per-column charts (inline SVG),
correlation heatmaps. No scripts, no external assets: it can be saved and mailed.

Model jobs compare real and synthetic rows (``histograms``, ``heatmap`` per table); schema and
template jobs compare the output with what the spec declared (``columns[*].histogram`` against
the declared distribution, declared category weights, ``correlations`` requested vs output).
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["render_html"]

_REAL = "#4c78a8"
_SYN = "#f58518"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def _bars(hist: dict[str, Any], width: int = 360, height: int = 120) -> str:
    real, syn = hist["real"], hist["synthetic"]
    n = len(real)
    if n == 0:
        return ""
    top = max(max(real), max(syn), 1e-9)
    slot = width / n
    bar = max(1.0, slot / 2 - 1)
    parts = [f'<svg width="{width}" height="{height + 14}" role="img">']
    for i, (r, s) in enumerate(zip(real, syn, strict=True)):
        x = i * slot
        rh, sh = r / top * height, s / top * height
        parts.append(
            f'<rect x="{x:.1f}" y="{height - rh:.1f}" width="{bar:.1f}" height="{rh:.1f}" fill="{_REAL}"/>'
        )
        parts.append(
            f'<rect x="{x + bar:.1f}" y="{height - sh:.1f}" width="{bar:.1f}" height="{sh:.1f}" fill="{_SYN}"/>'
        )
    if hist["kind"] == "numeric":
        lo, hi = hist["edges"][0], hist["edges"][-1]
        parts.append(f'<text x="0" y="{height + 12}" font-size="10">{_fmt(lo)}</text>')
        parts.append(
            f'<text x="{width}" y="{height + 12}" font-size="10" text-anchor="end">{_fmt(hi)}</text>'
        )
    else:
        labels = ", ".join(html.escape(label) for label in hist["labels"][:8])
        parts.append(f'<text x="0" y="{height + 12}" font-size="10">{labels}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _lines(series: dict[str, list[float | None]], width: int = 360, height: int = 100) -> str:
    """Real and synthetic lines on one scale (None: a gap), as an inline SVG."""
    values = [v for line in series.values() for v in line if v is not None]
    longest = max((len(line) for line in series.values()), default=0)
    if not values or longest < 2:
        return ""
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    parts = [f'<svg width="{width}" height="{height + 14}" role="img" class="series">']
    for side, colour in (("real", _REAL), ("synthetic", _SYN)):
        run: list[str] = []
        for i, v in enumerate([*series.get(side, []), None]):
            if v is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{colour}" stroke-width="1" '
                        f'data-side="{side}" points="{" ".join(run)}"/>'
                    )
                run = []
                continue
            x = i / (longest - 1) * width
            run.append(f"{x:.1f},{height - (v - lo) / span * height:.1f}")
    parts.append(f'<text x="0" y="{height + 12}" font-size="10">{_fmt(lo)} – {_fmt(hi)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _temporal_section(temporal: dict[str, Any] | None) -> list[str]:
    """Example series (one entity of each side) and the autocorrelation by lag."""
    if not temporal:
        return []
    out = [
        f"<h3>Temporal {_legend('real', 'synthetic')}: score {_fmt(temporal.get('score'))}</h3>",
        "<div class='cols'>",
    ]
    columns = temporal.get("columns") or {}
    for name, example in (temporal.get("examples") or {}).items():
        acf = columns.get(name) or {}
        lag1 = f"lag-1 {_fmt(acf.get('lag1_real'))} | {_fmt(acf.get('lag1_synthetic'))}"
        out.append(
            f"<div class='col'><b>{html.escape(name)}</b> series<br>{_lines(example)}"
            f"<br>autocorrelation by lag ({lag1})<br>"
            + _lines(
                {"real": acf.get("acf_real") or [], "synthetic": acf.get("acf_synthetic") or []}
            )
            + "</div>"
        )
    out.append("</div>")
    return out


def _heatmap(columns: list[str], matrix: list[list[float | None]], size: int = 14) -> str:
    n = len(columns)
    parts = [f'<svg width="{n * size + 2}" height="{n * size + 2}" role="img">']
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            v = 0.0 if value is None else max(-1.0, min(1.0, float(value)))
            red = int(255 * (1 - max(0.0, -v)) if v < 0 else 255)
            blue = int(255 * (1 - max(0.0, v)) if v > 0 else 255)
            green = min(red, blue)
            color = f"rgb({red},{green},{blue})"
            parts.append(
                f'<rect x="{j * size}" y="{i * size}" width="{size}" height="{size}" fill="{color}">'
                f"<title>{html.escape(columns[i])} × {html.escape(columns[j])}: {_fmt(value)}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


_MAX_LABELS = 30  # categories drawn per column (the most declared or seen first)


def _shares(values: list[float]) -> list[float]:
    total = float(sum(v for v in values if v is not None))
    return [(v or 0.0) / total if total > 0 else 0.0 for v in values]


def conformance_histogram(column: dict[str, Any]) -> dict[str, Any] | None:
    """A conformance report's column as a histogram of the model report's shape
    (``real`` being the declared reference), or None when it has nothing to draw."""
    hist = column.get("histogram")
    if column.get("kind") in ("numeric", "datetime") and hist and hist.get("synthetic"):
        return {
            "kind": "numeric",
            "edges": hist["edges"],
            "real": _shares(hist["reference"]),
            "synthetic": _shares(hist["synthetic"]),
        }
    if column.get("kind") == "categorical":
        declared = column.get("declared") or {}
        observed = column.get("observed") or {}
        labels = list(declared) + [k for k in observed if k not in declared]
        labels = labels[:_MAX_LABELS]
        if not labels:
            return None
        return {
            "kind": "categorical",
            "labels": labels,
            "real": _shares([declared.get(k, 0.0) for k in labels]),
            "synthetic": _shares([observed.get(k, 0.0) for k in labels]),
        }
    return None


def conformance_heatmap(pairs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Correlation pairs (requested, observed) as two matrices over their fields."""
    columns: list[str] = []
    for pair in pairs:
        for name in pair["fields"]:
            if name not in columns:
                columns.append(name)
    if len(columns) < 2:
        return None
    index = {name: i for i, name in enumerate(columns)}
    n = len(columns)
    requested: list[list[float | None]] = [[None] * n for _ in range(n)]
    observed: list[list[float | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        requested[i][i] = observed[i][i] = 1.0
    for pair in pairs:
        a, b = (index[f] for f in pair["fields"])
        r, o = pair.get("requested"), pair.get("observed")
        o = None if o is None or o != o else o  # NaN: too few values to correlate
        requested[a][b] = requested[b][a] = r
        observed[a][b] = observed[b][a] = o
    return {"columns": columns, "requested": requested, "observed": observed}


def _legend(first: str, second: str) -> str:
    return f"<small>(<span class='r'>■ {first}</span> <span class='s'>■ {second}</span>)</small>"


def _note(column: dict[str, Any]) -> str:
    """What a column without a chart says, as escaped HTML."""
    if column.get("kind") == "conditional":
        cases = ", ".join(
            f"{html.escape(str(k))} {_fmt(v.get('score'))}"
            for k, v in (column.get("cases") or {}).items()
        )
        on = ", ".join(html.escape(str(c)) for c in column.get("on") or [])
        return f"on {on}; cases: {cases}" if on else _fmt(column.get("reason"))
    if column.get("kind") == "key":
        return f"unique: {_fmt(column.get('unique'))}"
    return _fmt(column.get("reason") or "")


def _conformance_table(report: dict[str, Any]) -> list[str]:
    """Charts of a schema/template job's table: each column against its declaration, and the
    correlations requested against those of the output."""
    out: list[str] = []
    columns = report.get("columns") or {}
    drawn = []
    for name, column in columns.items():
        hist = conformance_histogram(column)
        if hist is not None:
            drawn.append((name, column, hist))
    if drawn:
        out.append("<h3>Columns " + _legend("declared", "synthetic") + "</h3><div class='cols'>")
        for name, column, hist in drawn:
            metric = "KS complement" if hist["kind"] == "numeric" else "TV complement"
            out.append(
                f"<div class='col'><b>{html.escape(name)}</b> "
                f"{metric} {_fmt(column.get('score'))}<br>{_bars(hist)}</div>"
            )
        out.append("</div>")
    rest = [(n, c) for n, c in columns.items() if all(n != d[0] for d in drawn)]
    if rest:
        out.append("<h3>Other columns</h3><table><tr><th>column</th><th>kind</th>")
        out.append("<th>score</th><th>note</th></tr>")
        for name, column in rest:
            out.append(
                f"<tr><td>{html.escape(name)}</td><td>{_fmt(column.get('kind'))}</td>"
                f"<td>{_fmt(column.get('score'))}</td><td>{_note(column)}</td></tr>"
            )
        out.append("</table>")
    heat = conformance_heatmap(report.get("correlations") or [])
    if heat:
        matrix = report.get("correlation_matrix") or {}
        out.append(
            "<h3>Rank correlations: requested | output</h3>"
            f"<p>mean error {_fmt(matrix.get('mean_error'))}, "
            f"max error {_fmt(matrix.get('max_error'))}</p><p>"
        )
        out.append(_heatmap(heat["columns"], heat["requested"]))
        out.append(" ")
        out.append(_heatmap(heat["columns"], heat["observed"]))
        out.append("</p><p>" + ", ".join(html.escape(c) for c in heat["columns"]) + "</p>")
    diversity = report.get("diversity") or {}
    if out and diversity:
        out.append("<h3>Diversity</h3><table>")
        for key in ("rows", "uniqueness_rate"):
            out.append(f"<tr><th>{key}</th><td>{_fmt(diversity.get(key))}</td></tr>")
        out.append("</table>")
    return out


# The report's own Content-Security-Policy, stricter than the site's: a document with one inline
# <style>, inline SVG and no script at all, so no script runs whatever a column name holds.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def render_html(document: dict[str, Any]) -> str:
    """The metrics document as one HTML page."""
    title = f"Syn-Data metrics — job {html.escape(str(document.get('job', '')))}"
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{title}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}"
        ".cols{display:flex;flex-wrap:wrap;gap:16px}.col{border:1px solid #eee;padding:8px}"
        f".r{{color:{_REAL}}}.s{{color:{_SYN}}}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>Kind: {_fmt(document.get('kind'))}"
        + (
            f" · synthesizer: {_fmt(document.get('synthesizer'))}"
            if document.get("synthesizer")
            else ""
        )
        + "</p>",
        *_dp_line(document.get("differential_privacy")),
        "<h2>Summary</h2><table>",
    ]
    for key, value in (document.get("summary") or {}).items():
        out.append(f"<tr><th>{html.escape(key)}</th><td>{_fmt(value)}</td></tr>")
    out.append("</table>")
    out.extend(_privacy_section(document.get("privacy")))
    conformance = document.get("kind") == "conformance"
    for table, report in (document.get("tables") or {}).items():
        out.append(f"<h2>Table {html.escape(table)}</h2>")
        if conformance:
            charts = _conformance_table(report)
            out.extend(charts)
            if charts:
                continue
        privacy = report.get("privacy")
        if privacy:
            out.append("<h3>Privacy</h3><table>")
            for key, value in privacy.items():
                if key in ("attacks", "sentences"):  # their own section, above
                    continue
                out.append(f"<tr><th>{html.escape(key)}</th><td>{_fmt(value)}</td></tr>")
            out.append("</table>")
        quality = report.get("quality") or {}
        scores = quality.get("columns") or {}
        histograms = report.get("histograms") or {}
        if histograms:
            out.append("<h3>Columns " + _legend("real", "synthetic") + "</h3><div class='cols'>")
            for name, hist in histograms.items():
                score = scores.get(name, {})
                out.append(
                    f"<div class='col'><b>{html.escape(name)}</b> "
                    f"{_fmt(score.get('metric'))} {_fmt(score.get('score'))}<br>{_bars(hist)}</div>"
                )
            out.append("</div>")
        heat = report.get("heatmap")
        if heat:
            out.append("<h3>Rank correlations: real | synthetic</h3><p>")
            out.append(_heatmap(heat["columns"], heat["real"]))
            out.append(" ")
            out.append(_heatmap(heat["columns"], heat["synthetic"]))
            out.append("</p><p>" + ", ".join(html.escape(c) for c in heat["columns"]) + "</p>")
        out.extend(_temporal_section(report.get("temporal")))
        if not histograms:
            out.append("<pre>")
            out.append(html.escape(_short(report)))
            out.append("</pre>")
    out.append("</body></html>")
    return "".join(out)


_LEVEL_COLOURS = {"low": "#2e7d32", "medium": "#f9a825", "high": "#c62828"}


def _dp_line(dp: dict[str, Any] | None) -> list[str]:
    """The epsilon a differentially private fit spent, under the synthesizer."""
    if not dp:
        return []
    return [
        f"<p data-dp>Differentially private fit: epsilon spent {_fmt(dp.get('epsilon_spent'))} "
        f"of {_fmt(dp.get('epsilon'))} (delta {_fmt(dp.get('delta_spent', dp.get('delta')))})</p>"
    ]


def _privacy_section(privacy: dict[str, Any] | None) -> list[str]:
    """The attack-based verdict as a traffic light, a sentence per attack and their figures."""
    if not privacy or not privacy.get("attacks"):
        return []
    verdict = privacy.get("verdict")
    colour = _LEVEL_COLOURS.get(verdict or "", "#777")
    where = f" (table {html.escape(privacy['table'])})" if privacy.get("table") else ""
    out = [
        f"<h2>Privacy risk: {_fmt(verdict or 'not measured')}{where} "
        f"<span style='display:inline-block;width:14px;height:14px;border-radius:7px;"
        f"background:{colour}'></span></h2><ul>"
    ]
    for sentence in (privacy.get("sentences") or {}).values():
        out.append(f"<li>{html.escape(sentence)}</li>")
    out.append("</ul><table><tr><th>attack</th><th>level</th><th>score</th>")
    out.append("<th>95% interval</th><th>rows</th></tr>")
    for name, attack in privacy["attacks"].items():
        if "skipped" in attack:
            out.append(
                f"<tr><td>{html.escape(name)}</td><td colspan='4'>not measured: "
                f"{_fmt(attack['skipped'])}</td></tr>"
            )
            continue
        score = (
            f"advantage {_fmt(attack.get('advantage'))} (AUC {_fmt(attack.get('auc'))})"
            if name == "membership_inference"
            else f"risk {_fmt(attack.get('risk'))}"
        )
        ci = attack.get("ci")
        interval = f"{_fmt(ci[0])} – {_fmt(ci[1])}" if ci else "–"
        rows = ", ".join(f"{html.escape(k)} {v}" for k, v in (attack.get("n") or {}).items())
        out.append(
            f"<tr><td>{html.escape(name)}</td><td>{_fmt(attack.get('level'))}</td>"
            f"<td>{score}</td><td>{interval}</td><td>{rows}</td></tr>"
        )
    out.append("</table>")
    return out


def _short(report: Any) -> str:
    import json

    text = json.dumps(report, indent=1, default=str)
    return text if len(text) < 20_000 else text[:20_000] + "\n..."
