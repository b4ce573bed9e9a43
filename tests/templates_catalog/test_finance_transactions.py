"""finance_transactions: what a fraud analyst or card-risk modeller would check first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from templates_catalog.rules import rules_for, violations
from tests.templates_catalog._helpers import generate

SMALL = {"customers": 500, "transactions_per_card": 40}


@pytest.fixture(scope="module")
def fin() -> dict[str, pd.DataFrame]:
    return generate("finance_transactions", SMALL, seed=31)


def _luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def test_cards_pass_luhn_and_belong_to_accounts_of_customers(fin: dict[str, pd.DataFrame]) -> None:
    cards = fin["cards"]
    assert cards["card_number"].map(_luhn_ok).all()
    assert cards["card_number"].is_unique
    assert (
        (cards.merge(fin["accounts"], on="account_id")["customer_id"])
        .isin(fin["customers"]["customer_id"])
        .all()
    )


@pytest.mark.parametrize("rate", [0.02, 0.1])
def test_the_fraud_rate_is_within_ten_percent_of_the_knob(rate: float) -> None:
    """Fraud comes in runs per compromised card, so the count varies more than a binomial:
    1500 customers (about 110,000 transactions) keep the sampling error near 3%."""
    tx = generate(
        "finance_transactions",
        {"customers": 1500, "fraud_rate": rate},
        seed=3,
        tables=["transactions"],
    )["transactions"]
    assert len(tx) > 100_000
    assert tx["is_fraud"].mean() == pytest.approx(rate, rel=0.10)
    assert tx.loc[~tx["is_fraud"], "fraud_pattern"].isna().all()
    assert tx.loc[tx["is_fraud"], "fraud_pattern"].notna().all()


def test_card_testing_comes_in_bursts_of_tiny_amounts(fin: dict[str, pd.DataFrame]) -> None:
    tx = fin["transactions"]
    testing = tx[tx["fraud_pattern"] == "card_testing"]
    per_card = testing.groupby("card_id")["ts"]
    assert per_card.size().mean() >= 2  # a run, not a single probe
    assert ((per_card.max() - per_card.min()) <= pd.Timedelta(hours=1)).all()
    assert testing["amount"].astype(float).median() < 3
    # Each compromised card carries one pattern.
    assert (tx[tx["is_fraud"]].groupby("card_id")["fraud_pattern"].nunique() == 1).all()


def test_amounts_depend_on_the_merchant_category(fin: dict[str, pd.DataFrame]) -> None:
    tx = fin["transactions"]
    legit = tx[~tx["is_fraud"]]
    amount = legit["amount"].astype(float)
    med = amount.groupby(legit["category"]).median()
    assert med["airlines"] > 10 * med["fast_food"]
    assert 30 <= med["grocery"] <= 70 and 5 <= med["fast_food"] <= 20
    assert amount.between(0.5, 50_000).all()
    atm = legit[legit["category"] == "atm"]
    assert (atm["channel"] == "atm").all() and (atm["mcc"] == "6011").all()
    assert (atm["amount"].astype(float) % 20 == 0).mean() > 0.9  # cash comes in notes of 20


def test_legitimate_spending_follows_the_clock(fin: dict[str, pd.DataFrame]) -> None:
    tx = fin["transactions"]
    legit = tx[~tx["is_fraud"]]
    hours = legit["ts"].dt.hour
    assert hours.between(2, 4).mean() < 0.03
    assert hours.between(11, 19).mean() > 0.5
    fraud_night = tx.loc[tx["is_fraud"], "ts"].dt.hour.isin([0, 1, 2, 3, 4]).mean()
    assert fraud_night > 3 * hours.isin([0, 1, 2, 3, 4]).mean()


def test_fraud_patterns_look_like_fraud(fin: dict[str, pd.DataFrame]) -> None:
    tx = fin["transactions"]
    amount = tx["amount"].astype(float)
    testing = tx["fraud_pattern"] == "card_testing"
    assert amount[testing].median() < 3
    assert tx.loc[testing, "channel"].isin(["online", "mobile"]).all()
    big = tx["fraud_pattern"].isin(["account_takeover", "card_not_present"])
    assert amount[big].median() > 2 * amount[~tx["is_fraud"]].median()
    far = tx["distance_from_home_km"] > 100
    assert far[tx["is_fraud"]].mean() > 5 * far[~tx["is_fraud"]].mean()
    assert (tx.loc[tx["is_fraud"], "status"] == "declined").mean() > 0.15


def test_chargebacks_follow_disputed_transactions(fin: dict[str, pd.DataFrame]) -> None:
    tx, cb = fin["transactions"], fin["chargebacks"]
    assert cb["transaction_id"].is_unique
    assert set(cb["transaction_id"]) == set(tx.loc[tx["disputed"], "transaction_id"])
    joined = cb.merge(tx, on="transaction_id", suffixes=("", "_tx"))
    assert (joined["filed_at"] > joined["ts"]).all()
    assert (joined["amount"] == joined["amount_tx"]).all()
    resolved = joined.dropna(subset=["resolved_at"])
    assert (resolved["resolved_at"] > resolved["filed_at"]).all()
    assert joined.loc[joined["outcome"] == "pending", "resolved_at"].isna().all()
    assert tx.loc[tx["is_fraud"], "disputed"].mean() == pytest.approx(0.65, abs=0.08)
    assert tx.loc[~tx["is_fraud"], "disputed"].mean() < 0.01
    assert joined.loc[joined["is_fraud"], "reason"].str.startswith("10.").all()
    assert not joined.loc[~joined["is_fraud"], "reason"].str.startswith("10.").any()


@pytest.mark.slow  # trains a classifier on two samples
def test_a_fraud_model_trained_on_one_sample_works_on_another() -> None:
    """Learnable but not trivial: ROC AUC between 0.70 and 0.98 on a sample with another seed."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    def features(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
        tx = generate("finance_transactions", SMALL, seed=seed)["transactions"]
        x = pd.DataFrame(
            {
                "log_amount": np.log(tx["amount"].astype(float)),
                "hour": tx["ts"].dt.hour,
                "weekday": tx["ts"].dt.weekday,
                "log_distance": np.log1p(tx["distance_from_home_km"]),
                "foreign_currency": (tx["currency"] != "USD").astype(int),
            }
        )
        for col in ("channel", "category"):
            x = x.join(pd.get_dummies(tx[col], prefix=col, dtype=int))
        return x, tx["is_fraud"].to_numpy()

    x_train, y_train = features(101)
    x_test, y_test = features(202)
    x_test = x_test.reindex(columns=x_train.columns, fill_value=0)
    model = HistGradientBoostingClassifier(max_iter=150, random_state=0).fit(x_train, y_train)
    auc = roc_auc_score(y_test, model.predict_proba(x_test)[:, 1])
    assert 0.70 <= auc <= 0.98, auc


