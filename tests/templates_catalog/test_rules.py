"""Every template's domain rules (templates_catalog/rules) hold with 0 violations, and no
template emits contact data outside reserved ranges by default."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from django.test import override_settings

from templates_catalog.rules import rules_for, violations
from tests.templates_catalog._helpers import generate

SIZES: dict[str, dict[str, Any]] = {
    "finance_transactions": {"customers": 1500},
    "healthcare_ehr": {"patients": 1500},
    "robotics_sensors": {"robots": 3, "duration_s": 60, "failure_rate": 30.0},
    "retail_journeys": {"customers": 800, "products": 40, "days": 120},
}


@pytest.mark.parametrize("name", list(SIZES))
def test_every_rule_holds_on_generated_data(name: str) -> None:
    tables = generate(name, SIZES[name], seed=3)
    got = violations(name, tables, SIZES[name])
    assert set(got) == set(rules_for(name))
    assert got == dict.fromkeys(got, 0)


def test_the_rules_catch_the_defects_they_name() -> None:
    """The checkers are not vacuous: a German IBAN on a US account, a gmail address, a real
    phone number and a chargeback without dispute are each counted."""
    params = {"customers": 200, "transactions_per_card": 5}
    t = generate("finance_transactions", params, seed=4)
    acc = t["accounts"].copy()
    us = acc.index[acc["country"] == "US"][0]
    acc.loc[us, "iban"] = "DE89370400440532013000"
    cust = t["customers"].copy()
    cust.loc[0, "email"] = "jane.doe@gmail.com"
    cust.loc[1, "phone"] = "+1 212-736-5000"
    tx = t["transactions"].copy()
    first_cb = t["chargebacks"]["transaction_id"].iloc[0]
    tx.loc[tx["transaction_id"] == first_cb, "disputed"] = False
    got = violations(
        "finance_transactions",
        {**t, "accounts": acc, "customers": cust, "transactions": tx},
        params,
    )
    assert got["accounts_by_country"] == 1
    assert got["contacts_fictional"] == 2
    assert got["chargebacks_only_disputed"] >= 1


def test_realistic_providers_are_opt_in_and_the_domain_list_is_a_setting() -> None:
    params = {"customers": 50, "transactions_per_card": 2}
    default = generate("finance_transactions", params, tables=["customers"])["customers"]
    assert default["email"].str.endswith(("@example.com", "@example.net", "@example.org")).all()
    real = generate(
        "finance_transactions", {**params, "email_providers": "realistic"}, tables=["customers"]
    )["customers"]
    assert not real["email"].str.contains("@example.").any()
    with override_settings(SYNDATA_EMAIL_DOMAINS=["mail.test"]):
        own = generate("retail_journeys", {"customers": 30, "products": 2, "days": 7})["customers"]
    assert own["email"].str.endswith("@mail.test").all()


def test_same_seed_same_identities() -> None:
    a = generate("finance_transactions", {"customers": 40}, seed=9, tables=["accounts"])
    b = generate("finance_transactions", {"customers": 40}, seed=9, tables=["accounts"])
    pd.testing.assert_frame_equal(a["accounts"], b["accounts"])
