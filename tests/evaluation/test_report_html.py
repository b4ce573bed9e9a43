"""The HTML metrics page of a schema job draws what its document holds: each column against
its declaration, and the correlations requested against those of the output."""

from __future__ import annotations

import re
from typing import Any

import pytest

from evaluation.report_html import conformance_heatmap, conformance_histogram
from generation import services
from tests.conftest import run_metrics

pytestmark = pytest.mark.django_db(transaction=True)

SPEC: dict[str, Any] = {
    "tables": {
        "patients": {
            "rows": 2000,
            "fields": {
                "id": {"type": "id"},
                "age": {"type": "int", "dist": {"kind": "normal", "mean": 50, "sd": 12}},
                "weight": {"type": "float", "dist": {"kind": "lognormal", "mu": 4.3, "sigma": 0.2}},
                "ward": {"type": "category", "values": {"cardio": 0.5, "ortho": 0.3, "neuro": 0.2}},
            },
            "correlations": [{"fields": ["age", "weight"], "rank": 0.6}],
        }
    }
}


def test_a_schema_jobs_page_draws_columns_and_correlations_not_a_json_dump(
    alice_client: Any,
) -> None:
    resp = alice_client.post(
        "/api/generate", {"schema": SPEC, "format": "csv", "seed": 3}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    job_id = resp.json()["id"]
    services.job_run(job_id=job_id)
    run_metrics(job_id)
    document = alice_client.get(f"/api/metrics/{job_id}").json()
    assert document["kind"] == "conformance"
    resp = alice_client.get(f"/api/metrics/{job_id}?format=html")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/html")
    page = resp.content.decode()
    assert page.startswith("<!doctype html>") and "<script" not in page
    # age, weight, ward: one chart each; the correlation heatmaps: requested | output
    assert page.count("<svg") == 5
    assert "<pre>" not in page and '"columns"' not in page
    assert ">cardio, ortho, neuro</text>" in page  # the declared categories label the bars
    charts = re.findall(r"<div class='col'><b>([^<]+)</b>", page)
    assert charts == ["age", "weight", "ward"]
    assert "declared" in page and "requested | output" in page
    assert "<td>id</td><td>key</td>" in page  # the key: a row of the table, no chart
    # the requested 0.6 and the output's correlation are both in the heatmaps' titles
    observed = document["tables"]["patients"]["correlations"][0]["observed"]
    assert "age × weight: 0.6<" in page
    assert f"age × weight: {observed:.4g}<" in page


def test_conformance_columns_become_histograms_of_shares() -> None:
    numeric = {
        "kind": "numeric",
        "score": 0.9,
        "histogram": {"edges": [0, 1, 2], "synthetic": [30, 10], "reference": [20.0, 20.0]},
    }
    assert conformance_histogram(numeric) == {
        "kind": "numeric",
        "edges": [0, 1, 2],
        "real": [0.5, 0.5],
        "synthetic": [0.75, 0.25],
    }
    categorical = {"kind": "categorical", "declared": {"a": 0.5, "b": 0.5}, "observed": {"c": 1.0}}
    hist = conformance_histogram(categorical)
    assert hist is not None
    assert hist["labels"] == ["a", "b", "c"]
    assert hist["real"] == [0.5, 0.5, 0.0] and hist["synthetic"] == [0.0, 0.0, 1.0]
    assert conformance_histogram({"kind": "key", "unique": True}) is None
    heat = conformance_heatmap(
        [
            {"fields": ["x", "y"], "requested": 0.5, "observed": 0.45},
            {"fields": ["y", "z"], "requested": -0.2, "observed": float("nan")},
        ]
    )
    assert heat is not None
    assert heat["columns"] == ["x", "y", "z"]
    assert heat["requested"] == [[1.0, 0.5, None], [0.5, 1.0, -0.2], [None, -0.2, 1.0]]
    assert heat["observed"][1] == [0.45, 1.0, None]


def test_the_report_charts_example_series_and_their_autocorrelation() -> None:
    import re

    import numpy as np
    import pandas as pd

    from evaluation.metrics.temporal import temporal_report
    from evaluation.report_html import render_html

    rng = np.random.default_rng(0)
    t = pd.date_range("2020-01-01", periods=300, freq="h")
    real = pd.DataFrame({"site": "A", "time": t, "v": np.cumsum(rng.normal(size=300))})
    shuffled = real.assign(v=rng.permutation(real["v"].to_numpy()))
    temporal = temporal_report(
        real, shuffled, key="site", index="time", numeric=["v"], categorical=[]
    )
    page = render_html(
        {"job": "j", "kind": "model", "summary": {}, "tables": {"t": {"temporal": temporal}}}
    )
    charts = re.findall(r'<svg[^>]*class="series".*?</svg>', page)
    assert len(charts) == 2  # the example series and the autocorrelation by lag
    series, acf = charts
    for side in ("real", "synthetic"):
        assert f'data-side="{side}"' in series and f'data-side="{side}"' in acf
    points = re.search(r'data-side="real" points="([^"]+)"', series).group(1).split()
    assert len(points) == len(temporal["examples"]["v"]["real"]) == 240
    # a random walk keeps its memory, its shuffle none: the two ACF lines part
    lag1 = f"lag-1 {temporal['columns']['v']['lag1_real']:.4g}"
    assert lag1 in page and temporal["columns"]["v"]["lag1_synthetic"] < 0.3
