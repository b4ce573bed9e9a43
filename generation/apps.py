from __future__ import annotations

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


class GenerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        post_migrate.connect(ensure_purge_schedule, sender=self, dispatch_uid=PURGE_SCHEDULE)
        from generation.recovery import RECOVER_SCHEDULE, ensure_recover_schedule

        post_migrate.connect(ensure_recover_schedule, sender=self, dispatch_uid=RECOVER_SCHEDULE)
