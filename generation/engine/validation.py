"""Pydantic's errors as the spec language's issues: one JSON path and one plain message each."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from generation.engine.errors import Issue
from generation.engine.fields.models import FieldSpec

__all__ = ["FIELD_ADAPTER", "issues_from_validation"]

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
        return "", f"must be one of {ctx.get('expected_tags')}, got {ctx.get('tag')!r}"
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
        if (path, message) not in seen:
            seen.add((path, message))
            issues.append(Issue(path, message))
    return issues
