"""Load the built-in templates (spec files under specs/) and resolve their knobs.

A template file holds metadata and a spec in the engine's language. Inside the spec:

- ``{"$param": "knob"}`` is replaced by the knob's value (the default unless given);
- ``{"$expr": "days_between(start_date, end_date) * 24"}`` is replaced by the value of a small
  arithmetic expression over knob values. The expression is parsed with :mod:`ast` and only
  numbers, strings, knob names, ``+ - * / // % **``, comparisons, ``a if c else b`` and the
  functions in :data:`FUNCTIONS` are allowed; nothing is ever passed to ``eval``. It exists for
  knobs whose value the spec needs in another form (a rate split over several weights, a date
  range turned into a number of days), so the template stays data and not Python.

A template may also declare ``checks``: ``[{"expr": "end_date > start_date", "knob": "end_date",
"message": "must be after start_date"}]``; a check that is false is a 400 naming the knob.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import math
import operator
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from syndata_site.errors import ApiError

# SYNDATA_TEMPLATES_DIR points the catalog at another folder (a template author trying drafts).
SPECS_DIR = Path(
    os.environ.get("SYNDATA_TEMPLATES_DIR") or Path(__file__).resolve().parent / "specs"
)
KNOB_TYPES = ("int", "float", "bool", "date", "choice")


@dataclass(frozen=True)
class Knob:
    name: str
    type: str  # int | float | bool | date | choice
    default: Any
    help: str = ""
    min: Any = None
    max: Any = None
    choices: list[Any] | None = None


@dataclass(frozen=True)
class Check:
    expr: str
    knob: str
    message: str


@dataclass(frozen=True)
class TemplateDef:
    name: str
    title: str
    description: str
    tables: list[str]
    knobs: list[Knob]
    spec: dict[str, Any] = field(repr=False)
    checks: list[Check] = field(default_factory=list)
    domain: str = ""
    realism: list[str] = field(default_factory=list)  # what the tests check, for the docs
    limits: list[str] = field(default_factory=list)  # what is not modelled, said on the page


class TemplateError(Exception):
    """A template file that is itself wrong (a bug in the catalog, not in a request)."""


# --- the expression language of $expr and checks -------------------------------------------
def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _days_between(start: Any, end: Any) -> int:
    return (_as_date(end) - _as_date(start)).days


def _add_days(start: Any, days: Any) -> str:
    return (_as_date(start) + dt.timedelta(days=int(days))).isoformat()


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "round": round,
    "int": int,
    "float": float,
    "abs": abs,
    "log": math.log,
    "exp": math.exp,
    "sqrt": math.sqrt,
    "days_between": _days_between,
    "add_days": _add_days,
    "date": lambda v: _as_date(v).isoformat(),
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _compile(text: str) -> ast.Expression:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise TemplateError(f"expression {text!r}: {exc.msg}") from None
    return tree


def expr_names(text: str) -> set[str]:
    """Knob names an expression reads (function names excluded)."""
    tree = _compile(text)
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called


def evaluate(text: str, values: dict[str, Any]) -> Any:
    """Evaluate a whitelisted expression over knob values."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise TemplateError(f"expression {text!r}: unknown knob {node.id!r}")
            value = values[node.id]
            return value.isoformat() if isinstance(value, dt.date) else value
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
            operand = ev(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BoolOp):
            results = [ev(v) for v in node.values]
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, comp in zip(node.ops, node.comparators, strict=True):
                if type(op) not in _CMPOPS:
                    break
                right = ev(comp)
                if isinstance(left, str) and isinstance(right, str) and _looks_like_date(left):
                    left_cmp, right_cmp = _as_date(left), _as_date(right)
                else:
                    left_cmp, right_cmp = left, right
                if not _CMPOPS[type(op)](left_cmp, right_cmp):
                    return False
                left = right
            else:
                return True
        if isinstance(node, ast.IfExp):
            return ev(node.body) if ev(node.test) else ev(node.orelse)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS
            and not node.keywords
        ):
            return FUNCTIONS[node.func.id](*[ev(a) for a in node.args])
        raise TemplateError(f"expression {text!r}: {type(node).__name__} is not allowed")

    return ev(_compile(text))


def _looks_like_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- loading ------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. YAML 1.1 also reads ``on``, ``off``, ``yes``, ``no``,
    ``y`` and ``n`` as booleans, which would turn ``conditional: {on: sex}`` into ``{True: sex}``
    and a ``Y``/``N`` category label into a bool."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def read_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def _refs(node: Any) -> set[str]:
    """Knob names referenced anywhere in a spec tree."""
    out: set[str] = set()
    if isinstance(node, dict):
        if set(node) == {"$param"}:
            return {node["$param"]}
        if set(node) == {"$expr"}:
            return expr_names(node["$expr"])
        for v in node.values():
            out |= _refs(v)
    elif isinstance(node, list):
        for v in node:
            out |= _refs(v)
    return out


def _load_file(path: Path) -> TemplateDef:
    doc = read_yaml(path.read_text(encoding="utf-8"))
    knobs = [Knob(**k) for k in doc.get("knobs", [])]
    names = {k.name for k in knobs}
    for knob in knobs:
        if knob.type not in KNOB_TYPES:
            raise TemplateError(f"{path.name}: knob {knob.name}: unknown type {knob.type!r}")
        _coerce(knob, knob.default)  # a default outside its own range is a catalog bug
    checks = [Check(**c) for c in doc.get("checks", [])]
    unknown = _refs(doc["spec"]) | {n for c in checks for n in expr_names(c.expr)}
    unknown -= names
    if unknown:
        raise TemplateError(f"{path.name}: references unknown knobs {sorted(unknown)}")
    return TemplateDef(
        name=doc["name"],
        title=doc.get("title", doc["name"]),
        description=doc.get("description", "").strip(),
        tables=list(doc["spec"]["tables"].keys()),
        knobs=knobs,
        spec=doc["spec"],
        checks=checks,
        domain=doc.get("domain", ""),
        realism=list(doc.get("realism", [])),
        limits=list(doc.get("limits", [])),
    )


