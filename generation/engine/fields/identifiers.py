"""Identifier-like text from pools pinned in generation/engine/data, composed vectorised.

Pools load once per process. Values are drawn by index (``searchsorted`` over cumulative
weights) and composed with Arrow string kernels or fixed-width byte matrices: no Python loop
per row, and the same bytes on every machine whatever Faker version is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generation.engine.fields.patterns import fixed_width_strings, pattern_values

__all__ = ["Pool", "pool"]

DATA = Path(__file__).resolve().parent.parent / "data"


_BUCKETS = 1 << 16


@dataclass(frozen=True)
class Pool:
    values: pa.StringArray
    cum: np.ndarray  # cumulative weights, last = 1
    extra: tuple[pa.StringArray, ...] = ()

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Index of the value whose cumulative weight interval holds u (exact).

        A bucket table answers most draws with one lookup; only draws in the few buckets that
        hold a boundary between two values take the binary search.
        """
        lo, hi = self._table
        b = np.minimum((u * _BUCKETS).astype(np.int64), _BUCKETS - 1)
        idx = lo[b]
        unsure = np.flatnonzero(idx != hi[b])
        if len(unsure):
            idx[unsure] = np.searchsorted(self.cum, u[unsure], side="right")
        return np.minimum(idx, len(self.cum) - 1)

    @property
    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        cached = self.__dict__.get("_bucket_table")
        if cached is None:
            edges = np.arange(_BUCKETS + 1) / _BUCKETS
            at = np.searchsorted(self.cum, edges, side="right")
            # Draws in bucket k lie in [k/B, (k+1)/B): their index is between at[k] and the
            # index of the largest value below (k+1)/B.
            below = np.searchsorted(self.cum, np.nextafter(edges[1:], 0), side="right")
            cached = (at[:-1].astype(np.int64), below.astype(np.int64))
            object.__setattr__(self, "_bucket_table", cached)
        return cached

    def take(self, idx: np.ndarray, column: int = 0) -> pa.StringArray:
        arr = self.values if column == 0 else self.extra[column - 1]
        return arr.take(pa.array(idx))


