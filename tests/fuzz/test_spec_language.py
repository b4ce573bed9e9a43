"""Hypothesis on the spec language through the API: whatever a client sends as a spec or an
expression, the answer is a 200/202 or a 400 naming a path, never a 500 and never a hang; and a
spec the API accepts really generates.

The strategies build documents shaped like specs (so they reach deep into validation and the
engine) with hostile values mixed in: huge and negative numbers, NaN, long strings, deep
nesting, many tables and fields, long expressions, unknown keys.
"""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from generation import services
from generation.models import Job

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(300)]

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
TYPES = [
    "int",
    "float",
    "bool",
    "category",
    "string",
    "date",
    "datetime",
    "time",
    "id",
    "uuid",
    "foreign_key",
    "name",
    "email",
    "phone",
    "address",
    "company",
    "iban",
    "card_number",
    "icd10",
    "money",
    "decimal",
    "lookup",
    "nonsense",
]
KINDS = [
    "uniform",
    "normal",
    "truncnormal",
    "lognormal",
    "exponential",
    "gamma",
    "beta",
    "poisson",
    "binomial",
    "zipf",
    "empirical",
    "mixture",
    "constant",
    "weibull",
    "triangular",
    "nonsense",
]
NAMES = st.sampled_from(["id", "age", "income", "score", "segment", "ts", "x", "y", "_row"])
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 1e308, -1e308, 2**63, 10**20]),
)
SCALARS = st.one_of(NUMBERS, st.booleans(), st.none(), st.text(max_size=30))
TOKENS = st.sampled_from(
    [
        "age",
        "income",
        "score",
        "x",
        "parent.age",
        "_row",
        "_index",
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "**",
        "(",
        ")",
        ",",
        "==",
        "<",
        ">=",
        "and",
        "or",
        "not",
        "in",
        "where(",
        "round(",
        "log(",
        "sqrt(",
        "exp(",
        "cumsum(",
        "lag(",
        "concat(",
        "str(",
        "'a'",
        '"b"',
        "1",
        "0",
        "1e308",
        "-",
        "null",
        "true",
        "__class__",
        "__import__('os')",
        "lambda x: x",
        ".",
        "[0]",
        "open(",
        "eval(",
        "exec(",
        "getattr(",
        "os.system(",
        "()",
        "9" * 40,
    ]
)
EXPRESSIONS = st.one_of(
    st.lists(TOKENS, max_size=60).map(" ".join),
    st.text(alphabet=string.printable, max_size=300),
    st.integers(1, 5000).map(lambda n: "1" + " + 1" * n),  # over the length/node limits
    st.integers(1, 200).map(lambda n: "(" * n + "1" + ")" * n),  # deep nesting
)


@st.composite
def dists(draw: Any, depth: int = 0) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    dist: dict[str, Any] = {"kind": kind}
    for key in draw(
        st.lists(
            st.sampled_from(
                [
                    "mean",
                    "sd",
                    "low",
                    "high",
                    "mu",
                    "sigma",
                    "lam",
                    "n",
                    "p",
                    "a",
                    "b",
                    "scale",
                    "shape",
                    "rate",
                    "s",
                    "value",
                    "values",
                    "weights",
                    "bogus",
                ]
            ),
            max_size=4,
            unique=True,
        )
    ):
        dist[key] = draw(st.one_of(NUMBERS, st.lists(NUMBERS, max_size=5)))
    if kind == "mixture" and depth < 3:
        dist["components"] = draw(
            st.lists(
                st.fixed_dictionaries({"weight": NUMBERS, "dist": dists(depth + 1)}), max_size=3
            )
        )
    return dist


@st.composite
def fields(draw: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"type": draw(st.sampled_from(TYPES))}
    extras = draw(
        st.lists(
            st.sampled_from(
                [
                    "dist",
                    "min",
                    "max",
                    "nulls",
                    "unique",
                    "values",
                    "expr",
                    "p",
                    "pattern",
                    "start",
                    "end",
                    "precision",
                    "table",
                    "noise",
                    "outliers",
                    "weird",
                ]
            ),
            max_size=3,
            unique=True,
        )
    )
    for key in extras:
        if key == "dist":
            field[key] = draw(dists())
        elif key == "expr":
            field[key] = draw(EXPRESSIONS)
        elif key == "values":
            field[key] = draw(
                st.one_of(
                    st.dictionaries(st.text(max_size=8), NUMBERS, max_size=5),
                    st.lists(SCALARS, max_size=5),
                )
            )
        elif key == "pattern":
            field[key] = draw(st.text(max_size=250))
        else:
            field[key] = draw(SCALARS)
    return field


