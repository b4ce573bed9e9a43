"""Constraints always hold: bounds, uniqueness, not-null, inequalities, keys, child after parent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generation import engine
from generation.engine import SpecError
from tests.engine._util import make, one


def test_bounds_hold_even_with_noise_outliers_and_drift() -> None:
    df = one(
        {
            "a": {
                "type": "float",
                "dist": {"kind": "normal", "mean": 0, "sd": 5},
                "min": -1,
                "max": 1,
                "noise": {"sd": 3},
                "outliers": {"rate": 0.1},
            },
            "b": {
                "type": "int",
                "dist": {"kind": "poisson", "lam": 3},
                "min": 2,
                "max": 4,
                "drift": {"to": {"lam": 30}},
            },
            "m": {
                "type": "money",
                "dist": {"kind": "lognormal", "mu": 3, "sigma": 2},
                "min": 0.01,
                "max": 1000,
            },
            "d": {
                "type": "datetime",
                "start": "2024-01-01T08:00:00",
                "end": "2024-01-02",
                "weights": {"hour": [0] * 8 + [1] * 16},
            },
            "day": {
                "type": "date",
                "start": "2024-01-01",
                "end": "2024-03-01",
                "weights": {"weekday": [1, 1, 1, 1, 1, 0, 0]},
            },
            "t": {"type": "time", "start": "09:00", "end": "17:00"},
        },
        rows=30_000,
    )
    assert df["a"].between(-1, 1).all()
    assert df["b"].between(2, 4).all()
    assert df["m"].map(float).between(0.01, 1000).all()
    assert df["m"].map(lambda v: v.as_tuple().exponent).eq(-2).all()
    assert (df["d"] >= pd.Timestamp("2024-01-01 08:00")).all() and (
        df["d"] < pd.Timestamp("2024-01-02")
    ).all()
    assert pd.to_datetime(df["day"]).dt.weekday.lt(5).all()
    secs = df["t"].map(lambda t: t.hour * 3600 + t.minute * 60 + t.second)
    assert secs.between(9 * 3600, 17 * 3600).all()


def test_unique_values_never_repeat_across_blocks() -> None:
    df = make(
        {
            "tables": {
                "t": {
                    "rows": 30_000,
                    "fields": {
                        "id": {"type": "id", "start": 100, "step": 2},
                        "u": {"type": "uuid"},
                        "n": {"type": "int", "unique": True, "min": 1000, "max": 40_000},
                        "mrn": {"type": "string", "pattern": "MRN-#####", "unique": True},
                        "mail": {"type": "email", "unique": True},
                        "nn": {"type": "float", "not_null": True},
                    },
                }
            }
        },
        block_size=7000,
    )["t"]
    for col in ("id", "u", "n", "mrn", "mail"):
        assert df[col].is_unique, col
    assert df["id"].tolist() == list(range(100, 100 + 2 * 30_000, 2))
    assert df["n"].between(1000, 40_000).all()
    assert df["mrn"].str.fullmatch(r"MRN-\d{5}").all()
    assert df["nn"].notna().all()


def test_unique_capacity_is_checked_when_rows_are_known() -> None:
    spec = engine.parse_spec(
        {"tables": {"t": {"fields": {"n": {"type": "int", "unique": True, "min": 1, "max": 10}}}}}
    )
    with pytest.raises(SpecError) as info:
        engine.plan_tables(spec, rows=11)
    assert info.value.issues[0].path == "tables.t.fields.n.max"


def test_inequalities_hold_after_swap_or_clip() -> None:
    df = one(
        {
            "admit": {"type": "datetime", "start": "2024-01-01", "end": "2024-02-01"},
            "discharge": {"type": "datetime", "start": "2024-01-01", "end": "2024-02-01"},
            "paid": {"type": "float", "min": 0, "max": 100},
            "amount": {"type": "float", "min": 0, "max": 50},
            "share": {"type": "float", "expr": "paid / amount"},
        },
        rows=20_000,
        constraints=[
            {"check": "discharge > admit"},
            {"check": "paid <= amount * 1", "fix": "clip"},
        ],
    )
    assert (df["discharge"] > df["admit"]).all()
    assert (df["paid"] <= df["amount"]).all()
    assert (df["share"] <= 1 + 1e-12).all()  # derived fields see the repaired values


def test_relations_keep_referential_integrity_and_child_after_parent() -> None:
    doc = {
        "tables": {
            "patients": {
                "rows": 3000,
                "fields": {
                    "id": {"type": "id"},
                    "key": {"type": "string", "pattern": "P-######", "unique": True},
                    "registered_at": {
                        "type": "datetime",
                        "start": "2020-01-01",
                        "end": "2024-01-01",
                    },
                },
            },
            "visits": {
                "parent": "patients",
                "per_parent": {"dist": {"kind": "poisson", "lam": 4}, "min": 1, "max": 9},
                "fields": {
                    "id": {"type": "id"},
                    "patient_id": {"type": "foreign_key", "table": "patients"},
                    "at": {
                        "type": "datetime",
                        "after": {
                            "field": "parent.registered_at",
                            "offset": {"kind": "exponential", "rate": 0.1},
                            "unit": "d",
                        },
                    },
                    "out": {
                        "type": "datetime",
                        "after": {
                            "field": "at",
                            "offset": {"kind": "normal", "mean": 0, "sd": 3},
                            "unit": "h",
                        },
                    },
                },
            },
            "labs": {
                "parent": "visits",
                "per_parent": 2,
                "fields": {
                    "visit_id": {"type": "foreign_key", "table": "visits"},
                    "pkey": {"type": "foreign_key", "table": "patients", "field": "key"},
                },
            },
        }
    }
    t = make(doc, block_size=1000)
    p, v, lab = t["patients"], t["visits"], t["labs"]
    counts = v.groupby("patient_id").size()
    assert counts.min() >= 1 and counts.max() <= 9 and len(counts) == len(p)
    assert v["patient_id"].is_monotonic_increasing
    joined = v.merge(p, left_on="patient_id", right_on="id", suffixes=("", "_p"))
    assert len(joined) == len(v)
    assert (joined["at"] >= joined["registered_at"]).all()
    assert (v["out"] >= v["at"]).all()
    assert len(lab) == 2 * len(v) and lab["visit_id"].isin(v["id"]).all()
    assert lab["pkey"].isin(p["key"]).all()


def test_child_counts_from_a_parent_expression_and_plan_totals() -> None:
    doc = {
        "tables": {
            "s": {
                "rows": 5000,
                "fields": {"id": {"type": "id"}, "depth": {"type": "int", "min": 0, "max": 5}},
            },
            "o": {
                "parent": "s",
                "per_parent": {"expr": "where(parent.depth >= 4, 2, 0)", "max": 2},
                "fields": {
                    "sid": {"type": "foreign_key", "table": "s"},
                    "d": {"type": "int", "expr": "parent.depth"},
                },
            },
        }
    }
    spec = engine.parse_spec(doc)
    plans = engine.plan_tables(spec, seed=4, block_size=999)
    t = make(doc, seed=4, block_size=999)
    assert plans["o"].rows == len(t["o"]) == 2 * int((t["s"]["depth"] >= 4).sum())
    assert (t["o"]["d"] >= 4).all()


def test_lookup_reads_the_referenced_row() -> None:
    doc = {
        "tables": {
            "m": {
                "rows": 300,
                "fields": {
                    "id": {"type": "id"},
                    "mcc": {"type": "category", "values": ["a", "b", "c"]},
                },
            },
            "tx": {
                "rows": 5000,
                "fields": {
                    "mid": {
                        "type": "foreign_key",
                        "table": "m",
                        "dist": {"kind": "zipf", "s": 1.1},
                    },
                    "mcc": {"type": "lookup", "key": "mid", "field": "mcc"},
                },
            },
        }
    }
    t = make(doc, block_size=128)
    merged = t["tx"].merge(t["m"], left_on="mid", right_on="id", suffixes=("", "_m"))
    assert len(merged) == 5000 and (merged["mcc"] == merged["mcc_m"]).all()
    top = t["tx"]["mid"].value_counts(normalize=True).iloc[0]
    assert top > 0.05  # zipf: a few very popular rows
    assert np.isin(t["tx"]["mid"], t["m"]["id"]).all()
