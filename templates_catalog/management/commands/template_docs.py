"""Regenerate docs/templates/<name>.md from the spec files (samples made by the engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from templates_catalog.docs import SAMPLE_PARAMS, write_all


class Command(BaseCommand):
    help = "Write docs/templates/<name>.md for every built-in template."

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(settings.BASE_DIR) / "docs" / "templates"
        for path in write_all(out, SAMPLE_PARAMS):
            self.stdout.write(path)
