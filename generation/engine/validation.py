"""Pydantic's errors as the spec language's issues: one JSON path and one plain message each."""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from generation.engine._model import Model
from generation.engine.errors import Issue
from generation.engine.fields.models import FieldSpec

__all__ = ["FIELD_ADAPTER", "issues_from_validation", "suggest"]

#: Validates one field on its own (a conditional case merged over its base field).
FIELD_ADAPTER: TypeAdapter[Any] = TypeAdapter(FieldSpec)

_MESSAGES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "missing": "is required",
    "extra_forbidden": "is not allowed here",
    "too_short": "must have at least {min_length} entries",
    "too_long": "must have at most {max_length} entries",
    "string_too_short": "must have at least {min_length} characters",
    "string_too_long": "must have at most {max_length} characters",
    "finite_number": "must be a finite number",
}


def _issue_path(raw: Any, loc: tuple[Any, ...]) -> str:
    """Pydantic's loc -> a dotted JSON path, dropping the union tags pydantic inserts."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(node, dict) and item in node:
            parts.append(str(item))
            node = node[item]
        elif isinstance(node, list) and isinstance(item, int) and item < len(node):
            parts.append(str(item))
            node = node[item]
        elif isinstance(node, dict) and item in (node.get("type"), node.get("kind")):
            continue  # a discriminated-union tag, not a key of the document
        elif isinstance(item, str) and (
            "[" in item
            or item.startswith("function-")
            or item in ("int", "str", "float", "list", "dict", "bool")
        ):
            continue
        else:
            parts.append(str(item))
            node = None
    return ".".join(parts)


def _issue_message(err: Any) -> tuple[str, str]:
    """Return (extra path suffix, message) for one pydantic error."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _MESSAGES:
        nice = {
            k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in ctx.items()
        }
        try:
            return "", _MESSAGES[kind].format(**nice)
        except (KeyError, IndexError):
            return "", err["msg"]
    if kind == "union_tag_invalid":
        # The tag's own key is what is wrong: point at it ("dist.kind", "fields.x.type").
        key = str(ctx.get("discriminator", "")).strip("'")
        tag = str(ctx.get("tag"))
        allowed = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        guess = suggest(tag, allowed, synonyms=_TAG_SYNONYMS)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        return key, f"unknown {key} {tag!r}{hint}; one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "", f"needs a '{str(ctx.get('discriminator', '')).strip(chr(39))}' key"
    if kind == "literal_error":
        return "", f"must be one of {ctx.get('expected')}"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        # Model validators say "sub.path: message" to point below the model.
        if ": " in msg and " " not in msg.split(": ", 1)[0]:
            sub, msg = msg.split(": ", 1)
            return sub, msg
        return "", msg
    msg = str(err.get("msg", "is not valid"))
    return "", msg[0].lower() + msg[1:]


#: Names people reach for that the language spells otherwise (types and distribution kinds).
_TAG_SYNONYMS = {
    "gaussian": "normal",
    "norm": "normal",
    "log_normal": "lognormal",
    "lnorm": "lognormal",
    "exp": "exponential",
    "expon": "exponential",
    "truncated_normal": "truncnormal",
    "truncnorm": "truncnormal",
    "neg_binomial": "negbinomial",
    "negative_binomial": "negbinomial",
    "binom": "binomial",
    "geom": "geometric",
    "fixed": "constant",
    "integer": "int",
    "bigint": "int",
    "long": "int",
    "number": "float",
    "double": "float",
    "real": "float",
    "numeric": "float",
    "boolean": "bool",
    "str": "string",
    "text": "string",
    "varchar": "string",
    "categorical": "category",
    "enum": "category",
    "choice": "category",
    "timestamp": "datetime",
    "datetime64": "datetime",
    "fk": "foreign_key",
    "foreignkey": "foreign_key",
    "reference": "foreign_key",
    "guid": "uuid",
    "zip": "postcode",
    "zipcode": "postcode",
    "postal_code": "postcode",
    "phone_number": "phone",
    "mail": "email",
    "e-mail": "email",
}


def suggest(word: str, allowed: list[str], *, synonyms: dict[str, str] | None = None) -> str | None:
    """The name in ``allowed`` that ``word`` most likely meant (a known synonym, two letters
    swapped, or a close spelling), or None when nothing is close."""
    lowered = word.lower()
    guess = (synonyms or {}).get(lowered)
    if guess is None or guess not in allowed:
        swapped = [a for a in allowed if len(a) == len(lowered) and sorted(a) == sorted(lowered)]
        close = swapped or difflib.get_close_matches(lowered, allowed, n=1, cutoff=0.75)
        guess = close[0] if close else None
    return guess if guess != word else None


@cache
def _known_keys() -> tuple[str, ...]:
    """Every key any node of the language takes (for "did you mean" on an unknown key)."""
    seen: set[str] = set()
    stack: list[type[BaseModel]] = list(Model.__subclasses__())
    while stack:
        model = stack.pop()
        stack.extend(model.__subclasses__())
        for name, info in model.model_fields.items():
            seen.add(info.alias or name)
    return tuple(sorted(seen))


def issues_from_validation(exc: ValidationError, raw: Any, prefix: str = "") -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        path = _issue_path(raw, tuple(err["loc"]))
        sub, message = _issue_message(err)
        if sub:
            path = f"{path}.{sub}" if path else sub
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        if err["type"] == "extra_forbidden" and err["loc"]:
            top = len(err["loc"]) == 1  # a key of the document itself
            guess = suggest(str(err["loc"][-1]), ["tables"] if top else list(_known_keys()))
            if guess:
                message = f"is not allowed here (did you mean {guess!r}?)"
        if (path, message) not in seen:
            seen.add((path, message))
            issues.append(Issue(path, message))
    return issues