@cache
def load_templates() -> dict[str, TemplateDef]:
    out: dict[str, TemplateDef] = {}
    for path in sorted(SPECS_DIR.glob("*.yaml")):
        tdef = _load_file(path)
        out[tdef.name] = tdef
    return out


# --- knobs --------------------------------------------------------------------------------
def _coerce(knob: Knob, value: Any) -> Any:
    path = f"params.{knob.name}"
    try:
        if knob.type == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            value = int(value)
        elif knob.type == "float":
            if isinstance(value, bool):
                raise ValueError
            value = float(value)
            if not math.isfinite(value):
                raise ValueError
        elif knob.type == "bool" and not isinstance(value, bool):
            raise ValueError
        elif knob.type == "date":
            if not isinstance(value, str):
                raise ValueError
            value = dt.date.fromisoformat(value)
    except (TypeError, ValueError, OverflowError):
        want = "a date YYYY-MM-DD" if knob.type == "date" else knob.type
        raise ApiError(f"{path}: must be {want}, got {value!r}") from None
    if knob.choices is not None and value not in knob.choices:
        raise ApiError(f"{path}: must be one of {knob.choices}, got {value!r}")
    low = _as_date(knob.min) if knob.type == "date" and knob.min is not None else knob.min
    high = _as_date(knob.max) if knob.type == "date" and knob.max is not None else knob.max
    shown = value.isoformat() if isinstance(value, dt.date) else value
    if low is not None and value < low:
        raise ApiError(f"{path}: must be >= {knob.min}, got {shown!r}")
    if high is not None and value > high:
        raise ApiError(f"{path}: must be <= {knob.max}, got {shown!r}")
    return shown


def _substitute(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if set(node) == {"$param"}:
            return values[node["$param"]]
        if set(node) == {"$expr"}:
            return evaluate(node["$expr"], values)
        return {k: _substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, values) for v in node]
    return node


def knob_values(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Every knob of a template with its value: given or default, coerced and checked."""
    templates = load_templates()
    if name not in templates:
        known = ", ".join(templates) or "none"
        raise ApiError(f"template: unknown template {name!r}; known: {known}", code="invalid")
    tdef = templates[name]
    if not isinstance(params, dict):
        raise ApiError("params: must be an object of knob values")
    knobs = {k.name: k for k in tdef.knobs}
    for key in params:
        if key not in knobs:
            raise ApiError(f"params.{key}: unknown knob; {name} has {', '.join(knobs) or 'none'}")
    values = {k.name: _coerce(k, params.get(k.name, k.default)) for k in tdef.knobs}
    for check in tdef.checks:
        if not evaluate(check.expr, values):
            raise ApiError(f"params.{check.knob}: {check.message}, got {values[check.knob]!r}")
    return values


def size_knobs(name: str) -> dict[str, str]:
    """``{table: knob}`` for the tables whose row count is one knob (the root tables)."""
    tdef = load_templates().get(name)
    if tdef is None:
        return {}
    out = {}
    for table, tspec in tdef.spec.get("tables", {}).items():
        rows = tspec.get("rows") if isinstance(tspec, dict) else None
        if isinstance(rows, dict) and set(rows) == {"$param"}:
            out[table] = rows["$param"]
    return out


def check_rows_and_knobs(name: str, params: dict[str, Any], rows: int | None) -> None:
    """``rows`` on a template sets its root tables' rows, as their size knobs do: giving
    both would silently drop the knob, so it is a 400 naming the knob and its table."""
    if rows is None or not isinstance(params, dict):
        return
    clash = {t: k for t, k in size_knobs(name).items() if k in params}
    if clash:
        sized = ", ".join(f"params.{k} sizes {t}" for t, k in clash.items())
        raise ApiError(
            f"rows: give either rows or the size knob, not both ({sized}; rows would replace "
            "it): leave rows empty to size each table by its knob",
            details=[{"path": "rows", "message": f"conflicts with {sized}"}]
            + [
                {"path": f"params.{k}", "message": f"conflicts with rows (sizes {t})"}
                for t, k in clash.items()
            ],
        )


def template_spec(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The spec of a template with its knobs set; unknown names and bad values are 400s."""
    values = knob_values(name, params)
    return _email_domains(_substitute(copy.deepcopy(load_templates()[name].spec), values))


def _email_domains(spec: dict[str, Any]) -> dict[str, Any]:
    """Reserved e-mail domains become the deployment's SYNDATA_EMAIL_DOMAINS when it has some."""
    from django.conf import settings

    domains = list(getattr(settings, "SYNDATA_EMAIL_DOMAINS", None) or [])
    for table in spec.get("tables", {}).values():
        for fdef in table.get("fields", {}).values():
            if fdef.get("type") == "email" and fdef.get("domains", "reserved") == "reserved":
                fdef["domains"] = domains or "reserved"
    return spec


def sync_templates(**kwargs: Any) -> None:
    """Mirror the spec files into the Template table (post_migrate)."""
    from dataclasses import asdict

    from templates_catalog.models import Template

    templates = load_templates()
    for tdef in templates.values():
        Template.objects.update_or_create(
            name=tdef.name,
            defaults={
                "title": tdef.title,
                "description": tdef.description,
                "tables": tdef.tables,
                "knobs": [asdict(k) for k in tdef.knobs],
                "spec": tdef.spec,
            },
        )
    Template.objects.exclude(name__in=list(templates)).delete()