@pytest.mark.parametrize(("inflation", "low", "high"), [(0.0, 0.93, 1.07), (0.5, 1.2, 1.5)])
def test_amounts_drift_with_inflation(inflation: float, low: float, high: float) -> None:
    """Median amount in the last quarter over the first: (1 + inflation) ** 0.75."""
    tx = generate(
        "finance_transactions", {**SMALL, "inflation": inflation, "fraud_rate": 0.0}, seed=4
    )["transactions"]
    quarter = tx["ts"].dt.quarter
    amount = tx["amount"].astype(float)
    ratio = amount[quarter == 4].median() / amount[quarter == 1].median()
    assert low <= ratio <= high, ratio


def test_holiday_peak_scenario_fills_november_and_december() -> None:
    def holiday_share(scenario: str) -> float:
        tx = generate("finance_transactions", {**SMALL, "scenario": scenario}, seed=8)[
            "transactions"
        ]
        return float(tx["ts"].dt.month.isin([11, 12]).mean())

    assert holiday_share("none") < 0.22
    assert holiday_share("holiday_peak") > 0.33


def test_fraud_wave_scenario_concentrates_fraud_late_without_changing_the_rate() -> None:
    tx = generate(
        "finance_transactions", {**SMALL, "scenario": "fraud_wave", "fraud_rate": 0.05}, seed=8
    )["transactions"]
    late = tx["ts"] >= pd.Timestamp("2024-11-12")  # the last 14% of the year
    assert tx.loc[tx["is_fraud"], "ts"].ge(pd.Timestamp("2024-11-12")).mean() > 0.5
    assert tx.loc[~late, "is_fraud"].mean() < 0.03
    assert tx["is_fraud"].mean() == pytest.approx(0.05, rel=0.10)