@st.composite
def specs(draw: Any) -> Any:
    n_tables = draw(st.integers(0, 4))
    tables = {}
    for i in range(n_tables):
        name = draw(st.one_of(st.sampled_from(["people", "visits", "t"]), st.text(max_size=12)))
        tables[name or f"t{i}"] = {
            "rows": draw(st.one_of(st.integers(-5, 2000), NUMBERS)),
            "fields": draw(st.dictionaries(NAMES, fields(), max_size=6)),
            **draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "parent": st.sampled_from(["people", "visits", "nope"]),
                        "per_parent": st.one_of(NUMBERS, st.fixed_dictionaries({"dist": dists()})),
                        "correlations": st.lists(
                            st.fixed_dictionaries(
                                {"fields": st.lists(NAMES, max_size=3), "rank": NUMBERS}
                            ),
                            max_size=2,
                        ),
                    },
                )
            ),
        }
    return draw(
        st.one_of(
            st.just({"tables": tables}),
            st.just(tables),  # no "tables" key
            SCALARS,
            st.lists(SCALARS, max_size=3),
        )
    )


VALID_EXPR = st.recursive(
    st.sampled_from(["age", "score", "1", "2.5", "_row"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%"]), inner).map(" ".join),
        inner.map(lambda e: f"abs({e})"),
        st.tuples(inner, inner).map(lambda t: f"where({t[0]} > 30, {t[0]}, {t[1]})"),
        inner.map(lambda e: f"round({e}, 2)"),
    ),
    max_leaves=12,
)


@st.composite
def plausible_specs(draw: Any) -> dict[str, Any]:
    """Specs that are mostly valid, so that generation itself is fuzzed."""
    fields: dict[str, Any] = {"id": {"type": "id"}}
    fields["age"] = {
        "type": "int",
        "dist": {
            "kind": "normal",
            "mean": draw(st.floats(-1e6, 1e6)),
            "sd": draw(st.floats(0.001, 1e6)),
        },
        "nulls": draw(st.floats(0, 1)),
    }
    fields["score"] = {
        "type": "float",
        "dist": draw(
            st.sampled_from(
                [
                    {"kind": "uniform", "low": 0, "high": 1},
                    {"kind": "lognormal", "mu": 1, "sigma": 0.5},
                    {"kind": "exponential", "rate": 2},
                    {"kind": "poisson", "lam": 3},
                    {"kind": "beta", "a": 2, "b": 5},
                ]
            )
        ),
    }
    if draw(st.booleans()):
        fields["seg"] = {
            "type": "category",
            "values": draw(
                st.dictionaries(
                    st.text(min_size=1, max_size=5), st.floats(0.01, 10), min_size=1, max_size=5
                )
            ),
        }
    if draw(st.booleans()):
        fields["flag"] = {"type": "bool", "p": draw(st.floats(0, 1))}
    if draw(st.booleans()):
        fields["derived"] = {"type": "float", "expr": draw(VALID_EXPR)}
    return {"tables": {"people": {"rows": draw(st.integers(0, 100)), "fields": fields}}}


ACCEPTED: list[int] = []


def _post(client: APIClient, url: str, body: Any) -> Any:
    # Python's encoder, like many clients, writes NaN and Infinity: the server must cope.
    return client.post(url, json.dumps(body), content_type="application/json")


@SETTINGS
@given(spec=specs())
def test_validating_any_spec_answers_200_or_400(alice_client: APIClient, spec: Any) -> None:
    resp = _post(alice_client, "/api/schemas/validate", {"spec": spec})
    assert resp.status_code in (200, 400), (resp.status_code, resp.content[:500])
    body = resp.json()
    if resp.status_code == 200 and not body["valid"]:
        assert body["errors"] and all(e["path"] and e["message"] for e in body["errors"])


@SETTINGS
@given(expr=EXPRESSIONS)
def test_any_expression_is_checked_never_run_as_python(alice_client: APIClient, expr: str) -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 5,
                "fields": {
                    "age": {"type": "int", "min": 0, "max": 9},
                    "x": {"type": "float", "expr": expr},
                },
            }
        }
    }
    resp = _post(alice_client, "/api/schemas/validate", {"spec": spec})
    assert resp.status_code == 200, resp.content[:500]
    if not resp.json()["valid"]:
        assert any("x.expr" in e["path"] for e in resp.json()["errors"]), resp.json()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(spec=st.one_of(specs(), plausible_specs(), plausible_specs()), rows=st.integers(0, 40))
