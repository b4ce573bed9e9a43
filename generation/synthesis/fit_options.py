"""The options each synthesizer takes, and their ranges: checked when a fit is submitted, so a
value out of range is a 400 naming it, never a fit that fails later or never ends."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from generation.synthesis import argn_fit
from syndata_site.errors import ApiError

__all__ = ["AUTO_OPTIONS", "SINGLE_TABLE", "check_options"]

AUTO_OPTIONS = {"candidates", "time_budget_s", "holdout", "epochs"}
#: Synthesizers that learn one table's rows as independent rows (``auto``'s candidates).
SINGLE_TABLE = ("spec", "argn", "gaussian_copula", "ctgan", "tvae", "copulagan")


def check_options(
    synthesizer: str, options: dict[str, Any], dataset_columns: dict[str, Any] | None = None
) -> None:
    """400 naming the first option that is not one of the synthesizer's, or out of range."""
    from generation.synthesis import sdv_backend

    if synthesizer == "spec":
        allowed: set[str] = set()
    elif synthesizer == "argn":
        argn_fit.check_options(options)
        return
    elif synthesizer == "auto":
        allowed = AUTO_OPTIONS
    else:
        allowed = sdv_backend.allowed_options(synthesizer)
    for key in options:
        if key not in allowed:
            raise ApiError(
                f"options.{key}: not an option of {synthesizer}"
                + (f" (allowed: {', '.join(sorted(allowed))})" if allowed else " (it has none)")
            )
    columns = dataset_columns or {}
    for key, value in options.items():
        problem = _OPTION_CHECKS[key](value, columns)
        if problem:
            raise ApiError(f"options.{key}: {problem}")
    if synthesizer in ("ctgan", "copulagan"):
        # CTGAN trains on batches of pac rows per discriminator input, in pairs: any other
        # size fails an assertion in the middle of the fit.
        batch, pac = options.get("batch_size", 500), options.get("pac", 10)
        if batch % 2 or batch % pac:
            raise ApiError(
                f"options.batch_size: {batch} must be even and a multiple of pac ({pac})"
            )


def _integer(lo: int, hi: int) -> Callable[[Any, Any], str | None]:
    def check(value: Any, columns: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
        return None if ok else f"must be an integer between {lo} and {hi}"

    return check


def _number(lo: float, hi: float, *, low_open: bool = False) -> Callable[[Any, Any], str | None]:
    def check(value: Any, columns: Any) -> str | None:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        ok = number and math.isfinite(value) and (lo < value if low_open else lo <= value)
        return (
            None
            if ok and value <= hi
            else f"must be a number in {'(' if low_open else '['}{lo:g}, {hi:g}]"
        )

    return check


def _layers(value: Any, columns: Any) -> str | None:
    ints = isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 4096 for v in value
    )
    return (
        None
        if ints and 1 <= len(value) <= 8
        else "must be a list of 1..8 layer sizes, each 1..4096"
    )


#: SDV's univariate distributions (GaussianCopulaSynthesizer._DISTRIBUTIONS).
DISTRIBUTIONS = ("norm", "beta", "truncnorm", "gamma", "uniform", "gaussian_kde")


def _distribution(value: Any, columns: Any) -> str | None:
    return None if value in DISTRIBUTIONS else f"must be one of {', '.join(DISTRIBUTIONS)}"


def _distributions(value: Any, columns: dict[str, Any]) -> str | None:
    if not isinstance(value, dict):
        return "must be an object {numerical column: distribution}"
    for column, name in value.items():
        if (columns.get(column) or {}).get("sdtype") != "numerical":
            return f"{column!r} is not a numerical column of the dataset"
        if name not in DISTRIBUTIONS:
            return f"{column}: must be one of {', '.join(DISTRIBUTIONS)}"
    return None


def _candidates(value: Any, columns: Any) -> str | None:
    ok = isinstance(value, list) and value and all(c in SINGLE_TABLE for c in value)
    return None if ok else f"must be a non-empty list of {', '.join(SINGLE_TABLE)}"


def _boolean(value: Any, columns: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _segment_size(value: Any, columns: Any) -> str | None:
    return None if value is None else _integer(1, 100_000)(value, columns)


#: The range of every option any synthesizer takes (sdv_backend.allowed_options and auto's),
#: checked at submit: a value out of range would fail the fit later, or never end.
_OPTION_CHECKS: dict[str, Callable[[Any, Any], str | None]] = {
    "epochs": _integer(1, 10_000),
    "batch_size": _integer(1, 10_000),
    "pac": _integer(1, 100),
    "embedding_dim": _integer(1, 4096),
    "generator_dim": _layers,
    "discriminator_dim": _layers,
    "compress_dims": _layers,
    "decompress_dims": _layers,
    "generator_lr": _number(0, 1, low_open=True),
    "discriminator_lr": _number(0, 1, low_open=True),
    "default_distribution": _distribution,
    "numerical_distributions": _distributions,
    "enforce_min_max_values": _boolean,
    "sample_size": _integer(1, 100),
    "segment_size": _segment_size,
    "time_budget_s": _number(1, 86_400),
    "candidates": _candidates,
    "holdout": _number(0.05, 0.5),
}
