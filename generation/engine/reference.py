"""What a column should look like, by its spec: the reference the conformance metrics use.

``reference_for`` gives, for each field, the theoretical CDF (numbers, datetimes), the declared
weights (categories, bools), the declared null rate, and per-case references for conditional
fields. Fields whose distribution is not a fixed marginal (derived, drift, noise, signals ...)
get ``kind="unchecked"`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from generation.engine.distributions.marginal import Marginal
from generation.engine.fields.models import (
    BoolField,
    CategoryField,
    DateField,
    DatetimeField,
    DecimalField,
    FloatField,
    IdField,
    IntField,
    UuidField,
)
from generation.engine.timeutil import parse_datetime_seconds

__all__ = ["ColumnReference", "DatetimeMarginal", "marginal_for", "reference_for"]


def marginal_for(f: IntField | FloatField | DecimalField) -> Marginal:
    """The marginal a numeric field is sampled from (truncated to min/max, rounded for ints)."""
    integer = isinstance(f, IntField)
    return Marginal(f.default_dist(integer), f.min, f.max, integer=integer)


class DatetimeMarginal:
    """CDF of a datetime/date field over seconds since the epoch."""

    def __init__(self, f: Any) -> None:
        from generation.engine.fields.samplers import _calendar_seconds

        self.f = f
        self.date = isinstance(f, DateField)
        start, end = parse_datetime_seconds(f.start), parse_datetime_seconds(f.end)
        self.start, self.end = start, end
        if f.dist is not None and f.dist.kind in ("quantiles", "empirical"):
            m = Marginal(f.dist, start, end)
            self._ppf = m.ppf
        elif f.dist is not None:
            m = Marginal(f.dist)
            self._ppf = lambda u: start + np.clip(m.ppf(u), 0, 1) * (end - start)
        else:
            self._ppf = lambda u: _calendar_seconds(f, u, start, end)
        self._grid_u = np.linspace(0, 1, 4001)
        self._grid_x = np.maximum.accumulate(self._ppf(self._grid_u))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self.date:
            x = np.floor(x / 86400.0) * 86400.0 + 86400.0
        return np.interp(x, self._grid_x, self._grid_u)


@dataclass
class ColumnReference:
    kind: str  # numeric | datetime | categorical | key | unchecked
    nulls: float = 0.0
    marginal: Any = None
    weights: dict[str, float] | None = None
    reason: str = ""
    conditional_on: list[str] = field(default_factory=list)
    cases: dict[str, ColumnReference] = field(default_factory=dict)
    describe: dict[str, Any] = field(default_factory=dict)


def _plain(f: Any) -> str | None:
    """Why a field's marginal is not its declared distribution (None if it is)."""
    if f.expr is not None:
        return "derived (expr)"
    for key, why in (
        ("drift", "drift"),
        ("noise", "noise"),
        ("outliers", "outliers"),
        ("signal", "signal"),
        ("after", "offset from another field"),
    ):
        if getattr(f, key, None) is not None:
            return why
    return None


def _single(f: Any) -> ColumnReference:
    why = _plain(f)
    if why is not None:
        return ColumnReference("unchecked", f.nulls, reason=why)
    if isinstance(f, IntField) and f.unique:
        return ColumnReference("key", 0.0, reason="unique")
    if isinstance(f, IntField | FloatField | DecimalField):
        m = marginal_for(f)
        return ColumnReference(
            "numeric",
            f.nulls,
            marginal=m,
            describe=f.default_dist(isinstance(f, IntField)).model_dump(),
        )
    if isinstance(f, DatetimeField | DateField):
        return ColumnReference(
            "datetime",
            f.nulls,
            marginal=DatetimeMarginal(f),
            describe={"start": f.start, "end": f.end},
        )
    if isinstance(f, CategoryField):
        labels, w = f.weights()
        if f.drift is not None or (f.noise is not None and f.noise.flip):
            return ColumnReference("unchecked", f.nulls, reason="drift or label noise")
        return ColumnReference("categorical", f.nulls, weights=dict(zip(labels, w, strict=True)))
    if isinstance(f, BoolField):
        p = f.probability()
        return ColumnReference("categorical", f.nulls, weights={"true": p, "false": 1 - p})
    if isinstance(f, IdField | UuidField) or getattr(f, "unique", False):
        return ColumnReference("key", 0.0)
    return ColumnReference("unchecked", f.nulls, reason=f"{f.type} text")


def reference_for(spec: Any, table: str, name: str) -> ColumnReference:
    """The reference of one output column of ``table``."""
    from generation.engine.compile import compile_spec

    ct = compile_spec(spec).tables[table]
    f = ct.fields[name]
    ref = _single(f) if f.conditional is None else ColumnReference("conditional", f.nulls)
    if f.conditional is not None:
        ref.conditional_on = f.conditional.on_fields
        ref.cases = {k: _single(c) for k, c in ct.cases.get(name, {}).items()}
        ref.cases[""] = _single(f)
    return ref
