"""Diversity: uniqueness of rows, distinct ratios per column."""

from __future__ import annotations

from typing import Any

import pandas as pd


def diversity_report(frame: pd.DataFrame) -> dict[str, Any]:
    """Uniqueness rate (share of rows that occur once) and distinct ratio per column.

    Args:
        frame: the synthetic rows.

    Returns:
        ``{"rows", "uniqueness_rate", "distinct_ratio": {column: ratio}}``.
    """
    n = len(frame)
    if n == 0:
        return {"rows": 0, "uniqueness_rate": 0.0, "distinct_ratio": {}}
    duplicated = frame.duplicated(keep=False)
    return {
        "rows": n,
        "uniqueness_rate": float(1.0 - duplicated.mean()),
        "distinct_ratio": {str(c): float(frame[c].nunique(dropna=True) / n) for c in frame.columns},
    }
