"""Parsing of datetimes and durations as written in specs (ISO 8601 text, "10s", "1d")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import numpy as np

__all__ = ["UNIT_SECONDS", "parse_datetime_seconds", "parse_duration", "parse_time_seconds"]

UNIT_SECONDS = {
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d|w)\s*$")
MIN_YEAR, MAX_YEAR = 1700, 2300


def parse_datetime_seconds(text: str | date | datetime) -> float:
    """Seconds since 1970-01-01 UTC of an ISO 8601 date or datetime (naive = UTC)."""
    if isinstance(text, datetime):
        value = text
    elif isinstance(text, date):
        value = datetime(text.year, text.month, text.day)
    else:
        try:
            value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"must be an ISO 8601 date or datetime, got {text!r}") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be between years {MIN_YEAR} and {MAX_YEAR}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def parse_time_seconds(text: str | time) -> float:
    """Seconds since midnight of "HH:MM[:SS]"; "24:00" is allowed as the end of a day."""
    if isinstance(text, time):
        return text.hour * 3600 + text.minute * 60 + text.second
    s = str(text).strip()
    if s in ("24:00", "24:00:00"):
        return 86400.0
    try:
        t = time.fromisoformat(s)
    except ValueError:
        raise ValueError(f"must be a time of day HH:MM[:SS], got {text!r}") from None
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def parse_duration(value: str | float | int) -> float:
    """Seconds of a duration: a number of seconds or text like "250ms", "10s", "5min", "1d"."""
    if isinstance(value, bool):
        raise ValueError("must be a duration like '10s', '5min', '1h', '1d' or seconds")
    if isinstance(value, int | float):
        if not np.isfinite(value) or value < 0:
            raise ValueError("must be a non-negative duration")
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"must be a duration like '10s', '5min', '1h', '1d', got {value!r}")
    return float(m.group(1)) * UNIT_SECONDS[m.group(2)]
