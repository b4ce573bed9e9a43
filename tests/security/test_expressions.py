"""The expression language of derived fields cannot reach Python: no attributes, imports,
dunders, lambdas, comprehensions, calls of anything but whitelisted functions. Each attempt is
a 400 naming the field's ``expr``, and nothing runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

MARKER = Path("/tmp/syndata-expression-marker")
ESCAPES = [
    "__import__('os').system('touch /tmp/syndata-expression-marker')",
    "age.__class__.__mro__[1].__subclasses__()",
    "().__class__.__bases__[0]",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "{'a': 1}['a']",
    "age.real",
    "parent.__dict__",
    "parent.age.__class__",
    "getattr(age, '__class__')",
    "eval('1')",
    "exec('x=1')",
    "open('/etc/passwd')",
    "globals()",
    "__builtins__",
    "import os",
    "age if age else 0",
    "(x := 1)",
    "f'{age}'",
    "age[0]",
    "breakpoint()",
    "str.__dict__",
    "'a'.join(['b'])",
    "'%s' % __name__",
]


def _spec(expr: str) -> dict[str, Any]:
    return {
        "tables": {
            "people": {
                "rows": 3,
                "fields": {
                    "age": {"type": "int", "min": 0, "max": 9},
                    "x": {"type": "float", "expr": expr},
                },
            }
        }
    }


@pytest.mark.parametrize("expr", ESCAPES)
def test_an_expression_cannot_reach_python(alice_client: APIClient, expr: str) -> None:
    MARKER.unlink(missing_ok=True)
    resp = alice_client.post(
        "/api/generate", {"schema": _spec(expr), "rows": 3, "format": "csv"}, format="json"
    )
    assert resp.status_code == 400, resp.content[:300]
    error = resp.json()["error"]
    assert error["code"] == "invalid_spec"
    assert "people.fields.x.expr" in error["message"], error
    assert not MARKER.exists()


def test_the_whitelisted_language_still_works(alice_client: APIClient) -> None:
    resp = alice_client.post(
        "/api/generate",
        {"schema": _spec("round(where(age > 4, age * 2.5, sqrt(age)), 2)"), "format": "csv"},
        format="json",
    )
    assert resp.status_code == 202, resp.content[:300]
