"""``GET /healthz``: is this web process able to serve? For load balancers and orchestrators.

It checks what a request needs: the database answers a query, the task broker answers a
ping, and the files folder (``MEDIA_ROOT``) can be written with at least
``SYNDATA_MIN_FREE_BYTES`` free (on SQLite, the database's folder too: a full disk there stops
every write). 200 with each part "ok", else 503 naming the part that is down and, in
``reasons``, why. No authentication and no data beyond that.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from generation import storage

logger = logging.getLogger(__name__)


def _database() -> str | None:
    """None when the database answers, else why not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        logger.warning("health: database down: %s", exc)
        return "the database does not answer a query"
    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        if name.exists():  # not an in-memory test database
            return _writable(name.parent, "the database's folder")
    return None


def _writable(folder: Path, what: str) -> str | None:
    """None when ``folder`` takes a new file and has the minimum free space, else why not."""
    probe = folder / f".healthz-{uuid.uuid4().hex}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        logger.warning("health: %s %s is not writable: %s", what, folder, exc)
        return f"{what} cannot be written ({exc.strerror or exc})"
    try:
        storage.space_check(folder)
    except storage.DiskFull as exc:
        logger.warning("health: %s %s: %s", what, folder, exc)
        return (
            f"{what} has {exc.free} bytes free, under the {exc.needed} bytes that must stay "
            "free (SYNDATA_MIN_FREE_BYTES)"
        )
    return None


def _broker() -> str | None:
    from django_q.brokers import get_broker

    try:
        ok = get_broker().ping()
    except Exception as exc:  # redis.ConnectionError, a database error for the ORM broker...
        logger.warning("health: broker down: %s", exc)
        return "the task broker does not answer a ping"
    return None if ok is not False else "the task broker does not answer a ping"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    problems = {
        "database": _database(),
        "broker": _broker(),
        "storage": _writable(Path(settings.MEDIA_ROOT), "the files folder (MEDIA_ROOT)"),
    }
    parts = {name: "ok" if why is None else "down" for name, why in problems.items()}
    reasons = [f"{name}: {why}" for name, why in problems.items() if why is not None]
    body: dict[str, object] = {"status": "down" if reasons else "ok", **parts}
    if reasons:
        body["reasons"] = reasons
    return JsonResponse(body, status=503 if reasons else 200)
