from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from generation import services
from generation.models import Artifact, Dataset, Job, Schema, SynthModel


class ArtifactInline(admin.TabularInline):
    model = Artifact
    extra = 0
    fields = ["table", "format", "rows", "size", "path", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "owner",
        "kind",
        "status",
        "rows_done",
        "rows_total",
        "format",
        "seed",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind", "format", "created_at"]
    search_fields = ["id", "owner__username", "template", "error"]
    readonly_fields = [f.name for f in Job._meta.fields]
    date_hierarchy = "created_at"
    inlines = [ArtifactInline]
    actions = ["purge_files"]

    @admin.action(description="Delete the selected jobs' files and artifacts")
    def purge_files(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        for job in queryset:
            services.job_files_purge(job=job)  # downloads then answer 410 expired
        self.message_user(request, f"Purged files of {queryset.count()} job(s).")


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    list_display = ["id", "job", "table", "format", "rows", "size", "created_at"]
    list_filter = ["format", "created_at"]
    search_fields = ["job__id", "table", "sha256"]
    readonly_fields = [f.name for f in Artifact._meta.fields]


@admin.register(Schema)
class SchemaAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "updated_at"]
    search_fields = ["name", "owner__username"]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "name", "format", "rows", "columns", "size", "created_at"]
    search_fields = ["id", "name", "owner__username"]
    readonly_fields = ["id", "owner", "path", "format", "size", "rows", "columns", "created_at"]


@admin.register(SynthModel)
class SynthModelAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "dataset", "synthesizer", "chosen", "seed", "created_at"]
    list_filter = ["synthesizer", "chosen"]
    search_fields = ["id", "owner__username"]
    readonly_fields = [f.name for f in SynthModel._meta.fields]
