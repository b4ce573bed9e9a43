"""finance_transactions: what a bank's data or fraud team checks in seconds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generation.engine.fields.identifiers import aba_ok, iban_ok, luhn_ok
from templates_catalog.rules import (
    Rule,
    Tables,
    non_fictional_phones,
    non_reserved_emails,
    outside,
)

CURRENCY = {"US": "USD", "GB": "GBP", "FR": "EUR", "CA": "CAD", "MX": "MXN"}
IBAN_LENGTH = {"GB": 22, "FR": 27}
# Home metro -> (country, phone prefix, postcode prefix, lat, lon).
CITIES: dict[str, tuple[str, str, str, float, float]] = {
    "New York": ("US", "+1 212-", "100", 40.71, -74.01),
    "Los Angeles": ("US", "+1 213-", "900", 34.05, -118.24),
    "Chicago": ("US", "+1 312-", "606", 41.88, -87.63),
    "Houston": ("US", "+1 713-", "770", 29.76, -95.37),
    "Phoenix": ("US", "+1 602-", "850", 33.45, -112.07),
    "Philadelphia": ("US", "+1 215-", "191", 39.95, -75.17),
    "San Antonio": ("US", "+1 210-", "782", 29.42, -98.49),
    "San Diego": ("US", "+1 619-", "921", 32.72, -117.16),
    "Dallas": ("US", "+1 214-", "752", 32.78, -96.8),
    "Austin": ("US", "+1 512-", "787", 30.27, -97.74),
    "Seattle": ("US", "+1 206-", "981", 47.61, -122.33),
    "Miami": ("US", "+1 305-", "331", 25.76, -80.19),
    "Atlanta": ("US", "+1 404-", "303", 33.75, -84.39),
    "Boston": ("US", "+1 617-", "021", 42.36, -71.06),
    "Denver": ("US", "+1 303-", "802", 39.74, -104.99),
    "Detroit": ("US", "+1 313-", "482", 42.33, -83.05),
    "London": ("GB", "+44 20 ", "", 51.51, -0.13),
    "Paris": ("FR", "+33 1 ", "750", 48.86, 2.35),
}
# Paris arrondissements and London outward codes -> approximate centre (lat, lon) and the
# half-width (degrees) of the box around it that home coordinates keep to.
DISTRICTS: dict[str, tuple[float, float, float]] = {
    "75001": (48.8625, 2.3364, 0.004),
    "75002": (48.8683, 2.3428, 0.004),
    "75003": (48.863, 2.36, 0.004),
    "75004": (48.8543, 2.3576, 0.004),
    "75005": (48.8445, 2.3497, 0.008),
    "75006": (48.8491, 2.3327, 0.008),
    "75007": (48.8562, 2.3122, 0.008),
    "75008": (48.8727, 2.3125, 0.008),
    "75009": (48.877, 2.3375, 0.008),
    "75010": (48.8762, 2.3608, 0.008),
    "75011": (48.8591, 2.38, 0.008),
    "75012": (48.8396, 2.3876, 0.008),
    "75013": (48.8283, 2.3623, 0.008),
    "75014": (48.8292, 2.3266, 0.008),
    "75015": (48.8401, 2.293, 0.008),
    "75016": (48.8637, 2.2769, 0.008),
    "75017": (48.8873, 2.3067, 0.008),
    "75018": (48.8925, 2.3484, 0.008),
    "75019": (48.8871, 2.3848, 0.008),
    "75020": (48.8634, 2.4011, 0.008),
    "EC1A": (51.5186, -0.1, 0.004),
    "EC2V": (51.5152, -0.0935, 0.004),
    "WC1E": (51.522, -0.133, 0.004),
    "WC2N": (51.5087, -0.124, 0.004),
    "SW1A": (51.503, -0.138, 0.004),
    "W1D": (51.5135, -0.132, 0.004),
    "SW3": (51.49, -0.168, 0.008),
    "SW11": (51.465, -0.164, 0.008),
    "SE1": (51.499, -0.09, 0.008),
    "SE10": (51.482, 0.0, 0.008),
    "E1": (51.517, -0.059, 0.008),
    "E14": (51.505, -0.02, 0.008),
    "N1": (51.538, -0.099, 0.008),
    "NW1": (51.533, -0.143, 0.008),
    "NW3": (51.554, -0.175, 0.008),
    "W2": (51.515, -0.18, 0.008),
    "W11": (51.514, -0.205, 0.008),
}
TEST_BINS = ("411111", "401288", "555555", "222300", "378282", "371449", "601111", "601100")


def _identity(t: Tables, _: dict[str, Any]) -> int:
    c = t["customers"]
    ref = pd.DataFrame.from_dict(
        CITIES, orient="index", columns=["c_country", "phone_pre", "zip_pre", "lat0", "lon0"]
    )
    m = c.join(ref, on="home_city")
    bad = m["c_country"].ne(m["country"])
    bad |= ~np.array([p.startswith(q) for p, q in zip(m["phone"], m["phone_pre"], strict=True)])
    bad |= ~np.array([p.startswith(q) for p, q in zip(m["postcode"], m["zip_pre"], strict=True)])
    bad |= (m["country"] == "US") & ~m["postcode"].str.fullmatch(r"\d{5}")
    bad |= np.hypot(m["home_lat"] - m["lat0"], m["home_lon"] - m["lon0"]) > 1.0  # ~100 km
    # In London and Paris the coordinates lie in the postcode's district (its box).
    d = m["postcode"].map(DISTRICTS)
    intl = m["country"].isin(["GB", "FR"])
    box = pd.DataFrame(d[intl].tolist(), index=d[intl].index, columns=["dlat", "dlon", "hw"])
    tol = box["hw"] + 1e-5  # coordinates keep 5 decimals
    off = ((m.loc[intl, "home_lat"] - box["dlat"]).abs() > tol) | (
        (m.loc[intl, "home_lon"] - box["dlon"]).abs() > tol
    )
    bad |= intl & off.reindex(m.index, fill_value=False)
    bad |= m["currency"].ne(m["country"].map(CURRENCY))
    return int(bad.sum())


def _contacts(t: Tables, _: dict[str, Any]) -> int:
    c = t["customers"]
    return non_reserved_emails(c["email"]) + non_fictional_phones(c["phone"])


def _accounts(t: Tables, _: dict[str, Any]) -> int:
    a = t["accounts"].merge(
        t["customers"][["customer_id", "country", "currency"]],
        on="customer_id",
        suffixes=("", "_c"),
    )
    bad = a["country"].ne(a["country_c"]) | a["currency"].ne(a["currency_c"])
    iban_country = a["country"].isin(list(IBAN_LENGTH))
    ib = a["iban"].fillna("")
    ok_iban = np.array(
        [
            bool(s) and s[:2] == k and len(s) == IBAN_LENGTH.get(k, 0) and iban_ok(s)
            for s, k in zip(ib, a["country"], strict=True)
        ]
    )
    bad |= iban_country & ~ok_iban
    bad |= ~iban_country & a["iban"].notna()
    us = a["country"] == "US"
    ok_aba = a["routing_number"].fillna("").map(aba_ok)
    bad |= us & (~ok_aba | ~a["account_number"].fillna("").str.fullmatch(r"\d{10}"))
    bad |= ~us & (a["routing_number"].notna() | a["account_number"].notna())
    return int(bad.sum())


def _cards(t: Tables, _: dict[str, Any]) -> int:
    cards = t["cards"]
    num = cards["card_number"]
    bad = ~num.map(luhn_ok) | ~num.str[:6].isin(TEST_BINS) | num.duplicated()
    bad |= pd.to_datetime(cards["expires_on"]) <= pd.to_datetime(cards["issued_on"])
    return int(bad.sum())


def _valid_when_used(t: Tables, _: dict[str, Any]) -> int:
    tx = t["transactions"][["card_id", "ts"]].merge(
        t["cards"][["card_id", "issued_on", "expires_on"]], on="card_id"
    )
    early = tx["ts"] < pd.to_datetime(tx["issued_on"])
    # A card is valid through its expiry day.
    late = tx["ts"] >= pd.to_datetime(tx["expires_on"]) + pd.Timedelta(days=1)
    return int((early | late).sum())


def _currency(t: Tables, _: dict[str, Any]) -> int:
    tx = t["transactions"]
    home = t["cards"][["card_id", "account_id"]].merge(
        t["accounts"][["account_id", "country"]], on="account_id"
    )
    m = tx[["card_id", "currency", "merchant_country", "cross_border"]].merge(home, on="card_id")
    bad = m["currency"].ne(m["merchant_country"].map(CURRENCY))
    bad |= m["cross_border"].ne(m["merchant_country"].ne(m["country"]))
    return int(bad.sum())


def _atm(t: Tables, _: dict[str, Any]) -> int:
    tx = t["transactions"]
    atm = tx["category"] == "atm"
    amount = tx["amount"].astype(float)
    bad = atm & ((amount % 20 != 0) | tx["channel"].ne("atm") | tx["mcc"].ne("6011"))
    bad |= ~atm & tx["channel"].eq("atm")
    return int(bad.sum())


def _chargebacks(t: Tables, _: dict[str, Any]) -> int:
    tx, cb = t["transactions"], t["chargebacks"]
    m = cb.merge(
        tx[["transaction_id", "ts", "disputed", "amount"]],
        on="transaction_id",
        suffixes=("", "_tx"),
    )
    bad = int((~m["disputed"]).sum() + (m["filed_at"] <= m["ts"]).sum())
    bad += int((m["resolved_at"].notna() & (m["resolved_at"] <= m["filed_at"])).sum())
    bad += int((m["amount"].astype(float) != m["amount_tx"].astype(float)).sum())
    bad += int(cb["transaction_id"].duplicated().sum())
    disputed = set(tx.loc[tx["disputed"], "transaction_id"])
    return bad + len(disputed - set(cb["transaction_id"]))


def _fraud_labels(t: Tables, _: dict[str, Any]) -> int:
    tx = t["transactions"]
    return int((tx["is_fraud"] != tx["fraud_pattern"].notna()).sum())


def _fraud_rate(t: Tables, values: dict[str, Any]) -> int:
    tx = t["transactions"]
    if not len(tx) or values["fraud_rate"] == 0:
        return int(tx["is_fraud"].sum()) if len(tx) else 0
    return outside(float(tx["is_fraud"].mean()), values["fraud_rate"], 0.10)


RULES = {
    "identity_consistent": Rule(
        "A customer's country, home city, coordinates (within ~100 km of the metro), postcode "
        "(the metro's ZIP prefix, Paris arrondissement, London district), phone (the metro's "
        "area code) and currency agree; in London and Paris the coordinates lie within about "
        "1 km of the postcode district's centre.",
        _identity,
    ),
    "contacts_fictional": Rule(
        "E-mails are at RFC 2606 domains (example.com/.net/.org) and phones in ranges reserved "
        "for fiction: NANP 555-0100..0199, Ofcom's London drama range 020 7946 0xxx, Arcep's "
        "01 99 00 xx xx (sources: docs/templates/README.md).",
        _contacts,
    ),
    "accounts_by_country": Rule(
        "Accounts are in the customer's country and currency: GB and FR accounts have an IBAN "
        "with that country code, length (22, 27), valid check digits (and a valid RIB key in "
        "FR); US accounts an ABA routing number with a valid checksum and a 10-digit account "
        "number, and no IBAN.",
        _accounts,
    ),
    "cards_valid": Rule(
        "Card numbers are unique, pass the Luhn check, lie in the networks' test BINs and "
        "expire after they are issued.",
        _cards,
    ),
    "cards_valid_when_used": Rule(
        "No transaction comes before its card was issued or after the day it expires.",
        _valid_when_used,
    ),
    "currency_and_cross_border": Rule(
        "A transaction's currency is its merchant's country's (USD, CAD, GBP, EUR, MXN); "
        "`cross_border` is true exactly when the merchant's country is not the cardholder's.",
        _currency,
    ),
    "atm_cash": Rule(
        "ATM withdrawals are multiples of 20 on the ATM channel with MCC 6011; nothing else "
        "uses the ATM channel.",
        _atm,
    ),
    "chargebacks_only_disputed": Rule(
        "Every disputed transaction has exactly one chargeback and every chargeback a disputed "
        "transaction, for its amount, filed after the purchase and resolved after filing.",
        _chargebacks,
    ),
    "fraud_labelled": Rule(
        "A fraud pattern is set exactly on fraudulent transactions.", _fraud_labels
    ),
    "fraud_rate_as_knob": Rule(
        "The fraud share is within ±10% (relative) of `fraud_rate` (statistical: counts 1 when "
        "outside; needs about 100,000 transactions).",
        _fraud_rate,
    ),
}
