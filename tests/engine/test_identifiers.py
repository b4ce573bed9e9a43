"""Identifier-like text: valid check digits, consistent names and e-mails, patterns, pools."""

from __future__ import annotations

import pandas as pd
import pytest

from generation.engine.fields.identifiers import iban_ok, luhn_ok, pool
from tests.engine._util import one


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return one(
        {
            "sex": {"type": "category", "values": ["F", "M"]},
            "first": {"type": "first_name", "sex_field": "sex"},
            "name": {"type": "name"},
            "email": {"type": "email", "name_field": "name", "domains": {"corp.example": 1}},
            "phone": {"type": "phone"},
            "address": {"type": "address"},
            "company": {"type": "company"},
            "country": {"type": "country", "format": "alpha3"},
            "iban_de": {"type": "iban"},
            "iban_gb": {"type": "iban", "country": "GB"},
            "card": {"type": "card_number", "brand": "any"},
            "icd": {"type": "icd10"},
            "mrn": {"type": "string", "pattern": "MRN-#######"},
            "code": {"type": "string", "pattern": r"?%#-\#*^"},
        },
        rows=5000,
    )


def test_cards_pass_luhn_and_ibans_pass_mod_97(people: pd.DataFrame) -> None:
    assert people["card"].map(luhn_ok).all()
    assert people["card"].str.len().isin([15, 16]).all()
    assert people["iban_de"].map(iban_ok).all() and people["iban_de"].str.len().eq(22).all()
    assert (
        people["iban_gb"].map(iban_ok).all()
        and people["iban_gb"].str.fullmatch(r"GB\d\d[A-Z]{4}\d{14}").all()
    )


def test_names_follow_the_sex_field_and_emails_follow_names(people: pd.DataFrame) -> None:
    female = set(pool("first_names_female").values.to_pylist())
    male = set(pool("first_names_male").values.to_pylist())
    f = people[people["sex"] == "F"]["first"]
    m = people[people["sex"] == "M"]["first"]
    assert f.isin(female).all() and m.isin(male).all()
    local = people["email"].str.split("@").str[0].str.rstrip("0123456789")
    assert (local == people["name"].str.lower().str.replace(" ", ".")).all()
    assert people["email"].str.endswith("@corp.example").all()


def test_patterns_phones_addresses_and_codes(people: pd.DataFrame) -> None:
    assert people["mrn"].str.fullmatch(r"MRN-\d{7}").all()
    assert people["code"].str.fullmatch(r"[A-Z][1-9]\d-#[A-Z0-9][a-z]").all()
    assert people["phone"].str.fullmatch(r"\([1-9]\d\d\) [1-9]\d\d-\d{4}").all()
    assert people["address"].str.fullmatch(r"\d+ [A-Za-z ]+, [A-Za-z ]+, [A-Z]{2} \d{5}").all()
    assert people["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert people["icd"].isin(pool("icd10").values.to_pylist()).all()
    assert people["company"].str.len().gt(3).all()
    assert people["name"].nunique() > 2000  # varied, not a handful
