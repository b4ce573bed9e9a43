"""Every validation error names its JSON path and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from generation.engine import SpecError, json_schema, parse_spec


def _issues(doc: Any) -> dict[str, str]:
    with pytest.raises(SpecError) as info:
        parse_spec(doc)
    return {i.path: i.message for i in info.value.issues}


def test_it_rejects_a_non_positive_sd_at_its_path() -> None:
    doc = {
        "tables": {
            "visits": {"fields": {"los": {"type": "float", "dist": {"kind": "normal", "sd": 0}}}}
        }
    }
    assert _issues(doc) == {"tables.visits.fields.los.dist.sd": "must be > 0"}


def test_it_names_the_allowed_types() -> None:
    doc = {"tables": {"t": {"fields": {"x": {"type": "bogus"}}}}}
    ((path, message),) = _issues(doc).items()
    assert path == "tables.t.fields.x.type"  # the innermost node that is wrong
    assert "'int'" in message and "'bogus'" in message
    assert "did you mean" not in message  # nothing is close to 'bogus'


def test_a_near_miss_gets_a_did_you_mean() -> None:
    doc = {
        "tables": {
            "t": {
                "rowz": 10,
                "fields": {
                    "x": {"type": "float", "dist": {"kind": "gaussian", "mean": 0, "sd": 1}},
                    "n": {"type": "integer"},
                    "k": {"type": "int", "mni": 3},
                },
            }
        }
    }
    issues = _issues(doc)
    assert issues["tables.t.fields.x.dist.kind"].startswith(
        "unknown kind 'gaussian' (did you mean 'normal'?)"
    )
    assert issues["tables.t.fields.n.type"].startswith(
        "unknown type 'integer' (did you mean 'int'?)"
    )
    assert issues["tables.t.fields.k.mni"] == "is not allowed here (did you mean 'min'?)"
    assert issues["tables.t.rowz"] == "is not allowed here (did you mean 'rows'?)"


def test_every_problem_is_reported_in_one_pass() -> None:
    """Field errors, a correlation on a missing field, a reference in an expression and a
    table's unknown parent: all at once, not one round after another."""
    doc = {
        "tables": {
            "t": {
                "fields": {
                    "x": {"type": "float", "dist": {"kind": "normal", "mean": 0, "sd": -1}},
                    "y": {"type": "int"},
                    "z": {"type": "int", "expr": "q * 2"},
                },
                "correlations": [{"fields": ["y", "nope"], "rank": 0.3}],
            },
            "u": {"parent": "missing", "fields": {"a": {"type": "int"}}},
        }
    }
    issues = _issues(doc)
    assert issues["tables.t.fields.x.dist.sd"] == "must be > 0"
    assert issues["tables.t.correlations.0.fields"] == "unknown field 'nope'"
    assert issues["tables.t.fields.z.expr"].startswith("unknown field 'q'")
    assert issues["tables.u.parent"].startswith("unknown table 'missing'")
    assert len(issues) == 4


def test_what_a_broken_node_hides_is_not_reported_as_missing() -> None:
    """y's expression uses x, whose distribution is broken: x is reported, y is not."""
    doc = {
        "tables": {
            "t": {
                "fields": {
                    "x": {"type": "float", "dist": {"kind": "normal", "sd": 0}},
                    "y": {"type": "float", "expr": "x * 2"},
                },
                "correlations": [{"fields": ["x", "y"], "rank": 0.3}],
            }
        }
    }
    assert _issues(doc) == {"tables.t.fields.x.dist.sd": "must be > 0"}


def test_it_rejects_unknown_keys_and_empty_weights() -> None:
    doc = {
        "tables": {
            "t": {
                "fields": {
                    "c": {"type": "category", "values": {}},
                    "i": {"type": "int", "colour": 1},
                }
            }
        }
    }
    issues = _issues(doc)
    assert issues["tables.t.fields.c.values"] == "must name at least one value"
    assert issues["tables.t.fields.i.colour"] == "is not allowed here"


