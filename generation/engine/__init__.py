"""Syn-Data's generation engine: spec in, rows out. Framework-free (never imports Django).

Typical use::

    spec = parse_spec(doc)
    plans = plan_tables(spec, rows=5000, seed=7)   # parents before children
    for block in plans["people"].blocks():
        arrow_table = generate_block(spec, "people", block, seed=7)

See docs/spec-language.md for the language.
"""

from __future__ import annotations

from generation.engine.blocks import BLOCK_SIZE, BlockPlan, TablePlan, block_rng
from generation.engine.compile import compile_spec, spec_notes
from generation.engine.distributions import Marginal
from generation.engine.errors import EngineError, Issue, SpecError
from generation.engine.parse import parse_spec, parse_spec_once, spec_document
from generation.engine.reference import ColumnReference, marginal_for, reference_for
from generation.engine.relations import plan_all
from generation.engine.spec import MAX_MATRIX_FIELDS, Spec, TableSpec, json_schema
from generation.engine.table import generate_block, output_schema, parent_columns
from generation.engine.writers import ALL_FORMATS, FORMATS, extension_for, open_writer

__all__ = [
    "ALL_FORMATS",
    "BLOCK_SIZE",
    "ENGINE_VERSION",
    "FORMATS",
    "MAX_MATRIX_FIELDS",
    "MAX_ROWS",
    "BlockPlan",
    "ColumnReference",
    "EngineError",
    "Issue",
    "Marginal",
    "Spec",
    "SpecError",
    "TablePlan",
    "TableSpec",
    "block_rng",
    "compile_spec",
    "estimate_rows",
    "extension_for",
    "generate_block",
    "json_schema",
    "marginal_for",
    "open_writer",
    "output_schema",
    "parse_spec",
    "parse_spec_once",
    "spec_document",
    "plan_tables",
    "reference_for",
    "rows_check",
    "check_unique_capacity",
    "spec_notes",
]

# Bumped whenever the same (spec, rows, seed) would give different bytes.
ENGINE_VERSION = "0.4.0"


def plan_tables(
    spec: Spec, rows: int | None = None, block_size: int = BLOCK_SIZE, *, seed: int = 0
) -> dict[str, TablePlan]:
    """Row counts and blocks per table, parents before children.

    Args:
        spec: a validated spec.
        rows: overrides the row count of every root table (tables without a parent); child
            tables follow from their parents.
        block_size: rows per block of root tables (child blocks hold whole parent rows).
        seed: the job's seed; child row counts are random, so they depend on it.
    """
    rows_check(rows)
    if block_size < 1:
        raise ValueError("block_size must be >= 1")
    compiled = compile_spec(spec)
    plans = plan_all(compiled, spec, rows, block_size, seed, parent_columns)
    check_unique_capacity(spec, {name: p.rows for name, p in plans.items()})
    return {name: plans[name] for name in compiled.order}


MAX_ROWS = 1_000_000_000


def rows_check(rows: int | None) -> None:
    """The ``rows`` override of a job: 0..MAX_ROWS (SpecError at ``rows`` otherwise)."""
    if rows is not None and not 0 <= int(rows) <= MAX_ROWS:
        raise SpecError.at("rows", f"must be between 0 and {MAX_ROWS}")


def estimate_rows(spec: Spec, rows: int | None = None, *, seed: int = 0) -> dict[str, int]:
    """Expected rows per table, in time independent of the row counts (see
    relations.estimate_all): what limits are checked on before any plan is made."""
    from generation.engine.relations import estimate_all

    rows_check(rows)
    compiled = compile_spec(spec)
    counts = estimate_all(compiled, spec, rows, seed, parent_columns)
    return {name: counts[name] for name in compiled.order}


def check_unique_capacity(spec: Spec, counts: dict[str, int]) -> None:
    """SpecError naming every unique field whose values cannot fill its table's rows."""
    from generation.engine.fields.models import IntField, StringField
    from generation.engine.fields.patterns import pattern_combinations

    issues = []
    for tname, t in spec.tables.items():
        n = counts[tname]
        for fname, f in t.fields.items():
            if isinstance(f, IntField) and f.unique:
                span = int(f.max) - int(f.min) + 1  # type: ignore[arg-type]
                if span < n:
                    issues.append(
                        Issue(
                            f"tables.{tname}.fields.{fname}.max",
                            f"{span} unique values cannot fill {n} rows; widen min..max",
                        )
                    )
            patterned = isinstance(f, StringField) and f.unique and f.pattern is not None
            if patterned and pattern_combinations(f.pattern) < n:
                issues.append(
                    Issue(
                        f"tables.{tname}.fields.{fname}.pattern",
                        f"{pattern_combinations(f.pattern)} combinations cannot fill {n} unique rows; lengthen the pattern",
                    )
                )
    if issues:
        raise SpecError(issues)
