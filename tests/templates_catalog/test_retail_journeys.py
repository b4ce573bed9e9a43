"""retail_journeys: what an e-commerce analyst or demand planner would check first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.templates_catalog._helpers import generate

SMALL = {"customers": 800, "products": 40, "days": 120}
STEPS = ["view", "add_to_cart", "checkout", "purchase"]


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    return generate("retail_journeys", SMALL, seed=51)


def test_clickstreams_walk_the_funnel_in_order(shop: dict[str, pd.DataFrame]) -> None:
    events = shop["events"]
    assert set(events["event_type"]) == set(STEPS)
    rank = events["event_type"].map(STEPS.index)
    by_session = rank.groupby(events["session_id"])
    assert by_session.apply(lambda s: s.is_monotonic_increasing).all()
    assert (by_session.first() == 0).all()  # every session starts with a view
    # No step is skipped: a checkout always follows an add to cart, and so on.
    top = by_session.max()
    distinct = by_session.nunique()
    assert ((distinct == top + 1) | (top == 0)).all()
    ts = events.groupby("session_id")["ts"]
    assert ts.apply(lambda s: s.is_monotonic_increasing).all()
    sessions = shop["sessions"].set_index("session_id")
    first = ts.min()
    assert (first >= sessions.loc[first.index, "started_at"]).all()


def test_funnel_drop_off_is_realistic(shop: dict[str, pd.DataFrame]) -> None:
    events = shop["events"]
    reached = events.groupby("session_id")["event_type"].agg(set)
    n = len(shop["sessions"])
    cart = reached.map(lambda s: "add_to_cart" in s).sum() / n
    bought = reached.map(lambda s: "purchase" in s).sum() / n
    assert 0.06 <= cart <= 0.13  # add-to-cart rate
    assert 0.015 <= bought <= 0.05  # conversion rate
    assert bought < cart


def test_every_purchase_has_one_order_with_priced_lines(shop: dict[str, pd.DataFrame]) -> None:
    events, orders, lines = shop["events"], shop["orders"], shop["order_lines"]
    buyers = set(events.loc[events["event_type"] == "purchase", "session_id"])
    assert set(orders["session_id"]) == buyers and orders["session_id"].is_unique
    priced = lines.merge(shop["products"], on="product_id", suffixes=("", "_list"))
    assert (priced["unit_price"] == priced["price"]).all()
    expected = (lines["quantity"] * lines["unit_price"].astype(float)).round(2)
    assert np.allclose(lines["line_total"].astype(float), expected)
    assert (
        orders.set_index("session_id")["customer_id"]
        .eq(shop["sessions"].set_index("session_id").loc[orders["session_id"], "customer_id"])
        .all()
    )


def test_catalogue_prices_depend_on_the_category(shop: dict[str, pd.DataFrame]) -> None:
    products = generate("retail_journeys", {"products": 2000}, seed=52, tables=["products"])[
        "products"
    ]
    med = products["price"].astype(float).groupby(products["category"]).median()
    assert med["Electronics"] > 5 * med["Grocery"]
    assert products["sku"].is_unique


@pytest.mark.parametrize("ratio", [1.3, 0.8])
def test_weekend_weekday_demand_ratio_is_as_configured(ratio: float) -> None:
    demand = generate(
        "retail_journeys",
        {"products": 60, "days": 364, "weekend_ratio": ratio, "promotion_intensity": 0.0},
        seed=53,
        tables=["daily_demand"],
    )["daily_demand"]
    weekend = pd.to_datetime(demand["date"]).dt.weekday >= 5
    measured = demand.loc[weekend, "units"].mean() / demand.loc[~weekend, "units"].mean()
    assert measured == pytest.approx(ratio, rel=0.08)


def test_promotions_lift_demand_by_the_configured_uplift() -> None:
    frames = generate(
        "retail_journeys",
        {"products": 60, "days": 364, "promotion_intensity": 0.25, "promotion_uplift": 0.5},
        seed=54,
        tables=["products", "promotions", "daily_demand"],
    )
    demand = frames["daily_demand"]
    assert demand["on_promotion"].mean() == pytest.approx(0.25, abs=0.03)
    lift = (
        demand.loc[demand["on_promotion"], "units"].mean()
        / demand.loc[~demand["on_promotion"], "units"].mean()
    )
    assert lift == pytest.approx(1.5, rel=0.1)
    assert (demand.loc[demand["on_promotion"], "price"] < demand["price"].max()).all()
    # The promotions table says the same as the daily flags.
    promos = frames["promotions"]
    day = pd.to_datetime(demand["date"]).dt.normalize()
    for promo in promos.head(20).itertuples():
        window = (demand["product_id"] == promo.product_id) & day.between(
            pd.Timestamp(promo.start_date), pd.Timestamp(promo.end_date)
        )
        assert demand.loc[window, "on_promotion"].all()


@pytest.mark.parametrize(("strength", "low", "high"), [(0.0, 0.9, 1.1), (0.5, 2.0, 4.0)])
def test_yearly_seasonality_strength(strength: float, low: float, high: float) -> None:
    """December over June mean demand: 1 with no seasonality, about 2.8 at strength 0.5."""
    demand = generate(
        "retail_journeys",
        {"products": 40, "days": 365, "seasonality_strength": strength, "promotion_intensity": 0.0},
        seed=55,
        tables=["daily_demand"],
    )["daily_demand"]
    month = pd.to_datetime(demand["date"]).dt.month
    ratio = demand.loc[month == 12, "units"].mean() / demand.loc[month == 6, "units"].mean()
    assert low <= ratio <= high, ratio


def test_the_bought_product_is_the_one_put_in_the_cart(shop: dict[str, pd.DataFrame]) -> None:
    events = shop["events"]
    funnel = events[events["event_type"] != "view"]
    assert (funnel.groupby("session_id")["product_id"].nunique() == 1).all()
    bought = funnel[funnel["event_type"] == "purchase"].set_index("session_id")["product_id"]
    first_lines = (
        shop["order_lines"]
        .sort_values("order_line_id")
        .groupby("order_id")
        .first()
        .join(shop["orders"].set_index("order_id")["session_id"])
    )
    assert (
        first_lines["product_id"].to_numpy() == bought.loc[first_lines["session_id"]].to_numpy()
    ).all()
