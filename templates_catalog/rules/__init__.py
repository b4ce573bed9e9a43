"""Domain rules per template, defined once: the tests and bench/templates.py both run them.

Each template's module has ``RULES``: rule name -> ``Rule`` (a sentence for its docs page and
a function of the generated tables and knob values that returns how many rows break it; 0 is
the goal). Statistical rules (a rate as a knob says) count 1 when outside their tolerance.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Rule:
    text: str
    check: Callable[[Tables, dict[str, Any]], int]


def rules_for(template: str) -> dict[str, Rule]:
    return importlib.import_module(f"templates_catalog.rules.{template}").RULES


def violations(template: str, tables: Tables, params: dict[str, Any]) -> dict[str, int]:
    """Rows breaking each rule of a template (knob values at their defaults unless given)."""
    from templates_catalog.registry import knob_values

    values = knob_values(template, params)
    return {name: int(rule.check(tables, values)) for name, rule in rules_for(template).items()}


# --- contact data: never a real person's -----------------------------------------------------
RESERVED_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# Ranges set aside for fiction (drama, documentation) by the numbering authorities, those the
# templates emit (sources, and the DE and AU ranges no template uses: docs/templates/README.md):
# NANPA 555-0100..0199 (US/CA), Ofcom's drama ranges 07700 900000-900999, 020 7946 0000-0999
# and 01632 960000-960999 (GB), Arcep's 01 99 00 xx xx (FR; decision 2018-0881, art. 2.5.12).
FICTIONAL_PHONES = re.compile(
    r"\+1 [2-9]\d\d-555-01\d\d"
    r"|\(\d{3}\) 555-01\d\d"
    r"|\+44 (?:7700 900\d{3}|20 7946 0\d{3}|1632 960\d{3})"
    r"|\+33 1 99 00 \d\d \d\d"
)


def non_reserved_emails(
    emails: pd.Series, domains: tuple[str, ...] = RESERVED_EMAIL_DOMAINS
) -> int:
    e = emails.dropna().astype(str)
    return int((~e.str.rsplit("@", n=1).str[-1].isin(domains)).sum())


def non_fictional_phones(phones: pd.Series) -> int:
    p = phones.dropna().astype(str)
    return int((~p.str.fullmatch(FICTIONAL_PHONES)).sum())


def outside(value: float, target: float, rel: float) -> int:
    """1 when a measured rate is outside ``target`` ± ``rel`` (relative), else 0."""
    return int(not np.isclose(value, target, rtol=rel, atol=0))
