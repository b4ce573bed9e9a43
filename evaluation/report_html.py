"""A self-contained HTML page of a metrics document: summary, per-column charts (inline SVG),
correlation heatmaps. No scripts, no external assets: it can be saved and mailed."""

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
        "<h2>Summary</h2><table>",
    ]
    for key, value in (document.get("summary") or {}).items():
        out.append(f"<tr><th>{html.escape(key)}</th><td>{_fmt(value)}</td></tr>")
    out.append("</table>")
    for table, report in (document.get("tables") or {}).items():
        out.append(f"<h2>Table {html.escape(table)}</h2>")
        privacy = report.get("privacy")
        if privacy:
            out.append("<h3>Privacy</h3><table>")
            for key, value in privacy.items():
                out.append(f"<tr><th>{html.escape(key)}</th><td>{_fmt(value)}</td></tr>")
            out.append("</table>")
        quality = report.get("quality") or {}
        scores = quality.get("columns") or {}
        histograms = report.get("histograms") or {}
        if histograms:
            out.append(
                "<h3>Columns <small>(<span class='r'>■ real</span> "
                "<span class='s'>■ synthetic</span>)</small></h3><div class='cols'>"
            )
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
        if not histograms:
            out.append("<pre>")
            out.append(html.escape(_short(report)))
            out.append("</pre>")
    out.append("</body></html>")
    return "".join(out)


def _short(report: Any) -> str:
    import json

    text = json.dumps(report, indent=1, default=str)
    return text if len(text) < 20_000 else text[:20_000] + "\n..."
