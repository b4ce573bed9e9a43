"""Make one block of one table: fields in dependency order, vectorised column by column."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generation.engine.blocks import BlockPlan, PlanContext, block_rng, stable_key
from generation.engine.columns import Col, arrow_with_nulls, merge_subsets, or_masks
from generation.engine.compile import CompiledSpec, CompiledTable, compile_spec
from generation.engine.correlation import copula_uniforms, factor_uniforms
from generation.engine.errors import SpecError
from generation.engine.expressions import ExprError
from generation.engine.fields.models import (
    BoolField,
    CategoryField,
    DateField,
    DatetimeField,
    DecimalField,
    FloatField,
    ForeignKeyField,
    IdField,
    IntField,
    TimeField,
    UuidField,
    default_key,
)
from generation.engine.fields.samplers import on_step, sample
from generation.engine.relations import child_structure, plan_all

__all__ = ["BlockState", "generate_block", "output_schema"]

_PARENT_CACHE: OrderedDict[tuple[Any, ...], tuple[Any, Any, dict[str, Col]]] = OrderedDict()


class BlockState:
    """Everything the samplers of one block share: rows, streams, made columns, parents."""

    def __init__(
        self,
        spec: Any,
        compiled: CompiledSpec,
        ct: CompiledTable,
        block: BlockPlan,
        seed: int,
        ctx: PlanContext,
    ) -> None:
        self.spec = spec
        self.compiled = compiled
        self.ct = ct
        self.block = block
        self.seed = seed
        self.ctx = ctx
        self.n = block.rows
        self.cols: dict[str, Col] = {}
        self.rows_global = np.arange(block.start, block.start + block.rows, dtype=np.int64)
        self.table_rows = ctx.plans[ct.name].rows
        self._parent_cols: dict[str, Col] = {}
        self.events: dict[str, np.ndarray] = {}
        self.latents: dict[str, np.ndarray] = {}  # signal field -> its standardised value
        self.fk_rows: dict[str, np.ndarray] = {}
        self.name_parts: dict[str, tuple[pa.Array, pa.Array]] = {}
        self._copula: np.ndarray | None = None
        self._factors: dict[str, tuple[int, int]] | None = None
        self._factor_draws: dict[int, np.ndarray] = {}
        if ct.parent is not None:
            self.entity_in_parent, self.index, self.count, self.parent_block = child_structure(
                spec, block, seed
            )
            self.entity = self.entity_in_parent - block.entity_lo
            self.n_entities = block.entity_hi - block.entity_lo
        else:
            self.index = np.zeros(self.n, dtype=np.int64)
            self.count = np.ones(self.n, dtype=np.int64)
            self.entity = np.arange(self.n)
            self.n_entities = self.n

    def ct_lookup_fields(self, table: str) -> set[str]:
        return {fld for _, t, fld in self.ct.lookups.values() if t == table}

    def rng(self, salt: str) -> np.random.Generator:
        return block_rng(self.seed, self.ct.name, self.block.index, salt=salt)

    def key(self, field: str, table: str | None = None) -> int:
        return stable_key(f"{self.seed}:{table or self.ct.name}:{field}")

    def rows_of(self, table: str) -> int:
        return self.ctx.plans[table].rows

    def col(self, name: str) -> Col:
        if name.startswith("parent."):
            return self.parent_col(name[7:])
        if name == "_row":
            return Col("num", self.rows_global.astype(float))
        if name == "_index":
            return Col("num", self.index.astype(float))
        if name == "_count":
            return Col("num", self.count.astype(float))
        return self.cols[name]

    def parent_col(self, name: str) -> Col:
        if name not in self._parent_cols:
            pcols = parent_columns(
                self.spec,
                self.compiled,
                self.ct.parent,
                self.parent_block,
                self.seed,
                self.ctx,
                frozenset(self.ct.parent_refs),
            )
            for k, c in pcols.items():
                self._parent_cols[k] = c.take(self.entity_in_parent)
        return self._parent_cols[name]

    def copula(self, name: str) -> np.ndarray | None:
        ct = self.ct
        if ct.factor_groups and name not in ct.copula_names:
            return self._factor_copula(name)
        if name not in ct.copula_names or ct.copula_factor is None:
            return None
        if self._copula is None:
            self._copula = copula_uniforms(ct.copula_factor, self.n, self.rng("__copula__"))
        return self._copula[:, ct.copula_names.index(name)]

    def _factor_copula(self, name: str) -> np.ndarray | None:
        """The uniform of a field in a factor entry (each entry draws from its own stream)."""
        if self._factors is None:
            self._factors = {
                f: (g, j)
                for g, (names, _, _) in enumerate(self.ct.factor_groups)
                for j, f in enumerate(names)
            }
        where = self._factors.get(name)
        if where is None:
            return None
        g, j = where
        if g not in self._factor_draws:
            _, loadings, own = self.ct.factor_groups[g]
            rng = self.rng(f"__copula_factors_{g}__")
            self._factor_draws[g] = factor_uniforms(loadings, own, self.n, rng)
        return self._factor_draws[g][:, j]


def parent_columns(
    spec: Any,
    compiled: CompiledSpec,
    parent: str,
    pblock: BlockPlan,
    seed: int,
    ctx: PlanContext,
    wanted: frozenset[str],
) -> dict[str, Col]:
    key = (id(spec), parent, pblock.index, seed, wanted, id(ctx))
    hit = _PARENT_CACHE.get(key)
    # The cache keeps the objects themselves: an id reused by a new spec never matches.
    if hit is not None and hit[0] is spec and hit[1] is ctx:
        _PARENT_CACHE.move_to_end(key)
        return hit[2]
    st = make_columns(spec, compiled, compiled.tables[parent], pblock, seed, ctx, set(wanted))
    out = {k: st.cols[k] for k in wanted}
    _PARENT_CACHE[key] = (spec, ctx, out)
    while len(_PARENT_CACHE) > 16:
        _PARENT_CACHE.popitem(last=False)
    return out


def _case_keys(st: BlockState, on: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Distinct case keys of the rows (values joined by '|'), codes per row, null rows."""
    parts = []
    nulls = np.zeros(st.n, dtype=bool)
    for name in on:
        c = st.col(name)
        nulls |= c.null_mask()
        if c.kind == "cat":
            labels = list(c.labels or [])
            parts.append((labels, c.values.astype(np.int64)))
        elif c.kind == "bool":
            parts.append((["false", "true"], c.values.astype(np.int64)))
        else:
            text = c.text().fill_null("")
            enc = (
                pc.dictionary_encode(text).combine_chunks()
                if isinstance(text, pa.ChunkedArray)
                else pc.dictionary_encode(text)
            )
            parts.append(
                (
                    enc.dictionary.to_pylist(),
                    np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64),
                )
            )
    if len(parts) == 1:
        labels, codes = parts[0]
        return labels, codes, nulls
    combo = np.zeros(st.n, dtype=np.int64)
    for labels, codes in parts:
        combo = combo * max(len(labels), 1) + codes
    uniq, inv = np.unique(combo, return_inverse=True)
    keys = []
    for value in uniq:
        pieces = []
        for labels, _ in reversed(parts):
            base = max(len(labels), 1)
            pieces.append(labels[int(value % base)] if labels else "")
            value //= base
        keys.append("|".join(reversed(pieces)))
    return keys, inv.astype(np.int64), nulls


