"""Property-based: random valid specs generate; random invalid ones fail with a path, fast."""

from __future__ import annotations

import copy
import json
from typing import Any

import pyarrow as pa
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generation import engine
from generation.engine import SpecError

PROFILE = settings(
    max_examples=25,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(0.01, 50, allow_nan=False)
prob = st.floats(0, 1, allow_nan=False)

dists = st.one_of(
    st.builds(lambda a, w: {"kind": "uniform", "low": a, "high": a + w}, finite, positive),
    st.builds(lambda m, s: {"kind": "normal", "mean": m, "sd": s}, finite, positive),
    st.builds(
        lambda m, s: {"kind": "lognormal", "mu": m, "sigma": s},
        st.floats(-5, 5),
        st.floats(0.05, 2),
    ),
    st.builds(lambda r: {"kind": "exponential", "rate": r}, positive),
    st.builds(lambda a, b: {"kind": "gamma", "shape": a, "scale": b}, positive, positive),
    st.builds(lambda a, b: {"kind": "beta", "a": a, "b": b}, positive, positive),
    st.builds(lambda lam: {"kind": "poisson", "lam": lam}, positive),
    st.builds(lambda n, p: {"kind": "binomial", "n": n, "p": p}, st.integers(1, 100), prob),
    st.builds(
        lambda s, n: {"kind": "zipf", "s": s, "n": n}, st.floats(0.5, 3), st.integers(1, 1000)
    ),
    st.builds(
        lambda vs: {"kind": "empirical", "values": vs},
        st.lists(st.integers(-100, 100), min_size=1, max_size=5),
    ),
    st.builds(
        lambda a, b: {
            "kind": "mixture",
            "components": [
                {"weight": 1, "dist": {"kind": "normal", "mean": a, "sd": 1}},
                {"weight": 2, "dist": {"kind": "normal", "mean": b, "sd": 2}},
            ],
        },
        finite,
        finite,
    ),
)


def _numeric(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda d, nulls, noise: {
            "type": kind,
            "dist": d,
            "nulls": nulls,
            **({"noise": {"sd": 1.0}} if noise else {}),
        },
        dists,
        st.sampled_from([0, 0.1]),
        st.booleans(),
    )


field = st.one_of(
    _numeric("int"),
    _numeric("float"),
    _numeric("money"),
    st.builds(lambda p: {"type": "bool", "p": p}, prob),
    st.builds(
        lambda labels: {"type": "category", "values": {k: 1 + i for i, k in enumerate(labels)}},
        st.lists(st.text("abcxyz", min_size=1, max_size=4), min_size=1, max_size=6, unique=True),
    ),
    st.builds(
        lambda p: {"type": "string", "pattern": p}, st.text("#%?^*-AB", min_size=1, max_size=12)
    ),
    st.just({"type": "datetime", "start": "2024-01-01", "end": "2024-06-01"}),
    st.just(
        {
            "type": "date",
            "start": "2000-01-01",
            "end": "2024-06-01",
            "weights": {"weekday": [1, 1, 1, 1, 1, 0.2, 0.2]},
        }
    ),
    st.just({"type": "time"}),
    st.sampled_from(
        [
            {"type": t}
            for t in (
                "uuid",
                "name",
                "email",
                "phone",
                "address",
                "company",
                "country",
                "iban",
                "card_number",
                "icd10",
            )
        ]
    ),
)


@st.composite
def signals(draw: Any) -> dict[str, Any]:
    """A signal with any subset of its components."""
    parts: dict[str, Any] = {
        "level": draw(finite),
        "entity_sd": draw(st.sampled_from([0, 1.5])),
        "trend": draw(st.floats(-5, 5)),
        "seasonality": [{"period": "1d", "amplitude": draw(positive), "peak": draw(prob)}],
        "ar": {"phi": draw(st.floats(-0.99, 0.99)), "sd": draw(positive)},
        "random_walk": {"sd": draw(positive)},
        "noise": {"sd": draw(positive)},
        "spikes": {"rate": draw(prob), "size": draw(finite), "sign": "both"},
        "stuck": {"rate": draw(prob), "length": draw(st.floats(1, 50))},
        "dropouts": {"rate": draw(prob), "length": draw(st.floats(1, 50))},
    }
    keep = draw(st.sets(st.sampled_from(sorted(parts)), max_size=len(parts)))
    return {k: v for k, v in parts.items() if k in keep}


signals = signals()


@st.composite
def valid_specs(draw: Any) -> dict[str, Any]:
    fields = draw(
        st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), field, min_size=1, max_size=8
        )
    )
    fields = {"id": {"type": "id"}, **{k: v for k, v in fields.items() if k != "id"}}
    numeric = [k for k, v in fields.items() if v["type"] in ("int", "float", "money")]
    table: dict[str, Any] = {"rows": draw(st.integers(0, 300)), "fields": fields}
    if len(numeric) >= 2:
        r = draw(st.floats(-0.9, 0.9))
        table["correlations"] = [{"fields": numeric[:2], "rank": r}]
    cats = [k for k, v in fields.items() if v["type"] == "category"]
    if cats and numeric and draw(st.booleans()):
        target = numeric[-1]
        label = next(iter(fields[cats[0]]["values"]))
        fields[target] = {
            **fields[target],
            "conditional": {
                "on": cats[0],
                "cases": {label: {"dist": {"kind": "normal", "mean": 5, "sd": 1}}},
            },
        }
    if len(numeric) >= 2:
        # Ties can make a rank unreachable (a constant field, a rare bool): use the closest.
        table["repair_correlations"] = True
    if draw(st.booleans()):
        fields["dr"] = {
            "type": "float",
            "dist": {"kind": "normal", "mean": 0, "sd": 1},
            "drift": {
                "to": {"mean": draw(finite), "sd": draw(positive)},
                "shape": draw(st.sampled_from(["linear", "step"])),
                "at": draw(prob),
            },
        }
    if draw(st.booleans()):
        fields["lo_"] = {"type": "float", "dist": {"kind": "normal", "mean": 0, "sd": 1}}
        fields["hi_"] = {"type": "float", "min": -3, "max": 3}
        table["constraints"] = [
            {"check": "hi_ >= lo_", "fix": draw(st.sampled_from(["swap", "clip"]))}
        ]
    doc: dict[str, Any] = {"tables": {"t": table}}
    if draw(st.booleans()):
        looked_up = draw(st.sampled_from(sorted(fields)))
        doc["tables"]["c"] = {
            "parent": "t",
            "per_parent": {"dist": {"kind": "poisson", "lam": draw(st.floats(0.1, 4))}, "max": 10},
            "fields": {
                "tid": {"type": "foreign_key", "table": "t"},
                "x": draw(field),
                "lk": {"type": "lookup", "key": "tid", "field": looked_up},
            },
        }
    if draw(st.booleans()):
        doc["tables"]["s"] = {
            "parent": "t",
            "series": {
                "length": draw(st.integers(0, 40)),
                "start": "2024-01-01",
                "every": draw(st.sampled_from(["1s", "10ms", "1h"])),
            },
            "fields": {
                "tid": {"type": "foreign_key", "table": "t"},
                "v": {"type": "float", "signal": draw(signals)},
                "fault": {"type": "category", "signal_events": ["v"]},
            },
        }
    return doc


