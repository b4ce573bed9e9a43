"""Features the template and synthesis authors asked of the engine (per_parent.expr, lookup,
signal_events, series expressions, category fields in correlations, ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.engine._util import make, one


def test_categories_and_bools_join_the_copula_in_declared_order() -> None:
    df = one(
        {
            "a": {"type": "float"},
            "seg": {"type": "category", "values": {"lo": 1, "mid": 1, "hi": 1}, "nulls": 0.1},
            "flag": {"type": "bool", "p": 0.5},
        },
        rows=40_000,
        correlations=[
            {
                "fields": ["a", "seg", "flag"],
                "matrix": [[1, 0.7, 0.5], [0.7, 1, 0.4], [0.5, 0.4, 1]],
            }
        ],
    )
    df["seg"] = df["seg"].map({"lo": 0, "mid": 1, "hi": 2})
    rho = df[["a", "seg", "flag"]].astype(float).corr(method="spearman")
    # The latent correlations are calibrated for the ties: the output shows the request.
    assert rho.loc["a", "seg"] == pytest.approx(0.7, abs=0.03)
    assert rho.loc["a", "flag"] == pytest.approx(0.5, abs=0.03)
    assert rho.loc["seg", "flag"] == pytest.approx(0.4, abs=0.03)
    assert df["seg"].isna().mean() == pytest.approx(0.1, abs=0.01)


def test_foreign_key_match_picks_a_row_with_the_same_value() -> None:
    doc = {
        "tables": {
            "merchants": {
                "rows": 300,
                "fields": {
                    "id": {"type": "id"},
                    "category": {"type": "category", "values": {"digital": 0.2, "grocery": 0.8}},
                },
            },
            "tx": {
                "rows": 4000,
                "fields": {
                    "category": {
                        "type": "category",
                        "values": {"digital": 0.5, "grocery": 0.4, "none": 0.1},
                    },
                    "mid": {
                        "type": "foreign_key",
                        "table": "merchants",
                        "match": {"category": "category"},
                        "dist": {"kind": "zipf", "s": 1.1},
                    },
                },
            },
        }
    }
    t = make(doc, block_size=1000)
    tx = t["tx"].merge(
        t["merchants"], left_on="mid", right_on="id", how="left", suffixes=("", "_m")
    )
    has = tx["mid"].notna()
    assert (tx.loc[has, "category"] == tx.loc[has, "category_m"]).all()
    assert (tx.loc[~has, "category"] == "none").all() and (~has).sum() > 0


def test_where_with_null_trigonometry_and_zero_rate_children() -> None:
    doc = {
        "tables": {
            "s": {
                "rows": 4,
                "fields": {
                    "id": {"type": "id"},
                    "at": {"type": "datetime", "start": "2024-01-01", "end": "2024-02-01"},
                },
            },
            "imu": {
                "parent": "s",
                "series": {"length": 200, "start": "parent.at", "every": "10ms"},
                "fields": {
                    "ts": {"type": "datetime", "unit": "ms"},
                    "v": {"type": "float", "signal": {"noise": {"sd": 1}}},
                    "heading": {"type": "float", "expr": "(degrees(atan2(v, 1)) + 360) % 360"},
                    "later": {
                        "type": "datetime",
                        "unit": "ms",
                        "expr": "where(v > 0, ts + seconds(1), null)",
                    },
                },
            },
            "failures": {
                "parent": "s",
                "per_parent": {"dist": {"kind": "poisson", "lam": 0}},
                "fields": {
                    "sev": {
                        "type": "category",
                        "values": ["low"],
                        "conditional": {"on": "parent.id", "cases": {"1": {"values": ["high"]}}},
                    }
                },
            },
        }
    }
    t = make(doc)
    imu = t["imu"]
    assert (
        imu.groupby(imu.index // 200)["ts"].diff().dropna() == pd.Timedelta(milliseconds=10)
    ).all()
    assert imu["heading"].between(0, 360).all()
    expected = (np.degrees(np.arctan2(imu["v"], 1)) + 360) % 360
    assert np.allclose(imu["heading"], expected)
    assert imu.loc[imu["v"] <= 0, "later"].isna().all()
    assert (
        imu.loc[imu["v"] > 0, "later"] - imu.loc[imu["v"] > 0, "ts"] == pd.Timedelta(seconds=1)
    ).all()
    assert len(t["failures"]) == 0 and list(t["failures"].columns) == ["sev"]


def test_empty_child_blocks_keep_every_declared_type() -> None:
    doc = {
        "tables": {
            "c": {
                "rows": 1,
                "fields": {"id": {"type": "id"}, "cid": {"type": "int", "min": 1, "max": 9}},
            },
            "e": {
                "parent": "c",
                "per_parent": 0,
                "fields": {
                    "t": {
                        "type": "category",
                        "values": ["emergency", "x"],
                        "conditional": {"on": "parent.cid", "cases": {"1": {"values": ["x"]}}},
                    },
                    "c9": {"type": "int"},
                    "n": {"type": "int", "expr": "where(t == 'emergency', 0, c9)"},
                    "p": {"type": "int", "expr": "parent.cid"},
                    "fk": {"type": "foreign_key", "table": "c"},
                    "lk": {"type": "lookup", "key": "fk", "field": "cid"},
                },
            },
        }
    }
    from generation import engine
    from tests.engine._util import make_arrow

    t = make_arrow(doc)["e"]
    assert t.num_rows == 0
    assert t.schema == engine.output_schema(engine.parse_spec(doc), "e")
