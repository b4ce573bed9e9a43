from __future__ import annotations

import logging
import sys
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

PURGE_SCHEDULE = "syndata-purge-expired"


def ensure_purge_schedule(**kwargs: Any) -> None:
    """The hourly purge of expired files, created (idempotently) by migrate. The sweep that
    re-enqueues the lost tasks of stalled jobs is generation.recovery's own schedule."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=PURGE_SCHEDULE,
        defaults={"func": "generation.tasks.purge_expired", "schedule_type": Schedule.HOURLY},
    )


# What every worker needs for its first job (the engine's samplers, the writers, the metrics),
# imported once by the qcluster's sentinel before it forks its workers: each worker then
# starts with them (shared, copy-on-write) instead of paying about a second of imports in
# the middle of its first job. The web process stays lazy (its views import pandas on first use).
WORKER_PRELOAD = (
    "pandas",
    "scipy.stats",
    "pyarrow.csv",
    "pyarrow.parquet",
    "generation.engine",
    "evaluation.services",
    "evaluation.metrics",
)


def preload_worker_modules() -> None:
    import importlib

    for name in WORKER_PRELOAD:
        importlib.import_module(name)


def _is_qcluster() -> bool:
    return len(sys.argv) > 1 and sys.argv[1] == "qcluster"


class GenerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        post_migrate.connect(ensure_purge_schedule, sender=self, dispatch_uid=PURGE_SCHEDULE)
        from generation.recovery import RECOVER_SCHEDULE, ensure_recover_schedule

        post_migrate.connect(ensure_recover_schedule, sender=self, dispatch_uid=RECOVER_SCHEDULE)
        from django.conf import settings

        if settings.SYNDATA_WORKER_PRELOAD and _is_qcluster():
            preload_worker_modules()
        if _is_qcluster():
            from django_q.signals import pre_execute

            from syndata_site.lifeline import watch_parent_from_env

            watch_parent_from_env()  # started by manage.py serve: end with it
            pre_execute.connect(revive_recover_schedule, dispatch_uid="syndata-revive-recover")


_revived_at = 0.0


def revive_recover_schedule(**kwargs: Any) -> None:
    """Before a worker's task, at most once a minute per worker: arm the recovery schedule
    again if its last pass was lost with its worker (generation.recovery)."""
    import time

    global _revived_at
    now = time.monotonic()
    if now - _revived_at < 60:
        return
    _revived_at = now
    from generation.recovery import recover_schedule_revive

    try:
        recover_schedule_revive()
    except Exception:  # never the reason a task does not run
        logging.getLogger(__name__).exception("reviving the recovery schedule failed")
