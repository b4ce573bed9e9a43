"""Reads. Every query is scoped to its owner: another user's object simply does not exist."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from generation.models import Artifact, Job, Schema


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def job_list_for(
    *, user: Any, status: str | None = None, dataset: str | None = None
) -> QuerySet[Job]:
    """The user's jobs, newest first; ``dataset``: only the fits and samples of that dataset
    (their params carry its id)."""
    qs = Job.objects.filter(owner=user).order_by("-created_at")
    if status:
        qs = qs.filter(status__in=status.split(","))
    if dataset is not None:
        qs = qs.filter(params__dataset_id=str(dataset_id_param(dataset)))
    return qs


def dataset_id_param(value: str) -> uuid.UUID:
    """The ``dataset`` query parameter as a dataset id: 400 naming it when it is not one."""
    from syndata_site.errors import ApiError

    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(f"dataset: {value!r} is not a dataset id (a UUID)") from None


def job_get_for(*, user: Any, job_id: Any) -> Job:
    try:
        return Job.objects.get(owner=user, id=_uuid(job_id))
    except Job.DoesNotExist:
        raise Http404 from None


def job_status_for(*, user: Any, job_id: Any) -> Job:
    """A job as its status shows it: without the spec (large for templates, never shown)."""
    try:
        return (
            Job.objects.defer("spec")
            .prefetch_related("artifacts")
            .get(owner=user, id=_uuid(job_id))
        )
    except Job.DoesNotExist:
        raise Http404 from None


def schema_list_for(*, user: Any) -> QuerySet[Schema]:
    return Schema.objects.filter(owner=user)


def schema_get_for(*, user: Any, schema_id: Any) -> Schema:
    try:
        return Schema.objects.get(owner=user, id=_uuid(schema_id))
    except Schema.DoesNotExist:
        raise Http404 from None


def artifact_for(*, job: Job, table: str | None, fmt: str | None) -> Artifact | None:
    """The artifact that answers a download: a table (or the archive) in a format."""
    qs = job.artifacts.all()
    if fmt:
        qs = qs.filter(format=fmt)
    if table:
        return qs.filter(table=table).first()
    tables = job.tables or {}
    if len(tables) == 1:
        return qs.filter(table=next(iter(tables))).first()
    return qs.filter(table="").first()  # the archive of all tables
