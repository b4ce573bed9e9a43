"""The spec language's typed models and its published JSON Schema.

A spec is a JSON (or YAML) document: ``{"tables": {name: {"rows", "fields", ...}}}``. These
models check the shape of every node (discriminated unions by ``type`` and ``kind``);
:func:`generation.engine.parse.parse_spec` runs them, then :func:`compile_spec` checks what a
schema cannot.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from generation.engine._model import Model
from generation.engine.distributions.models import DISCRETE_KINDS, Dist, Poisson
from generation.engine.fields.models import (
    After,
    BoolField,
    CategoryField,
    DateField,
    DatetimeField,
    DecimalField,
    FieldSpec,
    FloatField,
    IdField,
    IntField,
    StringField,
    UuidField,
)
from generation.engine.timeutil import parse_datetime_seconds, parse_duration

__all__ = [
    "CategoryField",
    "FloatField",
    "IdField",
    "IntField",
    "Spec",
    "TableSpec",
    "json_schema",
]

MAX_SPEC_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_NESTING = 64
MAX_TABLES = 50
MAX_FIELDS = 500
MAX_ROWS = 1_000_000_000
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}\Z")  # \Z: "$" would let "name\n" in


class PerParent(Model):
    dist: Dist = Field(default_factory=lambda: Poisson(kind="poisson", lam=3.0))
    expr: str | None = Field(
        None, max_length=2000, description="Children as an int expression over parent.<field>."
    )
    min: int = Field(0, ge=0, le=1_000_000)
    max: int = Field(1_000_000, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _check(self) -> PerParent:
        if self.max < self.min:
            raise ValueError("max: must be >= min")
        if self.expr is not None and "dist" in self.model_fields_set:
            raise ValueError("expr: give dist or expr, not both")
        return self


class SeriesSpec(Model):
    length: int | PerParent = Field(..., description="Steps per parent row.")
    start: str = Field(..., description="Datetime text, or parent.<field>.")
    start_jitter: str | float | None = None
    every: str | float = Field(..., description="The sampling interval.")
    jitter: str | float | None = None
    time_field: str = "ts"

    @model_validator(mode="after")
    def _check(self) -> SeriesSpec:
        if isinstance(self.length, int) and not 0 <= self.length <= 1_000_000:
            raise ValueError("length: must be between 0 and 1000000")
        for key in ("every", "jitter", "start_jitter"):
            value = getattr(self, key)
            if value is not None:
                try:
                    parse_duration(value)
                except ValueError as exc:
                    raise ValueError(f"{key}: {exc}") from None
        if parse_duration(self.every) <= 0:
            raise ValueError("every: must be > 0")
        if self.jitter is not None and parse_duration(self.jitter) >= parse_duration(self.every):
            raise ValueError("jitter: must be shorter than every")
        if not self.start.startswith("parent."):
            try:
                parse_datetime_seconds(self.start)
            except ValueError as exc:
                raise ValueError(f"start: {exc}") from None
        if not NAME_RE.match(self.time_field):
            raise ValueError("time_field: must be a field name")
        return self


MAX_MATRIX_FIELDS = 50  # a matrix is calibrated pair by pair: O(k^2) work, O(k^3) to check
MAX_FACTORS = 100


class Correlation(Model):
    """Rank correlations (``rank``, ``matrix``: Spearman) or a factor structure of the
    copula's normal scores (``factors`` and ``uniqueness``: low rank plus diagonal, positive
    definite by construction, any number of fields; what the spec synthesizer learns)."""

    fields: list[str] = Field(..., min_length=2, max_length=MAX_FIELDS)
    rank: float | None = Field(None, ge=-1, le=1, description="Spearman rank correlation to reach.")
    matrix: list[list[float]] | None = None
    factors: list[list[float]] | None = Field(
        None,
        min_length=1,
        max_length=MAX_FACTORS,
        description="Loadings of each common factor on the fields (one list per factor).",
    )
    uniqueness: list[float] | None = Field(
        None, description="Per field: 1 - the sum of its squared loadings (its own variance)."
    )

    @model_validator(mode="after")
    def _check(self) -> Correlation:
        forms = sum(x is not None for x in (self.rank, self.matrix, self.factors))
        if forms != 1:
            raise ValueError(
                "rank: give rank (two fields), matrix (any number) or factors with uniqueness, "
                "exactly one of them"
            )
        if (self.factors is None) != (self.uniqueness is None):
            raise ValueError("uniqueness: factors and uniqueness go together")
        if self.rank is not None and len(self.fields) != 2:
            raise ValueError("fields: rank takes exactly two fields; use matrix for more")
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("fields: must not repeat a field")
        k = len(self.fields)
        if self.matrix is not None:
            if k > MAX_MATRIX_FIELDS:
                raise ValueError(
                    f"fields: a matrix takes at most {MAX_MATRIX_FIELDS} fields; "
                    "give factors and uniqueness for more"
                )
            if len(self.matrix) != k or any(len(r) != k for r in self.matrix):
                raise ValueError(f"matrix: must be {k} x {k}")
            for i in range(k):
                if abs(self.matrix[i][i] - 1) > 1e-9:
                    raise ValueError(f"matrix.{i}.{i}: the diagonal must be 1")
                for j in range(k):
                    if not -1 <= self.matrix[i][j] <= 1:
                        raise ValueError(f"matrix.{i}.{j}: must be between -1 and 1")
                    if abs(self.matrix[i][j] - self.matrix[j][i]) > 1e-9:
                        raise ValueError(f"matrix.{i}.{j}: the matrix must be symmetric")
        if self.factors is not None and self.uniqueness is not None:
            self._check_factors(k, self.factors, self.uniqueness)
        return self

    @staticmethod
    def _check_factors(k: int, factors: list[list[float]], uniqueness: list[float]) -> None:
        """O(k * factors): each field's loadings and uniqueness add up to a unit variance."""
        if len(factors) >= k:
            raise ValueError(f"factors: at most {k - 1} factors for {k} fields")
        for f, row in enumerate(factors):
            if len(row) != k:
                raise ValueError(f"factors.{f}: must have {k} loadings, one per field")
            for i, v in enumerate(row):
                if not -1 <= v <= 1:
                    raise ValueError(f"factors.{f}.{i}: must be between -1 and 1")
        if len(uniqueness) != k:
            raise ValueError(f"uniqueness: must have {k} entries, one per field")
        for i, u in enumerate(uniqueness):
            if not 0 <= u <= 1:
                raise ValueError(f"uniqueness.{i}: must be between 0 and 1")
            common = sum(row[i] * row[i] for row in factors)
            if abs(common + u - 1) > 1e-5:
                raise ValueError(
                    f"uniqueness.{i}: must be 1 - the sum of the field's squared loadings "
                    f"({1 - common:.6f}), so that its variance is 1"
                )

    def pairs(self) -> list[tuple[str, str, float]]:
        if self.rank is not None:
            return [(self.fields[0], self.fields[1], self.rank)]
        assert self.matrix is not None
        k = len(self.fields)
        return [
            (self.fields[i], self.fields[j], self.matrix[i][j])
            for i in range(k)
            for j in range(i + 1, k)
        ]


