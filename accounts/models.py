"""Invitations: a one-time signup link an operator hands to a new team member."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def _token() -> str:
    return secrets.token_urlsafe(32)


def _expiry() -> object:
    return timezone.now() + timedelta(days=settings.SYNDATA_INVITE_DAYS)


class Invitation(models.Model):
    """``/signup/<token>/`` creates one account, once, before ``expires_at``."""

    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    note = models.CharField(
        max_length=200, blank=True, default="", help_text="For whom (shown to operators only)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_expiry)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.note or self.pk}"

    @property
    def path(self) -> str:
        return f"/signup/{self.token}/"

    def state(self) -> str:
        """usable, used or expired."""
        if self.used_at is not None:
            return "used"
        if self.expires_at <= timezone.now():
            return "expired"
        return "usable"