def _apply_nulls(col: Col, rate: float, draws: np.ndarray, idx: np.ndarray | None) -> Col:
    if rate <= 0:
        return col
    d = draws if idx is None else draws[idx]
    return col.with_mask(d < rate)


def _empty_col(st: BlockState, f: Any) -> Col:
    """A column with no rows, of the kind the field's type makes (for empty blocks)."""
    typ = arrow_type(f, st.ct, st.compiled)
    if pa.types.is_integer(typ) or pa.types.is_time(typ):
        return Col("num", np.zeros(0, dtype=np.int64))
    if pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return Col("num", np.zeros(0))
    if pa.types.is_boolean(typ):
        return Col("bool", np.zeros(0, dtype=bool))
    if pa.types.is_timestamp(typ) or pa.types.is_date(typ):
        return Col("dt", np.zeros(0, dtype="datetime64[us]"))
    if isinstance(f, CategoryField):
        return Col("cat", np.zeros(0, dtype=np.int32), None, f.labels())
    return Col("str", pa.array([], pa.string()))


def _make_field(st: BlockState, name: str, f: Any) -> Col:
    ct = st.ct
    if st.n == 0:
        return _empty_col(st, f)
    path = f"tables.{ct.name}.fields.{name}"
    if f.expr == "_series_time":
        from generation.engine.series import series_times

        s = ct.spec.series
        pstart = None
        if s.start.startswith("parent."):
            pstart = st.col(s.start).values.astype("datetime64[us]").astype(np.int64)
        us = series_times(
            s, st.index, st.entity, pstart, st.rng(name), st.rng(f"{name}|entity"), st.n_entities
        )
        unit = {"s": 10**6, "ms": 10**3, "us": 1}[f.unit]
        return Col("dt", ((us // unit) * unit).view("datetime64[us]"))
    if name in ct.exprs:
        try:
            col = ct.exprs[name].evaluate(st.col, st.n)
            return cast_to_field(col, f)
        except ExprError as exc:
            raise SpecError.at(f"{path}.expr", str(exc)) from None
    rng = st.rng(name)
    u = st.copula(name)
    null_draws = st.rng(f"{name}|nulls").random(st.n) if _any_nulls(f, ct.cases.get(name)) else None
    cases = ct.cases.get(name)
    if not cases:
        col = sample(st, name, f, None, rng, u)
        return _apply_nulls(col, f.nulls, null_draws, None) if null_draws is not None else col
    keys, codes, nulls = _case_keys(st, f.conditional.on_fields)
    parts: list[tuple[np.ndarray, Col]] = []
    default_rows = np.ones(st.n, dtype=bool)
    for k, key in enumerate(keys):
        case = cases.get(key)
        if case is None:
            continue
        idx = np.flatnonzero((codes == k) & ~nulls)
        if len(idx) == 0:
            continue
        default_rows[idx] = False
        crng = st.rng(f"{name}|case|{key}")
        col = sample(st, name, case, idx, crng, None if u is None else u[idx])
        if null_draws is not None:
            col = _apply_nulls(col, case.nulls, null_draws, idx)
        parts.append((idx, col))
    didx = np.flatnonzero(default_rows)
    if len(didx):
        col = sample(st, name, f, didx, rng, None if u is None else u[didx])
        if null_draws is not None:
            col = _apply_nulls(col, f.nulls, null_draws, didx)
        parts.append((didx, col))
    return merge_subsets(st.n, parts)


def _any_nulls(f: Any, cases: dict[str, Any] | None) -> bool:
    return f.nulls > 0 or any(c.nulls > 0 for c in (cases or {}).values())


def cast_to_field(col: Col, f: Any) -> Col:
    """An expression's result as the field's type."""
    if isinstance(f, IntField | FloatField | DecimalField):
        if col.kind not in ("num", "bool"):
            raise ExprError(f"the result is not a number (field type {f.type})")
        x = col.values.astype(float)
        mask = col.mask
        if f.min is not None or f.max is not None:
            x = np.clip(x, -np.inf if f.min is None else f.min, np.inf if f.max is None else f.max)
        x = on_step(x, f)
        if isinstance(f, IntField):
            bad = np.abs(x) > 9.2e18
            if bad.any():
                mask = or_masks(mask, bad)
                x = np.where(bad, 0, x)
            return Col("num", np.rint(x).astype(np.int64), mask)
        if isinstance(f, FloatField) and f.precision is not None:
            x = np.round(x, f.precision)
        if isinstance(f, DecimalField):
            x = np.round(x, f.scale)
        return Col("num", x, mask)
    if isinstance(f, BoolField):
        if col.kind == "bool":
            return col
        if col.kind == "num":
            return Col("bool", col.values != 0, col.mask)
        raise ExprError("the result is not a condition (field type bool)")
    if isinstance(f, DatetimeField | DateField):
        if col.kind != "dt":
            raise ExprError(f"the result is not a datetime (field type {f.type})")
        v = col.values.astype("datetime64[us]")
        if isinstance(f, DateField):
            v = v.astype("datetime64[D]").astype("datetime64[us]")
        else:
            v = v.astype(f"datetime64[{f.unit}]").astype("datetime64[us]")
        return Col("dt", v, col.mask)
    if isinstance(f, TimeField):
        raise ExprError("time fields cannot be derived")
    if col.kind in ("cat", "str"):
        return col
    return Col("str", col.text(), col.mask)


def _apply_constraints(st: BlockState, done: set[str]) -> None:
    for c in st.ct.constraints:
        if c in st.applied or not c.fields <= done:
            continue
        st.applied.append(c)
        left = st.cols[c.left]
        right = c.right.evaluate(st.col, st.n)
        lv, rv = _comparable(left), _comparable(right)
        ok = {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv}[c.op]
        bad = ~ok & ~left.null_mask() & ~right.null_mask()
        if not bad.any():
            continue
        if c.fix == "swap":
            assert c.right_name is not None
            other = st.cols[c.right_name]
            lvals, ovals = left.values.copy(), other.values.copy()
            lvals[bad], ovals[bad] = other.values[bad], left.values[bad]
            # A strict inequality between equal values cannot be fixed by a swap: step it.
            st.cols[c.left] = Col(left.kind, lvals, left.mask, left.labels)
            st.cols[c.right_name] = Col(other.kind, ovals, other.mask, other.labels)
            left = st.cols[c.left]
            right = c.right.evaluate(st.col, st.n)
            lv, rv = _comparable(left), _comparable(right)
            ok = {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv}[c.op]
            bad = ~ok & ~left.null_mask() & ~right.null_mask()
            if not bad.any():
                continue
        f = st.ct.fields[c.left]
        step = _step(f, left) if c.op in ("<", ">") else 0
        sign = 1 if c.op in (">", ">=") else -1
        target = rv + sign * step
        newv = left.values.copy()
        if left.kind == "dt":
            newv[bad] = target[bad].astype(np.int64).view("datetime64[us]")
        else:
            newv[bad] = target[bad].astype(newv.dtype)
        st.cols[c.left] = Col(left.kind, newv, left.mask, left.labels)


def _comparable(c: Col) -> np.ndarray:
    if c.kind == "dt":
        return c.values.astype("datetime64[us]").astype(np.int64)
    if c.kind in ("num", "bool"):
        return c.values.astype(float)
    raise ExprError("constraints compare numbers or datetimes")


def _step(f: Any, col: Col) -> float:
    if isinstance(f, IntField):
        return 1.0
    if isinstance(f, DatetimeField):
        return float({"s": 10**6, "ms": 10**3, "us": 1}[f.unit])
    if isinstance(f, DateField):
        return 86400e6
    if isinstance(f, DecimalField):
        return 10.0**-f.scale
    if isinstance(f, FloatField) and f.precision is not None:
        return 10.0**-f.precision
    return 1e-9


def make_columns(
    spec: Any,
    compiled: CompiledSpec,
    ct: CompiledTable,
    block: BlockPlan,
    seed: int,
    ctx: PlanContext,
    wanted: set[str],
) -> BlockState:
    st = BlockState(spec, compiled, ct, block, seed, ctx)
    st.applied = []  # type: ignore[attr-defined]
    done: set[str] = set()
    for name in ct.closure(wanted):
        f = ct.fields[name]
        st.cols[name] = _make_field(st, name, f)
        done.add(name)
        _apply_constraints(st, done)
    dup = ct.spec.duplicates
    if dup is not None and dup.rate > 0 and st.n > 1:
        rng = st.rng("__duplicates__")
        hit = rng.random(st.n) < dup.rate
        hit[0] = False
        src = np.floor(rng.random(st.n) * np.arange(st.n)).astype(np.int64)
        take = np.where(hit, src, np.arange(st.n))
        keep = set(dup.exclude)
        for name, f in ct.fields.items():
            if isinstance(f, IdField | UuidField) or getattr(f, "unique", False):
                keep.add(name)
            if isinstance(f, ForeignKeyField) and f.table == ct.parent:
                keep.add(name)
            if ct.time_field == name:
                keep.add(name)
        for name in list(st.cols):
            if name not in keep:
                st.cols[name] = st.cols[name].take(take)
    return st


def _decimal_array(x: np.ndarray, mask: np.ndarray | None, digits: int, scale: int) -> pa.Array:
    scaled = np.rint(x * 10.0**scale).astype(np.int64)
    words = np.empty((len(scaled), 2), dtype=np.int64)
    words[:, 0] = scaled
    words[:, 1] = scaled >> 63
    validity = None
    if mask is not None and mask.any():
        validity = pa.py_buffer(np.packbits(~mask, bitorder="little"))
    return pa.Array.from_buffers(
        pa.decimal128(digits, scale),
        len(x),
        [validity, pa.py_buffer(words.tobytes())],
        null_count=-1 if validity is not None else 0,
    )


def arrow_type(
    f: Any, ct: CompiledTable | None = None, compiled: CompiledSpec | None = None
) -> pa.DataType:
    if isinstance(f, IntField):
        return pa.int64()
    if isinstance(f, FloatField):
        return pa.float64()
    if isinstance(f, DecimalField):
        return pa.decimal128(f.digits, f.scale)
    if isinstance(f, BoolField):
        return pa.bool_()
    if isinstance(f, DatetimeField):
        return pa.timestamp(f.unit)
    if isinstance(f, DateField):
        return pa.date32()
    if isinstance(f, TimeField):
        return pa.time32("s")
    if isinstance(f, IdField):
        return pa.int64() if f.strategy == "sequence" else pa.string()
    if getattr(f, "type", "") == "lookup" and ct is not None and compiled is not None:
        for k, (_, table, fname) in ct.lookups.items():
            if ct.fields[k] is f:
                target = compiled.tables[table]
                return arrow_type(target.fields[fname], target, compiled)
    if isinstance(f, ForeignKeyField) and compiled is not None:
        target = compiled.tables[f.table]
        key = f.field or default_key(target.fields)
        return arrow_type(target.fields[key], target, compiled)
    return pa.string()


def to_arrow(f: Any, col: Col, typ: pa.DataType) -> pa.Array:
    if len(col) == 0:
        return pa.array([], type=typ)
    mask = col.mask if col.mask is not None and col.mask.any() else None
    if pa.types.is_decimal(typ):
        return _decimal_array(col.values.astype(float), mask, typ.precision, typ.scale)
    if pa.types.is_integer(typ):
        return pa.array(col.values.astype(np.int64), type=typ, mask=mask)
    if pa.types.is_floating(typ):
        return pa.array(col.values.astype(np.float64), type=typ, mask=mask)
    if pa.types.is_boolean(typ):
        return pa.array(col.values.astype(bool), type=typ, mask=mask)
    if pa.types.is_timestamp(typ):
        return pa.array(col.values.astype(f"datetime64[{typ.unit}]"), type=typ, mask=mask)
    if pa.types.is_date32(typ):
        return pa.array(col.values.astype("datetime64[D]"), type=typ, mask=mask)
    if pa.types.is_time32(typ):
        return pa.array(col.values.astype(np.int32), type=pa.int32(), mask=mask).cast(typ)
    if col.kind == "cat":
        arr = pa.array(col.labels or [], type=pa.string()).take(pa.array(col.values))
        return arrow_with_nulls(arr, mask)
    if col.kind == "str":
        arr = col.values
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if arr.type != pa.string():
            arr = arr.cast(pa.string())
        return arrow_with_nulls(arr, mask)
    return col.text()


def output_schema(spec: Any, table: str) -> pa.Schema:
    """The Arrow schema of a table's output (also of its empty blocks)."""
    compiled = compile_spec(spec)
    ct = compiled.tables[table]
    return pa.schema([pa.field(n, arrow_type(ct.fields[n], ct, compiled)) for n in ct.outputs])


def _dictionary(col: Col) -> pa.Array:
    """A category column as Arrow dictionary-encoded text (its codes and labels as they are)."""
    mask = col.mask if col.mask is not None and col.mask.any() else None
    return pa.DictionaryArray.from_arrays(
        pa.array(col.values.astype(np.int32), mask=mask),
        pa.array(col.labels or [], type=pa.string()),
    )


def generate_block(
    spec: Any, table_name: str, block: BlockPlan, seed: int, *, dictionaries: bool = False
) -> pa.Table:
    """Make the rows of one block; depends only on (spec, rows, seed, table, block).

    ``dictionaries``: category fields come as dictionary-encoded text (the same values; no
    string is copied per row), for callers that go on in pandas, where they are Categoricals.
    The writers are always given plain text.
    """
    compiled = compile_spec(spec)
    if table_name not in compiled.tables:
        raise SpecError.at("tables", f"unknown table {table_name!r}")
    ct = compiled.tables[table_name]
    ctx = block.context
    if ctx is None:
        plans = plan_all(compiled, spec, None, max(block.rows, 1), seed, parent_columns)
        ctx = plans[table_name].context
        assert ctx is not None
        if ct.parent is not None:
            raise ValueError(
                "a child table's block must come from plan_tables (it carries the layout)"
            )
    st = make_columns(spec, compiled, ct, block, seed, ctx, set(ct.outputs))
    schema = output_schema(spec, table_name)
    arrays = [
        _dictionary(st.cols[n])
        if dictionaries
        and st.cols[n].kind == "cat"
        and len(st.cols[n])
        and pa.types.is_string(schema.field(n).type)
        else to_arrow(ct.fields[n], st.cols[n], schema.field(n).type)
        for n in ct.outputs
    ]
    if dictionaries:
        return pa.Table.from_arrays(arrays, names=list(ct.outputs))
    return pa.Table.from_arrays(arrays, schema=schema)