class Constraint(Model):
    check: str = Field(..., max_length=2000, description="<field> <op> <field or expression>.")
    fix: Literal["swap", "clip"] | None = None


class Duplicates(Model):
    rate: float = Field(..., ge=0, le=0.5)
    exclude: list[str] = Field(default_factory=list, max_length=MAX_FIELDS)


class TableSpec(Model):
    rows: int = Field(1000, ge=0, le=MAX_ROWS, description="Rows of a root table.")
    fields: dict[str, FieldSpec]
    correlations: list[Correlation] = Field(default_factory=list, max_length=500)
    repair_correlations: bool = False
    constraints: list[Constraint] = Field(default_factory=list, max_length=100)
    duplicates: Duplicates | None = None
    parent: str | None = None
    per_parent: int | PerParent | None = None
    series: SeriesSpec | None = None
    description: str | None = Field(None, max_length=5000)

    @model_validator(mode="after")
    def _check(self) -> TableSpec:
        if not self.fields:
            raise ValueError("fields: must declare at least one field")
        if len(self.fields) > MAX_FIELDS:
            raise ValueError(f"fields: at most {MAX_FIELDS} fields")
        for name in self.fields:
            if not NAME_RE.match(name):
                raise ValueError(
                    f"fields.{name}: a field name is 1-64 letters, digits or _, starting with a letter"
                )
        if self.parent is None:
            if self.per_parent is not None:
                raise ValueError("per_parent: only for child tables (give parent)")
            if self.series is not None:
                raise ValueError("series: a series table needs a parent (the entities)")
        else:
            if "rows" in self.model_fields_set:
                raise ValueError(
                    "rows: a child table's rows follow from its parent; use per_parent"
                )
            if self.series is not None and self.per_parent is not None:
                raise ValueError("per_parent: a series table takes its length from series.length")
        if isinstance(self.per_parent, int) and not 0 <= self.per_parent <= 1_000_000:
            raise ValueError("per_parent: must be between 0 and 1000000")
        for i, corr in enumerate(self.correlations):
            for name in corr.fields:
                field = self.fields.get(name)
                if field is None:
                    raise ValueError(f"correlations.{i}.fields: unknown field {name!r}")
                if not isinstance(
                    field,
                    IntField
                    | FloatField
                    | DecimalField
                    | DatetimeField
                    | DateField
                    | CategoryField
                    | BoolField,
                ):
                    raise ValueError(
                        f"correlations.{i}.fields: {name!r} is not numeric "
                        "(correlate int, float, decimal, money, datetime, date, bool or category)"
                    )
        return self

    @property
    def is_child(self) -> bool:
        return self.parent is not None

    def count_spec(self) -> PerParent:
        """How many children each parent row has."""
        value = self.series.length if self.series is not None else self.per_parent
        if value is None:
            return PerParent()
        if isinstance(value, int):
            from generation.engine.distributions.models import Constant

            return PerParent(dist=Constant(kind="constant", value=value), min=value, max=value)
        return value


class Spec(Model):
    tables: dict[str, TableSpec]
    description: str | None = Field(None, max_length=5000)
    version: int | None = Field(None, ge=1, le=1)

    @model_validator(mode="after")
    def _check(self) -> Spec:
        if not self.tables:
            raise ValueError("tables: must declare at least one table")
        if len(self.tables) > MAX_TABLES:
            raise ValueError(f"tables: at most {MAX_TABLES} tables")
        for name in self.tables:
            if not NAME_RE.match(name):
                raise ValueError(
                    f"tables.{name}: a table name is 1-64 letters, digits or _, starting with a letter"
                )
        return self


# --- errors ------------------------------------------------------------------------------------
def json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec language (draft 2020-12)."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Syn-Data spec"
    schema["description"] = "Syn-Data spec language; see docs/spec-language.md."
    return schema


# Re-exported for callers that type-check fields.
__all__ += [
    "After",
    "BoolField",
    "DecimalField",
    "DatetimeField",
    "DateField",
    "StringField",
    "UuidField",
    "DISCRETE_KINDS",
]
