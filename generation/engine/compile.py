"""Second validation step and the generation plan of a spec.

Checks what the shape cannot: references between fields and tables, dependency cycles,
conditional cases (each validated as a field), constraints, correlation matrices (PSD). The
result (field order, parsed expressions, copula factor ...) is cached per spec object.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from generation.engine.correlation import (
    calibrated_latent,
    copula_factor,
    latent_from_rank,
    nearest_correlation,
    reachable_ranks,
    tied_rank,
)
from generation.engine.errors import Issue, SpecError
from generation.engine.expressions import BUILTIN_COLUMNS, Expr, ExprError, parse_expr
from generation.engine.fields.models import (
    CASE_FORBIDDEN,
    DateField,
    DatetimeField,
    DecimalField,
    EmailField,
    FloatField,
    ForeignKeyField,
    IdField,
    UuidField,
    default_key,
    key_field_ok,
)
from generation.engine.ties import field_steps
from generation.engine.validation import FIELD_ADAPTER, issues_from_validation

__all__ = ["CompiledSpec", "CompiledTable", "compile_spec"]

MAX_DEPTH = 5


@dataclass
class CompiledConstraint:
    left: str
    op: str
    right: Expr
    right_name: str | None
    fix: str
    fields: set[str]


@dataclass
class CompiledTable:
    name: str
    spec: Any
    parent: str | None
    depth: int
    fields: dict[str, Any]
    exprs: dict[str, Expr] = field(default_factory=dict)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    deps: dict[str, set[str]] = field(default_factory=dict)
    parent_refs: set[str] = field(default_factory=set)
    order: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    copula_names: list[str] = field(default_factory=list)
    copula_factor: np.ndarray | None = None
    # Factor entries: (fields, loadings (fields x factors), sd of each field's own part).
    factor_groups: list[tuple[list[str], np.ndarray, np.ndarray]] = field(default_factory=list)
    constraints: list[CompiledConstraint] = field(default_factory=list)
    time_field: str | None = None
    parent_key: str | None = None  # the FK field naming the parent, if any
    count_expr: Expr | None = None  # children per parent row, over parent.<field>
    count_refs: set[str] = field(default_factory=set)
    lookups: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # name -> (fk, table, field)
    events: dict[str, list[str]] = field(default_factory=dict)  # category -> signal fields

    def closure(self, wanted: set[str]) -> list[str]:
        """The fields needed to make ``wanted``, in generation order."""
        need: set[str] = set()
        stack = list(wanted)
        while stack:
            f = stack.pop()
            if f in need or f not in self.fields:
                continue
            need.add(f)
            stack.extend(self.deps.get(f, ()))
        return [f for f in self.order if f in need]


@dataclass
class CompiledSpec:
    tables: dict[str, CompiledTable]
    order: list[str]
    notes: list[Issue]


_CACHE: OrderedDict[int, tuple[Any, CompiledSpec]] = OrderedDict()


def compile_spec(spec: Any) -> CompiledSpec:
    """Check and prepare a validated spec (cached per spec object)."""
    key = id(spec)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is spec:
        _CACHE.move_to_end(key)
        return hit[1]
    compiled = _Compiler(spec).run()
    _CACHE[key] = (spec, compiled)
    while len(_CACHE) > 32:
        _CACHE.popitem(last=False)
    return compiled


# The matrix part of a table's copula, by content: a web request parses a new spec object
# each time, and its calibrations and eigen checks are the costly part of compiling.
_CORRELATIONS: OrderedDict[bytes, tuple[list[Issue], list[Issue], np.ndarray | None]] = (
    OrderedDict()
)


def _correlation_key(ct: CompiledTable, names: list[str]) -> bytes:
    """A hash of all the matrix part reads: its entries, the fields in it, the repair flag."""
    t = ct.spec
    doc = {
        "c": [c.model_dump(mode="json") for c in t.correlations if c.factors is None],
        "f": {n: ct.fields[n].model_dump(mode="json") for n in names},
        "r": t.repair_correlations,
        "p": ct.name,
    }
    text = json.dumps(doc, sort_keys=True, default=str).encode()
    return hashlib.blake2b(text, digest_size=16).digest()


class _Compiler:
    def __init__(self, spec: Any) -> None:
        self.spec = spec
        self.issues: list[Issue] = []
        self.notes: list[Issue] = []

    def err(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def run(self) -> CompiledSpec:
        spec = self.spec
        depth: dict[str, int] = {}
        for name, t in spec.tables.items():
            if t.parent is None:
                continue
            if t.parent not in spec.tables:
                self.err(
                    f"tables.{name}.parent",
                    f"unknown table {t.parent!r}; tables: {', '.join(spec.tables)}",
                )
            elif t.parent == name:
                self.err(f"tables.{name}.parent", "a table cannot be its own parent")
        if self.issues:
            raise SpecError(self.issues)
        for name in spec.tables:
            seen = [name]
            cur = spec.tables[name].parent
            while cur is not None:
                if cur in seen:
                    self.err(
                        f"tables.{name}.parent",
                        "parents form a cycle: " + " -> ".join([*seen, cur]),
                    )
                    break
                seen.append(cur)
                cur = spec.tables[cur].parent
            depth[name] = len(seen) - 1
            if depth[name] > MAX_DEPTH:
                self.err(f"tables.{name}.parent", f"relations nest at most {MAX_DEPTH} levels deep")
        if self.issues:
            raise SpecError(self.issues)
        order = sorted(spec.tables, key=lambda n: (depth[n], list(spec.tables).index(n)))
        tables: dict[str, CompiledTable] = {}
        for name in order:
            tables[name] = self.table(name, spec.tables[name], depth[name], tables)
        # Foreign keys need every table's fields.
        for name in order:
            self.foreign_keys(tables[name], tables)
        if self.issues:
            raise SpecError(self.issues)
        return CompiledSpec(tables, order, self.notes)

    # --- one table -----------------------------------------------------------------------
    def table(self, name: str, t: Any, depth: int, done: dict[str, CompiledTable]) -> CompiledTable:
        path = f"tables.{name}"
        fields: dict[str, Any] = {}
        time_field = None
        if t.series is not None:
            time_field = t.series.time_field
            declared = t.fields.get(time_field)
            if declared is not None and (
                not isinstance(declared, DatetimeField)
                or declared.model_fields_set - {"type", "unit", "description"}
            ):
                self.err(
                    f"{path}.fields.{time_field}",
                    'the series time field takes only {"type": "datetime"} (and unit)',
                )
            if declared is None:
                fields[time_field] = DatetimeField(
                    type="datetime", start=None, end=None, dist=None, expr="_series_time"
                )
        for fname, f in t.fields.items():
            if (
                isinstance(f, DatetimeField | DateField)
                and fname != time_field
                and f.expr is None
                and f.after is None
                and f.dist is None
                and (f.start is None or f.end is None)
            ):
                self.err(
                    f"{path}.fields.{fname}.start",
                    "start and end are required (or give after, expr or dist)",
                )
            if fname == time_field and declared is not None:
                fields[fname] = DatetimeField(
                    type="datetime", unit=declared.unit, expr="_series_time"
                )
            else:
                fields[fname] = f
        ct = CompiledTable(name, t, t.parent, depth, fields, time_field=time_field)
        parent_fields = self.spec.tables[t.parent].fields if t.parent else {}
        ct.outputs = [n for n in fields if not fields[n].hidden]
        for fname, f in fields.items():
            fpath = f"{path}.fields.{fname}"
            deps: set[str] = set()
            if f.expr is not None and f.expr != "_series_time":
                try:
                    ex = parse_expr(f.expr)
                except ExprError as exc:
                    self.err(f"{fpath}.expr", str(exc))
                else:
                    ct.exprs[fname] = ex
                    for ref in ex.names:
                        self.ref(ct, ref, f"{fpath}.expr", deps, parent_fields, fname)
            elif f.expr == "_series_time" and t.series.start.startswith("parent."):
                self.ref(
                    ct,
                    t.series.start,
                    f"{path}.series.start",
                    deps,
                    parent_fields,
                    fname,
                    datetime_only=True,
                )
            self.field_refs(ct, fname, f, fpath, deps, parent_fields)
            if f.conditional is not None:
                for on in f.conditional.on_fields:
                    self.ref(ct, on, f"{fpath}.conditional.on", deps, parent_fields, fname)
                ct.cases[fname] = {}
                base = f.model_dump(mode="json", exclude_unset=True, exclude={"conditional"})
                base["type"] = f.type
                for key, override in f.conditional.cases.items():
                    cpath = f"{fpath}.conditional.cases.{key}"
                    forbidden = CASE_FORBIDDEN
                    if getattr(f, "signal", None) is not None:
                        forbidden = CASE_FORBIDDEN - {"signal"}  # per-entity-group signals
                    bad = sorted(set(override) & forbidden)
                    if bad:
                        self.err(
                            f"{cpath}.{bad[0]}",
                            "a case may change only sampling keys (dist, values, p, min, max, nulls, weights ...)",
                        )
                        continue
                    merged = {**base, **override}
                    try:
                        case_field = FIELD_ADAPTER.validate_python(merged)
                    except ValidationError as exc:
                        self.issues.extend(issues_from_validation(exc, override, cpath))
                        continue
                    ct.cases[fname][key] = case_field
                    self.field_refs(ct, fname, case_field, cpath, deps, parent_fields)
            if f.type == "lookup":
                key = ct.spec.fields.get(f.key)
                if not isinstance(key, ForeignKeyField):
                    self.err(f"{fpath}.key", f"{f.key!r} is not a foreign_key field of this table")
                elif key.table not in self.spec.tables:
                    pass  # reported on the foreign key
                elif f.field not in self.spec.tables[key.table].fields:
                    self.err(f"{fpath}.field", f"table {key.table!r} has no field {f.field!r}")
                else:
                    deps.add(f.key)
                    ct.lookups[fname] = (f.key, key.table, f.field)
                    if key.table == t.parent:
                        ct.parent_refs.add(f.field)
            if getattr(f, "signal_events", None) is not None:
                for i, sname in enumerate(f.signal_events):
                    sf = t.fields.get(sname)
                    if getattr(sf, "signal", None) is None:
                        self.err(
                            f"{fpath}.signal_events.{i}",
                            f"{sname!r} is not a signal field of this table",
                        )
                    else:
                        deps.add(sname)
                ct.events[fname] = list(f.signal_events)
            if getattr(f, "markov", None) is not None and t.series is None:
                self.err(
                    f"{fpath}.markov",
                    "state chains belong to series tables (give the table a series)",
                )
            if getattr(f, "signal", None) is not None:
                if t.series is None:
                    self.err(
                        f"{fpath}.signal",
                        "signals belong to series tables (give the table a series)",
                    )
                if time_field:
                    deps.add(time_field)
            ct.deps[fname] = {d for d in deps if d != fname or False}
            if fname in ct.deps[fname]:
                self.err(fpath, f"{fname!r} depends on itself")
        cspec = t.count_spec() if t.parent is not None else None
        if cspec is not None and cspec.expr is not None:
            cpath = f"{path}.{'series.length' if t.series is not None else 'per_parent'}.expr"
            try:
                ex = parse_expr(cspec.expr)
            except ExprError as exc:
                self.err(cpath, str(exc))
            else:
                for ref in ex.names:
                    if not ref.startswith("parent."):
                        self.err(cpath, f"{ref!r}: a count reads only parent.<field>")
                    elif ref[7:] not in parent_fields:
                        self.err(
                            cpath, f"{ref!r}: the parent {t.parent!r} has no field {ref[7:]!r}"
                        )
                    else:
                        ct.count_refs.add(ref[7:])
                ct.count_expr = ex
        self.constraints(ct, path, parent_fields)
        self.order(ct, path)
        self.correlations(ct, path)
        if t.duplicates is not None:
            for i, ex in enumerate(t.duplicates.exclude):
                if ex not in fields:
                    self.err(f"{path}.duplicates.exclude.{i}", f"unknown field {ex!r}")
        return ct

    def ref(
        self,
        ct: CompiledTable,
        ref: str,
        path: str,
        deps: set[str],
        parent_fields: dict[str, Any],
        me: str,
        datetime_only: bool = False,
    ) -> None:
        if ref.startswith("parent."):
            pname = ref[7:]
            if ct.parent is None:
                self.err(path, f"{ref!r}: this table has no parent")
            elif pname not in parent_fields:
                self.err(path, f"{ref!r}: the parent {ct.parent!r} has no field {pname!r}")
            elif datetime_only and not isinstance(parent_fields[pname], DatetimeField | DateField):
                self.err(path, f"{ref!r} is not a datetime or date")
            else:
                ct.parent_refs.add(pname)
            return
        if ref in BUILTIN_COLUMNS:
            return
        if ref == me:
            self.err(path, f"{ref!r}: a field cannot use itself")
            return
        if ref not in ct.fields:
            self.err(path, f"unknown field {ref!r}; fields: {', '.join(ct.fields)}")
            return
        if datetime_only and not isinstance(ct.fields[ref], DatetimeField | DateField):
            self.err(path, f"{ref!r} is not a datetime or date")
            return
        deps.add(ref)

    def field_refs(
        self,
        ct: CompiledTable,
        fname: str,
        f: Any,
        fpath: str,
        deps: set[str],
        parent_fields: dict[str, Any],
    ) -> None:
        after = getattr(f, "after", None)
        if after is not None:
            self.ref(
                ct,
                after.field,
                f"{fpath}.after.field",
                deps,
                parent_fields,
                fname,
                datetime_only=True,
            )
            if (
                after.offset.kind in ("normal", "uniform", "triangular", "truncnormal")
                and after.min is None
            ):
                pass
        if isinstance(f, ForeignKeyField) and f.match:
            if f.table == ct.parent:
                self.err(
                    f"{fpath}.match",
                    "a foreign key to the parent is the row's parent; match is for other tables",
                )
            for local in f.match:
                self.ref(ct, local, f"{fpath}.match.{local}", deps, parent_fields, fname)
        for key in ("sex_field", "name_field"):
            ref = getattr(f, key, None)
            if ref is not None:
                self.ref(ct, ref, f"{fpath}.{key}", deps, parent_fields, fname)
        signal = getattr(f, "signal", None)
        if signal is not None and signal.lead is not None:
            lead = signal.lead.field
            target = ct.fields.get(lead)
            if lead == fname or getattr(target, "signal", None) is None:
                self.err(f"{fpath}.signal.lead.field", f"{lead!r} is no other signal field here")
            else:
                self.ref(ct, lead, f"{fpath}.signal.lead.field", deps, parent_fields, fname)
        drift = getattr(f, "drift", None)
        if drift is not None and drift.by != "row":
            self.ref(
                ct, drift.by, f"{fpath}.drift.by", deps, parent_fields, fname, datetime_only=True
            )
            if drift.by in ct.fields:
                by = ct.fields[drift.by]
                if by.start is None or by.end is None:
                    self.err(
                        f"{fpath}.drift.by",
                        f"{drift.by!r} needs start and end to place rows in time",
                    )
        if isinstance(f, ForeignKeyField) and f.table == ct.parent:
            pass

    def constraints(self, ct: CompiledTable, path: str, parent_fields: dict[str, Any]) -> None:
        for i, c in enumerate(ct.spec.constraints):
            cpath = f"{path}.constraints.{i}.check"
            try:
                tree = ast.parse(c.check.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self.err(cpath, "not a valid inequality like 'discharged_at > admitted_at'")
                continue
            ops = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
            if not (
                isinstance(tree, ast.Compare)
                and len(tree.ops) == 1
                and type(tree.ops[0]) in ops
                and isinstance(tree.left, ast.Name)
            ):
                self.err(
                    cpath,
                    "must be '<field> <op> <field or expression>' with op one of <, <=, >, >=",
                )
                continue
            left = tree.left.id
            if left not in ct.fields:
                self.err(cpath, f"unknown field {left!r}")
                continue
            lf = ct.fields[left]
            if (
                left in ct.exprs
                or getattr(lf, "unique", False)
                or isinstance(lf, IdField | UuidField)
            ):
                self.err(cpath, f"{left!r} is derived or a key; constrain sampled fields")
                continue
            right_text = ast.get_source_segment(c.check.strip(), tree.comparators[0]) or ""
            try:
                right = parse_expr(right_text)
            except ExprError as exc:
                self.err(cpath, str(exc))
                continue
            deps: set[str] = set()
            for ref in right.names:
                self.ref(ct, ref, cpath, deps, parent_fields, left)
            right_name = right_text.strip() if right_text.strip() in ct.fields else None
            fix = c.fix or (
                "swap" if right_name and type(ct.fields[right_name]) is type(lf) else "clip"
            )
            if fix == "swap" and (
                right_name is None or type(ct.fields[right_name]) is not type(lf)
            ):
                self.err(
                    f"{path}.constraints.{i}.fix",
                    "swap needs a field of the same type on the right; use clip",
                )
                continue
            if fix == "swap" and right_name in ct.exprs:
                self.err(f"{path}.constraints.{i}.fix", f"{right_name!r} is derived; use clip")
                continue
            ct.constraints.append(
                CompiledConstraint(
                    left, ops[type(tree.ops[0])], right, right_name, fix, {left} | deps
                )
            )

    def order(self, ct: CompiledTable, path: str) -> None:
        deps = {k: set(v) for k, v in ct.deps.items()}
        # A field that reads a constrained field must wait until the constraint is applied.
        for c in ct.constraints:
            for f in ct.fields:
                if f not in c.fields and deps[f] & c.fields:
                    deps[f] |= c.fields
        ct.deps = deps
        state: dict[str, int] = {}
        out: list[str] = []
        for start in ct.fields:
            if start in state:
                continue
            stack: list[tuple[str, list[str]]] = [(start, sorted(deps[start]))]
            trail = [start]
            state[start] = 1
            while stack:
                node, pending = stack[-1]
                if pending:
                    nxt = pending.pop()
                    if state.get(nxt) == 1:
                        cyc = trail[trail.index(nxt) :] + [nxt]
                        self.err(
                            f"{path}.fields.{start}",
                            "fields depend on each other in a cycle: " + " -> ".join(cyc),
                        )
                        return
                    if nxt not in state:
                        state[nxt] = 1
                        trail.append(nxt)
                        stack.append((nxt, sorted(deps[nxt])))
                else:
                    stack.pop()
                    trail.pop()
                    state[node] = 2
                    out.append(node)
        ct.order = out

    def correlations(self, ct: CompiledTable, path: str) -> None:
        t = ct.spec
        if not t.correlations:
            return
        names: list[str] = []
        in_factors: dict[str, int] = {}  # field -> the factor entry it is in
        in_matrix: dict[str, int] = {}  # field -> the first rank or matrix entry it is in
        for i, corr in enumerate(t.correlations):
            for fname in corr.fields:
                f = ct.fields[fname]
                bad = (
                    fname in ct.exprs
                    or getattr(f, "after", None) is not None
                    or getattr(f, "unique", False)
                )
                if bad:
                    self.err(
                        f"{path}.correlations.{i}.fields",
                        f"{fname!r} is derived, 'after' or unique; correlate sampled fields",
                    )
                if corr.factors is not None or fname in in_factors:
                    other = in_factors.get(fname, in_matrix.get(fname, i))
                    if other != i:
                        self.err(
                            f"{path}.correlations.{i}.fields",
                            f"{fname!r} is in correlations.{other} too; a field in a factor "
                            "entry takes no other correlation",
                        )
                    if corr.factors is not None:
                        in_factors.setdefault(fname, i)
                    continue
                if fname not in in_matrix:
                    in_matrix[fname] = i
                    names.append(fname)
        for corr in t.correlations:
            if corr.factors is not None and corr.uniqueness is not None:
                loadings = np.array(corr.factors, dtype=float).T  # fields x factors
                own = np.sqrt(np.clip(np.array(corr.uniqueness, dtype=float), 0.0, None))
                ct.factor_groups.append((list(corr.fields), loadings, own))
        if not names:
            return
        key = _correlation_key(ct, names)
        hit = _CORRELATIONS.get(key)
        if hit is not None:
            _CORRELATIONS.move_to_end(key)
            issues, notes, factor = hit
            self.issues.extend(issues)
            self.notes.extend(notes)
            if factor is not None:
                ct.copula_names = names
                ct.copula_factor = factor
            return
        before_issues, before_notes = len(self.issues), len(self.notes)
        self._matrix(ct, path, names)
        _CORRELATIONS[key] = (
            self.issues[before_issues:],
            self.notes[before_notes:],
            ct.copula_factor,
        )
        while len(_CORRELATIONS) > 64:
            _CORRELATIONS.popitem(last=False)

    def _matrix(self, ct: CompiledTable, path: str, names: list[str]) -> None:
        """Rank and matrix entries: calibrated pair by pair into one PSD latent matrix."""
        t = ct.spec
        k = len(names)
        rank = np.eye(k)
        given = np.zeros((k, k), dtype=bool)
        where: dict[tuple[int, int], int] = {}
        index = {n: i for i, n in enumerate(names)}
        for i, corr in enumerate(t.correlations):
            if corr.factors is not None:
                continue
            for a, b, r in corr.pairs():
                ia, ib = index[a], index[b]
                if given[ia, ib] and abs(rank[ia, ib] - r) > 1e-12:
                    self.err(
                        f"{path}.correlations.{i}",
                        f"the pair {a}, {b} is given twice with different values",
                    )
                rank[ia, ib] = rank[ib, ia] = r
                given[ia, ib] = given[ib, ia] = True
                where[(ia, ib)] = where[(ib, ia)] = i
        steps = [field_steps(ct.fields[n]) for n in names]
        latent = latent_from_rank(rank)
        # Pairs with a tied (discrete) field: the latent value whose output shows the request.
        for ia in range(k):
            for ib in range(ia + 1, k):
                if steps[ia] is None and steps[ib] is None:
                    continue
                if not given[ia, ib] or rank[ia, ib] == 0:
                    latent[ia, ib] = latent[ib, ia] = 0.0
                    continue
                want = float(rank[ia, ib])
                lo, hi = reachable_ranks(steps[ia], steps[ib])
                if not lo - 1e-9 <= want <= hi + 1e-9:
                    pair = f"{names[ia]}, {names[ib]}"
                    reach = f"{lo:.4f} to {hi:.4f}"
                    why = (
                        "one of them takes a single value, so it can only be 0"
                        if lo == hi
                        else f"with their values' ties it can only be {reach}"
                    )
                    if not t.repair_correlations:
                        self.err(
                            f"{path}.correlations.{where[(ia, ib)]}",
                            f"the rank correlation {want:g} of {pair} cannot be reached: {why}. "
                            'Change it, or set "repair_correlations": true to use the closest '
                            "reachable value",
                        )
                        continue
                    want = min(max(want, lo), hi)
                    rank[ia, ib] = rank[ib, ia] = want
                    self.notes.append(
                        Issue(
                            f"{path}.correlations.{where[(ia, ib)]}",
                            f"the rank correlation of {pair} is {want:.4f}, the closest to the "
                            f"request that their values' ties allow ({reach})",
                        )
                    )
                latent[ia, ib] = latent[ib, ia] = calibrated_latent(steps[ia], steps[ib], want)
        np.fill_diagonal(latent, 1.0)
        smallest = float(np.linalg.eigvalsh(latent).min())
        if smallest < -1e-9:
            if not t.repair_correlations:
                self.err(
                    f"{path}.correlations",
                    f"the correlation matrix over {', '.join(names)} is not positive semi-definite "
                    f"(smallest eigenvalue {smallest:.4f}); no data can have these correlations. "
                    'Change them, or set "repair_correlations": true to use the nearest valid matrix',
                )
                return
            latent = nearest_correlation(latent)
            change = max(
                (
                    abs(tied_rank(steps[i], steps[j], latent[i, j]) - rank[i, j])
                    for i in range(k)
                    for j in range(i + 1, k)
                ),
                default=0.0,
            )
            self.notes.append(
                Issue(
                    f"{path}.correlations",
                    f"repaired to the nearest valid matrix; largest change {change:.4f}",
                )
            )
        ct.copula_names = names
        ct.copula_factor = copula_factor(latent)

    def foreign_keys(self, ct: CompiledTable, tables: dict[str, CompiledTable]) -> None:
        for fname, f in ct.fields.items():
            fs = [f, *ct.cases.get(fname, {}).values()]
            for g in fs:
                if not isinstance(g, ForeignKeyField):
                    continue
                fpath = f"tables.{ct.name}.fields.{fname}"
                if g.table in self.spec.tables and g.match:
                    for local, remote in g.match.items():
                        if remote not in tables[g.table].fields:
                            self.err(
                                f"{fpath}.match.{local}",
                                f"table {g.table!r} has no field {remote!r}",
                            )
                if g.table not in self.spec.tables:
                    self.err(
                        f"{fpath}.table",
                        f"unknown table {g.table!r}; tables: {', '.join(self.spec.tables)}",
                    )
                    continue
                target = tables[g.table]
                key = g.field or default_key(target.fields)
                if key is None:
                    self.err(
                        f"{fpath}.field",
                        f"table {g.table!r} has no key field (id, uuid, unique int or unique string)",
                    )
                    continue
                if key not in target.fields:
                    self.err(f"{fpath}.field", f"table {g.table!r} has no field {key!r}")
                    continue
                if not key_field_ok(target.fields[key]):
                    self.err(
                        f"{fpath}.field",
                        f"{g.table}.{key} is not a key: reference an id, uuid, unique int or unique patterned string",
                    )
                    continue
                if g.table == ct.parent:
                    ct.parent_refs.add(key)
                    ct.parent_key = fname
        for fname, f in ct.fields.items():
            if isinstance(f, EmailField) and f.name_field is not None:
                ref = ct.fields.get(f.name_field)
                if ref is not None and ref.type not in (
                    "name",
                    "first_name",
                    "last_name",
                    "string",
                    "category",
                ):
                    self.err(
                        f"tables.{ct.name}.fields.{fname}.name_field",
                        f"{f.name_field!r} is not a name field",
                    )


def spec_notes(spec: Any) -> list[Issue]:
    """Things the engine changed on purpose (e.g. a repaired correlation matrix)."""
    return list(compile_spec(spec).notes)


__all__ += ["spec_notes", "DecimalField", "FloatField"]