@cache
def pool(name: str) -> Pool:
    rows = [
        line.split("\t")
        for line in (DATA / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        if line
    ]
    if name in ("countries", "icd10"):
        cols = list(zip(*rows, strict=True))
        w = np.ones(len(rows))
        return Pool(
            pa.array(cols[0], pa.string()),
            np.cumsum(w) / w.sum(),
            tuple(pa.array(c, pa.string()) for c in cols[1:]),
        )
    values = [r[0] for r in rows]
    w = np.array([float(r[1]) for r in rows])
    cum = np.cumsum(w) / w.sum()
    cum[-1] = 1.0
    return Pool(pa.array(values, pa.string()), cum)


@cache
def _first_names(sex: str) -> Pool:
    if sex == "female":
        return pool("first_names_female")
    if sex == "male":
        return pool("first_names_male")
    f, m = pool("first_names_female"), pool("first_names_male")
    values = pa.concat_arrays([f.values, m.values])
    w = np.concatenate([np.diff(f.cum, prepend=0.0), np.diff(m.cum, prepend=0.0)]) / 2
    cum = np.cumsum(w)
    cum[-1] = 1.0
    return Pool(values, cum)


_FEMALE = {"f", "female", "woman", "w", "girl"}
_MALE = {"m", "male", "man", "boy"}


def first_names(
    n: int, rng: np.random.Generator, sex: str = "any", sex_text: pa.Array | None = None
) -> pa.Array:
    u = rng.random(n)
    if sex_text is None:
        p = _first_names(sex)
        return p.take(p.sample(u))
    low = pc.utf8_lower(sex_text.fill_null(""))
    is_f = np.asarray(
        pc.is_in(low, value_set=pa.array(sorted(_FEMALE))).to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    is_m = np.asarray(
        pc.is_in(low, value_set=pa.array(sorted(_MALE))).to_numpy(zero_copy_only=False), dtype=bool
    )
    out = _first_names("any").take(_first_names("any").sample(u))
    for mask, which in ((is_f, "female"), (is_m, "male")):
        if mask.any():
            p = _first_names(which)
            picked = p.take(p.sample(u))
            out = pc.if_else(pa.array(mask), picked, out)
    return out


def last_names(n: int, rng: np.random.Generator) -> pa.Array:
    p = pool("last_names")
    return p.take(p.sample(rng.random(n)))


def full_names(
    n: int, rng: np.random.Generator, sex: str = "any", sex_text: pa.Array | None = None
) -> pa.Array:
    return full_names_parts(n, rng, sex, sex_text)[0]


def full_names_parts(
    n: int, rng: np.random.Generator, sex: str = "any", sex_text: pa.Array | None = None
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Full names and their first and last parts (e-mails reuse the parts)."""
    first, last = first_names(n, rng, sex, sex_text), last_names(n, rng)
    return pc.binary_join_element_wise(first, last, " "), first, last


@cache
def _small_numbers() -> pa.StringArray:
    """ "" then "1" .. "999": e-mail suffixes by one take instead of a cast per row."""
    return pa.array([""] + [str(i) for i in range(1, 1000)], pa.string())


def _digits_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values.astype(np.int64)), pa.string())


def emails(
    n: int,
    rng: np.random.Generator,
    *,
    name_text: pa.Array | None = None,
    domains: dict[str, float] | list[str] | str | None = None,
    rows: np.ndarray | None = None,
    parts: tuple[pa.Array, pa.Array] | None = None,
) -> pa.Array:
    if name_text is None and parts is None:
        _, first, last = full_names_parts(n, rng)
        parts = (first, last)
    if parts is not None:
        # Pool names are plain letters: "first.last" needs no clean-up.
        local = pc.binary_join_element_wise(pc.ascii_lower(parts[0]), pc.ascii_lower(parts[1]), ".")
    elif pc.any(
        pc.match_substring_regex(
            local := pc.utf8_lower(name_text.fill_null("user")), r"[^a-z0-9 ]|^ | $|  "
        )
    ).as_py():
        local = pc.replace_substring_regex(local, r"[^a-z0-9]+", ".")
        local = pc.utf8_trim(local, characters=".")
    else:
        local = pc.replace_substring(local, " ", ".")
    if rows is not None:
        suffix = _digits_text(rows)
    else:
        num = rng.integers(1, 1000, n)
        with_num = rng.random(n) < 0.5
        suffix = _small_numbers().take(pa.array(np.where(with_num, num, 0)))
    if domains is None or isinstance(domains, str):
        # "reserved" (the default) never reaches a mailbox; "providers" is opt-in realism.
        dp = pool("email_providers" if domains == "providers" else "email_domains")
        dom = dp.take(dp.sample(rng.random(n)))
    else:
        labels = list(domains) if isinstance(domains, dict) else list(domains)
        w = np.array(
            list(domains.values()) if isinstance(domains, dict) else [1.0] * len(labels),
            dtype=float,
        )
        cum = np.cumsum(w) / w.sum()
        idx = np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(labels) - 1)
        dom = pa.array(labels, pa.string()).take(pa.array(idx))
    return pc.binary_join_element_wise(local, suffix, "@", dom, "")


def street_addresses(n: int, rng: np.random.Generator) -> pa.Array:
    number = rng.integers(1, 10_000, n)
    p = pool("streets")
    return pc.binary_join_element_wise(_digits_text(number), p.take(p.sample(rng.random(n))), " ")


def cities(n: int, rng: np.random.Generator) -> pa.Array:
    p = pool("cities")
    return p.take(p.sample(rng.random(n)))


def states(n: int, rng: np.random.Generator) -> pa.Array:
    p = pool("states")
    return p.take(p.sample(rng.random(n)))


def postcodes(n: int, rng: np.random.Generator) -> pa.Array:
    return pattern_values("#####", n, rng)


def addresses(n: int, rng: np.random.Generator) -> pa.Array:
    street = street_addresses(n, rng)
    city = cities(n, rng)
    state = states(n, rng)
    post = postcodes(n, rng)
    return pc.binary_join_element_wise(
        street, pa.scalar(", "), city, pa.scalar(", "), state, pa.scalar(" "), post, ""
    )


def countries(n: int, rng: np.random.Generator, fmt: str = "alpha2") -> pa.Array:
    p = pool("countries")
    idx = p.sample(rng.random(n))
    return p.take(idx, {"alpha2": 0, "alpha3": 1, "name": 2}[fmt])


def companies(n: int, rng: np.random.Generator) -> pa.Array:
    a, b, c = last_names(n, rng), last_names(n, rng), last_names(n, rng)
    sp = pool("company_suffixes")
    suffix = sp.take(sp.sample(rng.random(n)))
    form = rng.integers(0, 3, n)
    one = pc.binary_join_element_wise(a, suffix, " ")
    two = pc.binary_join_element_wise(a, b, "-")
    three = pc.binary_join_element_wise(a, pa.scalar(", "), b, pa.scalar(" and "), c, "")
    return pc.if_else(pa.array(form == 0), one, pc.if_else(pa.array(form == 1), two, three))


def icd10(n: int, rng: np.random.Generator, fmt: str = "code") -> pa.Array:
    p = pool("icd10")
    return p.take(p.sample(rng.random(n)), 0 if fmt == "code" else 1)


# --- IBAN and card numbers: fixed-width byte matrices with vectorised check digits ---------
_IBAN_BBAN = {
    "DE": "##################",
    "GB": "????##############",
    "FR": "#######################",
    "ES": "####################",
    "IT": "?######################",
    "NL": "????##########",
    "BE": "############",
    "AT": "################",
    "CH": "#################",
}


def _rib_key(digits: np.ndarray) -> np.ndarray:
    """The French RIB key of bank (5) + branch (5) + account (11) digits, as 2 ASCII digits:
    97 - (89 * bank + 15 * branch + 3 * account) mod 97, so banks' own checks pass too."""
    d = digits.astype(np.int64) - ord("0")

    def mod97(cols: np.ndarray) -> np.ndarray:
        r = np.zeros(len(cols), dtype=np.int64)
        for c in cols.T:
            r = (r * 10 + c) % 97
        return r

    key = 97 - (89 * mod97(d[:, :5]) + 15 * mod97(d[:, 5:10]) + 3 * mod97(d[:, 10:])) % 97
    return np.stack([ord("0") + key // 10, ord("0") + key % 10], axis=1).astype(np.uint8)


def ibans(n: int, rng: np.random.Generator, country: str = "DE") -> pa.Array:
    width = len(_IBAN_BBAN[country])
    raw = pattern_values(_IBAN_BBAN[country], n, rng).buffers()[2]
    data = np.frombuffer(raw, dtype=np.uint8) if raw is not None and n else np.zeros(0, np.uint8)
    bban = data[: n * width].reshape(n, width)
    if country == "FR":
        bban = bban.copy()
        bban[:, 21:] = _rib_key(bban[:, :21])
    # mod 97 of BBAN + country letters + "00", letters as two digits (A = 10).
    r = np.zeros(n, dtype=np.int64)
    tail = np.array([ord(country[0]), ord(country[1]), ord("0"), ord("0")], dtype=np.uint8)
    for col in list(bban.T) + [np.full(n, t, dtype=np.uint8) for t in tail]:
        is_letter = col >= ord("A")
        val = np.where(
            is_letter, col.astype(np.int64) - ord("A") + 10, col.astype(np.int64) - ord("0")
        )
        r = np.where(is_letter, (r * 100 + val) % 97, (r * 10 + val) % 97)
    check = 98 - r
    out = np.empty((n, 4 + bban.shape[1]), dtype=np.uint8)
    out[:, 0] = ord(country[0])
    out[:, 1] = ord(country[1])
    out[:, 2] = ord("0") + check // 10
    out[:, 3] = ord("0") + check % 10
    out[:, 4:] = bban
    return fixed_width_strings(out)


_BRANDS = {
    "visa": (["4"], 16),
    "mastercard": (["51", "52", "53", "54", "55"], 16),
    "amex": (["34", "37"], 15),
    "discover": (["6011"], 16),
}
# BINs of the networks' published test numbers (4111 1111 1111 1111, 4012 8888 8888 1881,
# 5555 5555 5555 4444, 2223 0031 2200 3222, 3782 822463 10005, 3714 496353 98431,
# 6011 1111 1111 1117, 6011 0009 9013 9424): sandboxes accept them, no real card is used.
_TEST_BINS = {
    "visa": ["411111", "401288"],
    "mastercard": ["555555", "222300"],
    "amex": ["378282", "371449"],
    "discover": ["601111", "601100"],
}


def _luhn_cards(
    n: int,
    rng: np.random.Generator,
    brand: str,
    test: bool = True,
    rows: np.ndarray | None = None,
    key: int = 0,
) -> pa.Array:
    prefixes, length = _BRANDS[brand]
    if test:
        prefixes = _TEST_BINS[brand]
    choice = rng.integers(0, len(prefixes), n)
    if rows is None:
        digits = rng.integers(0, 10, (n, length), dtype=np.int64)
    else:
        # The digits after the BIN are a keyed permutation of the row: never repeated.
        free = length - 1 - len(prefixes[0])
        if len(rows) and int(rows.max()) >= 10**free:
            raise ValueError(f"card_number: {brand} has too few numbers ({10**free}) for unique")
        body = pattern_values("#" * free, n, None, rows=rows.astype(np.uint64), key=key)
        raw = body.buffers()[2]
        mat = np.frombuffer(raw, dtype=np.uint8)[: n * free] if raw is not None and n else []
        digits = np.zeros((n, length), dtype=np.int64)
        digits[:, length - 1 - free : length - 1] = np.reshape(mat, (n, free)).astype(np.int64) - 48
    for k, prefix in enumerate(prefixes):
        sel = choice == k
        for i, ch in enumerate(prefix):
            digits[sel, i] = int(ch)
    # Luhn: from the right, excluding the check digit, double every second digit.
    body = digits[:, : length - 1]
    weights = np.array([2 if (length - 2 - i) % 2 == 0 else 1 for i in range(length - 1)])
    doubled = body * weights
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    digits[:, length - 1] = (10 - doubled.sum(axis=1) % 10) % 10
    return fixed_width_strings((digits + ord("0")).astype(np.uint8))


def card_numbers(
    n: int,
    rng: np.random.Generator,
    brand: str = "visa",
    test: bool = True,
    rows: np.ndarray | None = None,
    key: int = 0,
) -> pa.Array:
    if brand != "any":
        return _luhn_cards(n, rng, brand, test, rows, key)
    which = rng.choice(4, n, p=[0.5, 0.3, 0.12, 0.08])
    names = ["visa", "mastercard", "amex", "discover"]
    parts = []
    order = []
    for k, b in enumerate(names):
        idx = np.flatnonzero(which == k)
        if len(idx):
            sub = None if rows is None else rows[idx]
            parts.append(_luhn_cards(len(idx), rng, b, test, sub, key))
            order.append(idx)
    if not parts:
        return pa.array([], pa.string())
    allidx = np.concatenate(order)
    inverse = np.empty(n, dtype=np.int64)
    inverse[allidx] = np.arange(n)
    return pa.concat_arrays(parts).take(pa.array(inverse))


def routing_numbers(n: int, rng: np.random.Generator) -> pa.Array:
    """ABA routing transit numbers: a Federal Reserve district prefix (01-12, or 21-32 for
    thrifts), six digits, and the check digit that makes 3-7-1 weighted digits sum to 0 mod 10."""
    d = rng.integers(0, 10, (n, 9), dtype=np.int64)
    district = rng.integers(1, 13, n) + np.where(rng.random(n) < 0.2, 20, 0)
    d[:, 0], d[:, 1] = district // 10, district % 10
    w = np.array([3, 7, 1, 3, 7, 1, 3, 7])
    d[:, 8] = (10 - (d[:, :8] * w).sum(axis=1) % 10) % 10
    return fixed_width_strings((d + ord("0")).astype(np.uint8))


def aba_ok(number: str) -> bool:
    """True when an ABA routing number's 3-7-1 checksum holds."""
    if len(number) != 9 or not number.isdigit():
        return False
    d = [int(c) for c in number]
    return sum(x * w for x, w in zip(d, [3, 7, 1] * 3, strict=True)) % 10 == 0


def luhn_ok(number: str) -> bool:
    """True when a card number passes the Luhn check (for tests and metrics)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """True when an IBAN's mod-97 check digits are right."""
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1
