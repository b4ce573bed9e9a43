"""Parsing a spec: text or a dict in, a validated and compiled :class:`Spec` out.

Two steps: pydantic checks the shape of every node (:mod:`generation.engine.spec`), then
:func:`compile_spec` checks what a schema cannot (references between fields and tables,
dependency cycles, conditional cases, correlation matrices). Both raise :class:`SpecError`
with one issue per problem, each naming its JSON path.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import ValidationError

from generation.engine.compile import compile_spec
from generation.engine.errors import SpecError
from generation.engine.spec import MAX_NESTING, MAX_NODES, MAX_SPEC_BYTES, Spec
from generation.engine.validation import issues_from_validation

__all__ = ["parse_spec"]


def _check_size(data: Any) -> None:
    """Reject documents too big or too deep before validating them (alias bombs, cycles)."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise SpecError.at("", f"spec is too large: more than {MAX_NODES} values")
        if depth > MAX_NESTING:
            raise SpecError.at("", f"spec is nested too deeply: more than {MAX_NESTING} levels")
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, str):
                    raise SpecError.at("", f"keys must be text, got {k!r}")
                stack.append((v, depth + 1))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
        elif not (node is None or isinstance(node, str | int | float | bool)):
            raise SpecError.at("", f"unsupported value of type {type(node).__name__}")


def _load_text(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise SpecError.at(
            "", f"spec is nested too deeply: more than {MAX_NESTING} levels"
        ) from None
    except ValueError:
        pass
    try:
        loader = yaml.SafeLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except RecursionError:
        raise SpecError.at(
            "", f"spec is nested too deeply: more than {MAX_NESTING} levels"
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError.at("", f"not valid JSON or YAML: {exc}") from None


def parse_spec(data: dict[str, Any] | str | bytes | Spec) -> Spec:
    """Validate a spec given as a dict, JSON or YAML text.

    Raises:
        SpecError: with one issue per problem, each naming its JSON path.
    """
    if isinstance(data, Spec):
        compile_spec(data)
        return data
    if isinstance(data, bytes | str):
        if len(data) > MAX_SPEC_BYTES:
            raise SpecError.at("", f"spec is larger than {MAX_SPEC_BYTES} bytes")
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise SpecError.at("", "spec text must be UTF-8") from None
        data = _load_text(text)
    if not isinstance(data, dict):
        raise SpecError.at("", "must be an object with a 'tables' key")
    _check_size(data)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(issues_from_validation(exc, data)) from None
    except RecursionError:
        raise SpecError.at("", "spec is nested too deeply") from None
    compile_spec(spec)
    return spec