def test_a_spec_the_api_accepts_generates(alice_client: APIClient, spec: Any, rows: int) -> None:
    resp = _post(alice_client, "/api/generate", {"schema": spec, "rows": rows, "format": "jsonl"})
    assert resp.status_code in (202, 400), (resp.status_code, resp.content[:500])
    if resp.status_code != 202:
        assert resp.json()["error"]["message"]
        return
    job_id = resp.json()["id"]
    ACCEPTED.append(1)
    services.job_run(job_id=job_id)  # in this process: the whole job, however many blocks
    job = Job.objects.get(id=job_id)
    if job.status == "running":  # split into block tasks: run them here, in order
        for name, info in job.tables.items():
            for index in range(info["blocks"]):
                services.job_block_run(job_id=job_id, table=name, index=index)
        services.job_finalize(job_id=job_id)
        job.refresh_from_db()
    assert job.status == "succeeded", f"{json.dumps(spec)[:800]}\n-> {job.error}"
    Job.objects.filter(id=job_id).delete()  # stay under the per-user concurrency limit


def test_the_generation_fuzzing_reached_the_engine() -> None:
    if not ACCEPTED:
        pytest.skip("runs after test_a_spec_the_api_accepts_generates, in the same session")
    assert len(ACCEPTED) >= 15, len(ACCEPTED)


@pytest.mark.parametrize(
    "spec",
    [
        {"tables": {f"t{i}": {"rows": 1, "fields": {"id": {"type": "id"}}} for i in range(60)}},
        {"tables": {"t": {"rows": 1, "fields": {f"f{i}": {"type": "id"} for i in range(600)}}}},
        {"tables": {"t": {"rows": 10**12, "fields": {"id": {"type": "id"}}}}},
        {
            "tables": {
                "t": {"rows": 1, "fields": {"x": {"type": "float", "expr": "1+" * 3000 + "1"}}}
            }
        },
        {
            "tables": {
                "t": {
                    "rows": 1,
                    "fields": {
                        "c": {"type": "category", "values": {str(i): 1 for i in range(200_000)}}
                    },
                }
            }
        },
        {
            "tables": {
                "t": {
                    "rows": 1,
                    "fields": {
                        "d": {
                            "type": "int",
                            "dist": {
                                "kind": "mixture",
                                "components": [
                                    {
                                        "weight": 1,
                                        "dist": {
                                            "kind": "mixture",
                                            "components": [
                                                {
                                                    "weight": 1,
                                                    "dist": {
                                                        "kind": "mixture",
                                                        "components": [
                                                            {
                                                                "weight": 1,
                                                                "dist": {
                                                                    "kind": "mixture",
                                                                    "components": [
                                                                        {
                                                                            "weight": 1,
                                                                            "dist": {
                                                                                "kind": "normal"
                                                                            },
                                                                        }
                                                                    ],
                                                                },
                                                            }
                                                        ],
                                                    },
                                                }
                                            ],
                                        },
                                    }
                                ],
                            },
                        }
                    },
                }
            }
        },
        {
            "tables": {
                "t": {"rows": 1, "fields": {"s": {"type": "string", "pattern": "(a|b)*" * 60}}}
            }
        },
    ],
    ids=["tables", "fields", "rows", "expr-length", "categories", "mixture-depth", "pattern"],
)
def test_hostile_sizes_are_refused_with_a_path(alice_client: APIClient, spec: Any) -> None:
    resp = _post(alice_client, "/api/generate", {"schema": spec, "rows": None, "format": "csv"})
    assert resp.status_code == 400, resp.content[:300]
    error = resp.json()["error"]
    assert error["code"].startswith(("invalid", "limit")), error
    assert error["message"]


@pytest.mark.parametrize("depth", [100, 5000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_crash(alice_client: APIClient, depth: int) -> None:
    body = '{"schema": ' + "[" * depth + "]" * depth + ', "rows": 1}'
    resp = alice_client.post("/api/generate", body, content_type="application/json")
    assert resp.status_code == 400, resp.content[:300]
    assert resp.json()["error"]["message"]
