"""Parsing a spec: text or a dict in, a validated and compiled :class:`Spec` out.

Two steps: pydantic checks the shape of every node (:mod:`generation.engine.spec`), then
:func:`compile_spec` checks what a schema cannot (references between fields and tables,
dependency cycles, conditional cases, correlation matrices). Both raise :class:`SpecError`
with one issue per problem, each naming its JSON path.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

import yaml
from pydantic import ValidationError

from generation.engine.compile import compile_spec
from generation.engine.errors import Issue, SpecError
from generation.engine.spec import MAX_NESTING, MAX_NODES, MAX_SPEC_BYTES, Spec
from generation.engine.validation import issues_from_validation

__all__ = ["parse_spec", "parse_spec_once"]


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
        raise SpecError(every_issue(data, issues_from_validation(exc, data))) from None
    except RecursionError:
        raise SpecError.at("", "spec is nested too deeply") from None
    try:
        compile_spec(spec)
    except SpecError as exc:
        raise SpecError(every_issue(data, exc.issues)) from None
    return spec


#: Specs parsed by ``parse_spec_once`` in this process, by the digest of their document.
_PARSED: OrderedDict[str, Spec] = OrderedDict()
_PARSED_LOCK = threading.Lock()
MAX_PARSED = 32


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    ).hexdigest()


def spec_document(spec: Spec) -> dict[str, Any]:
    """The document a parsed spec is stored as (what a job keeps), remembered by
    ``parse_spec_once`` as this very spec: the process that parsed the request does not parse
    its stored form again. A spec's stored form parses back to an equal spec (tested on every
    template and the fuzzed specs)."""
    doc = spec.model_dump(mode="json", exclude_unset=True)
    with _PARSED_LOCK:
        _PARSED[_digest(doc)] = spec
        while len(_PARSED) > MAX_PARSED:
            _PARSED.popitem(last=False)
    return doc


def parse_spec_once(data: dict[str, Any]) -> Spec:
    """``parse_spec`` of a document, once per process: the same document (its JSON, key
    order included, which decides the columns' order) gives the same :class:`Spec` object,
    so ``compile_spec``'s cache (per spec object) answers too. A job's spec never changes,
    and its tasks (plan, blocks, join, metrics) each ask for it: a worker process parses and
    compiles it once. The object is shared: read it, never change it. A bounded LRU
    (``MAX_PARSED`` specs); a spec with errors raises each time and is not kept."""
    key = _digest(data)
    with _PARSED_LOCK:
        hit = _PARSED.get(key)
        if hit is not None:
            _PARSED.move_to_end(key)
            return hit
    spec = parse_spec(data)
    with _PARSED_LOCK:
        _PARSED[key] = spec
        while len(_PARSED) > MAX_PARSED:
            _PARSED.popitem(last=False)
    return spec


#: Rounds of checks behind the first issues (each cuts out what the last one found).
MAX_ROUNDS = 4


def every_issue(data: dict[str, Any], issues: list[Issue]) -> list[Issue]:
    """``issues`` and the issues hidden behind them, so that every problem is reported in one
    pass rather than in rounds: checks that run only once their nodes are valid (a table's
    references to its fields, the compiler's references, cycles and correlations, the tables
    below a broken parent).

    The nodes the issues are about are cut out (a broken field, a table's broken key such as
    its whole correlations list, a table with a broken parent) and what is left is checked
    again, up to MAX_ROUNDS times. What the checks then say of what was cut out (an "unknown
    field 'x'" for a field cut out, a table left with no field) is not repeated.
    """
    rest = copy.deepcopy(data)
    cut_paths: set[str] = set()
    cut_names: set[str] = set()

    def fresh(found: list[Issue]) -> list[Issue]:
        return [
            issue
            for issue in found
            if issue not in issues
            and not any(issue.path == p or issue.path.startswith(p + ".") for p in cut_paths)
            # "must declare at least one field" of a table whose only field was cut out
            and not any(not issue.path or p.startswith(issue.path + ".") for p in cut_paths)
            and not any(f"'{name}'" in issue.message for name in cut_names)
        ]

    everything = list(issues)
    last = issues
    for _ in range(MAX_ROUNDS):
        if not isinstance(rest.get("tables"), dict) or not _cut(rest, last, cut_paths, cut_names):
            break  # the spec's shape itself is broken: nothing more to check
        try:
            spec = Spec.model_validate(rest)
            compile_spec(spec)
        except ValidationError as exc:
            found = issues_from_validation(exc, rest)
        except SpecError as exc:
            found = exc.issues
        except RecursionError:
            break
        else:
            break
        new = fresh(found)
        everything += new
        # What the cuts themselves broke goes whole with its table in the next round.
        last = new + [
            Issue(".".join(i.path.split(".")[:2]), i.message)
            for i in found
            if i not in new and i.path.startswith("tables.")
        ]
    return everything


def _cut(
    rest: dict[str, Any], issues: list[Issue], cut_paths: set[str], cut_names: set[str]
) -> bool:
    """Cut out of ``rest`` the nodes the issues are about; False where that cannot be done."""
    for issue in issues:
        path = issue.path.split(".") if issue.path else []
        if not path or path[0] != "tables":
            if path and path[0] in rest:
                rest.pop(path[0])  # an unknown top-level key
                cut_paths.add(path[0])
                continue
            return False
        if len(path) < 2:
            return False
        table = path[1]
        node = rest["tables"].get(table)
        if len(path) == 2 or not isinstance(node, dict) or path[2] == "parent":
            rest["tables"].pop(table, None)
            cut_names.add(table)
            cut_paths.add(f"tables.{table}")
        elif path[2] == "fields" and len(path) >= 4 and isinstance(node.get("fields"), dict):
            node["fields"].pop(path[3], None)
            cut_names.add(path[3])
            cut_paths.add(f"tables.{table}.fields.{path[3]}")
        else:
            node.pop(path[2], None)
            cut_paths.add(f"tables.{table}.{path[2]}")
    return True