def test_merchants_agree_with_their_transactions(fin: dict[str, pd.DataFrame]) -> None:
    tx = fin["transactions"].merge(
        fin["merchants"], on="merchant_id", suffixes=("", "_merchant"), validate="many_to_one"
    )
    assert len(tx) == len(fin["transactions"])
    assert (tx["category"] == tx["category_merchant"]).all()
    assert (tx["mcc"] == tx["mcc_merchant"]).all()
    present = tx[tx["channel"].isin(["pos", "atm"])]
    gap_km = (
        np.hypot(present["lat"] - present["lat_merchant"], present["lon"] - present["lon_merchant"])
        * 111
    )
    assert (gap_km < 10).mean() > 0.99  # card-present spending happens at the merchant
    foreign = tx["country"] != "US"
    assert (tx.loc[foreign, "currency"] != "USD").all() and (
        tx.loc[~foreign, "currency"] == "USD"
    ).all()
    # Abroad = outside the cardholder's country (10% of customers live in London or Paris).
    assert tx["cross_border"].eq(tx["country"] != tx["card_id"].map(_home_country(fin))).all()
    assert (
        tx.loc[tx["is_fraud"], "cross_border"].mean()
        > 5 * tx.loc[~tx["is_fraud"], "cross_border"].mean()
    )


def _home_country(fin: dict[str, pd.DataFrame]) -> pd.Series:
    cards = fin["cards"].merge(fin["accounts"][["account_id", "country"]], on="account_id")
    return cards.set_index("card_id")["country"]


def test_cards_are_issued_before_they_are_used(fin: dict[str, pd.DataFrame]) -> None:
    cards = (
        fin["cards"]
        .merge(fin["accounts"], on="account_id")
        .merge(fin["customers"], on="customer_id")
    )
    assert (pd.to_datetime(cards["issued_on"]) >= pd.to_datetime(cards["opened_on"])).all()
    assert (pd.to_datetime(cards["opened_on"]) >= pd.to_datetime(cards["customer_since"])).all()
    first_use = fin["transactions"].groupby("card_id")["ts"].min()
    issued = pd.to_datetime(fin["cards"].set_index("card_id")["issued_on"])
    assert (first_use >= issued.loc[first_use.index]).all()


@pytest.mark.parametrize(
    "dates",
    [
        {},  # one year, the default
        {"start_date": "2019-03-01", "end_date": "2025-09-01"},  # longer than a card's 4 years
        {"start_date": "2024-06-01", "end_date": "2024-06-04"},  # fraud runs past end_date
    ],
)
def test_no_transaction_on_an_expired_card(dates: dict[str, str]) -> None:
    """Cards issued up to 20 years before the ledger (with the account) had expired for 27%
    of the transactions at the default knobs."""
    params = {"customers": 300, "transactions_per_card": 20, "fraud_rate": 0.05, **dates}
    t = generate("finance_transactions", params, seed=6)
    m = t["transactions"].merge(t["cards"], on="card_id")
    assert len(m) > 1000
    assert (m["ts"] >= pd.to_datetime(m["issued_on"])).all()
    assert (m["ts"].dt.normalize() <= pd.to_datetime(m["expires_on"])).all()
    assert violations("finance_transactions", t, params)["cards_valid_when_used"] == 0
    validity = (
        pd.to_datetime(t["cards"]["expires_on"]) - pd.to_datetime(t["cards"]["issued_on"])
    ).dt.days
    assert validity.min() >= 1461  # four years, longer only for a longer ledger


def test_a_paris_or_london_postcode_matches_the_home_coordinates() -> None:
    """The arrondissement or outward code was drawn apart from the coordinates: a 75016 (west)
    customer could live at the 20th's (east) coordinates."""
    params = {"customers": 600, "transactions_per_card": 1, "international_customers": 0.6}
    t = generate("finance_transactions", params, seed=8, tables=["customers"])
    c = t["customers"]
    paris = c[c["country"] == "FR"]
    west, east = paris[paris["postcode"] == "75016"], paris[paris["postcode"] == "75020"]
    assert len(west) >= 5 and len(east) >= 5
    assert west["home_lon"].max() < east["home_lon"].min()
    london = c[c["country"] == "GB"]
    assert london["postcode"].nunique() == 17
    identity = rules_for("finance_transactions")["identity_consistent"].check
    assert identity(t, params) == 0
    # The rule sees a postcode moved to another district of the same city.
    swapped = c.copy()
    swapped.loc[west.index, "postcode"] = "75020"
    assert identity({"customers": swapped}, params) == len(west)
