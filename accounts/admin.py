from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Add one to get a one-time signup link (valid SYNDATA_INVITE_DAYS days by default)."""

    list_display = ["note", "state", "created_by", "created_at", "expires_at", "used_by"]
    readonly_fields = ["link", "created_by", "created_at", "used_at", "used_by"]
    fields = ["note", "expires_at", "link", "created_by", "created_at", "used_at", "used_by"]

    @admin.display(description="state")
    def state(self, obj: Invitation) -> str:
        return obj.state()

    @admin.display(description="signup link (send it to the new user)")
    def link(self, obj: Invitation) -> str:
        if not obj.pk:
            return "shown once saved"
        return format_html('<a href="{}" data-testid="invitation-link">{}</a>', obj.path, obj.path)

    def response_add(self, request: HttpRequest, obj: Invitation, *args: Any) -> Any:
        url = request.build_absolute_uri(obj.path)
        self.message_user(
            request,
            f"Send this one-time signup link (until {obj.expires_at:%Y-%m-%d %H:%M}): {url}",
        )
        return super().response_add(request, obj, *args)

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
