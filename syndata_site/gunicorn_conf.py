"""gunicorn settings of ``manage.py serve`` (``-c python:syndata_site.gunicorn_conf``).

``timeout`` is the hard per-request limit: a worker silent for longer (a request stuck in
Python code) is killed and replaced. ``graceful_timeout`` bounds a stop: on SIGTERM the
workers finish their requests for at most that long, then the master kills them. Both are
read from the environment so that a deployment running gunicorn itself can use this file.
"""

from __future__ import annotations

import os
from typing import Any

timeout = int(os.environ.get("SYNDATA_WEB_TIMEOUT", "300"))
graceful_timeout = int(os.environ.get("SYNDATA_WEB_GRACEFUL_TIMEOUT", "20"))


def when_ready(server: Any) -> None:
    """In the master, once it listens: end with manage.py serve if that is its parent."""
    from syndata_site.lifeline import watch_parent_from_env

    watch_parent_from_env()
