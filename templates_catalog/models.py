from __future__ import annotations

from django.db import models


class Template(models.Model):
    """A built-in template, mirrored from its spec file on every migrate."""

    name = models.SlugField(primary_key=True, max_length=100)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    tables = models.JSONField(default=list)
    knobs = models.JSONField(default=list)
    spec = models.JSONField(help_text="The template's spec with its knob references.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title
