"""Memory beyond AR(1): a known AR(2) is learned as one (p by BIC), a known lag-1
cross-correlation between two columns of one entity comes back from the engine's series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.metrics.temporal import _cross, acf
from generation.synthesis.sequence_synth import learn_sequence_spec
from tests.synthesis.test_sequence_spec import _child_rows

PHI2 = (0.5, 0.3)


def _table(seed: int = 0, entities: int = 3, days: int = 5000) -> pd.DataFrame:
    """``ar2``: AR(2) 0.5, 0.3; ``wind``: AR(1) 0.6; ``gust``: AR(1) 0.5 whose innovation takes
    0.8 x yesterday's wind (a lag-1 cross-correlation of about 0.7)."""
    rng = np.random.default_rng(seed)
    parts = []
    for e in range(entities):
        ar2, wind, gust = np.zeros(days), np.zeros(days), np.zeros(days)
        for t in range(2, days):
            ar2[t] = PHI2[0] * ar2[t - 1] + PHI2[1] * ar2[t - 2] + rng.normal()
            wind[t] = 0.6 * wind[t - 1] + rng.normal()
            gust[t] = 0.5 * gust[t - 1] + 0.8 * wind[t - 1] + rng.normal()
        parts.append(
            pd.DataFrame(
                {
                    "site": f"S{e}",
                    "day": pd.date_range("2015-01-01", periods=days, freq="D"),
                    "ar2": 10 + ar2,
                    "wind": 20 + wind,
                    "gust": 30 + gust,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_a_known_ar2_and_a_lag1_cross_correlation_come_back_within_ten_percent() -> None:
    from generation.synthesis.tables import detect_metadata

    real = _table()
    meta = detect_metadata(real, table="obs", info={})
    spec, info = learn_sequence_spec(
        real, meta, table="obs", key="site", index="day", learned=["day", "ar2", "wind", "gust"]
    )
    fields = spec["tables"][info["child"]]["fields"]
    for case in fields["ar2"]["conditional"]["cases"].values():
        phi = case["signal"]["ar"]["phi"]
        assert isinstance(phi, list) and len(phi) == 2, phi
        assert all(abs(p - t) <= 0.1 * t for p, t in zip(phi, PHI2, strict=True)), phi
    for case in fields["wind"]["conditional"]["cases"].values():
        assert not isinstance(case["signal"]["ar"]["phi"], list)  # BIC keeps an AR(1)
    for case in fields["gust"]["conditional"]["cases"].values():
        assert case["signal"]["lead"]["field"] == "wind", case["signal"]
    syn = _child_rows(spec, info["child"], 3).rename(columns=info["names"])
    r_ent, s_ent = pd.factorize(real["site"])[0], pd.factorize(syn["site"])[0]
    for lag in (0, 1):
        r = _cross(real["gust"].to_numpy(), real["wind"].to_numpy(), r_ent, lag)
        s = _cross(syn["gust"].to_numpy(), syn["wind"].to_numpy(), s_ent, lag)
        assert abs(s - r) <= 0.1 * abs(r), (lag, r, s)
    for c in ("ar2", "gust"):
        r2, s2 = acf(real[c].to_numpy(), r_ent, 2), acf(syn[c].to_numpy(), s_ent, 2)
        assert all(abs(a - b) <= 0.1 * abs(a) for a, b in zip(r2, s2, strict=True)), (c, r2, s2)


def test_a_non_stationary_ar_or_a_lead_to_no_signal_is_a_spec_error_naming_its_path() -> None:
    import pytest

    from generation import engine
    from generation.engine.errors import SpecError

    def spec(a: dict) -> dict:
        return {
            "tables": {
                "dev": {"rows": 2, "fields": {"id": {"type": "id"}}},
                "obs": {
                    "parent": "dev",
                    "series": {
                        "length": 10,
                        "start": "2020-01-01",
                        "every": "1h",
                        "time_field": "t",
                    },
                    "fields": {
                        "dev_id": {"type": "foreign_key", "table": "dev"},
                        "t": {"type": "datetime"},
                        "b": {"type": "float"},
                        "a": {"type": "float", "signal": a},
                    },
                },
            }
        }

    with pytest.raises(SpecError, match=r"tables\.obs\.fields\.a\.signal\.ar\.phi.*not stationary"):
        engine.compile_spec(engine.parse_spec(spec({"ar": {"phi": [0.9, 0.5]}})))
    with pytest.raises(SpecError, match=r"tables\.obs\.fields\.a\.signal\.lead\.field"):
        engine.compile_spec(
            engine.parse_spec(spec({"ar": {"phi": 0.5}, "lead": {"field": "b", "coef": 1}}))
        )