@PROFILE
@given(valid_specs(), st.integers(0, 2**32))
def test_random_valid_specs_generate(doc: dict[str, Any], seed: int) -> None:
    spec = engine.parse_spec(doc)
    plans = engine.plan_tables(spec, block_size=128, seed=seed)
    for name, plan in plans.items():
        schema = engine.output_schema(spec, name)
        made = [engine.generate_block(spec, name, b, seed) for b in plan.blocks()]
        table = pa.concat_tables(made)
        assert table.num_rows == plan.rows
        assert table.schema == schema


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "type",
        "kind",
        "dist",
        "rows",
        "fields",
        "values",
        "min",
        "max",
        "nulls",
        "expr",
        "parent",
        "per_parent",
        "correlations",
        "rank",
        "sd",
        "after",
        "conditional",
        "series",
        "signal",
        "pattern",
        "start",
        "end",
        "unique",
        "table",
        "x",
    ]
)


def _mutate(doc: Any, path: list[Any], value: Any) -> Any:
    out = copy.deepcopy(doc)
    node = out
    for p in path[:-1]:
        if isinstance(node, dict) and p in node:
            node = node[p]
        else:
            return out
    if isinstance(node, dict):
        node[path[-1]] = value
    return out


@PROFILE
@given(valid_specs(), st.lists(keys, min_size=1, max_size=5), json_values)
def test_random_invalid_specs_fail_with_a_path_never_deep(
    doc: dict[str, Any], path: list[str], value: Any
) -> None:
    bad = _mutate(doc, ["tables", "t", "fields", *path], value)
    for candidate in (bad, json.dumps(bad), value):
        try:
            spec = engine.parse_spec(candidate)
        except SpecError as exc:
            assert exc.issues
            for issue in exc.issues:
                assert issue.message
                _assert_names_where(issue.path, candidate)
            continue
        try:
            plans = engine.plan_tables(spec, rows=50, block_size=64, seed=1)
            for name, plan in plans.items():
                engine.generate_block(spec, name, plan.block(0), 1)
        except SpecError as exc:
            assert exc.issues[0].message
            for issue in exc.issues:
                _assert_names_where(issue.path, candidate)


