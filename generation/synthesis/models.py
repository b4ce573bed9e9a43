"""Datasets (uploaded real tables) and SynthModels (a synthesizer fitted on one of them).

Imported by ``generation.models`` so that the models belong to the ``generation`` app.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models


class Dataset(models.Model):
    """A real table a user uploaded; its file stays under MEDIA_ROOT/datasets/<id>/."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="datasets"
    )
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=500, help_text="Relative to MEDIA_ROOT.")
    format = models.CharField(max_length=16)
    size = models.BigIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    columns = models.IntegerField(default=0)
    metadata = models.JSONField(
        default=dict,
        help_text=(
            "Detected, editable: columns (sdtype, datetime_format, identifier), primary_key, "
            "sequence_key, sequence_index; multi-table: tables and relationships."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def directory(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "datasets" / str(self.id)

    @property
    def absolute_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.path


class SynthModel(models.Model):
    """A synthesizer fitted on a dataset; its files live under MEDIA_ROOT/models/<id>/."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="synth_models"
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="synth_models")
    synthesizer = models.CharField(max_length=32, help_text="What was asked (may be auto).")
    chosen = models.CharField(
        max_length=32, blank=True, default="", help_text="What was fitted (auto's winner)."
    )
    options = models.JSONField(default=dict, blank=True)
    seed = models.BigIntegerField()
    fit_job = models.ForeignKey(
        "generation.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    path = models.CharField(
        max_length=500, blank=True, default="", help_text="Model folder, relative to MEDIA_ROOT."
    )
    schema = models.ForeignKey(
        "generation.Schema",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The learned, editable spec (spec synthesizer).",
    )
    metrics = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.synthesizer} model {self.id}"

    @property
    def status(self) -> str:
        return self.fit_job.status if self.fit_job_id and self.fit_job else "failed"

    @property
    def directory(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "models" / str(self.id)
