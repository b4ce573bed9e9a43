"""Wide tables through the `spec` synthesizer: what it learns, its own validator accepts.

The round trip of every shared table and of generated ones of 55, 200 and 500 columns: read
and detect as an upload, learn the spec, pass the API's spec check (size and engine), save
and load the model, sample guarded rows, and compare a few rank correlations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.conf import settings

from generation.synthesis.fitted import load_fitted, sample_block, save_fitted
from generation.synthesis.fitting import learned_columns
from generation.synthesis.identifiers import make_salt
from generation.synthesis.sampler import make_sampler
from generation.synthesis.spec_synth import learn_spec
from generation.synthesis.tables import detect_metadata, load_frame, read_table
from tests.synthesis.conftest import real_table

SHARED = [
    "clinical_rotterdam",
    "credit_scoring",
    "retail_diamonds",
    "sensor_nyc_weather",
    "flights_jan2013",
    "planes",
]
LEVELS = ["low", "mid", "high"]


def wide_frame(
    k: int, n: int, seed: int = 0, kinds: tuple[int, ...] = (0, 1, 2, 3, 4)
) -> pd.DataFrame:
    """``k`` columns: an integer key, then floats, skewed ints, 3-level categories (their
    frequency order is their order) and bools, driven by 4 latent factors."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, 4))
    weights = rng.uniform(-0.9, 0.9, (k, 4)) / 2
    own = np.sqrt(np.clip(1 - (weights**2).sum(axis=1), 0.05, None))
    z = common @ weights.T + rng.standard_normal((n, k)) * own
    cols: dict[str, Any] = {"loan_id": np.arange(1, n + 1)}
    for j in range(k - 1):
        kind = kinds[j % len(kinds)]
        if kind == 0:
            cols[f"grade_{j}"] = np.array(LEVELS, dtype=object)[np.digitize(z[:, j], [0.0, 1.0])]
        elif kind == 1:
            cols[f"count_{j}"] = np.round(np.exp(z[:, j]) * 20).astype(int)
        elif kind == 2:
            cols[f"flag_{j}"] = z[:, j] > 0.3
        else:
            cols[f"amount_{j}"] = np.round(z[:, j] * 1500 + 9000, 2)
    return pd.DataFrame(cols)


def round_trip(frame: pd.DataFrame, tmp_path: Path, rows: int) -> tuple[dict, pd.DataFrame]:
    """Upload-like read, learn, the API's check, save, load, sample: (spec, sampled rows)."""
    from generation.specs import spec_validate

    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    raw, info = read_table(
        path,
        filename="table.csv",
        max_columns=settings.SYNDATA_DATASET_MAX_COLUMNS,
        min_rows=settings.SYNDATA_DATASET_MIN_ROWS,
    )
    metadata = {**detect_metadata(raw, table="t", info=info), **info}
    real = load_frame(path, metadata).reset_index(drop=True)
    learned = learned_columns(metadata)
    spec, names = learn_spec(real, metadata, table="t", learned=learned, rows=len(real))
    spec_validate(spec=spec, path="spec")  # what a sample request runs: size and engine
    meta = {
        "synthesizer": "spec",
        "chosen": "spec",
        "table": "t",
        "columns": {k: dict(v) for k, v in metadata["columns"].items()},
        "learned": learned,
        "row_salt": make_salt(),
        "id_salt": make_salt(),
        "rows_real": len(real),
        "spec_names": names,
    }
    save_fitted(tmp_path / "model", meta=meta, real=real, spec=spec)
    fitted = load_fitted(tmp_path / "model")
    spec_validate(spec=fitted.payload, path="spec")  # the saved spec too
    sample, _ = sample_block(
        fitted, make_sampler(fitted, categorical=True), n=rows, seed=5, start_row=0
    )
    assert list(sample.columns) == list(frame.columns)
    assert len(sample) == rows
    return spec, sample


def _ranks(frame: pd.DataFrame, a: str, b: str) -> float:
    def codes(col: pd.Series) -> pd.Series:
        if col.dtype == object or isinstance(col.dtype, pd.CategoricalDtype):
            return col.astype(object).map({v: i for i, v in enumerate(LEVELS)}).astype(float)
        return col.astype(float)

    return float(codes(frame[a]).corr(codes(frame[b]), method="spearman"))


@pytest.mark.parametrize("table", SHARED)
def test_every_shared_table_round_trips(table: str, tmp_path: Path) -> None:
    real = real_table(table, rows=300, seed=4)
    spec, sample = round_trip(real, tmp_path, rows=300)
    fields = next(iter(spec["tables"].values()))["fields"]
    assert fields
    numeric = [c for c in real.columns if pd.api.types.is_float_dtype(real[c])]
    rho = real[numeric].corr(method="spearman", min_periods=100).abs().fillna(0).to_numpy()
    np.fill_diagonal(rho, 0)
    if rho.size and rho.max() > 0:  # the strongest pair of float columns keeps its correlation
        i, j = np.unravel_index(np.argmax(rho), rho.shape)
        a, b = numeric[i], numeric[j]
        assert abs(_ranks(sample, a, b) - _ranks(real, a, b)) < 0.2, (a, b)


@pytest.mark.parametrize(
    "width",
    [55, 200, pytest.param(500, marks=pytest.mark.slow)],  # 500: a 30 s fit on a busy machine
)
def test_wide_tables_round_trip_with_their_correlations(width: int, tmp_path: Path) -> None:
    real = wide_frame(width, 1500, seed=width)
    spec, sample = round_trip(real, tmp_path, rows=3000)
    table = next(iter(spec["tables"].values()))
    (corr,) = table["correlations"]
    assert "factors" in corr and len(corr["fields"]) == width - 1  # all but the key
    amounts = [c for c in real.columns if c.startswith("amount_")]
    rho = real[amounts].corr(method="spearman").to_numpy()
    np.fill_diagonal(rho, 0)
    strong = np.argsort(-np.abs(rho), axis=None)[:6:2]  # the 3 strongest pairs (each twice)
    pairs = [(amounts[i // len(amounts)], amounts[i % len(amounts)]) for i in strong]
    # and a count and a category with an amount: columns with ties
    pairs += [("count_1", "amount_3"), ("grade_0", "amount_3")]
    for a, b in pairs:
        want, got = _ranks(real, a, b), _ranks(sample, a, b)
        assert abs(got - want) < 0.1, (a, b, want, got)


@pytest.mark.parametrize("synthesizer", ["spec", pytest.param("auto", marks=pytest.mark.slow)])
def test_a_55_column_upload_fits_and_samples_through_the_api(
    alice_client: Any, synthesizer: str
) -> None:
    from tests.synthesis.conftest import fit_now, generate_now, upload

    real = wide_frame(55, 600, seed=3, kinds=(1, 3))  # 54 numeric columns, as in the report
    dataset = upload(alice_client, real)
    options = {"candidates": ["spec"]} if synthesizer == "auto" else {}
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=1, options=options)
    _job, rows = generate_now(alice_client, fit["model_id"], rows=500, seed=2)
    assert list(rows.columns) == list(real.columns) and len(rows) == 500
