"""The spec synthesizer on sequences: learned into the engine's series language (per-entity
profiles, seasons, AR, Markov states), sampled by the engine, measured in time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from generation import engine
from generation.synthesis.sequence_synth import (
    SequenceInputError,
    lag1,
    learn_sequence_spec,
    sequence_issues,
)
from tests.conftest import SAMPLE_DATA
from tests.evaluation.test_document_schema import _validate as validate_document
from tests.synthesis.conftest import fit_now, generate_now, upload

AMPLITUDE, PHI, SD, TREND = 6.0, 0.7, 1.0, 0.01


def known_table(entities: int = 4, days: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Daily series with known parameters: level 20 + yearly cosine (amplitude 6, peak 0.55)
    + 0.01/day trend + AR(1) phi 0.7 sd 1; a rain state with runs (Markov)."""
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(entities):
        t = pd.date_range("2015-01-01", periods=days, freq="D")
        sec = t.asi8 / 1e9
        season = AMPLITUDE * np.cos(2 * np.pi * (sec / (365.25 * 86400) - 0.55))
        ar = np.zeros(days)
        for i in range(1, days):
            ar[i] = PHI * ar[i - 1] + rng.normal(0, SD)
        state, sky = "dry", []
        for _ in range(days):
            if rng.random() < (0.3 if state == "rain" else 0.05):
                state = "rain" if state == "dry" else "dry"
            sky.append(state)
        rows.append(
            pd.DataFrame(
                {
                    "site": f"S{e}",
                    "day": t,
                    "value": 20 + TREND * np.arange(days) + season + ar,
                    "sky": sky,
                    "region": "north" if e % 2 else "south",
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _metadata(frame: pd.DataFrame) -> dict[str, Any]:
    from generation.synthesis.tables import detect_metadata

    return detect_metadata(frame, table="known", info={})


def _learn(frame: pd.DataFrame, **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    meta = _metadata(frame)
    learned = [c for c in frame.columns if c != "site"]
    return learn_sequence_spec(
        frame, meta, table="known", key="site", index="day", learned=learned, **kw
    )


def test_known_parameters_are_recovered_within_ten_percent() -> None:
    spec, info = _learn(known_table())
    value = spec["tables"]["known"]["fields"]["value"]
    assert info["per_entity"] and info["step_s"] == 86400
    for case in value["conditional"]["cases"].values():
        sig = case["signal"]
        (season,) = [s for s in sig["seasonality"] if s["period"] == "365.25d"]
        assert abs(season["amplitude"] - AMPLITUDE) <= 0.1 * AMPLITUDE, sig
        assert abs(sig["ar"]["phi"] - PHI) <= 0.1 * PHI, sig
        assert abs(sig["ar"]["sd"] - SD) <= 0.1 * SD, sig
        assert abs(sig["trend"] - TREND) <= 0.1 * TREND, sig
        assert abs(season["peak"] - 0.55) < 0.02
    # the rain state is a Markov chain: its runs are learned (mean run 1/0.3 days)
    sky = spec["tables"]["known"]["fields"]["sky"]
    trans = sky["markov"]["transitions"]["rain"]
    assert abs(trans["rain"] / sum(trans.values()) - 0.7) < 0.07


def _child_rows(spec_doc: dict[str, Any], table: str, seed: int) -> pd.DataFrame:
    import pyarrow as pa

    spec = engine.parse_spec(spec_doc)
    plans = engine.plan_tables(spec, rows=None, block_size=2000, seed=seed)
    blocks = [engine.generate_block(spec, table, b, seed) for b in plans[table].blocks()]
    return pa.concat_tables(blocks).to_pandas()


def test_sampled_sequences_keep_their_memory_and_are_the_same_by_seed() -> None:
    real = known_table()
    spec, info = _learn(real)
    one = _child_rows(spec, info["child"], 4)
    assert one.equals(_child_rows(spec, info["child"], 4))  # same seed, same rows
    assert not one.equals(_child_rows(spec, info["child"], 5))
    ent = pd.factorize(one["site"])[0]
    assert (
        abs(
            lag1(one["value"].to_numpy(), ent)
            - lag1(real["value"].to_numpy(), pd.factorize(real["site"])[0])
        )
        < 0.05
    )
    runs_real = _mean_run(real, "rain")
    runs_syn = _mean_run(one, "rain")
    assert abs(runs_syn - runs_real) / runs_real < 0.25, (runs_real, runs_syn)
    # each entity keeps its static region, consistent within the sequence
    assert (one.groupby("site")["region"].nunique() == 1).all()


def _mean_run(frame: pd.DataFrame, state: str) -> float:
    from evaluation.metrics.temporal import _runs

    return float(_runs(frame["sky"].to_numpy(), pd.factorize(frame["site"])[0])[state])


def test_bad_sequences_say_which_entity_and_where() -> None:
    frame = known_table(entities=2, days=30)
    single = frame.drop_duplicates("site")
    with pytest.raises(SequenceInputError, match="single row"):
        _learn(single)
    dup = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)
    (issue,) = sequence_issues(dup, "site", "day")
    assert "repeats within entity 'S0'" in issue
    gap = frame.drop(index=[40])
    (issue,) = sequence_issues(gap, "site", "day", regular=True)
    assert "entity 'S1' steps by 172800s" in issue


def test_temporal_report_notices_shuffled_noise() -> None:
    from evaluation.metrics.temporal import temporal_report

    real = known_table(entities=3, days=800)
    shuffled = real.copy()
    shuffled["value"] = real["value"].sample(frac=1, random_state=0).to_numpy()
    same = temporal_report(
        real, real, key="site", index="day", numeric=["value"], categorical=["sky"]
    )
    noise = temporal_report(
        real, shuffled, key="site", index="day", numeric=["value"], categorical=["sky"]
    )
    assert same["score"] == 1.0
    assert noise["score"] < 0.8
    col = noise["columns"]["value"]
    assert col["lag1_real"] > 0.8 and abs(col["lag1_synthetic"]) < 0.1
    assert noise["lag1_errors"]["value"] > 0.7
    assert col["seasonal_power"]["365.25d"]["real"] > 0.5


def test_temporal_report_scores_one_row_sequences_low() -> None:
    """What an argn fit on too few sequences sampled (the engine's value protection left one
    row per sequence): no order at all, once scored 0.9997 as if the series were kept."""
    from evaluation.metrics.temporal import temporal_report

    real = known_table(entities=6, days=300)
    flat = real.groupby("site").sample(n=1, random_state=0)
    report = temporal_report(real, flat, key="site", index="day", numeric=["value"], categorical=[])
    col = report["columns"]["value"]
    assert col["lag1_real"] > 0.8 and col["lag1_synthetic"] is None
    assert col["acf_score"] == 0.0 and col["step_change_ks"] == 1.0
    assert report["lengths"]["ks"] == 1.0
    assert report["score"] < 0.3


@pytest.fixture
def sensor() -> pd.DataFrame:
    """3 NYC stations x their first 60 days of hours (a quarter of the shared table)."""
    frame = pd.read_csv(SAMPLE_DATA / "sensor_nyc_weather.csv")
    return frame.groupby("origin").head(24 * 60).reset_index(drop=True)


def test_spec_learns_sequences_through_the_api(alice_client: Any, sensor: pd.DataFrame) -> None:
    dataset = upload(alice_client, sensor, "weather.csv")
    assert dataset["metadata"]["sequence_key"] == "origin"
    fit = fit_now(alice_client, dataset["id"], "spec", seed=1)
    model = alice_client.get(f"/api/models/{fit['model_id']}").json()
    assert model["chosen"] == "spec" and model["metrics"]["profiles"] == 3
    schema = alice_client.get(f"/api/schemas/{model['schema_id']}").json()
    assert "series" in schema["spec"]["tables"]["weather"]
    job, rows = generate_now(alice_client, fit["model_id"], rows=4, seed=3)
    # named after its dataset, as every model job (the dashboard's name and search use it)
    assert job["params"]["dataset_name"] == dataset["name"] == "weather"
    assert job["params"]["dataset_id"] == dataset["id"]
    assert job["params"]["sequences"] == 4 and job["params"]["synthesizer"] == "spec"
    assert list(rows.columns) == list(sensor.columns)
    assert rows["origin"].nunique() == 4
    assert not set(rows["origin"]) & {"EWR", "JFK", "LGA"}
    for _, seq in rows.groupby("origin"):
        assert pd.to_datetime(seq["time_hour"]).is_monotonic_increasing
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    validate_document(alice_client, metrics)  # typed in the OpenAPI schema
    temporal = metrics["tables"]["weather"]["temporal"]
    assert metrics["summary"]["temporal"] == temporal["score"] > 0.7
    assert temporal["columns"]["temp"]["lag1_synthetic"] > 0.9
    # like one real station: the condition picks its profile
    job2, like = generate_now(
        alice_client,
        fit["model_id"],
        rows=2,
        seed=3,
        conditions=[{"column": "origin", "value": "JFK", "fraction": 1}],
    )
    assert like["origin"].nunique() == 2
    resp = alice_client.post(
        "/api/generate",
        {
            "model_id": fit["model_id"],
            "format": "csv",
            "conditions": [{"column": "temp", "value": 3, "fraction": 1}],
        },
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["message"].startswith("conditions.0.column:")


def test_a_fit_on_broken_sequences_is_a_400_naming_the_entity(alice_client: Any) -> None:
    frame = known_table(entities=3, days=20)
    frame = pd.concat([frame, frame.iloc[[25]]], ignore_index=True)  # S1 repeats a day
    dataset = upload(alice_client, frame, "known.csv")
    resp = alice_client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"sequence_key": "site", "sequence_index": "day"}},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    resp = alice_client.post(
        f"/api/datasets/{dataset['id']}/fit", {"synthesizer": "spec"}, format="json"
    )
    assert resp.status_code == 400
    assert "repeats within entity 'S1'" in resp.json()["error"]["message"]
