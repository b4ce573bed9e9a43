"""The metrics document of a finished job."""

from __future__ import annotations

from django.db import models

from generation.models import Job


class MetricsReport(models.Model):
    job = models.OneToOneField(
        Job, on_delete=models.CASCADE, related_name="metrics", primary_key=True
    )
    document = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"metrics of {self.job_id}"
