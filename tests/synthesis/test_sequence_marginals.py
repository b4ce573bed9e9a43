"""Sequences whose marginal is not a bell: a zero-heavy column, a column recorded only above a
threshold (nulls as its low end), isolated outliers. Learned, sampled by the engine, and
measured against the real series' lag-1 autocorrelation and shares."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generation.synthesis.sequence_synth import lag1, learn_sequence_spec
from tests.synthesis.test_sequence_spec import _child_rows


def _latent(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    x = np.zeros(n)
    e = rng.standard_normal(n) * np.sqrt(1 - phi * phi)
    x[0] = rng.standard_normal()
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x


def _table(seed: int = 0, entities: int = 3, hours: int = 3000) -> pd.DataFrame:
    """Hourly: ``gust`` recorded only when its AR(1) latent is in the top 25% (null otherwise);
    ``rain`` zero 90% of the time (the top 10% of another latent, exponential above it);
    ``speed`` an AR(1) with one isolated sentinel 999 per entity."""
    rng = np.random.default_rng(seed)
    parts = []
    for e in range(entities):
        g, r, s = (_latent(rng, hours, 0.9) for _ in range(3))
        cut_g, cut_r = np.quantile(g, 0.75), np.quantile(r, 0.9)
        speed = 10 + 3 * s
        speed[hours // 2] = 999.0
        parts.append(
            pd.DataFrame(
                {
                    "site": f"S{e}",
                    "time": pd.date_range("2020-01-01", periods=hours, freq="h"),
                    "gust": np.where(g > cut_g, 20 + 5 * (g - cut_g), np.nan),
                    "rain": np.where(r > cut_r, np.round(0.1 * (r - cut_r) ** 2, 3), 0.0),
                    "speed": speed,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _learn(frame: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    from generation.synthesis.tables import detect_metadata

    meta = detect_metadata(frame, table="obs", info={})
    learned = [c for c in frame.columns if c != "site"]
    return learn_sequence_spec(frame, meta, table="obs", key="site", index="time", learned=learned)


def test_nulls_at_one_end_zeros_and_outliers_keep_their_shares_and_memory() -> None:
    real = _table()
    spec, info = _learn(real)
    fields = spec["tables"][info["child"]]["fields"]
    cases = fields["gust"]["conditional"]["cases"].values()
    assert all(c["signal"]["censor"]["tail"] == "low" for c in cases), fields["gust"]
    assert all("dropouts" not in c["signal"] for c in cases)
    out = fields["speed"]["outliers"]
    assert out["value"] == 999.0 and abs(out["rate"] - 1 / 3000) < 1e-9, out
    syn = _child_rows(spec, info["child"], 3).rename(columns=info["names"])
    r_ent, s_ent = pd.factorize(real["site"])[0], pd.factorize(syn["site"])[0]
    # the nulls are the gust's low end: a quarter of the rows recorded, in runs
    assert abs(syn["gust"].notna().mean() - 0.25) < 0.04, syn["gust"].notna().mean()
    for c in ("gust", "rain"):
        real_lag1 = lag1(real[c].to_numpy(float), r_ent)
        syn_lag1 = lag1(syn[c].to_numpy(float), s_ent)
        assert abs(real_lag1 - syn_lag1) < 0.1, (c, real_lag1, syn_lag1)
    # a zero-heavy column keeps its zeros (an atom at min stays inside min..max)
    assert abs((syn["rain"] == 0).mean() - 0.9) < 0.03, (syn["rain"] == 0).mean()
    # the outlier is an isolated sentinel; the signal's quantiles learned the other rows
    assert (syn["speed"] == 999.0).sum() <= 10
    assert syn.loc[syn["speed"] != 999.0, "speed"].max() < 100
