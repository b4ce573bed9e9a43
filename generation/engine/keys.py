"""Keyed bijections on integers: unique values that are pure functions of the row index.

``permute(x, n, key)`` is a Feistel network with cycle walking: a bijection of [0, n) chosen
by ``key``. It gives unique ints, unique patterned strings and UUIDs that a foreign key can
recompute from a row index alone (no lookup table, no coordination between blocks).
"""

from __future__ import annotations

import numpy as np

__all__ = ["mix64", "permute", "uuid_strings"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 with good avalanche."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def _feistel(x: np.ndarray, half_bits: int, key: int) -> np.ndarray:
    mask = np.uint64((1 << half_bits) - 1)
    left = (x >> np.uint64(half_bits)) & mask
    right = x & mask
    for r in range(4):
        k = np.uint64((key * 0x9E3779B97F4A7C15 + r * 0xD6E8FEB86659FD93) & 0xFFFFFFFFFFFFFFFF)
        left, right = right, left ^ (mix64(right ^ k) & mask)
    return (left << np.uint64(half_bits)) | right


def permute(x: np.ndarray, n: int, key: int) -> np.ndarray:
    """A keyed bijection of [0, n) applied to ``x`` (values in [0, n))."""
    x = np.asarray(x, dtype=np.uint64)
    if n <= 1:
        return np.zeros_like(x)
    bits = max(2, (n - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    out = _feistel(x, half, key)
    bad = out >= np.uint64(n)
    for _ in range(10_000):
        if not bad.any():
            break
        out[bad] = _feistel(out[bad], half, key)
        bad = out >= np.uint64(n)
    return out


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# byte -> its two hex digits as one uint16 (in memory order, so a view gives the text).
_HEX_PAIRS = np.frombuffer(
    b"".join(f"{b:02x}".encode() for b in range(256)), dtype=np.uint16
).copy()


def uuid_strings(rows: np.ndarray, key: int) -> np.ndarray:
    """(n, 36) uint8 matrix of v4-formatted UUIDs: the first 48 bits are a keyed permutation
    of the row index (so values never repeat for < 2**48 rows), the rest a keyed hash."""
    rows = np.asarray(rows, dtype=np.uint64)
    n = len(rows)
    hi = permute(rows, 1 << 48, key)
    lo = mix64(rows ^ np.uint64((key * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF))
    raw = np.empty((n, 16), dtype=np.uint8)
    # Byte views instead of per-byte shifts: the 48 permuted bits big-endian first.
    raw[:, 0:6] = hi.astype(">u8").view(np.uint8).reshape(n, 8)[:, 2:8]
    raw[:, 6:14] = lo.astype("<u8").view(np.uint8).reshape(n, 8)
    raw[:, 14:16] = mix64(lo).astype("<u8").view(np.uint8).reshape(n, 8)[:, 0:2]
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return hex_uuid(raw)


def hex_uuid(raw: np.ndarray) -> np.ndarray:
    """(n, 16) bytes -> (n, 36) uint8 canonical text with dashes."""
    n = raw.shape[0]
    pairs = _HEX_PAIRS[raw].view(np.uint8).reshape(n, 32)  # two hex digits per byte
    out = np.empty((n, 36), dtype=np.uint8)
    out[:, [8, 13, 18, 23]] = ord("-")
    out[:, 0:8] = pairs[:, 0:8]
    out[:, 9:13] = pairs[:, 8:12]
    out[:, 14:18] = pairs[:, 12:16]
    out[:, 19:23] = pairs[:, 16:20]
    out[:, 24:36] = pairs[:, 20:32]
    return out
