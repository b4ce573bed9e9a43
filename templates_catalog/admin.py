from __future__ import annotations

from django.contrib import admin

from templates_catalog.models import Template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "updated_at"]
    search_fields = ["name", "title"]
    readonly_fields = ["name", "tables", "knobs", "spec", "updated_at"]
