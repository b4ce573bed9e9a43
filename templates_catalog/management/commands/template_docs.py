"""Regenerate docs/templates/<name>.md from the spec files (samples made by the engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from templates_catalog.docs import write_all

# Sizes that keep the sample quick yet give every table at least 5 rows (the page shows the
# first 5; docs.sample_frames fails if a table has fewer).
SAMPLE_PARAMS: dict[str, dict[str, Any]] = {
    "healthcare_ehr": {"patients": 20},
    "finance_transactions": {"customers": 20, "transactions_per_card": 5},
    "robotics_sensors": {"robots": 5, "duration_s": 60, "failure_rate": 300.0},
    "retail_journeys": {"customers": 40, "products": 5, "days": 30},
}


class Command(BaseCommand):
    help = "Write docs/templates/<name>.md for every built-in template."

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(settings.BASE_DIR) / "docs" / "templates"
        for path in write_all(out, SAMPLE_PARAMS):
            self.stdout.write(path)
