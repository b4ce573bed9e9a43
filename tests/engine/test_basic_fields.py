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
