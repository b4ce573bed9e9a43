"""A small, safe expression language over the columns of a block.

Text is parsed with Python's parser (``ast.parse``, which runs nothing), then every node is
checked against a whitelist; evaluation walks the tree over numpy/Arrow columns. Nothing is
ever passed to ``eval``. See docs/spec-language.md#expressions.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generation.engine.columns import Col, or_masks

__all__ = ["BUILTIN_COLUMNS", "FUNCTIONS", "Expr", "ExprError", "parse_expr"]

MAX_CHARS = 2000
MAX_NODES = 400
MAX_DEPTH = 40
BUILTIN_COLUMNS = frozenset({"_row", "_index", "_count"})
_NAMED_CONSTANTS = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
}

_US = {"seconds": 1e6, "minutes": 60e6, "hours": 3600e6, "days": 86400e6, "weeks": 604800e6}

# name -> (min args, max args)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "where": (3, 3),
    "clip": (3, 3),
    "min": (2, 8),
    "max": (2, 8),
    "abs": (1, 1),
    "round": (1, 2),
    "floor": (1, 1),
    "ceil": (1, 1),
    "log": (1, 1),
    "log10": (1, 1),
    "log1p": (1, 1),
    "exp": (1, 1),
    "sqrt": (1, 1),
    "pow": (2, 2),
    "year": (1, 1),
    "month": (1, 1),
    "day": (1, 1),
    "hour": (1, 1),
    "minute": (1, 1),
    "second": (1, 1),
    "weekday": (1, 1),
    "dayofyear": (1, 1),
    "date": (1, 1),
    "seconds": (1, 1),
    "minutes": (1, 1),
    "hours": (1, 1),
    "days": (1, 1),
    "weeks": (1, 1),
    "concat": (1, 16),
    "lower": (1, 1),
    "upper": (1, 1),
    "str": (1, 1),
    "int": (1, 1),
    "float": (1, 1),
    "isnull": (1, 1),
    "cumsum": (1, 1),
    "sin": (1, 1),
    "cos": (1, 1),
    "tan": (1, 1),
    "atan2": (2, 2),
    "degrees": (1, 1),
    "radians": (1, 1),
    "pi": (0, 0),
    "lag": (1, 2),
    "coalesce": (2, 8),
}


class ExprError(ValueError):
    """A problem with an expression, worded for the spec's author."""


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_CMPOPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)


@dataclass
class Expr:
    """A parsed, checked expression and the columns it reads."""

    text: str
    tree: ast.expr
    names: set[str] = field(default_factory=set)

    def evaluate(self, lookup: Callable[[str], Col], n: int) -> Col:
        return _as_col(_Eval(lookup, n).visit(self.tree), n)


