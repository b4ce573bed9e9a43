"""Fixed-width text built as a byte matrix: patterns, UUIDs, IBANs, card numbers.

Every value of a column has the same width in bytes, so a block of n values is one
``(n, width)`` uint8 matrix turned into an Arrow string array without a Python loop per row.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa

from generation.engine.keys import permute

__all__ = [
    "CLASSES",
    "Slot",
    "compile_pattern",
    "fixed_width_strings",
    "pattern_combinations",
    "pattern_values",
]

DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
CLASSES: dict[str, np.ndarray] = {
    "#": DIGITS,
    "%": np.frombuffer(b"123456789", dtype=np.uint8),
    "?": np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8),
    "^": np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8),
    "*": np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8),
}

Slot = tuple[str, bytes]  # ("lit", bytes) or (class char, b"")


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> tuple[Slot, ...]:
    """Split a pattern into literal runs and character classes; raise ValueError if bad."""
    if not pattern:
        raise ValueError("pattern: must not be empty")
    slots: list[Slot] = []
    literal = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise ValueError("pattern: a trailing \\ escapes nothing")
            literal += pattern[i + 1]
            i += 2
            continue
        if ch in CLASSES:
            if literal:
                slots.append(("lit", literal.encode("utf-8")))
                literal = ""
            slots.append((ch, b""))
        else:
            literal += ch
        i += 1
    if literal:
        slots.append(("lit", literal.encode("utf-8")))
    return tuple(slots)


def pattern_combinations(pattern: str) -> int:
    total = 1
    for kind, _ in compile_pattern(pattern):
        if kind != "lit":
            total *= len(CLASSES[kind])
    return total


def fixed_width_strings(buf: np.ndarray) -> pa.StringArray:
    """An (n, width) uint8 matrix -> an Arrow string array of n values."""
    n, width = buf.shape
    data = pa.py_buffer(np.ascontiguousarray(buf).tobytes())
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    if offsets[-1] < 2**31:
        return pa.Array.from_buffers(
            pa.string(), n, [None, pa.py_buffer(offsets.astype(np.int32)), data]
        )
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), data]).cast(
        pa.string()
    )


def pattern_values(
    pattern: str,
    n: int,
    rng: np.random.Generator | None,
    *,
    rows: np.ndarray | None = None,
    key: int = 0,
) -> pa.StringArray:
    """Values of a pattern: random slots, or (``rows`` given) a keyed permutation of the row
    index spread over the slots, so that values never repeat and are a function of the row."""
    slots = compile_pattern(pattern)
    width = sum(len(lit) if kind == "lit" else 1 for kind, lit in slots)
    buf = np.empty((n, width), dtype=np.uint8)
    class_cols: list[tuple[int, np.ndarray]] = []
    pos = 0
    for kind, lit in slots:
        if kind == "lit":
            buf[:, pos : pos + len(lit)] = np.frombuffer(lit, dtype=np.uint8)
            pos += len(lit)
        else:
            class_cols.append((pos, CLASSES[kind]))
            pos += 1
    if rows is None:
        assert rng is not None
        for col, alphabet in class_cols:
            buf[:, col] = alphabet[rng.integers(0, len(alphabet), n)]
    else:
        total = 1
        for _, alphabet in class_cols:
            total *= len(alphabet)
        # Slots from the right carry the permuted index (mixed radix); slots beyond 2**62
        # combinations carry a keyed hash of the row (deterministic, not needed for uniqueness).
        from generation.engine.keys import mix64

        span = 1
        low_slots = []
        for col, alphabet in reversed(class_cols):
            if span * len(alphabet) > 2**62:
                break
            span *= len(alphabet)
            low_slots.append((col, alphabet))
        value = permute(rows.astype(np.uint64), span, key)
        for col, alphabet in low_slots:
            base = np.uint64(len(alphabet))
            buf[:, col] = alphabet[(value % base).astype(np.int64)]
            value = value // base
        high = [c for c in class_cols if c[0] not in {s[0] for s in low_slots}]
        h = mix64(rows.astype(np.uint64) ^ np.uint64(key ^ 0x5BD1E995))
        for col, alphabet in high:
            base = np.uint64(len(alphabet))
            buf[:, col] = alphabet[(h % base).astype(np.int64)]
            h = mix64(h)
    return fixed_width_strings(buf)
