"""Conformance metrics: generated data scores high against its own spec, and low when it is not."""

from __future__ import annotations

import pandas as pd

from evaluation.metrics.conformance import conformance_report
from generation import engine
from tests.engine._util import make

DOC = {
    "tables": {
        "t": {
            "rows": 20_000,
            "fields": {
                "id": {"type": "id"},
                "g": {"type": "float", "dist": {"kind": "gamma", "shape": 2, "scale": 3}},
                "n": {"type": "int", "dist": {"kind": "poisson", "lam": 3}},
                "d": {
                    "type": "datetime",
                    "start": "2024-01-01",
                    "end": "2025-01-01",
                    "weights": {"weekday": [1, 1, 1, 1, 1, 3, 3]},
                },
                "c": {"type": "category", "values": {"a": 0.8, "b": 0.2}},
                "b": {"type": "bool", "p": 0.3},
                "y": {
                    "type": "float",
                    "dist": {"kind": "normal", "mean": 0, "sd": 1},
                    "conditional": {
                        "on": "c",
                        "cases": {"b": {"dist": {"kind": "normal", "mean": 5, "sd": 1}}},
                    },
                },
            },
            "correlations": [
                {"fields": ["g", "d"], "rank": 0.5},
                {"fields": ["g", "c"], "rank": 0.3},
            ],
        }
    }
}


def test_generated_rows_conform_to_their_spec() -> None:
    spec = engine.parse_spec(DOC)
    frame = make(DOC)["t"]
    report = conformance_report(spec.tables["t"], frame, spec=spec, name="t")
    cols = report["columns"]
    for name in ("g", "n", "d"):
        assert cols[name]["ks"] < 0.015, name
    assert cols["c"]["tv_distance"] < 0.015 and cols["b"]["tv_distance"] < 0.015
    assert cols["y"]["kind"] == "conditional" and cols["y"]["score"] > 0.98
    assert report["correlations"][0]["error"] < 0.03
    assert report["correlations"][1]["observed"] > 0.15  # a category, in declared order
    assert report["utility"] > 0.97


def test_data_that_does_not_match_scores_low() -> None:
    spec = engine.parse_spec(DOC)
    frame = make(DOC)["t"]
    frame["g"] = frame["g"] * 2
    frame["c"] = "b"
    frame["d"] = pd.Timestamp("2024-06-01")
    report = conformance_report(spec.tables["t"], frame, spec=spec, name="t")
    assert report["columns"]["g"]["ks"] > 0.2
    assert report["columns"]["c"]["tv_distance"] > 0.7
    assert report["columns"]["d"]["ks"] > 0.3
