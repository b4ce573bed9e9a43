"""Checks on what a request asks, before any work: the spec (validated once, with every
problem's path), the row, size, disk and per-user limits; and saved schemas."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from generation import engine, storage
from generation.models import Job, Schema
from syndata_site.errors import ApiError


def spec_validate(*, spec: Any, path: str = "schema", rows: int | None = None) -> engine.Spec:
    """Validate a spec, turning engine errors into one 400 with every path.

    Unique fields are checked against the rows the spec (or ``rows``, a job's override) is
    expected to make, so a spec that cannot be generated is refused wherever it is given:
    saved, validated or generated.
    """
    return spec_checked(spec=spec, path=path, rows=rows)[0]


def spec_checked(
    *,
    spec: Any,
    path: str,
    rows: int | None,
    seed: int = 0,
    estimate: dict[str, int] | None = None,
    limit: bool = False,
) -> tuple[engine.Spec, dict[str, int]]:
    """The parsed spec and its expected rows per table (``estimate`` when the caller knows
    them better), checked in order: the spec, the row limit (``limit``), unique capacity."""
    spec_size_check(spec=spec, path=path)
    try:
        parsed = engine.parse_spec_once(spec) if isinstance(spec, dict) else engine.parse_spec(spec)
        counts = estimate or engine.estimate_rows(parsed, rows, seed=seed)
        if limit:
            rows_limit_check(sum(counts.values()))
        engine.check_unique_capacity(parsed, counts)
    except engine.SpecError as exc:
        raise spec_error(exc, path) from None
    return parsed, counts


def spec_error(exc: engine.SpecError, path: str) -> ApiError:
    details = [
        {"path": ".".join(p for p in (path, i.path) if p), "message": i.message} for i in exc.issues
    ]
    first = details[0]
    return ApiError(f"{first['path']}: {first['message']}", code="invalid_spec", details=details)


def spec_size_check(*, spec: Any, path: str = "schema") -> None:
    limit = settings.SYNDATA_MAX_SPEC_BYTES
    size = len(json.dumps(spec, separators=(",", ":"), default=str).encode("utf-8"))
    if size > limit:
        raise ApiError(
            f"{path}: the spec is {size} bytes, over the limit of {limit} bytes per spec "
            "(SYNDATA_MAX_SPEC_BYTES)",
            code="limit_spec_size",
            details=[{"path": path, "message": f"at most {limit} bytes", "limit": limit}],
        )


def upload_size_check(
    *, size: int, path: str = "file", what: str = "the upload", exact: bool = True
) -> None:
    """The per-upload limit (datasets): 400 ``limit_upload_size`` naming the limit.

    ``what`` says what was measured (the upload, a zip's extracted tables, the tables in
    all); ``exact=False`` when ``size`` is only how far a stream got before passing the
    limit, so the message does not claim a total it never saw.
    """
    limit = settings.SYNDATA_DATASET_MAX_BYTES
    if size > limit:
        measured = f"is {size} bytes, over" if exact else "is over"
        raise ApiError(
            f"{path}: {what} {measured} the limit of {limit} bytes per upload "
            "(SYNDATA_DATASET_MAX_BYTES)",
            code="limit_upload_size",
            details=[{"path": path, "message": f"at most {limit} bytes", "limit": limit}],
        )


def disk_space_check() -> None:
    """507 ``disk_full`` when less than ``SYNDATA_MIN_FREE_BYTES`` is free for job files: a
    job accepted now would only fail (or fill the disk the database shares)."""
    try:
        storage.space_check()
    except storage.DiskFull as exc:
        raise ApiError(
            f"the server's disk is nearly full, so no job is accepted: {exc.free} bytes free, "
            f"at least {exc.needed} bytes needed (SYNDATA_MIN_FREE_BYTES); try again later",
            code="disk_full",
            details=[{"path": "", "message": str(exc), "free": exc.free, "needed": exc.needed}],
            status_code=507,
        ) from None


def concurrent_jobs_check(*, user: Any) -> None:
    """429 ``limit_concurrent_jobs`` when the user already has that many unfinished jobs.

    Call it inside ``transaction.atomic()``, before inserting the job: it counts under a lock
    on the user's row, so a burst of submissions cannot all see the same count and overshoot
    the limit (SQLite serialises writers anyway).
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    limit = settings.SYNDATA_MAX_CONCURRENT_JOBS
    active = Job.objects.filter(owner=user).exclude(status__in=Job.FINISHED).count()
    if active >= limit:
        raise ApiError(
            f"you have {active} unfinished jobs; the limit is {limit} concurrent jobs per user "
            "(SYNDATA_MAX_CONCURRENT_JOBS): wait for one to finish or cancel one",
            code="limit_concurrent_jobs",
            details=[{"path": "", "message": f"at most {limit} unfinished jobs", "limit": limit}],
            status_code=429,
        )


def rows_check(rows: int | None) -> None:
    """400 naming ``rows`` when a job's row count is outside what the engine takes."""
    try:
        engine.rows_check(rows)
    except engine.SpecError as exc:
        raise spec_error(exc, "") from None


def rows_limit_check(rows_total: int) -> None:
    """400 ``limit_rows_per_job`` when a job would make more rows than SYNDATA_MAX_ROWS_PER_JOB."""
    limit = settings.SYNDATA_MAX_ROWS_PER_JOB
    if rows_total > limit:
        raise ApiError(
            f"rows: {rows_total} rows is over the limit of {limit} rows per job "
            "(SYNDATA_MAX_ROWS_PER_JOB)",
            code="limit_rows_per_job",
            details=[{"path": "rows", "message": f"at most {limit} rows", "limit": limit}],
        )


def spec_check(*, spec: Any) -> dict[str, Any]:
    """Validate without saving: ``{"valid", "errors": [{"path", "message"}], "tables"}``.

    ``tables``: rows per table, planned when small, else expected (engine.estimate_rows).
    """
    try:
        parsed = spec_validate(spec=spec, path="spec")
        counts = engine.estimate_rows(parsed)
        if sum(counts.values()) <= settings.SYNDATA_PLAN_INLINE_ROWS:
            try:
                counts = {n: p.rows for n, p in engine.plan_tables(parsed).items()}
            except engine.SpecError as exc:
                raise spec_error(exc, "spec") from None
    except ApiError as exc:
        errors = list(exc.details or [{"path": "spec", "message": exc.message}])
        return {"valid": False, "errors": errors, "tables": {}}
    return {"valid": True, "errors": [], "tables": counts}


def schema_create(*, user: Any, name: str, spec: Any, description: str = "") -> Schema:
    spec_validate(spec=spec, path="spec")
    return Schema.objects.create(owner=user, name=name, description=description, spec=spec)


def schema_update(*, schema: Schema, **changes: Any) -> Schema:
    if "spec" in changes:
        spec_validate(spec=changes["spec"], path="spec")
    for key in ("name", "description", "spec"):
        if key in changes:
            setattr(schema, key, changes[key])
    schema.save()
    return schema


def schema_delete(*, schema: Schema) -> None:
    schema.delete()  # jobs made from it keep their own copy of the spec
