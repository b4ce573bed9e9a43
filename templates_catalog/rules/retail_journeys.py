"""retail_journeys: what an e-commerce analyst or demand planner checks first."""

from __future__ import annotations

from typing import Any

import numpy as np

from templates_catalog.rules import Rule, Tables, non_fictional_phones, non_reserved_emails, outside

STEPS = {"view": 0, "add_to_cart": 1, "checkout": 2, "purchase": 3}
STATES = {
    "New York": ("NY", "+1 212-", "100"), "Los Angeles": ("CA", "+1 213-", "900"),
    "Chicago": ("IL", "+1 312-", "606"), "Houston": ("TX", "+1 713-", "770"),
    "Phoenix": ("AZ", "+1 602-", "850"), "Philadelphia": ("PA", "+1 215-", "191"),
    "San Antonio": ("TX", "+1 210-", "782"), "San Diego": ("CA", "+1 619-", "921"),
    "Dallas": ("TX", "+1 214-", "752"), "Austin": ("TX", "+1 512-", "787"),
    "Seattle": ("WA", "+1 206-", "981"), "Miami": ("FL", "+1 305-", "331"),
    "Atlanta": ("GA", "+1 404-", "303"), "Boston": ("MA", "+1 617-", "021"),
    "Denver": ("CO", "+1 303-", "802"), "Detroit": ("MI", "+1 313-", "482"),
}  # fmt: skip


def _identity(t: Tables, _: dict[str, Any]) -> int:
    c = t["customers"]
    ref = c["city"].map(STATES)
    ok = [
        r is not None and s == r[0] and p.startswith(r[1]) and z.startswith(r[2]) and len(z) == 5
        for r, s, p, z in zip(ref, c["state"], c["phone"], c["postcode"], strict=True)
    ]
    bad = int((~np.array(ok, dtype=bool)).sum())
    return bad + non_reserved_emails(c["email"]) + non_fictional_phones(c["phone"])


def _funnel(t: Tables, _: dict[str, Any]) -> int:
    e = t["events"]
    rank = e["event_type"].map(STEPS)
    step = rank.groupby(e["session_id"]).diff()
    bad = int(((step < 0) | (step > 1)).sum())  # out of order or a step skipped
    bad += int((rank.groupby(e["session_id"]).first() != 0).sum())
    bad += int((e.groupby("session_id")["ts"].diff().dt.total_seconds() < 0).sum())
    s = t["sessions"].set_index("session_id")
    first = e.groupby("session_id")["ts"].min()
    return bad + int((first < s.loc[first.index, "started_at"]).sum())


def _orders(t: Tables, _: dict[str, Any]) -> int:
    o = t["orders"].merge(
        t["sessions"][["session_id", "customer_id", "started_at"]],
        on="session_id",
        suffixes=("", "_s"),
    )
    bad = int(
        (o["ordered_at"] < o["started_at"]).sum() + (o["customer_id"] != o["customer_id_s"]).sum()
    )
    buyers = set(t["events"].loc[t["events"]["event_type"] == "purchase", "session_id"])
    bad += len(buyers ^ set(t["orders"]["session_id"])) + int(
        t["orders"]["session_id"].duplicated().sum()
    )
    lines = t["order_lines"].merge(t["products"][["product_id", "price"]], on="product_id")
    total = (lines["quantity"] * lines["unit_price"].astype(float)).round(2)
    bad += int((~np.isclose(lines["line_total"].astype(float), total)).sum())
    bad += int((lines["unit_price"].astype(float) != lines["price"].astype(float)).sum())
    return bad + len(set(t["orders"]["order_id"]) - set(t["order_lines"]["order_id"]))


def _weekend(t: Tables, values: dict[str, Any]) -> int:
    d = t["daily_demand"]
    weekend = d["date"].dt.weekday >= 5
    ratio = d.loc[weekend, "units"].mean() / d.loc[~weekend, "units"].mean()
    return outside(float(ratio), values["weekend_ratio"], 0.08)


def _promotions(t: Tables, values: dict[str, Any]) -> int:
    d = t["daily_demand"]
    bad = int(
        (d["revenue"].astype(float) - d["units"] * d["price"].astype(float)).abs().gt(0.01).sum()
    )
    if values["promotion_intensity"] > 0 and d["on_promotion"].any():
        lift = d.loc[d["on_promotion"], "units"].mean() / d.loc[~d["on_promotion"], "units"].mean()
        bad += outside(float(lift), 1 + values["promotion_uplift"], 0.10)
    return bad


RULES = {
    "identity_and_contacts": Rule(
        "A customer's state, ZIP prefix and phone area code are those of their metro; e-mails "
        "are at RFC 2606 domains and phones in NANP's fictional 555-0100..0199.",
        _identity,
    ),
    "funnel_in_order": Rule(
        "Every session starts with a view; steps come in order (view → add to cart → checkout "
        "→ purchase) with none skipped, in time order, after the session starts.",
        _funnel,
    ),
    "orders_follow_sessions": Rule(
        "Each purchasing session has exactly one order, placed after the session starts by its "
        "customer; line totals equal quantity × unit price, the product's list price.",
        _orders,
    ),
    "weekend_ratio_as_knob": Rule(
        "Mean weekend over weekday demand is `weekend_ratio` ±8% (statistical: counts 1 when "
        "outside).",
        _weekend,
    ),
    "promotions_as_knob": Rule(
        "Daily revenue is units × price; demand on promotion days is `1 + promotion_uplift` "
        "times the rest ±10% (statistical).",
        _promotions,
    ),
}
