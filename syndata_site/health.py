"""``GET /healthz``: is this web process able to serve? For load balancers and orchestrators.

It checks what a request needs: the database answers a query and the task broker answers a
ping. 200 with each part "ok", else 503 naming the part that is down. No authentication and
no data: nothing here says more than "up" or "down".
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        logger.warning("health: database down: %s", exc)
        return "down"
    return "ok"


def _broker() -> str:
    from django_q.brokers import get_broker

    try:
        ok = get_broker().ping()
    except Exception as exc:  # redis.ConnectionError, a database error for the ORM broker...
        logger.warning("health: broker down: %s", exc)
        return "down"
    return "ok" if ok is not False else "down"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": _database(), "broker": _broker()}
    healthy = all(v == "ok" for v in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **parts}, status=200 if healthy else 503
    )