def test_it_rejects_min_above_max_and_a_correlation_on_a_category() -> None:
    doc = {
        "tables": {
            "t": {
                "fields": {
                    "a": {"type": "int", "min": 5, "max": 1},
                    "c": {"type": "string", "pattern": "X-##"},
                },
                "correlations": [],
            }
        }
    }
    assert _issues(doc) == {"tables.t.fields.a.max": "must be > min"}
    doc["tables"]["t"]["fields"]["a"] = {"type": "int"}
    doc["tables"]["t"]["correlations"] = [{"fields": ["a", "c"], "rank": 0.5}]
    ((path, message),) = _issues(doc).items()
    assert path == "tables.t.correlations.0.fields"
    assert message.startswith("'c' is not numeric")


def test_it_accepts_yaml_and_rejects_garbage() -> None:
    spec = parse_spec("tables:\n  t:\n    rows: 3\n    fields:\n      id: {type: id}\n")
    assert spec.tables["t"].rows == 3
    assert _issues("{{{ not a spec") != {}
    assert _issues([1, 2]) == {"": "must be an object with a 'tables' key"}


def test_the_json_schema_describes_the_language() -> None:
    schema = json_schema()
    assert schema["title"] == "Syn-Data spec"
    assert "tables" in schema["properties"]
    text = str(schema)
    for kind in ("normal", "lognormal", "uniform", "category"):
        assert kind in text


def test_references_between_tables_and_fields_are_checked() -> None:
    doc = {
        "tables": {
            "a": {"fields": {"id": {"type": "id"}, "x": {"type": "float"}}},
            "b": {
                "parent": "a",
                "fields": {
                    "fk": {"type": "foreign_key", "table": "a", "field": "x"},
                    "y": {"type": "float", "expr": "parent.nope + 1"},
                    "z": {
                        "type": "float",
                        "conditional": {
                            "on": "w",
                            "cases": {"k": {"dist": {"kind": "normal", "sd": 0}}},
                        },
                    },
                },
            },
            "c": {"parent": "zz", "fields": {"id": {"type": "id"}}},
        }
    }
    issues = _issues(doc)  # all of them in one pass, the broken parent first
    assert next(iter(issues.items())) == ("tables.c.parent", "unknown table 'zz'; tables: a, b, c")
    assert len(issues) == 5
    assert "is not a key" in issues["tables.b.fields.fk.field"]
    assert "has no field 'nope'" in issues["tables.b.fields.y.expr"]
    assert issues["tables.b.fields.z.conditional.cases.k.dist.sd"] == "must be > 0"
    assert "unknown field 'w'" in issues["tables.b.fields.z.conditional.on"]


def test_table_shapes_are_checked() -> None:
    assert _issues({"tables": {"t": {"per_parent": 3, "fields": {"id": {"type": "id"}}}}}) == {
        "tables.t.per_parent": "only for child tables (give parent)"
    }
    doc = {
        "tables": {
            "a": {"fields": {"id": {"type": "id"}}},
            "b": {"parent": "a", "rows": 5, "fields": {"id": {"type": "id"}}},
        }
    }
    assert "follow from its parent" in _issues(doc)["tables.b.rows"]
    doc = {
        "tables": {
            "a": {
                "fields": {
                    "d": {"type": "datetime"},
                    "n": {"type": "int", "unique": True, "min": 1},
                }
            }
        }
    }
    issues = _issues(doc)
    assert "needs both min and max" in issues["tables.a.fields.n.unique"]


def test_the_json_schema_lists_every_type_and_kind() -> None:
    text = str(json_schema())
    for name in (
        "truncnormal",
        "mixture",
        "quantiles",
        "zipf",
        "iban",
        "card_number",
        "foreign_key",
        "lookup",
        "signal",
        "series",
    ):
        assert name in text
