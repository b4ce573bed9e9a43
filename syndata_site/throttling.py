"""DRF's rate throttles on the shared cache, failing open when the cache is unreachable.

A throttle protects the service; it must not take it down. If Redis is away, requests go on
unthrottled (and the log says so) instead of answering 500.
"""

from __future__ import annotations

import logging
from typing import Any

from rest_framework import throttling

logger = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception:  # the cache backend's connection errors, whatever the backend
            logger.warning("throttle cache unavailable: request let through", exc_info=True)
            return True


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass
