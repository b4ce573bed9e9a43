"""Rate throttles on shared counters: O(1) per request, failing open when the store is away.

DRF's own throttles keep every request's timestamp of the last window in one cache entry and
rewrite the whole list on each request (at 1,200/min, a list of 1,200 floats pickled and
written per request). These count requests in fixed windows instead and weigh the previous
window by how much of it still overlaps the sliding window (the estimate nginx and
Cloudflare use): two counters read, one incremented, whatever the rate.

The counters must be shared by every web process (and host), or each gunicorn worker would
grant the whole rate on its own. With Redis they are Redis counters (INCR, atomic). On the
embedded default they are files under the file cache's folder, one per key and window,
counted by their length: a request appends one byte (O_APPEND writes are atomic, so no count
is lost between processes) and a read is a stat. That is some 30 µs where a write through
Django's file cache (temporary file, rename, cull) costs half a millisecond.

A throttle protects the service; it must not take it down. If the store is unreachable,
requests go on unthrottled (and the log says so) instead of answering 500.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import shutil
from collections.abc import Callable
from hashlib import blake2s
from pathlib import Path
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse
from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


class _CacheCounters:
    """Counters in a Django cache (Redis: atomic INCR)."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    def get(self, keys: list[str]) -> list[int]:
        found = self.cache.get_many(keys)
        return [int(found.get(k, 0)) for k in keys]

    def hit(self, key: str, ttl: int) -> None:
        try:
            self.cache.incr(key)
        except ValueError:  # a new window (or it expired)
            if not self.cache.add(key, 1, timeout=ttl):
                self.cache.incr(key)  # another process opened it at the same moment

    def clear(self) -> None:
        """Only the throttle counters: on Redis, ``cache.clear()`` would empty the whole
        database, queues of other deployments sharing it included."""
        client = getattr(self.cache, "_cache", None)
        if not hasattr(client, "get_client"):
            self.cache.clear()
            return
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=self.cache.make_key("*throttle_*"), count=1000))
        if keys:
            redis.delete(*keys)


class _FileCounters:
    """Counters as files whose length is the count (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        window, _, name = key.rpartition(":")
        return self.root / window.replace(":", "-") / blake2s(name.encode()).hexdigest()[:32]

    def get(self, keys: list[str]) -> list[int]:
        counts = []
        for key in keys:
            try:
                counts.append(self._path(key).stat().st_size)
            except FileNotFoundError:
                counts.append(0)
        return counts

    def hit(self, key: str, ttl: int) -> None:
        path = self._path(key)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the window's first request: make its folder, drop old ones
            path.parent.mkdir(parents=True, exist_ok=True)
            self._expire(path.parent, ttl)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)

    def _expire(self, window: Path, ttl: int) -> None:
        prefix, _, start = window.name.rpartition("-")
        for old in self.root.glob(f"{prefix}-*"):
            with contextlib.suppress(ValueError):
                if int(old.name.rpartition("-")[2]) < int(start) - ttl:
                    shutil.rmtree(old, ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def counters() -> _CacheCounters | _FileCounters:
    """The store of the default cache: files next to a file cache, else the cache itself."""
    from django.core.cache import caches

    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        return _FileCounters(Path(backend._dir) / "throttle")
    return _CacheCounters(backend)


class _WindowCounter:
    """``allow_request`` of a SimpleRateThrottle, by window counters (see the module doc)."""

    duration: int
    num_requests: int
    rate: str | None
    timer: Any
    _wait: float = 0.0

    def window_keys(self, key: str, now: float) -> tuple[str, str, float]:
        start = int(now - now % self.duration)
        elapsed = (now - start) / self.duration
        # window:key, with the duration in the window so that rates per minute and per hour
        # of the same key never share a counter
        return (
            f"{self.duration}:{start}:{key}",
            f"{self.duration}:{start - self.duration}:{key}",
            elapsed,
        )

    def counts(self, key: str, now: float | None = None) -> tuple[int, int]:
        """Requests counted in the current and the previous window."""
        current, previous, _ = self.window_keys(key, self.timer() if now is None else now)
        in_current, in_previous = counters().get([current, previous])
        return in_current, in_previous

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return self._allow(request, view)
        except Exception:  # the store's connection errors, whatever the backend
            logger.warning("throttle counters unavailable: request let through", exc_info=True)
            return True

    def _allow(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        now = self.timer()
        current, previous, elapsed = self.window_keys(key, now)
        store = counters()
        in_current, in_previous = store.get([current, previous])
        if in_previous * (1 - elapsed) + in_current >= self.num_requests:
            self._wait = self._wait_for(in_current, in_previous, elapsed)
            return False
        store.hit(current, ttl=2 * self.duration + 1)  # the next window still weighs this one
        return True

    def _wait_for(self, in_current: int, in_previous: int, elapsed: float) -> float:
        """Seconds until the estimate falls under the limit, if no other request comes."""
        if in_current < self.num_requests and in_previous:
            # Within this window, once the previous window's weight has decayed enough.
            needed = 1 - (self.num_requests - in_current) / in_previous
            return max(1.0, (needed - elapsed) * self.duration)
        # Into the next window, where this window's count decays the same way.
        left = (1 - elapsed) * self.duration
        needed = 1 - (self.num_requests - 1) / max(in_current, 1)
        return max(1.0, left + max(0.0, needed) * self.duration)

    def wait(self) -> float:
        return math.ceil(self._wait)


class AnonRateThrottle(_WindowCounter, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_WindowCounter, throttling.UserRateThrottle):
    pass


def throttled_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` (the admin's login) under the API's throttles, on the same counters.

    ``/api/auth/login`` is an API view, so DRF's throttles count each attempt; the admin's
    login form is a plain Django view that nothing counted, so passwords could be tried there
    as fast as the server answers. Its attempts (POSTs) go through the same throttle classes
    and rates, keyed as the API keys them (per client address for anonymous callers), so the
    two forms share one budget. Over it, the answer is a 429 with Retry-After whatever the
    password, until the window has passed.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            waits = []
            for throttle in (cls() for cls in api_settings.DEFAULT_THROTTLE_CLASSES):
                if not throttle.allow_request(request, None):
                    waits.append(throttle.wait() or 1)
            if waits:
                wait = math.ceil(max(waits))
                response = HttpResponse(
                    "<!doctype html><title>Too many attempts</title>"
                    "<h1>Too many login attempts</h1>"
                    f"<p>Try again in {wait} seconds (SYNDATA_THROTTLE_ANON per client, "
                    "SYNDATA_THROTTLE_USER per user, as for the API).</p>",
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return wrapped
