"""Correlations, conditional distributions and realism knobs show at their configured strength."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from generation import engine
from generation.engine import SpecError
from tests.engine._util import make, one

N = 50_000


def test_requested_rank_correlations_are_reached_over_any_marginals() -> None:
    matrix = [[1, 0.6, -0.3, 0.2], [0.6, 1, -0.1, 0.4], [-0.3, -0.1, 1, 0.0], [0.2, 0.4, 0.0, 1]]
    df = one(
        {
            "a": {"type": "float", "dist": {"kind": "gamma", "shape": 2, "scale": 1}},
            "b": {"type": "int", "dist": {"kind": "uniform", "low": 0, "high": 1000}},
            "c": {"type": "float", "dist": {"kind": "beta", "a": 2, "b": 2}},
            "d": {"type": "datetime", "start": "2024-01-01", "end": "2025-01-01"},
        },
        rows=N,
        correlations=[{"fields": ["a", "b", "c", "d"], "matrix": matrix}],
    )
    df["d"] = df["d"].astype("int64")
    rho = df[["a", "b", "c", "d"]].corr(method="spearman").to_numpy()
    assert np.abs(rho - np.array(matrix)).max() < 0.03


def test_a_matrix_that_is_not_psd_is_rejected_with_a_clear_message() -> None:
    doc = {
        "tables": {
            "t": {
                "fields": {n: {"type": "float"} for n in "abc"},
                "correlations": [
                    {"fields": ["a", "b"], "rank": 0.9},
                    {"fields": ["b", "c"], "rank": 0.9},
                    {"fields": ["a", "c"], "rank": -0.9},
                ],
            }
        }
    }
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    (issue,) = info.value.issues
    assert issue.path == "tables.t.correlations"
    assert "not positive semi-definite" in issue.message and "repair_correlations" in issue.message
    doc["tables"]["t"]["repair_correlations"] = True
    spec = engine.parse_spec(doc)
    (note,) = engine.spec_notes(spec)
    assert "repaired" in note.message
    df = make(doc, rows=20_000)["t"]
    rho = df.corr(method="spearman")
    assert rho.loc["a", "b"] > 0.3 and rho.loc["a", "c"] < 0


def test_conditional_parameters_follow_the_condition_field() -> None:
    df = one(
        {
            "dx": {"type": "category", "values": {"healthy": 0.7, "diabetes": 0.3}},
            "sex": {"type": "category", "values": ["F", "M"]},
            "hba1c": {
                "type": "float",
                "dist": {"kind": "normal", "mean": 5.4, "sd": 0.4},
                "conditional": {
                    "on": "dx",
                    "cases": {"diabetes": {"dist": {"kind": "normal", "mean": 8, "sd": 1}}},
                },
            },
            "code": {
                "type": "category",
                "values": {"x": 1},
                "conditional": {"on": ["sex", "dx"], "cases": {"F|diabetes": {"values": {"y": 1}}}},
            },
        },
        rows=N,
    )
    by = df.groupby("dx")["hba1c"]
    assert by.mean()["diabetes"] == pytest.approx(8, abs=0.05)
    assert by.mean()["healthy"] == pytest.approx(5.4, abs=0.02)
    assert by.std()["diabetes"] == pytest.approx(1, abs=0.03)
    f_d = (df.sex == "F") & (df.dx == "diabetes")
    assert (df.loc[f_d, "code"] == "y").all() and (df.loc[~f_d, "code"] == "x").all()


def test_drift_moves_parameters_over_rows_and_time() -> None:
    df = one(
        {
            "ts": {"type": "datetime", "start": "2024-01-01", "end": "2025-01-01"},
            "x": {
                "type": "float",
                "dist": {"kind": "normal", "mean": 10, "sd": 1},
                "drift": {"to": {"mean": 20}},
            },
            "p": {"type": "bool", "p": 0.1, "drift": {"to": {"p": 0.5}, "by": "ts"}},
            "c": {
                "type": "category",
                "values": {"a": 1, "b": 0},
                "drift": {"to": {"a": 0, "b": 1}},
            },
        },
        rows=N,
    )
    first, last = df.iloc[: N // 10], df.iloc[-N // 10 :]
    assert first["x"].mean() == pytest.approx(10.5, abs=0.1)
    assert last["x"].mean() == pytest.approx(19.5, abs=0.1)
    t = (df["ts"] - pd.Timestamp("2024-01-01")) / pd.Timedelta(days=366)
    early, late = df[t < 0.1], df[t > 0.9]
    assert early["p"].mean() == pytest.approx(0.12, abs=0.02)
    assert late["p"].mean() == pytest.approx(0.48, abs=0.02)
    assert first["c"].eq("b").mean() == pytest.approx(0.05, abs=0.02)
    assert last["c"].eq("b").mean() == pytest.approx(0.95, abs=0.02)


def test_null_rates_noise_outliers_and_duplicates() -> None:
    df = one(
        {
            "id": {"type": "id"},
            "a": {"type": "float", "dist": {"kind": "normal", "mean": 0, "sd": 1}, "nulls": 0.2},
            "b": {
                "type": "float",
                "dist": {"kind": "normal", "mean": 0, "sd": 1},
                "noise": {"sd": 1},
            },
            "c": {
                "type": "float",
                "dist": {"kind": "normal", "mean": 100, "sd": 1},
                "outliers": {"rate": 0.01, "scale": 50},
            },
            "d": {"type": "int", "min": 1, "max": 6, "outliers": {"rate": 0.05, "value": 6}},
            "e": {"type": "category", "values": ["p", "q", "r"], "nulls": 0.05},
        },
        rows=N,
        duplicates={"rate": 0.1},
    )
    assert df["a"].isna().mean() == pytest.approx(0.2, abs=0.01)
    assert df["e"].isna().mean() == pytest.approx(0.05, abs=0.005)
    assert df["b"].std() == pytest.approx(np.sqrt(2), rel=0.03)
    far = (df["c"] - 100).abs() > 10
    assert far.mean() == pytest.approx(0.01 * 0.92, abs=0.003)
    assert df["d"].between(1, 6).all()
    assert df["id"].is_unique
    dup = df.drop(columns="id").duplicated()
    assert dup.mean() == pytest.approx(0.1, abs=0.01)


def test_series_seasonality_trend_and_failures_are_measurable() -> None:
    doc = {
        "tables": {
            "sensors": {"rows": 20, "fields": {"id": {"type": "id"}}},
            "r": {
                "parent": "sensors",
                "series": {"length": 2880, "start": "2024-01-01", "every": "15min"},
                "fields": {
                    "sid": {"type": "foreign_key", "table": "sensors"},
                    "v": {
                        "type": "float",
                        "signal": {
                            "level": 10,
                            "trend": 0.5,
                            "seasonality": [{"period": "1d", "amplitude": 3, "peak": 0.5}],
                            "ar": {"phi": 0.8, "sd": 0.3},
                        },
                    },
                    "w": {
                        "type": "float",
                        "signal": {
                            "noise": {"sd": 0.1},
                            "dropouts": {"rate": 0.002, "length": 10},
                            "spikes": {"rate": 0.01, "size": 50},
                        },
                    },
                    "fault": {"type": "category", "signal_events": ["w"]},
                },
            },
        }
    }
    r = make(doc)["r"]
    assert len(r) == 20 * 2880
    hours = r["ts"].dt.hour + r["ts"].dt.minute / 60
    days = (r["ts"] - pd.Timestamp("2024-01-01")) / pd.Timedelta(days=1)
    design = np.column_stack(
        [
            np.ones(len(r)),
            days,
            np.cos(2 * np.pi * (hours / 24 - 0.5)),
            np.sin(2 * np.pi * hours / 24),
        ]
    )
    coef, *_ = np.linalg.lstsq(design, r["v"].to_numpy(), rcond=None)
    assert coef[1] == pytest.approx(0.5, abs=0.03)
    assert coef[2] == pytest.approx(3, abs=0.05)
    assert abs(coef[3]) < 0.05
    resid = r["v"].to_numpy() - design @ coef
    lag1 = np.corrcoef(resid[1:], resid[:-1])[0, 1]
    assert lag1 == pytest.approx(0.8, abs=0.03)
    assert r["w"].isna().mean() == pytest.approx(0.002 * 10, rel=0.3)
    assert (r.loc[r["fault"] == "dropout", "w"].isna()).all()
    assert ((r["w"].abs() > 20) == (r["fault"] == "spike")).mean() > 0.999
    assert (r.groupby("sid")["ts"].diff().dropna() == pd.Timedelta(minutes=15)).all()


DISCRETE_PAIRS = {
    "bool_vs_normal": (
        {"type": "bool", "p": 0.2},
        {"type": "float", "dist": {"kind": "normal", "mean": 0, "sd": 1}},
        0.5,
    ),
    "category_vs_float": (
        {"type": "category", "values": {"x": 0.5, "y": 0.3, "z": 0.2}},
        {"type": "float", "dist": {"kind": "gamma", "shape": 2, "scale": 1}},
        -0.4,
    ),
    "poisson_vs_binomial": (
        {"type": "int", "dist": {"kind": "poisson", "lam": 3}},
        {"type": "int", "dist": {"kind": "binomial", "n": 3, "p": 0.5}},
        0.5,
    ),
    "unbounded_zipf_vs_float": (
        {"type": "int", "dist": {"kind": "zipf", "s": 1.5}},
        {"type": "float", "dist": {"kind": "normal", "mean": 0, "sd": 1}},
        0.5,
    ),
    "int_vs_int": ({"type": "int", "min": 1, "max": 4}, {"type": "int", "min": 0, "max": 2}, 0.6),
    "rounded_decimal_vs_float": (
        {"type": "decimal", "scale": 0, "dist": {"kind": "uniform", "low": 0, "high": 3}},
        {"type": "float", "precision": 0, "dist": {"kind": "normal", "mean": 0, "sd": 1}},
        0.6,
    ),
}


@pytest.mark.parametrize("case", sorted(DISCRETE_PAIRS))
def test_rank_correlations_of_discrete_fields_reach_the_request(case: str) -> None:
    a, b, want = DISCRETE_PAIRS[case]
    df = one({"a": a, "b": b}, rows=200_000, correlations=[{"fields": ["a", "b"], "rank": want}])
    if a["type"] == "category":
        df["a"] = df["a"].map({"x": 0, "y": 1, "z": 2})
    if a["type"] == "decimal":
        df["a"] = df["a"].astype(float)
    x = df[["a", "b"]].astype(float)
    # Without calibration (2 sin(pi rho / 6) for every pair) ties pull most 0.03-0.15 short.
    assert x.corr(method="spearman").loc["a", "b"] == pytest.approx(want, abs=0.03)


def test_a_rank_correlation_beyond_what_ties_allow_is_rejected_with_the_reachable_range() -> None:
    doc = {
        "tables": {
            "t": {
                "fields": {"flag": {"type": "bool", "p": 0.1}, "x": {"type": "float"}},
                "correlations": [{"fields": ["flag", "x"], "rank": 0.9}],
            }
        }
    }
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    (issue,) = info.value.issues
    assert issue.path == "tables.t.correlations.0"
    # A bool with p = 0.1 ranks against a continuous field at most sqrt(3 * 0.9 * 0.1) ~ 0.5196.
    assert "cannot be reached" in issue.message and "-0.5196 to 0.5196" in issue.message
    doc["tables"]["t"]["repair_correlations"] = True
    (note,) = engine.spec_notes(engine.parse_spec(doc))
    assert note.path == "tables.t.correlations.0" and "0.5196" in note.message
    df = make(doc, rows=100_000)["t"]
    assert df.astype(float).corr(method="spearman").loc["flag", "x"] == pytest.approx(
        0.52, abs=0.02
    )


def test_a_rank_correlation_with_a_field_of_one_value_is_rejected() -> None:
    doc = {
        "tables": {
            "t": {
                "fields": {"flag": {"type": "bool", "p": 1}, "x": {"type": "float"}},
                "correlations": [{"fields": ["flag", "x"], "rank": 0.3}],
            }
        }
    }
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    (issue,) = info.value.issues
    assert issue.path == "tables.t.correlations.0"
    assert "takes a single value, so it can only be 0" in issue.message


def test_calibrated_latent_correlations_are_rounded_for_every_machine() -> None:
    doc = {
        "tables": {
            "t": {
                "fields": {"flag": {"type": "bool", "p": 0.2}, "x": {"type": "float"}},
                "correlations": [{"fields": ["flag", "x"], "rank": 0.5}],
            }
        }
    }
    ct = engine.compile_spec(engine.parse_spec(doc)).tables["t"]
    latent = ct.copula_factor @ ct.copula_factor.T
    assert latent[0, 1] == pytest.approx(round(latent[0, 1], 6), abs=1e-9)
    assert latent[0, 1] > 2 * np.sin(np.pi * 0.5 / 6) + 0.1  # well above the continuous value


def _series(signal: dict[str, Any], *, entities: int, length: int, every: str) -> pd.DataFrame:
    doc = {
        "tables": {
            "sensors": {"rows": entities, "fields": {"id": {"type": "id"}}},
            "r": {
                "parent": "sensors",
                "series": {"length": length, "start": "2024-01-01", "every": every},
                "fields": {
                    "sid": {"type": "foreign_key", "table": "sensors"},
                    "v": {"type": "float", "signal": signal},
                    "fault": {"type": "category", "signal_events": ["v"]},
                },
            },
        }
    }
    r = make(doc)["r"]
    r["step"] = r.groupby("sid").cumcount()
    return r


def test_a_random_walks_variance_grows_linearly_with_time() -> None:
    r = _series({"random_walk": {"sd": 0.5}}, entities=400, length=1000, every="1s")
    var = r.groupby("step")["v"].var()
    assert var[0] == 0  # every walk starts at the level
    for k in (100, 400, 900):
        assert var[k] == pytest.approx(0.25 * k, rel=0.2), k
    assert var[900] / var[100] == pytest.approx(9, rel=0.3)


def test_stuck_values_are_held_for_the_configured_run_length() -> None:
    r = _series(
        {"noise": {"sd": 1}, "stuck": {"rate": 0.002, "length": 20}},
        entities=20,
        length=20_000,
        every="1s",
    )
    stuck = r["fault"].eq("stuck").to_numpy()
    # A run: the row where it starts (its value is held) and the stuck rows after it.
    run_id = np.cumsum(~stuck)
    runs = r.assign(run=run_id)[np.isin(run_id, np.unique(run_id[stuck]))]
    sizes = runs.groupby("run").size()
    assert (runs.groupby("run")["v"].nunique() == 1).all()
    assert (runs.groupby("run")["sid"].nunique() == 1).all()  # never across entities
    assert len(sizes) > 500
    assert sizes.mean() == pytest.approx(20, rel=0.15)
    free = r.loc[~stuck, "v"].to_numpy()
    assert np.mean(free[1:] == free[:-1]) < 0.01  # elsewhere the noise moves every step


def test_weekly_seasonality_shows_at_its_amplitude_and_peak() -> None:
    r = _series(
        {
            "level": 5,
            "seasonality": [{"period": "7d", "amplitude": 2, "peak": 0.25}],
            "noise": {"sd": 0.5},
        },
        entities=10,
        length=24 * 7 * 8,
        every="1h",
    )
    weeks = (r["ts"] - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=7)
    phase = 2 * np.pi * weeks.to_numpy()
    design = np.column_stack([np.ones(len(r)), np.cos(phase), np.sin(phase)])
    coef, *_ = np.linalg.lstsq(design, r["v"].to_numpy(), rcond=None)
    assert coef[0] == pytest.approx(5, abs=0.02)
    assert np.hypot(coef[1], coef[2]) == pytest.approx(2, abs=0.03)
    assert (np.arctan2(coef[2], coef[1]) / (2 * np.pi)) % 1 == pytest.approx(0.25, abs=0.01)
    # Measured the plain way: the daily means span twice the amplitude (less a day's smoothing).
    daily = r.groupby(r["ts"].dt.dayofweek)["v"].mean()
    assert daily.max() - daily.min() == pytest.approx(2 * 2 * 0.97, rel=0.05)


def test_noise_flip_changes_that_share_of_labels() -> None:
    df = one(
        {
            "c": {"type": "category", "values": {"a": 1, "b": 0}, "noise": {"flip": 0.2}},
            "c3": {"type": "category", "values": {"a": 1, "b": 0, "c": 0}, "noise": {"flip": 0.3}},
            "f": {"type": "bool", "p": 0, "noise": {"flip": 0.1}},
        },
        rows=N,
    )
    assert df["c"].eq("b").mean() == pytest.approx(0.2, abs=0.01)
    assert df["c3"].ne("a").mean() == pytest.approx(0.3, abs=0.01)
    assert df["c3"].eq("b").mean() == pytest.approx(0.15, abs=0.01)  # to any other label
    assert df["f"].mean() == pytest.approx(0.1, abs=0.01)


def test_relative_noise_scales_with_the_value() -> None:
    df = one(
        {
            "x": {
                "type": "float",
                "dist": {"kind": "constant", "value": 100},
                "noise": {"relative": 0.1},
            },
            "y": {
                "type": "float",
                "dist": {"kind": "constant", "value": 5},
                "noise": {"relative": 0.1},
            },
        },
        rows=N,
    )
    assert df["x"].mean() == pytest.approx(100, abs=0.2)
    assert df["x"].std() == pytest.approx(10, rel=0.03)
    assert df["y"].std() == pytest.approx(0.5, rel=0.03)


def test_a_step_drift_jumps_at_the_configured_point() -> None:
    df = one(
        {
            "x": {
                "type": "float",
                "dist": {"kind": "normal", "mean": 10, "sd": 1},
                "drift": {"to": {"mean": 20}, "shape": "step", "at": 0.3},
            }
        },
        rows=N,
    )
    t = np.arange(N) / (N - 1)
    before, after = df["x"][t < 0.3], df["x"][t >= 0.3]
    assert before.mean() == pytest.approx(10, abs=0.05)
    assert after.mean() == pytest.approx(20, abs=0.05)
    assert before.std() == pytest.approx(1, rel=0.03) and after.std() == pytest.approx(1, rel=0.03)
    # A step, not a ramp: just before and just after the point are already at the two levels.
    assert df["x"][(t > 0.28) & (t < 0.3)].mean() == pytest.approx(10, abs=0.1)
    assert df["x"][(t >= 0.3) & (t < 0.32)].mean() == pytest.approx(20, abs=0.1)


def _factor_doc(k: int, m: int = 6, seed: int = 0, rows: int = 20_000) -> dict[str, Any]:
    """A table of ``k`` fields (every third a category) correlated by ``m`` factors."""
    rng = np.random.default_rng(seed)
    loadings = np.round(rng.uniform(-0.9, 0.9, (k, m)) / np.sqrt(m), 3)
    own = np.round(1 - (loadings**2).sum(axis=1), 6)
    fields: dict[str, Any] = {}
    for i in range(k):
        if i % 3 == 0:
            fields[f"c{i}"] = {"type": "category", "values": {"a": 5, "b": 3, "c": 2}}
        else:
            fields[f"x{i}"] = {"type": "float", "dist": {"kind": "gamma", "shape": 2, "scale": 1}}
    corr = {"fields": list(fields), "factors": loadings.T.tolist(), "uniqueness": own.tolist()}
    return {"tables": {"t": {"rows": rows, "fields": fields, "correlations": [corr]}}}


@pytest.mark.slow  # hundreds of correlated fields
def test_a_factor_structure_correlates_hundreds_of_fields() -> None:
    doc = _factor_doc(500)
    corr = doc["tables"]["t"]["correlations"][0]
    loadings = np.array(corr["factors"]).T
    latent = loadings @ loadings.T
    df = make(doc)["t"]
    assert df.shape == (20_000, 500)
    names = corr["fields"]
    for i, j in [(1, 2), (4, 5), (7, 8), (1, 499)]:  # continuous pairs: Spearman of the latent
        rho = df[names[i]].corr(df[names[j]], method="spearman")
        assert abs(rho - engine_rank(latent[i, j])) < 0.03, (names[i], names[j])
    # the same seed gives the same values; another seed others
    again = make(doc)["t"]
    assert again.equals(df)
    assert not make(doc, seed=2)["t"]["x1"].equals(df["x1"])


def engine_rank(latent: float) -> float:
    from generation.engine.correlation import rank_from_latent

    return float(rank_from_latent(np.array(latent)))


def test_a_factor_entry_with_a_wrong_uniqueness_names_the_field() -> None:
    doc = _factor_doc(60)
    corr = doc["tables"]["t"]["correlations"][0]
    corr["uniqueness"][7] = 0.9
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    ((issue),) = info.value.issues
    assert issue.path == "tables.t.correlations.0.uniqueness.7"
    assert "1 - the sum of the field's squared loadings" in issue.message
    corr["uniqueness"][7] = 1 - sum(f[7] ** 2 for f in corr["factors"])
    corr["factors"][2] = corr["factors"][2][:-1]
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    assert info.value.issues[0].path == "tables.t.correlations.0.factors.2"


def test_a_matrix_over_50_fields_points_to_factors_and_a_factor_field_takes_no_other() -> None:
    doc = _factor_doc(60)
    t = doc["tables"]["t"]
    names = t["correlations"][0]["fields"]
    t["correlations"] = [{"fields": names, "matrix": np.eye(60).tolist()}]
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    ((issue),) = info.value.issues
    assert issue.path == "tables.t.correlations.0.fields"
    assert "give factors and uniqueness" in issue.message
    doc = _factor_doc(60)
    t = doc["tables"]["t"]
    t["correlations"].append({"fields": ["x1", "x2"], "rank": 0.5})
    with pytest.raises(SpecError) as info:
        engine.parse_spec(doc)
    issues = info.value.issues
    assert [i.path for i in issues] == ["tables.t.correlations.1.fields"] * 2  # x1 and x2
    assert all("is in correlations.0 too" in i.message for i in issues)


def test_a_factor_entry_sits_beside_a_rank_pair_on_other_fields() -> None:
    doc = _factor_doc(6, m=2)
    t = doc["tables"]["t"]
    t["fields"]["y"] = {"type": "float", "dist": {"kind": "normal", "mean": 0, "sd": 1}}
    t["fields"]["z"] = {"type": "int", "dist": {"kind": "uniform", "low": 0, "high": 1000}}
    t["correlations"].append({"fields": ["y", "z"], "rank": 0.7})
    df = make(doc)["t"]
    assert abs(df["y"].corr(df["z"], method="spearman") - 0.7) < 0.03
