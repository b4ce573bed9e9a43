"""Direct identifiers: detect them in a real table, never learn them, replace them in output.

Kinds: ``email``, ``phone``, ``ssn``, ``person_name``, ``first_name``, ``last_name``,
``account_id`` and ``free_text_id`` (any other high-cardinality code). Synthetic values of the
same kind are drawn vectorised from pools (Faker's en_US locale data for names) or from the
character shape of the column, and any value whose salted hash matches a real value of the
column is drawn again, so no real value of an identifier column can reach the output.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

__all__ = [
    "IDENTIFIER_KINDS",
    "IdentifierGuard",
    "detect_identifier",
    "int_key_offset",
    "make_salt",
    "synth_identifiers",
    "value_hashes",
]

IDENTIFIER_KINDS = (
    "email",
    "phone",
    "ssn",
    "person_name",
    "first_name",
    "last_name",
    "account_id",
    "free_text_id",
)

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,22}(\s*(x|ext\.?)\s*\d{1,6})?$")
_SSN = re.compile(r"^\d{3}-\d{2}-\d{4}$")
_NAME_WORD = re.compile(r"^[A-Z][a-zA-Z'’-]+\.?$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{3,}$")
_NAME_HINT = re.compile(r"(^|_|\b)(name|fullname|full_name|patient|customer|person|owner)($|_|\b)")
_FIRST_HINT = re.compile(r"first|given|forename|fname")
_LAST_HINT = re.compile(r"last|surname|family|lname")
_PHONE_HINT = re.compile(r"phone|mobile|tel|fax|cell")
_ACCOUNT_HINT = re.compile(r"account|acct|iban|card|ssn|passport|licen[cs]e|member|mrn|policy")


def _share(values: pd.Series, pattern: re.Pattern[str]) -> float:
    if len(values) == 0:
        return 0.0
    return float(values.str.match(pattern).mean())


@cache
def _name_pools() -> tuple[np.ndarray, np.ndarray]:
    from faker.providers.person.en_US import Provider

    first = np.array(sorted(set(Provider.first_names)), dtype=object)
    last = np.array(sorted(set(Provider.last_names)), dtype=object)
    return first, last


def detect_identifier(name: str, column: pd.Series) -> str | None:
    """The identifier kind of a column, or None for an ordinary attribute.

    Args:
        name: the column's name (hints such as ``email`` or ``last_name``).
        column: its values as read from the file.

    Returns:
        One of :data:`IDENTIFIER_KINDS` or ``None``.
    """
    lowered = name.lower()
    non_null = column.dropna()
    if len(non_null) == 0:
        return None
    if pd.api.types.is_numeric_dtype(non_null) and not pd.api.types.is_bool_dtype(non_null):
        # Numbers are attributes, unless the name says account/card/phone and they are unique.
        unique = non_null.nunique() / len(non_null)
        if unique > 0.9 and _PHONE_HINT.search(lowered):
            return "phone"
        if unique > 0.9 and _ACCOUNT_HINT.search(lowered):
            return "account_id"
        return None
    text = non_null.astype(str).str.strip()
    sample = text.sample(min(len(text), 2000), random_state=0) if len(text) > 2000 else text
    distinct = text.nunique() / len(text)
    if _share(sample, _EMAIL) > 0.9:
        return "email"
    if _share(sample, _SSN) > 0.9:
        return "ssn"
    digits = sample.str.count(r"\d")
    if (
        _share(sample, _PHONE) > 0.9
        and float((digits >= 7).mean()) > 0.9
        and (_PHONE_HINT.search(lowered) or distinct > 0.5)
    ):
        return "phone"
    words = sample.str.split()
    n_words = words.str.len()
    capitalised = words.map(lambda ws: all(bool(_NAME_WORD.match(w)) for w in ws) if ws else False)
    first_pool, last_pool = _name_pools()
    first_set, last_set = set(first_pool), set(last_pool)
    if float(capitalised.mean()) > 0.9:
        single = float((n_words == 1).mean()) > 0.9
        multi = float(n_words.between(2, 4).mean()) > 0.9
        if single and _FIRST_HINT.search(lowered):
            return "first_name"
        if single and _LAST_HINT.search(lowered):
            return "last_name"
        if multi and (_NAME_HINT.search(lowered) or distinct > 0.3):
            known = words.map(lambda ws: ws[0] in first_set or ws[-1] in last_set)
            if _NAME_HINT.search(lowered) or float(known.mean()) > 0.5:
                return "person_name"
        if single and distinct > 0.05:
            in_first = float(sample.isin(first_set).mean())
            in_last = float(sample.isin(last_set).mean())
            if max(in_first, in_last) > 0.5:
                return "first_name" if in_first >= in_last else "last_name"
    if _ACCOUNT_HINT.search(lowered) and distinct > 0.5:
        return "account_id"
    if distinct > 0.95 and len(text) >= 20 and _share(sample, _CODE) > 0.9:
        return "free_text_id"
    return None


# --- guard: salted hashes of real values ---------------------------------------------------
def make_salt() -> str:
    """A fresh 16-character hash key (pandas' hashing wants exactly 16 bytes)."""
    import secrets

    return secrets.token_hex(8)


def value_hashes(values: pd.Series, salt: str) -> np.ndarray:
    """Sorted unique 64-bit salted hashes of the non-null values, as text."""
    text = values.dropna().astype(str).str.strip()
    if len(text) == 0:
        return np.zeros(0, dtype=np.uint64)
    hashed = pd.util.hash_pandas_object(text, index=False, hash_key=salt).to_numpy(np.uint64)
    return np.unique(hashed)


def _in_sorted(hashes: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if len(sorted_set) == 0 or len(hashes) == 0:
        return np.zeros(len(hashes), dtype=bool)
    pos = np.searchsorted(sorted_set, hashes)
    pos = np.minimum(pos, len(sorted_set) - 1)
    return sorted_set[pos] == hashes


@dataclass(frozen=True)
class IdentifierGuard:
    """What the output of one identifier column must look like and must never contain."""

    kind: str
    salt: str
    real_hashes: np.ndarray
    shape: str = ""  # a sample value's character shape, for codes: "AA-9999"
    null_rate: float = 0.0

    def collides(self, values: pd.Series, *, clean: bool = False) -> np.ndarray:
        """Which values equal a real value of the column (as stripped text).

        ``clean``: the values are already ``str`` without surrounding spaces (made here), so
        the per-value conversion is skipped; the hashes are the same either way.
        """
        text = values if clean else values.astype(str).str.strip()
        hashed = pd.util.hash_pandas_object(text, index=False, hash_key=self.salt).to_numpy(
            np.uint64
        )
        return _in_sorted(hashed, self.real_hashes)


def code_shape(values: pd.Series) -> str:
    """The most common character shape of a code column: letters -> A/a, digits -> 9."""
    text = values.dropna().astype(str).str.strip()
    if len(text) == 0:
        return "AAAA9999"
    shapes = (
        text.head(5000)
        .str.replace(r"[A-Z]", "A", regex=True)
        .str.replace(r"[a-z]", "a", regex=True)
        .str.replace(r"\d", "9", regex=True)
    )
    return str(shapes.mode().iloc[0])[:64]


def _from_shape(shape: str, n: int, rng: np.random.Generator) -> np.ndarray:
    upper = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    lower = np.array(list("abcdefghijkmnpqrstuvwxyz"))
    digits = np.array(list("0123456789"))
    cols = []
    for ch in shape:
        if ch == "A":
            cols.append(rng.choice(upper, n))
        elif ch == "a":
            cols.append(rng.choice(lower, n))
        elif ch == "9":
            cols.append(rng.choice(digits, n))
        else:
            cols.append(np.full(n, ch))
    if not cols:
        return np.full(n, "", dtype=object)
    out = cols[0].astype(object)
    for c in cols[1:]:
        out = out + c.astype(object)
    return out


def _draw(kind: str, shape: str, n: int, rng: np.random.Generator) -> np.ndarray:
    first, last = _name_pools()
    if kind == "first_name":
        return rng.choice(first, n)
    if kind == "last_name":
        return rng.choice(last, n)
    if kind == "person_name":
        return rng.choice(first, n) + " " + rng.choice(last, n)
    if kind == "email":
        # Reserved domains (RFC 2606) so a synthetic address never reaches a real inbox.
        user = (
            pd.Series(rng.choice(first, n)).str.lower()
            + "."
            + pd.Series(rng.choice(last, n)).str.lower()
            + pd.Series(rng.integers(1, 10_000, n)).astype(str)
        )
        domain = rng.choice(np.array(["example.com", "example.org", "example.net"]), n)
        return (user + "@" + domain).to_numpy(dtype=object)
    if kind == "phone":
        # 555-01xx is reserved for fiction in the North American numbering plan.
        area = rng.integers(201, 990, n).astype(str)
        line = pd.Series(rng.integers(100, 200, n)).astype(str).str.zfill(4).to_numpy()
        return (pd.Series(area).radd("(") + ") 555-" + pd.Series(line).str[-4:]).to_numpy(
            dtype=object
        )
    if kind == "ssn":
        # Area 900-999 is never issued.
        a = rng.integers(900, 1000, n).astype(str)
        b = pd.Series(rng.integers(1, 100, n)).astype(str).str.zfill(2)
        c = pd.Series(rng.integers(1, 10_000, n)).astype(str).str.zfill(4)
        return (pd.Series(a) + "-" + b + "-" + c).to_numpy(dtype=object)
    return _from_shape(shape or "AAAA9999", n, rng)


def synth_identifiers(guard: IdentifierGuard, n: int, rng: np.random.Generator) -> pd.Series:
    """``n`` synthetic values of the guard's kind, none equal to a real value of the column."""
    values = pd.Series(_draw(guard.kind, guard.shape, n, rng), dtype=object)
    for attempt in range(20):
        bad = guard.collides(values, clean=True)
        if not bad.any():
            break
        k = int(bad.sum())
        if attempt < 10:
            redraw = _draw(guard.kind, guard.shape, k, rng)
        else:  # the pool is exhausted by real values: fall back to coded values
            redraw = _from_shape("Aaaaaa-99999", k, rng)
        values[bad] = redraw
    else:
        values[guard.collides(values, clean=True)] = None
    if guard.null_rate > 0:
        values[rng.random(n) < guard.null_rate] = None
    return values


def int_key_offset(real: pd.Series) -> int:
    """What integer keys start after: the largest real key (0 when none is above 0), so that
    synthetic keys ``offset + 1, offset + 2, ...`` are never a real key's value."""
    numbers = pd.to_numeric(real, errors="coerce").dropna()
    top = float(numbers.max()) if len(numbers) else 0.0
    return max(0, math.floor(top)) if math.isfinite(top) else 0
