from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from generation import scheduling, services
from generation.models import Artifact, Dataset, Job, Schema, SynthModel


def queue_health() -> dict[str, Any]:
    """For the admin's queue page: tasks waiting per cluster, the clusters alive (django-q2's
    ``Stat``, which each cluster saves every few seconds), running and stalled jobs."""
    import time

    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.status import Stat

    from generation.recovery import RECOVER_SCHEDULE, _last_activity

    names = [str(settings.Q_CLUSTER["name"])]  # type: ignore[call-overload]
    if settings.SYNDATA_HEAVY_WORKERS > 0:
        names.append(settings.SYNDATA_HEAVY_CLUSTER)
    queues = []
    for name in names:
        try:
            broker = get_broker(name)
            queued: int | str = broker.queue_size()
            taken = broker.lock_size()
        except Exception as exc:  # the broker away: say so, the page still shows
            queued, taken = f"unavailable ({type(exc).__name__})", None
        lane = scheduling.HEAVY if name == settings.SYNDATA_HEAVY_CLUSTER else scheduling.DEFAULT
        queues.append({"name": name, "lane": lane, "queued": queued, "taken": taken})
    try:
        clusters = [
            {
                "host": s.host,
                "pid": s.pid,
                "status": s.status,
                "workers": len(s.workers),
                "uptime_s": round(s.uptime()),
            }
            for s in Stat.get_all()
        ]
    except Exception:
        clusters = []
    now = time.time()
    stall = settings.SYNDATA_STALL_SECONDS
    running = []
    stalled = []
    for job in Job.objects.filter(status=Job.Status.RUNNING).select_related("owner"):
        quiet = now - _last_activity(job)
        row = {
            "job": job,
            "lane": scheduling.lane_for(job),
            "activity": scheduling.job_state(job)[1],
            "quiet_s": quiet,
        }
        (stalled if quiet >= stall else running).append(row)
    schedule = Schedule.objects.filter(name=RECOVER_SCHEDULE).first()
    return {
        "queues": queues,
        "clusters": clusters,
        "running": running,
        "stalled": stalled,
        "queued_jobs": Job.objects.filter(status=Job.Status.QUEUED).count(),
        "recovery": schedule,
        "stall_seconds": stall,
    }


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
    actions = ["cancel_jobs", "purge_files"]

    @admin.action(description="Cancel the selected unfinished jobs")
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        cancelled = 0
        for job in queryset.exclude(status__in=Job.FINISHED):
            if services.job_cancel(job=job).status == Job.Status.CANCELLED:
                cancelled += 1  # its remaining tasks see the status and stop
        self.message_user(request, f"Cancelled {cancelled} job(s); finished ones are left as is.")

    def get_urls(self) -> list[Any]:
        queues = path(
            "queues/", self.admin_site.admin_view(self.queues_view), name="generation_queues"
        )
        return [queues, *super().get_urls()]

    def queues_view(self, request: HttpRequest) -> TemplateResponse:
        """Queue and worker health: tasks waiting per cluster, clusters alive, running and
        stalled jobs, the recovery schedule."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Queues and workers",
            **queue_health(),
        }
        return TemplateResponse(request, "admin/generation/queues.html", context)

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
