"""Real PostgreSQL and Redis for production-mode tests, each test on its own database and queue.

The services are the machine's (CI starts them): PostgreSQL on 127.0.0.1:5432 (trust auth) and
Redis on 127.0.0.1:6379; ``SYNDATA_TEST_PG_URL`` / ``SYNDATA_TEST_REDIS_URL`` point elsewhere.
A service that is down FAILS the tests that need it, at once and with a clear message: a
production test that skips silently proves nothing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.conftest import LiveStack, start_stack, stop

PG_URL = os.environ.get("SYNDATA_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SYNDATA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(url: str, default_port: int) -> str | None:
    """None if a TCP connection opens within 3 s, else why not."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return None
    except OSError as exc:
        return f"{host}:{port}: {exc}"


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def services() -> None:
    """Fail (never skip) every production test at once when PostgreSQL or Redis is down."""
    down = []
    if why := _reachable(PG_URL, 5432):
        down.append(f"PostgreSQL ({PG_URL}) is down: {why}")
    if why := _reachable(REDIS_URL, 6379):
        down.append(f"Redis ({REDIS_URL}) is down: {why}")
    if down:
        pytest.fail("production tests need the real services; " + "; ".join(down), pytrace=False)


@dataclass
class Backends:
    """One test's own PostgreSQL database and Redis queue, as environment for the processes."""

    database_url: str
    redis_url: str
    q_name: str

    @property
    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SYNDATA_Q_NAME": self.q_name,
        }


def pg_create_database() -> tuple[str, str]:
    import psycopg

    name = f"syndata_test_{secrets.token_hex(6)}"
    with psycopg.connect(
        PG_URL.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, _with_db(PG_URL, name)


def pg_drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(
        PG_URL.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_terminate_backends(database_url: str) -> int:
    """Cut every connection to the database of ``database_url`` (as a dropped network would):
    how many there were."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(
        PG_URL.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


def redis_purge(q_name: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    # the queue's keys, and the cache's (throttle counters), prefixed by the queue's name
    keys = list(client.scan_iter(match=f"django_q:{q_name}:*", count=1000))
    keys += list(client.scan_iter(match=f"{q_name}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def backends(services: None) -> Iterator[Backends]:
    """A fresh PostgreSQL database and a Redis queue name of its own; both gone afterwards."""
    name, url = pg_create_database()
    q_name = f"syndata_test_{secrets.token_hex(6)}"
    try:
        yield Backends(database_url=url, redis_url=REDIS_URL, q_name=q_name)
    finally:
        redis_purge(q_name)
        pg_drop_database(name)


@contextlib.contextmanager
def production_stack(
    tmp: Path,
    backends: Backends,
    extra_env: dict[str, str] | None = None,
    media: Path | None = None,
) -> Iterator[LiveStack]:
    """gunicorn + one qcluster on PostgreSQL + Redis, with media on ``tmp/media``; stopped after."""
    env = {**backends.env, "MEDIA_ROOT": str(media or tmp / "media"), **(extra_env or {})}
    stack = start_stack(tmp, env)
    try:
        yield stack
    finally:
        for proc in stack.procs:
            stop(proc)
