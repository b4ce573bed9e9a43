"""The ``spec`` synthesizer keeps the integer and rounding structure of numeric columns:
integers, multiples of a step (0.5, 100, 0.02) and a fixed number of decimals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tests.synthesis.conftest import real_table
from tests.synthesis.test_wide_tables import round_trip


def _fields(spec: dict) -> dict:
    return next(iter(spec["tables"].values()))["fields"]


def _multiples(values: pd.Series, step: float) -> bool:
    k = np.rint(values.dropna().to_numpy(dtype=float) / step)
    return bool(np.allclose(values.dropna().to_numpy(dtype=float), k * step, rtol=0, atol=1e-9))


def test_steps_and_decimals_planted_in_the_data_come_back(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    n = 3000
    frame = pd.DataFrame(
        {
            "loan": (rng.lognormal(9, 0.6, n) / 100).round() * 100,  # whole hundreds
            "rating": (rng.gamma(4.0, 10.0, n) * 2).round() / 2,  # halves, 100+ levels
            "price": rng.gamma(3.0, 20.0, n).round(2),  # cents, no coarser step
            "items": rng.poisson(60, n),  # integers
            "score": (rng.normal(0, 1, n) * 50).round() * 0.02,  # fiftieths
            "noise": rng.normal(0, 1, n),
        }
    )
    spec, out = round_trip(frame, tmp_path, 5000)
    fields = _fields(spec)
    assert fields["loan"]["step"] == 100
    assert fields["rating"]["step"] == 0.5
    assert fields["score"]["step"] == 0.02
    assert "step" not in fields["price"] and fields["price"]["precision"] == 2
    assert "step" not in fields["noise"]
    for name, step in (("loan", 100), ("rating", 0.5), ("score", 0.02), ("price", 0.01)):
        assert _multiples(out[name], step), name
        real, made = frame[name], out[name]
        assert abs(made.mean() - real.mean()) < 0.05 * real.std(), name
        assert made.nunique() > 0.5 * real.nunique(), name  # the levels, not a few of them
    assert _multiples(out["items"], 1) and pd.api.types.is_integer_dtype(out["items"])
    assert not _multiples(out["noise"], 0.001)


def test_the_steps_of_a_shared_table_come_back(tmp_path: Path) -> None:
    # Weather in Fahrenheit converted from tenths of a Celsius degree: temperatures and dew
    # points are multiples of 0.02 with two decimals.
    frame = real_table("sensor_nyc_weather", rows=3000)
    spec, out = round_trip(frame, tmp_path, 3000)
    fields = _fields(spec)
    for name in ("temp", "dewp"):
        assert fields[name]["step"] == 0.02, name
        assert _multiples(out[name], 0.02), name
        assert not _multiples(out[name], 0.04), name
    assert _multiples(out["wind_dir"], 10)
