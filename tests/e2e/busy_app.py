"""A WSGI app whose requests spin in Python code until the worker is killed (for the test
that gunicorn's graceful timeout really ends a busy worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/busy":
        n = 0
        while True:  # busy in Python, never returning to gunicorn's loop
            n += 1
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