def _assert_names_where(path: str, candidate: Any) -> None:
    """An error path names where in the document: "tables..." or another top-level key.

    Only a document that is not an object (or not JSON/YAML at all) has nowhere to point,
    and then the path is empty (as it is for a top-level key that is itself empty).
    """
    doc = candidate
    if isinstance(candidate, str):
        try:
            doc = json.loads(candidate)
        except ValueError:
            try:
                doc = yaml.safe_load(candidate)
            except yaml.YAMLError:
                doc = None
    if not isinstance(doc, dict):
        assert path == "", path
        return
    assert path or "" in doc, "an error in an object document must have a path"
    # (a top-level key may itself hold dots: {".": 1} has its error at ".")
    top = any(path == key or path.startswith(f"{key}.") for key in doc)
    assert path == "tables" or path.startswith("tables.") or top, path


def test_hostile_documents_are_rejected_quickly() -> None:
    deep = "[" * 5000 + "]" * 5000
    bomb = (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "tables: *i\n"
    )
    wide = json.dumps({"tables": {f"t{i}": {"fields": {"id": {"type": "id"}}} for i in range(200)}})
    huge_rows = {"tables": {"t": {"rows": 10**12, "fields": {"id": {"type": "id"}}}}}
    long_expr = {
        "tables": {
            "t": {
                "fields": {
                    "a": {"type": "float"},
                    "b": {"type": "float", "expr": "+".join(["a"] * 1500)},
                }
            }
        }
    }
    nested_expr = {
        "tables": {
            "t": {
                "fields": {
                    "a": {"type": "float"},
                    "b": {"type": "float", "expr": "(" * 300 + "a" + ")" * 300},
                }
            }
        }
    }
    for doc in (
        deep,
        bomb,
        wide,
        huge_rows,
        long_expr,
        nested_expr,
        "x" * 2_000_000,
        b"\xff\xfe",
        "[]",
        "null",
    ):
        try:
            engine.parse_spec(doc)
        except SpecError as exc:
            assert exc.issues
        else:
            raise AssertionError(f"accepted {str(doc)[:60]}")