def parse_expr(text: str) -> Expr:
    """Parse and check an expression; raise ExprError naming what is not allowed."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("must be a non-empty expression")
    if len(text) > MAX_CHARS:
        raise ExprError(f"at most {MAX_CHARS} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        msg = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        raise ExprError(f"not a valid expression: {msg}") from None
    names: set[str] = set()
    count = 0

    def check(node: ast.AST, depth: int) -> None:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise ExprError(f"too complex: at most {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise ExprError(f"too deeply nested: at most {MAX_DEPTH} levels")
        if isinstance(node, ast.Expression):
            check(node.body, depth + 1)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float | str | bool) and node.value is not None:
                raise ExprError(f"constant {node.value!r} is not allowed")
            if isinstance(node.value, str) and len(node.value) > 500:
                raise ExprError("text constants are at most 500 characters")
        elif isinstance(node, ast.Name):
            if node.id not in _NAMED_CONSTANTS:
                names.add(node.id)
        elif isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "parent"):
                raise ExprError("only parent.<field> may use a dot")
            names.add(f"parent.{node.attr}")
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise ExprError(f"operator {type(node.op).__name__} is not allowed")
            check(node.left, depth + 1)
            check(node.right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
                raise ExprError(f"operator {type(node.op).__name__} is not allowed")
            check(node.operand, depth + 1)
        elif isinstance(node, ast.BoolOp):
            for v in node.values:
                check(v, depth + 1)
        elif isinstance(node, ast.Compare):
            check(node.left, depth + 1)
            for op, right in zip(node.ops, node.comparators, strict=True):
                if not isinstance(op, _CMPOPS):
                    raise ExprError(f"comparison {type(op).__name__} is not allowed")
                if isinstance(op, ast.In | ast.NotIn):
                    if not isinstance(right, ast.Tuple | ast.List) or not all(
                        isinstance(e, ast.Constant) for e in right.elts
                    ):
                        raise ExprError("'in' needs a list of constants: x in ('a', 'b')")
                    count += len(right.elts)
                else:
                    check(right, depth + 1)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                fname = node.func.id if isinstance(node.func, ast.Name) else "this call"
                raise ExprError(
                    f"unknown function {fname!r}; allowed: {', '.join(sorted(FUNCTIONS))}"
                )
            if node.keywords:
                raise ExprError(f"{node.func.id}: takes no keyword arguments")
            lo, hi = FUNCTIONS[node.func.id]
            if not lo <= len(node.args) <= hi:
                want = str(lo) if lo == hi else f"{lo} to {hi}"
                raise ExprError(f"{node.func.id}: takes {want} arguments, got {len(node.args)}")
            for a in node.args:
                if isinstance(a, ast.Starred):
                    raise ExprError("* arguments are not allowed")
                check(a, depth + 1)
        else:
            raise ExprError(f"{type(node).__name__} is not allowed in an expression")

    check(tree, 0)
    return Expr(text, tree.body, names)


# --- evaluation ---------------------------------------------------------------------------
def _scalar_col(v: Any, n: int) -> Col:
    if v is None:
        return Col("num", np.zeros(n), np.ones(n, dtype=bool))
    if isinstance(v, bool):
        return Col("bool", np.full(n, v))
    if isinstance(v, int | float):
        return Col("num", np.full(n, float(v)))
    if isinstance(v, str):
        return Col("cat", np.zeros(n, dtype=np.int32), None, [v])
    raise ExprError(f"unsupported constant {v!r}")


def _null_like(c: Col) -> Col:
    """An all-null column of the same kind as ``c``."""
    n = len(c)
    mask = np.ones(n, dtype=bool)
    if c.kind == "str":
        return Col("str", pa.nulls(n, pa.string()), mask)
    if c.kind == "cat":
        return Col("cat", np.zeros(n, dtype=np.int32), mask, list(c.labels or []) or [""])
    return Col(c.kind, np.zeros_like(c.values), mask, c.labels)


def _as_col(v: Any, n: int) -> Col:
    return v if isinstance(v, Col) else _scalar_col(v, n)


def _num(c: Col) -> np.ndarray:
    if c.kind == "num":
        return c.values.astype(float, copy=False)
    if c.kind == "bool":
        return c.values.astype(float)
    raise ExprError(f"expected a number, got {_kind_name(c.kind)}")


def _kind_name(kind: str) -> str:
    return {
        "num": "a number",
        "bool": "a bool",
        "dt": "a datetime",
        "td": "a duration",
        "cat": "text",
        "str": "text",
    }[kind]


def _is_text(c: Col) -> bool:
    return c.kind in ("cat", "str")


def _text(c: Col) -> pa.Array:
    if c.kind == "str":
        return c.values
    return Col(c.kind, c.values, None, c.labels).text()


def _np_bool(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _td(x: np.ndarray) -> np.ndarray:
    return np.round(x).astype(np.int64).view("timedelta64[us]")


class _Eval:
    def __init__(self, lookup: Callable[[str], Col], n: int) -> None:
        self.lookup = lookup
        self.n = n

    def visit(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in _NAMED_CONSTANTS:
                return _NAMED_CONSTANTS[node.id]
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            return self.lookup(f"parent.{node.attr}")
        if isinstance(node, ast.UnaryOp):
            v = _as_col(self.visit(node.operand), self.n)
            if isinstance(node.op, ast.Not):
                return Col("bool", ~self._truth(v), v.mask)
            if v.kind == "td":
                return Col("td", -v.values if isinstance(node.op, ast.USub) else v.values, v.mask)
            x = _num(v)
            return Col("num", -x if isinstance(node.op, ast.USub) else x, v.mask)
        if isinstance(node, ast.BinOp):
            return self.binop(
                node.op,
                _as_col(self.visit(node.left), self.n),
                _as_col(self.visit(node.right), self.n),
            )
        if isinstance(node, ast.BoolOp):
            cols = [_as_col(self.visit(v), self.n) for v in node.values]
            out = self._truth(cols[0])
            mask = cols[0].mask
            for c in cols[1:]:
                out = (
                    (out & self._truth(c))
                    if isinstance(node.op, ast.And)
                    else (out | self._truth(c))
                )
                mask = or_masks(mask, c.mask)
            return Col("bool", out, mask)
        if isinstance(node, ast.Compare):
            left = _as_col(self.visit(node.left), self.n)
            result: np.ndarray | None = None
            mask = left.mask
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn):
                    values = [e.value for e in right_node.elts]  # type: ignore[attr-defined]
                    r = self.isin(left, values)
                    if isinstance(op, ast.NotIn):
                        r = ~r
                    right = left
                else:
                    right = _as_col(self.visit(right_node), self.n)
                    r = self.compare(op, left, right)
                    mask = or_masks(mask, right.mask)
                result = r if result is None else (result & r)
                left = right
            return Col("bool", result, mask)
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            args = [self.visit(a) for a in node.args]
            return getattr(self, f"fn_{name}")(*args)
        raise ExprError(f"{type(node).__name__} is not allowed")

    # helpers ------------------------------------------------------------------------------
    def _truth(self, c: Col) -> np.ndarray:
        if c.kind == "bool":
            return c.values.astype(bool)
        if c.kind == "num":
            return c.values != 0
        raise ExprError(f"expected a condition, got {_kind_name(c.kind)}")

    def binop(self, op: ast.operator, a: Col, b: Col) -> Col:
        mask = or_masks(a.mask, b.mask)
        if isinstance(op, ast.Add) and (_is_text(a) or _is_text(b)):
            return Col("str", pc.binary_join_element_wise(_text(a), _text(b), ""), mask)
        ka, kb = a.kind, b.kind
        if ka == "dt" or kb == "dt" or ka == "td" or kb == "td":
            return self._time_binop(op, a, b, mask)
        x, y = _num(a), _num(b)
        with np.errstate(all="ignore"):
            if isinstance(op, ast.Add):
                r = x + y
            elif isinstance(op, ast.Sub):
                r = x - y
            elif isinstance(op, ast.Mult):
                r = x * y
            elif isinstance(op, ast.Div):
                r = x / y
            elif isinstance(op, ast.FloorDiv):
                r = np.floor_divide(x, y)
            elif isinstance(op, ast.Mod):
                r = np.mod(x, y)
            else:
                r = np.power(x, y)
        bad = ~np.isfinite(r)
        if bad.any():
            mask = or_masks(mask, bad)
            r = np.where(bad, 0.0, r)
        return Col("num", r, mask)

    def _time_binop(self, op: ast.operator, a: Col, b: Col, mask: np.ndarray | None) -> Col:
        ka, kb = a.kind, b.kind
        if isinstance(op, ast.Sub) and ka == "dt" and kb == "dt":
            return Col("td", a.values - b.values, mask)
        if isinstance(op, ast.Add | ast.Sub) and ka == "dt" and kb == "td":
            return Col(
                "dt", a.values + b.values if isinstance(op, ast.Add) else a.values - b.values, mask
            )
        if isinstance(op, ast.Add) and ka == "td" and kb == "dt":
            return Col("dt", b.values + a.values, mask)
        if isinstance(op, ast.Add | ast.Sub) and ka == "td" and kb == "td":
            return Col(
                "td", a.values + b.values if isinstance(op, ast.Add) else a.values - b.values, mask
            )
        if isinstance(op, ast.Div) and ka == "td" and kb == "td":
            y = b.values.astype(np.int64).astype(float)
            zero = y == 0
            r = a.values.astype(np.int64).astype(float) / np.where(zero, 1.0, y)
            return Col("num", np.where(zero, 0.0, r), or_masks(mask, zero if zero.any() else None))
        if isinstance(op, ast.Mult) and {ka, kb} == {"td", "num"}:
            t, x = (a, b) if ka == "td" else (b, a)
            return Col("td", _td(t.values.astype(np.int64) * _num(x)), mask)
        if isinstance(op, ast.Div) and ka == "td" and kb == "num":
            y = _num(b)
            zero = y == 0
            r = a.values.astype(np.int64) / np.where(zero, 1.0, y)
            return Col(
                "td", _td(np.where(zero, 0, r)), or_masks(mask, zero if zero.any() else None)
            )
        raise ExprError(
            f"cannot apply {type(op).__name__} to {_kind_name(ka)} and {_kind_name(kb)} "
            "(use days()/hours()/... for durations)"
        )

    def compare(self, op: ast.cmpop, a: Col, b: Col) -> np.ndarray:
        if _is_text(a) or _is_text(b):
            if not (_is_text(a) and _is_text(b)):
                raise ExprError(
                    f"cannot compare text with {_kind_name(b.kind if _is_text(a) else a.kind)}"
                )
            if isinstance(op, ast.Eq | ast.NotEq):
                # Fast path: a category against a constant.
                for c, other in ((a, b), (b, a)):
                    if (
                        c.kind == "cat"
                        and other.kind == "cat"
                        and other.labels is not None
                        and len(other.labels) == 1
                        and len(other.values)
                        and not other.values.any()
                    ):
                        target = other.labels[0]
                        labels = c.labels or []
                        hit = np.array([lab == target for lab in labels] + [False], dtype=bool)
                        r = hit[c.values] if len(labels) else np.zeros(self.n, dtype=bool)
                        return r if isinstance(op, ast.Eq) else ~r
            fn = {
                ast.Eq: pc.equal,
                ast.NotEq: pc.not_equal,
                ast.Lt: pc.less,
                ast.LtE: pc.less_equal,
                ast.Gt: pc.greater,
                ast.GtE: pc.greater_equal,
            }[type(op)]
            return _np_bool(fn(_text(a), _text(b)))
        if a.kind in ("dt", "td") or b.kind in ("dt", "td"):
            if a.kind != b.kind:
                raise ExprError(f"cannot compare {_kind_name(a.kind)} with {_kind_name(b.kind)}")
            x, y = a.values, b.values
        else:
            x, y = _num(a), _num(b)
        fnp = {
            ast.Eq: np.equal,
            ast.NotEq: np.not_equal,
            ast.Lt: np.less,
            ast.LtE: np.less_equal,
            ast.Gt: np.greater,
            ast.GtE: np.greater_equal,
        }[type(op)]
        return np.asarray(fnp(x, y), dtype=bool)

    def isin(self, c: Col, values: list[Any]) -> np.ndarray:
        if c.kind == "cat":
            wanted = {str(v) for v in values}
            hit = np.array([lab in wanted for lab in (c.labels or [])] + [False], dtype=bool)
            return hit[c.values]
        if c.kind == "str":
            return _np_bool(pc.is_in(c.values, value_set=pa.array([str(v) for v in values])))
        if c.kind == "bool":
            return np.isin(c.values, [bool(v) for v in values])
        nums = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        return np.isin(_num(c), nums)

    # functions ------------------------------------------------------------------------------
    def fn_where(self, cond: Any, a: Any, b: Any) -> Col:
        c = _as_col(cond, self.n)
        t = self._truth(c)
        # A bare null takes the kind of the other branch.
        if a is None and b is not None:
            cb = _as_col(b, self.n)
            ca = _null_like(cb)
        elif b is None and a is not None:
            ca = _as_col(a, self.n)
            cb = _null_like(ca)
        else:
            ca, cb = _as_col(a, self.n), _as_col(b, self.n)
        mask_a, mask_b = ca.null_mask(), cb.null_mask()
        mask = np.where(t, mask_a, mask_b) | c.null_mask()
        mask_out = mask if mask.any() else None
        if ca.kind == "cat" and cb.kind == "cat":
            labels = list(dict.fromkeys((ca.labels or []) + (cb.labels or [])))
            pos = {lab: i for i, lab in enumerate(labels)}
            ra = np.array([pos[x] for x in ca.labels or []] + [0], dtype=np.int32)
            rb = np.array([pos[x] for x in cb.labels or []] + [0], dtype=np.int32)
            return Col(
                "cat", np.where(t, ra[ca.values], rb[cb.values]).astype(np.int32), mask_out, labels
            )
        if _is_text(ca) or _is_text(cb):
            return Col("str", pc.if_else(pa.array(t), _text(ca), _text(cb)), mask_out)
        if ca.kind in ("dt", "td") or cb.kind in ("dt", "td"):
            if ca.kind != cb.kind:
                raise ExprError("where: both branches must be of the same kind")
            return Col(ca.kind, np.where(t, ca.values, cb.values), mask_out)
        if ca.kind == "bool" and cb.kind == "bool":
            return Col("bool", np.where(t, ca.values, cb.values), mask_out)
        return Col("num", np.where(t, _num(ca), _num(cb)), mask_out)

    def _unary(
        self,
        x: Any,
        fn: Callable[[np.ndarray], np.ndarray],
        domain: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> Col:
        c = _as_col(x, self.n)
        v = _num(c)
        mask = c.mask
        with np.errstate(all="ignore"):
            if domain is not None:
                bad = ~domain(v)
                if bad.any():
                    mask = or_masks(mask, bad)
                    v = np.where(bad, 1.0, v)
            r = fn(v)
        bad = ~np.isfinite(r)
        if bad.any():
            mask = or_masks(mask, bad)
            r = np.where(bad, 0.0, r)
        return Col("num", r, mask)

    def fn_abs(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        if c.kind == "td":
            return Col("td", np.abs(c.values), c.mask)
        return self._unary(c, np.abs)

    def fn_floor(self, x: Any) -> Col:
        return self._unary(x, np.floor)

    def fn_ceil(self, x: Any) -> Col:
        return self._unary(x, np.ceil)

    def fn_log(self, x: Any) -> Col:
        return self._unary(x, np.log, lambda v: v > 0)

    def fn_log10(self, x: Any) -> Col:
        return self._unary(x, np.log10, lambda v: v > 0)

    def fn_log1p(self, x: Any) -> Col:
        return self._unary(x, np.log1p, lambda v: v > -1)

    def fn_exp(self, x: Any) -> Col:
        return self._unary(x, np.exp)

    def fn_sqrt(self, x: Any) -> Col:
        return self._unary(x, np.sqrt, lambda v: v >= 0)

    def fn_round(self, x: Any, digits: Any = 0) -> Col:
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 12:
            raise ExprError("round: digits must be a whole number from 0 to 12")
        return self._unary(x, lambda v: np.round(v, digits))

    def fn_pow(self, x: Any, y: Any) -> Col:
        return self.binop(ast.Pow(), _as_col(x, self.n), _as_col(y, self.n))

    def fn_clip(self, x: Any, lo: Any, hi: Any) -> Col:
        return self.fn_min(self.fn_max(x, lo), hi)

    def _minmax(
        self, args: tuple[Any, ...], fn: Callable[[np.ndarray, np.ndarray], np.ndarray]
    ) -> Col:
        cols = [_as_col(a, self.n) for a in args]
        if all(c.kind == cols[0].kind for c in cols) and cols[0].kind in ("dt", "td"):
            out = cols[0].values
            for c in cols[1:]:
                out = fn(out, c.values)
            kind = cols[0].kind
        else:
            out = _num(cols[0])
            for c in cols[1:]:
                out = fn(out, _num(c))
            kind = "num"
        mask = None
        for c in cols:
            mask = or_masks(mask, c.mask)
        return Col(kind, out, mask)

    def fn_min(self, *args: Any) -> Col:
        return self._minmax(args, np.minimum)

    def fn_max(self, *args: Any) -> Col:
        return self._minmax(args, np.maximum)

    def _dt(self, x: Any, name: str) -> Col:
        c = _as_col(x, self.n)
        if c.kind != "dt":
            raise ExprError(f"{name}: expected a datetime, got {_kind_name(c.kind)}")
        return c

    def _part(self, x: Any, name: str, fn: Callable[[np.ndarray], np.ndarray]) -> Col:
        c = self._dt(x, name)
        return Col("num", fn(c.values).astype(float), c.mask)

    def fn_year(self, x: Any) -> Col:
        return self._part(x, "year", lambda v: v.astype("datetime64[Y]").astype(np.int64) + 1970)

    def fn_month(self, x: Any) -> Col:
        return self._part(x, "month", lambda v: v.astype("datetime64[M]").astype(np.int64) % 12 + 1)

    def fn_day(self, x: Any) -> Col:
        return self._part(
            x,
            "day",
            lambda v: (v.astype("datetime64[D]") - v.astype("datetime64[M]")).astype(np.int64) + 1,
        )

    def fn_hour(self, x: Any) -> Col:
        return self._part(
            x,
            "hour",
            lambda v: (v - v.astype("datetime64[D]")).astype("timedelta64[h]").astype(np.int64),
        )

    def fn_minute(self, x: Any) -> Col:
        return self._part(
            x,
            "minute",
            lambda v: (v - v.astype("datetime64[h]")).astype("timedelta64[m]").astype(np.int64),
        )

    def fn_second(self, x: Any) -> Col:
        return self._part(
            x,
            "second",
            lambda v: (v - v.astype("datetime64[m]")).astype("timedelta64[s]").astype(np.int64),
        )

    def fn_weekday(self, x: Any) -> Col:
        return self._part(
            x, "weekday", lambda v: (v.astype("datetime64[D]").astype(np.int64) + 3) % 7
        )

    def fn_dayofyear(self, x: Any) -> Col:
        return self._part(
            x,
            "dayofyear",
            lambda v: (v.astype("datetime64[D]") - v.astype("datetime64[Y]")).astype(np.int64) + 1,
        )

    def fn_date(self, x: Any) -> Col:
        c = self._dt(x, "date")
        return Col("dt", c.values.astype("datetime64[D]").astype("datetime64[us]"), c.mask)

    def _duration(self, x: Any, name: str) -> Col:
        c = _as_col(x, self.n)
        return Col("td", _td(_num(c) * _US[name]), c.mask)

    def fn_seconds(self, x: Any) -> Col:
        return self._duration(x, "seconds")

    def fn_minutes(self, x: Any) -> Col:
        return self._duration(x, "minutes")

    def fn_hours(self, x: Any) -> Col:
        return self._duration(x, "hours")

    def fn_days(self, x: Any) -> Col:
        return self._duration(x, "days")

    def fn_weeks(self, x: Any) -> Col:
        return self._duration(x, "weeks")

    def fn_concat(self, *args: Any) -> Col:
        cols = [_as_col(a, self.n) for a in args]
        mask = None
        for c in cols:
            mask = or_masks(mask, c.mask)
        texts = [c.text() if c.kind != "str" else c.values for c in cols]
        texts = [t.fill_null("") for t in texts]
        if len(texts) == 1:
            return Col("str", texts[0], mask)
        return Col("str", pc.binary_join_element_wise(*texts, ""), mask)

    def fn_lower(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        if c.kind == "cat":
            return Col("cat", c.values, c.mask, [s.lower() for s in c.labels or []])
        return Col("str", pc.utf8_lower(_text(c)), c.mask)

    def fn_upper(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        if c.kind == "cat":
            return Col("cat", c.values, c.mask, [s.upper() for s in c.labels or []])
        return Col("str", pc.utf8_upper(_text(c)), c.mask)

    def fn_str(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        if c.kind == "cat":
            return c
        if c.kind == "num" and c.values.dtype.kind == "f":
            # Whole numbers print without ".0" so that str(3) == '3'.
            return Col("str", Col("num", c.values).text(), c.mask)
        return Col("str", _text(c), c.mask)

    def fn_int(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        if _is_text(c):
            return self.fn_float(c)
        return self._unary(c, np.trunc)

    def fn_float(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        if _is_text(c):
            arr = _text(c)
            ok = _np_bool(
                pc.match_substring_regex(arr, r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
            )
            safe = pc.if_else(pa.array(ok), arr, pa.scalar("0"))
            vals = pc.cast(pc.utf8_trim_whitespace(safe), pa.float64()).to_numpy(
                zero_copy_only=False
            )
            return Col(
                "num", np.asarray(vals, dtype=float), or_masks(c.mask, ~ok if (~ok).any() else None)
            )
        return Col("num", _num(c), c.mask)

    def _entity(self) -> np.ndarray:
        return self.lookup("_index").values.astype(np.int64)

    def fn_cumsum(self, x: Any) -> Col:
        """Running sum within each parent's rows (nulls count as 0)."""
        c = _as_col(x, self.n)
        v = np.where(c.null_mask(), 0.0, _num(c))
        index = self._entity()
        total = np.cumsum(v)
        first = np.arange(self.n) - index
        before = np.where(first > 0, total[np.maximum(first - 1, 0)], 0.0)
        return Col("num", total - before)

    def fn_lag(self, x: Any, k: Any = 1) -> Col:
        """The value k rows earlier within the same parent (null for the first k rows)."""
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 10_000:
            raise ExprError("lag: k must be a whole number from 1 to 10000")
        c = _as_col(x, self.n)
        index = self._entity()
        src = np.maximum(np.arange(self.n) - k, 0)
        out = c.take(src)
        return out.with_mask(index < k)

    def fn_sin(self, x: Any) -> Col:
        return self._unary(x, np.sin)

    def fn_cos(self, x: Any) -> Col:
        return self._unary(x, np.cos)

    def fn_tan(self, x: Any) -> Col:
        return self._unary(x, np.tan)

    def fn_degrees(self, x: Any) -> Col:
        return self._unary(x, np.degrees)

    def fn_radians(self, x: Any) -> Col:
        return self._unary(x, np.radians)

    def fn_atan2(self, y: Any, x: Any) -> Col:
        cy, cx = _as_col(y, self.n), _as_col(x, self.n)
        return Col("num", np.arctan2(_num(cy), _num(cx)), or_masks(cy.mask, cx.mask))

    def fn_pi(self) -> float:
        return float(np.pi)

    def fn_isnull(self, x: Any) -> Col:
        c = _as_col(x, self.n)
        return Col("bool", c.null_mask().copy())

    def fn_coalesce(self, *args: Any) -> Col:
        out = _as_col(args[0], self.n)
        for a in args[1:]:
            other = _as_col(a, self.n)
            m = out.null_mask()
            if not m.any():
                break
            out = self.fn_where(Col("bool", ~m), Col(out.kind, out.values, None, out.labels), other)
        return out
