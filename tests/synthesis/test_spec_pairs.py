"""The ``spec`` synthesizer's conditional fields (spec_pairs): planted pair dependence the
copula alone cannot carry is learned and reproduced by the sample."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from generation import engine
from generation.synthesis.spec_synth import MAX_LEARNED_BYTES, learn_spec, spec_sampler
from tests.conftest import SAMPLE_DATA


def _meta(frame: pd.DataFrame) -> dict[str, Any]:
    columns = {}
    for name, col in frame.items():
        if pd.api.types.is_numeric_dtype(col):
            columns[name] = {"sdtype": "numerical", "representation": "float"}
        else:
            columns[name] = {"sdtype": "categorical"}
    return {"columns": columns}


def _fit_and_sample(frame: pd.DataFrame, n: int = 6000) -> tuple[dict[str, Any], pd.DataFrame]:
    meta = _meta(frame)
    spec, names = learn_spec(frame, meta, table="t", learned=list(frame.columns), rows=len(frame))
    engine.parse_spec(spec)  # an editable spec the engine accepts
    return spec, spec_sampler(spec, names)(n, 3, [])


def _fields(spec: dict[str, Any]) -> dict[str, Any]:
    return next(iter(spec["tables"].values()))["fields"]


def test_a_category_gets_its_own_numbers() -> None:
    # Means not in the order of the categories' weights: a rank correlation cannot say it.
    rng = np.random.default_rng(1)
    n = 4000
    segment = rng.choice(["retail", "premium", "basic"], size=n, p=[0.5, 0.3, 0.2])
    means = {"retail": 5000.0, "premium": 20000.0, "basic": 1000.0}
    income = np.array([rng.normal(means[s], means[s] * 0.1) for s in segment])
    noise = rng.normal(0, 1, n)
    frame = pd.DataFrame({"segment": segment, "income": income.round(2), "noise": noise})
    spec, out = _fit_and_sample(frame)
    assert _fields(spec)["income"]["conditional"]["on"] == "segment"
    got = out.groupby("segment")["income"].mean()
    for label, mean in means.items():
        assert abs(got[label] - mean) / mean < 0.05, (label, got[label])


def test_a_null_tied_to_another_column_is_learned() -> None:
    # Cause of death and age at death are empty exactly while the patient is alive.
    rng = np.random.default_rng(2)
    n = 4000
    alive = rng.random(n) < 0.7
    cause = np.where(alive, None, rng.choice(["cardiac", "cancer", "other"], size=n))
    age_at_death = np.where(alive, np.nan, rng.normal(75, 8, n).round(0))
    age = rng.normal(60, 10, n)  # distinct rows: the copy check keeps the conditionals
    frame = pd.DataFrame(
        {
            "status": np.where(alive, "alive", "dead"),
            "cause": cause,
            "age_at_death": age_at_death,
            "age": age,
        }
    )
    spec, out = _fit_and_sample(frame)
    fields = _fields(spec)
    # conditionals chain (status, cause, age at death: one driver each, no cycle)
    assert "conditional" in fields["cause"] or "conditional" in fields["age_at_death"]
    by_status = out.groupby("status")
    null_cause = by_status["cause"].apply(lambda c: c.isna().mean())
    null_age = by_status["age_at_death"].apply(lambda c: c.isna().mean())
    assert null_cause["alive"] > 0.98 and null_cause["dead"] < 0.02
    assert null_age["alive"] > 0.98 and null_age["dead"] < 0.02
    assert abs(out["status"].eq("alive").mean() - 0.7) < 0.03


def test_nulls_chain_down_several_columns() -> None:
    # Unemployed => no employer => no salary => no bonus => no bonus reason; the links are one conditional
    # each, and the rows whose driver is null take the field's own keys (all null here).
    rng = np.random.default_rng(5)
    n = 4000
    employed = rng.random(n) < 0.75
    bonus_paid = employed & (rng.random(n) < 0.6)
    frame = pd.DataFrame(
        {
            "status": np.where(employed, "employed", "unemployed"),
            "employer": np.where(employed, rng.choice(["acme", "globex", "initech"], n), None),
            "salary": np.where(employed, rng.lognormal(10.5, 0.3, n).round(2), np.nan),
            "bonus": np.where(bonus_paid, rng.gamma(2.0, 1500.0, n).round(2), np.nan),
            "reason": np.where(bonus_paid, rng.choice(["target", "retention"], n), None),
            "age": rng.normal(45, 12, n),
        }
    )
    spec, out = _fit_and_sample(frame)
    assert sum("conditional" in f for f in _fields(spec).values()) >= 3
    unemployed = out["status"].eq("unemployed")
    assert abs(unemployed.mean() - 0.25) < 0.03
    assert out.loc[unemployed, "employer"].isna().mean() > 0.98
    assert out.loc[~unemployed, "employer"].notna().mean() > 0.98
    for driver, follower in (("employer", "salary"), ("salary", "bonus"), ("bonus", "reason")):
        gone = out[driver].isna()
        assert gone.mean() > 0.1, driver
        assert out.loc[gone, follower].isna().mean() > 0.98, (driver, follower)
    assert abs(out["employer"].isna().mean() - 0.25) < 0.03
    assert abs(out["bonus"].isna().mean() - frame["bonus"].isna().mean()) < 0.03
    paid = out["bonus"].notna()
    assert out.loc[paid, "reason"].notna().mean() > 0.98


def test_a_numeric_driver_bins_through_a_hidden_helper() -> None:
    # A gust is only reported when the wind is strong: nulls by the value of another number.
    rng = np.random.default_rng(3)
    n = 4000
    wind = rng.gamma(2.0, 5.0, n)  # distinct rows: the copy check keeps the conditionals
    gust = np.where(wind > 12, wind * 1.5, np.nan)
    frame = pd.DataFrame({"wind": wind, "gust": gust})
    spec, out = _fit_and_sample(frame)
    fields = _fields(spec)
    helper = fields["gust"]["conditional"]["on"]
    assert fields[helper]["hidden"] and "isnull(wind)" in fields[helper]["expr"]
    assert list(fields).index(helper) < list(fields).index("gust")
    strong = out["wind"] > 14
    calm = out["wind"] < 10
    assert out.loc[strong, "gust"].notna().mean() > 0.9
    assert out.loc[calm, "gust"].isna().mean() > 0.9
    # the trend of the pair stays with the copula: gust still grows with wind
    both = out.dropna()
    assert both["wind"].corr(both["gust"]) > 0.8


def test_copies_of_real_rows_limit_the_conditionals() -> None:
    # Every column is a function of one category: full conditionals would only copy rows.
    rng = np.random.default_rng(4)
    model = rng.choice([f"m{i}" for i in range(12)], size=3000)
    seats = pd.Series(model).map({f"m{i}": 20 * (i + 1) for i in range(12)})
    maker = pd.Series(model).map(lambda m: "A" if int(m[1:]) % 3 else "B")
    frame = pd.DataFrame({"model": model, "seats": seats.astype(float), "maker": maker})
    spec, out = _fit_and_sample(frame, 2000)
    meta = _meta(frame)
    from generation.synthesis.fitted import row_hashes

    real = set(row_hashes(frame, list(frame.columns), meta["columns"], "0123456789abcdef"))
    ours = row_hashes(out, list(frame.columns), meta["columns"], "0123456789abcdef")
    assert np.mean([h in real for h in ours]) <= 0.2


def test_a_shared_table_learns_conditionals_under_the_size_limit() -> None:
    frame = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(2500)
    spec, out = _fit_and_sample(frame, 3000)
    fields = _fields(spec)
    assert any("conditional" in f for f in fields.values())
    assert len(json.dumps(spec, separators=(",", ":")).encode()) <= MAX_LEARNED_BYTES
    # Job -> Income: the per-job mean income follows the real one
    real = frame.groupby("Job")["Income"].mean()
    got = out.groupby("Job")["Income"].mean()
    for job in ("fixed", "partime", "freelance"):
        assert abs(got[job] - real[job]) / real[job] < 0.15, (job, got[job], real[job])


def test_a_table_at_the_field_limit_gets_no_hidden_helpers() -> None:
    # 500 columns leave no room for a bin helper under the spec's 500-field limit: the learned
    # spec must still parse, so a numeric driver (which needs a helper) is not used.
    from generation.engine.spec import MAX_FIELDS

    rng = np.random.default_rng(3)
    n = 3000
    wind = rng.gamma(2.0, 5.0, n)
    columns = {"wind": wind, "gust": np.where(wind > 12, wind * 1.5, np.nan)}
    for j in range(MAX_FIELDS - 2):
        columns[f"x{j}"] = rng.integers(0, 5, n)
    frame = pd.DataFrame(columns)
    spec, names = learn_spec(frame, _meta(frame), table="t", learned=list(frame), rows=n)
    fields = _fields(spec)
    assert len(fields) == MAX_FIELDS and not any(f.get("hidden") for f in fields.values())
    engine.parse_spec(spec)
