"""The basic shape's fields honour their distributions, bounds, weights and null rates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from generation import engine
from tests.conftest import PEOPLE_SPEC


@pytest.fixture(scope="module")
def people() -> object:
    spec = engine.parse_spec(PEOPLE_SPEC)
    plan = engine.plan_tables(spec, rows=100_000)["people"]
    import pyarrow as pa

    return pa.concat_tables(
        [engine.generate_block(spec, "people", b, 42) for b in plan.blocks()]
    ).to_pandas()


def test_ids_are_a_unique_sequence(people) -> None:
    assert people["id"].tolist() == list(range(1, 100_001))


def test_int_normal_is_truncated_to_its_bounds(people) -> None:
    age = people["age"]
    assert age.min() >= 18 and age.max() <= 90
    # Integers in [18, 90] come from N(40, 12) truncated to [17.5, 90.5) and rounded.
    expected = stats.truncnorm((17.5 - 40) / 12, (90.5 - 40) / 12, loc=40, scale=12).mean()
    assert age.mean() == pytest.approx(expected, abs=0.15)


def test_lognormal_matches_its_cdf_and_null_rate(people) -> None:
    income = people["income"]
    assert abs(income.isna().mean() - 0.05) < 0.005
    ks = stats.kstest(income.dropna(), stats.lognorm(s=0.6, scale=np.exp(10.5)).cdf)
    assert ks.statistic < 0.01


def test_uniform_and_weights(people) -> None:
    assert stats.kstest(people["score"], stats.uniform(0, 100).cdf).statistic < 0.01
    shares = people["segment"].value_counts(normalize=True)
    assert shares["retail"] == pytest.approx(0.6, abs=0.01)
    assert shares["premium"] == pytest.approx(0.3, abs=0.01)
    assert shares["private"] == pytest.approx(0.1, abs=0.01)


def test_the_requested_rank_correlation_is_reached(people) -> None:
    pair = people[["age", "income"]].dropna()
    rho = stats.spearmanr(pair["age"], pair["income"]).statistic
    assert rho == pytest.approx(0.4, abs=0.03)


def test_float_precision_and_decimal_scale_keep_that_many_digits() -> None:
    import io

    import pyarrow as pa

    from tests.engine._util import make_arrow

    doc = {
        "tables": {
            "t": {
                "rows": 20_000,
                "fields": {
                    "f2": {
                        "type": "float",
                        "precision": 2,
                        "dist": {"kind": "normal", "mean": 0, "sd": 10},
                    },
                    "f0": {
                        "type": "float",
                        "precision": 0,
                        "dist": {"kind": "exponential", "rate": 0.1},
                    },
                    "d3": {
                        "type": "decimal",
                        "digits": 12,
                        "scale": 3,
                        "dist": {"kind": "lognormal", "mu": 3, "sigma": 1},
                    },
                    "m": {"type": "money", "min": 0, "max": 500},
                },
            }
        }
    }
    table = make_arrow(doc)["t"]
    assert table.schema.field("d3").type == pa.decimal128(12, 3)
    assert table.schema.field("m").type.scale == 2
    f2 = table.column("f2").to_numpy()
    assert np.array_equal(f2, np.round(f2, 2)) and not np.array_equal(f2, np.round(f2, 1))
    f0 = table.column("f0").to_numpy()
    assert np.array_equal(f0, np.rint(f0)) and len(np.unique(f0)) > 20
    d3 = [v.as_tuple().exponent for v in table.column("d3").to_pylist()]
    assert set(d3) == {-3}  # every value carries exactly 3 decimals
    # In the CSV the engine writes, no value has more digits than asked for.
    sink = io.BytesIO()
    writer = engine.open_writer("csv", sink, table.schema)
    writer.write(table)
    writer.close()
    rows = sink.getvalue().decode().splitlines()[1:]
    for name, digits in (("f2", 2), ("d3", 3), ("m", 2)):
        col = list(table.column_names).index(name)
        decimals = [len(r.split(",")[col].partition(".")[2]) for r in rows]
        assert max(decimals) == digits, name
