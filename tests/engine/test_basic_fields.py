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


def test_a_step_makes_every_value_a_multiple_of_it() -> None:
    from tests.engine._util import one

    out = one(
        {
            "half": {"type": "float", "step": 0.5, "dist": {"kind": "normal", "mean": 10, "sd": 3}},
            "hundreds": {
                "type": "int",
                "step": 100,
                "min": 50,
                "max": 9950,
                "dist": {"kind": "uniform", "low": 0, "high": 10_000},
            },
            "knots": {"type": "float", "step": 1.15078, "dist": {"kind": "uniform", "high": 30}},
            "tenths": {"type": "float", "step": 0.1, "dist": {"kind": "uniform", "high": 1}},
            "derived": {"type": "float", "step": 0.25, "expr": "half / 3"},
        },
        rows=20_000,
    )
    half = out["half"].to_numpy()
    assert np.array_equal(half * 2, np.rint(half * 2)) and len(np.unique(half)) > 20
    assert abs(half.mean() - 10) < 0.1
    hundreds = out["hundreds"].to_numpy()
    assert set(np.unique(hundreds % 100)) == {0}
    assert hundreds.min() == 100 and hundreds.max() == 9900  # the multiples inside min/max
    knots = out["knots"].to_numpy()
    k = np.rint(knots / 1.15078)
    assert np.array_equal(knots, np.round(k * 1.15078, 5)) and len(np.unique(k)) == 27
    # exact decimals: 0.30000000000000004 would be a value with 17 digits in the CSV
    assert set(np.round(out["tenths"], 1)) == set(out["tenths"]) and len(set(out["tenths"])) == 11
    derived = out["derived"].to_numpy()
    assert np.array_equal(derived * 4, np.rint(derived * 4))


def test_a_step_is_checked_against_the_type_and_bounds() -> None:
    for field, message in (
        ({"type": "int", "step": 0.5}, "must be a whole number on an int field"),
        ({"type": "float", "step": 0}, "must be > 0"),
        ({"type": "float", "step": 10, "min": 1, "max": 9}, "no multiple of step lies between"),
    ):
        with pytest.raises(engine.SpecError) as info:
            engine.parse_spec({"tables": {"t": {"rows": 5, "fields": {"x": field}}}})
        (issue,) = info.value.issues
        assert issue.path == "tables.t.fields.x.step" and message in issue.message, issue
