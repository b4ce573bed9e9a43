from __future__ import annotations

from django.contrib import admin

from evaluation.models import MetricsReport


@admin.register(MetricsReport)
class MetricsReportAdmin(admin.ModelAdmin):
    list_display = ["job", "created_at"]
    search_fields = ["job__id"]
    readonly_fields = ["job", "document", "created_at"]
