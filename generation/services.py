"""Writes: submitting, running and cancelling jobs, writing artifacts (the checks on what a
request asks are in generation/specs.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task

from generation import engine, parts, scheduling, storage
from generation.heartbeat import BlockLease, Heartbeat
from generation.models import Artifact, Job, Schema
from generation.producers import producer_for
from generation.specs import (
    concurrent_jobs_check,
    disk_space_check,
    rows_check,
    rows_limit_check,
    spec_checked,
    spec_error,
)
from syndata_site.errors import ApiError

logger = logging.getLogger(__name__)

PREVIEW_FILE_ROWS = 1000


@dataclass(frozen=True)
class JobRequest:
    """A validated request to generate data, whatever its source."""

    kind: str
    spec: dict[str, Any] | None
    rows: int | None
    format: str
    seed: int | None
    template: str = ""
    schema: Schema | None = None
    params: dict[str, Any] | None = None
    # Expected rows per table when the spec alone does not say (par and hma models).
    estimate: dict[str, int] | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def job_submit(*, user: Any, request: JobRequest) -> Job:
    """Create a queued job for a request and enqueue it once the row is committed.

    Every limit is checked on what the request asks before any work that grows with it: the
    rows on an estimate (engine.estimate_rows, bounded work). A job expected to be small is
    planned here; a larger one is planned by the worker that runs it (job_run).
    """
    job = _job_planned(user=user, request=request)
    disk_space_check()
    with transaction.atomic():
        concurrent_jobs_check(user=user)
        job.save(force_insert=True)
        job_enqueue(job=job)
    return job


def job_estimate(*, user: Any, request: JobRequest) -> dict[str, Any]:
    """What ``job_submit`` would make (rows per table, in total), checked the same way but
    nothing saved or sampled: the dashboard's review before launch."""
    job = _job_planned(user=user, request=request)
    return {
        "tables": {name: t["rows"] for name, t in job.tables.items()},
        "rows_total": job.rows_total,
        "limit": settings.SYNDATA_MAX_ROWS_PER_JOB,
    }


def _job_planned(*, user: Any, request: JobRequest) -> Job:
    """An unsaved job for a request with its plan (tables, rows, blocks); limits checked."""
    if request.format not in engine.FORMATS:
        raise ApiError(f"format: must be one of {', '.join(engine.FORMATS)}", code="invalid")
    rows_check(request.rows)
    seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
    spec, estimate = spec_checked(
        spec=request.spec,
        path="schema",
        rows=request.rows,
        seed=seed,
        estimate=request.estimate,
        limit=True,
    )
    block_size = settings.SYNDATA_BLOCK_SIZE
    job = Job(
        owner=user,
        kind=request.kind,
        spec=engine.spec_document(spec),
        params={"rows": request.rows, "block_size": block_size, **(request.params or {})},
        template=request.template,
        schema=request.schema,
        format=request.format,
        seed=seed,
        engine_version=engine.ENGINE_VERSION,
    )
    if sum(estimate.values()) <= settings.SYNDATA_PLAN_INLINE_ROWS:
        try:
            _plan_record(job, producer_for(job).plans())
        except engine.SpecError as exc:
            raise spec_error(exc, "schema") from None
    else:  # blocks_total 0: not planned yet; the rows are an estimate until a worker plans
        job.rows_total = sum(estimate.values())
        job.blocks_total = 0
        job.tables = {name: {"rows": n, "blocks": 0} for name, n in estimate.items()}
    return job


def _plan_record(job: Job, plans: dict[str, engine.TablePlan]) -> None:
    """Rows and blocks of the plan on the job (rows_total: the limit is checked on it)."""
    rows_total = sum(p.rows for p in plans.values())
    rows_limit_check(rows_total)
    job.rows_total = rows_total
    job.blocks_total = sum(p.n_blocks for p in plans.values())
    job.tables = {name: {"rows": p.rows, "blocks": p.n_blocks} for name, p in plans.items()}


def _plan_on_worker(job: Job) -> Any:
    """Plan a job submitted unplanned (blocks_total 0); its producer, or None when the real
    plan is refused (over the limit, unique values too few: the estimate was under), which
    fails the job with the reason."""
    try:
        producer = producer_for(job)
        _plan_record(job, producer.plans())
    except engine.SpecError as exc:
        _job_fail(job, spec_error(exc, "schema").message)
        return None
    except ApiError as exc:
        _job_fail(job, exc.message)
        return None
    Job.transition(
        job.id,
        source=Job.Status.QUEUED,
        rows_total=job.rows_total,
        blocks_total=job.blocks_total,
        tables=job.tables,
    )
    return producer


def job_enqueue(
    *,
    job: Job,
    func: str = "generation.tasks.run_job",
    what: str = "job",
    on_refused: Callable[[], Any] | None = None,
) -> None:
    """Hand a queued job to the workers (the task ``func``) once its row is committed.

    If the broker cannot take it (Redis down), the job would never run: its row is removed
    again (after ``on_refused``, which removes what else the request made, e.g. a fit's model)
    and the request answers 503, so nothing half-written is left behind.
    """
    job_id = str(job.id)

    def enqueue() -> None:
        try:
            async_task(func, job_id, **scheduling.route(job), task_name=f"{what}-{job_id}")
        except Exception as exc:
            logger.error("cannot enqueue %s job %s: %s: %s", what, job_id, type(exc).__name__, exc)
            if on_refused is not None:
                on_refused()
            Job.objects.filter(id=job_id).delete()
            raise ApiError(
                f"the task queue is unavailable, so the {what} was not accepted; "
                "nothing was saved: try again in a minute",
                code="broker_unavailable",
                status_code=503,
            ) from None

    transaction.on_commit(enqueue)


def _cancelled(job_id: Any) -> bool:
    return Job.objects.filter(id=job_id, status=Job.Status.CANCELLED).exists()


def _gone_or_cancelled(job_id: Any) -> bool:
    """True when the job was deleted or cancelled (or failed) while a task worked on it.

    A job that succeeded meanwhile (a duplicate task, redelivered after its worker was lost,
    that finished after another copy joined the job) is not: its files are the result.
    """
    live = (Job.Status.RUNNING, Job.Status.SUCCEEDED)
    return not Job.objects.filter(id=job_id, status__in=live).exists()


def _succeeded(job_id: Any) -> bool:
    return Job.objects.filter(id=job_id, status=Job.Status.SUCCEEDED).exists()


def job_run(*, job_id: Any) -> None:
    """Run a job: one block in this task; more blocks fan out as a group of block tasks."""
    job = Job.objects.filter(id=job_id).first()
    if job is None or job.is_finished:
        return
    producer = None
    if job.blocks_total == 0:
        producer = _plan_on_worker(job)
        if producer is None:
            return
        _PRODUCERS[job.id] = producer
    if job.blocks_total > 1:
        _fan_out(job, producer)
        return
    job_run_sequential(job=job, producer=producer)


def job_run_sequential(*, job: Job, producer: Any = None) -> None:
    """Make every block in this task, writing each table's file straight through."""
    if not _start(job):
        return
    first = next(iter(job.tables or {}), "")
    # The job's one block: recovery's resend of it (as a block task) sees this lease and leaves.
    lease = BlockLease(job, first, 0)
    lease.acquire()
    try:
        with Heartbeat(job, lease.path):
            _generate(job, producer)
    except _Cancelled:
        job_files_remove(job=job)
        return
    except Exception as exc:  # a job must always end in a state the user can read
        logger.exception("job %s failed", job.id)
        _job_fail(job, storage.describe(exc))
        return
    finally:
        lease.release()
        with contextlib.suppress(OSError):  # no other task of this job uses leases
            lease.path.parent.rmdir()
    if _finish(job):
        parts.temporaries_remove(job.directory)  # of an earlier run that was killed
        metrics_enqueue(job=job)
    elif _gone_or_cancelled(job.id):
        job_files_remove(job=job)  # cancelled or deleted meanwhile


def metrics_enqueue(*, job: Job) -> None:
    """The data is ready and the job succeeded; its metrics are their own task from here
    (evaluation.services.metrics_run), so nobody waits for them to download.

    A broker that refuses leaves them pending: recovery enqueues pending metrics again.
    """
    job_id = str(job.id)
    try:
        async_task("generation.tasks.compute_metrics", job_id, task_name=f"job-{job_id}-metrics")
    except Exception as exc:
        logger.error(
            "cannot enqueue the metrics of job %s: %s: %s", job_id, type(exc).__name__, exc
        )


def _fan_out(job: Job, producer: Any = None) -> None:
    """Enqueue one task per block, block 0 of each table first, as one django-q2 group.

    Any worker on any machine can make any block (blocks are deterministic), so the job is
    shared by every worker process there is; the last block to land enqueues the join.
    """
    if not _start(job):
        return
    job.directory.mkdir(parents=True, exist_ok=True)
    plans = (producer or producer_for(job)).plans()
    order = [(name, 0) for name in plans]
    order += [(name, i) for name, plan in plans.items() for i in range(1, plan.n_blocks)]
    job_id = str(job.id)
    for name, index in order:
        if index % 50 == 49 and _gone_or_cancelled(job_id):
            return  # cancelled while being split: stop enqueueing
        async_task(
            "generation.tasks.run_block",
            job_id,
            name,
            index,
            **scheduling.route(job),
            group=f"job-{job_id}",
            task_name=f"job-{job_id}-{name}-{index}",
            # A block's result is its part file. Saving each success would cost a DB row
            # and django-q2's pruning of old results (which locks every saved success) per
            # block, serialising the clusters; failures are still saved.
            save=False,
        )


_PRODUCERS: dict[Any, Any] = {}


def _producer(job: Job) -> Any:
    """The job's producer, kept per worker process: a job's inputs never change, and parsing
    (or loading a model) once per job instead of once per block matters for many blocks."""
    found = _PRODUCERS.get(job.id)
    if found is None:
        if len(_PRODUCERS) >= 4:
            _PRODUCERS.pop(next(iter(_PRODUCERS)))
        found = _PRODUCERS[job.id] = producer_for(job)
    return found


def job_block_run(*, job_id: Any, table: str, index: int) -> None:
    """Make one block of a job into a part file; idempotent, so a lost task can be retried."""
    job = Job.objects.filter(id=job_id).first()
    if job is None or job.status != Job.Status.RUNNING:
        return  # deleted, cancelled or failed: nothing left to do
    if job_failure_pending(job=job):
        return
    out_dir = job.directory
    try:
        part = parts.part_path(out_dir, table, index, job.format)
        if not part.exists():
            lease = BlockLease(job, table, index)
            if not lease.acquire():
                return  # a live copy of this task makes the block (its join follows)
            try:
                # A block may take longer than the stall window (a related-tables sample):
                # its heartbeat keeps the job and the lease from looking lost meanwhile.
                with Heartbeat(job, lease.path):
                    _block_make(job, table, index, part)
            finally:
                lease.release()
    except Exception as exc:
        logger.exception("block %s/%s of job %s failed", table, index, job.id)
        _job_fail(job, f"block {index} of {table}: {storage.describe(exc)}")
        return
    if _gone_or_cancelled(job.id):
        job_files_remove(job=job)  # cancelled meanwhile: leave nothing behind
        return
    if _succeeded(job.id):
        # A late duplicate of a block: another copy of it was joined already. Keep the
        # job's files; drop only the part this copy wrote.
        shutil.rmtree(out_dir / "parts", ignore_errors=True)
        return
    if parts.count_parts(out_dir, job.format) >= job.blocks_total and parts.claim(
        out_dir / "finalize.enqueued"
    ):
        # One join per job from here (recovery may enqueue another; joins tolerate that).
        async_task("generation.tasks.finalize_job", str(job.id), task_name=f"job-{job.id}-join")


def _block_make(job: Job, table: str, index: int, part: Path) -> None:
    out_dir = job.directory
    storage.space_check(out_dir)  # stop before the disk (and the database) is full
    data = _producer(job).make_block(table, index)
    if index == 0:
        parts.save_schema(parts.schema_path(out_dir, table), data.schema)
        _write_preview(out_dir / f"preview-{table}.json", data)
    parts.write_atomically(parts.rows_path(part), str(data.num_rows).encode())
    if parts.write_part(job.format, data, part):
        Job.transition(
            job.id,
            source=Job.Status.RUNNING,
            rows_done=F("rows_done") + data.num_rows,
            blocks_done=F("blocks_done") + 1,
        )


FAILURE_FILE = "failed.txt"


def _job_fail(job: Job, message: str) -> None:
    """Fail an unfinished job and remove its files; the state write is retried (a full disk,
    a locked database). If the database stays unwritable this raises, the job stays running
    and its error is kept in its folder (``FAILURE_FILE``): the next task of the job, or
    recovery, fails it with that error instead of making its blocks again."""
    status = Job.objects.filter(id=job.id).values_list("status", flat=True).first()
    if status is None or status in Job.FINISHED:
        return
    # The parts first: on a disk the database shares, they are what keeps the write failing.
    shutil.rmtree(job.directory / "parts", ignore_errors=True)
    try:
        updated = storage.db_write(
            lambda: Job.transition(
                job.id, source=Job.UNFINISHED, target=Job.Status.FAILED, error=message
            ),
            what=f"failing job {job.id}",
        )
    except DatabaseError:
        with contextlib.suppress(OSError):  # a few bytes, where the parts were
            parts.write_atomically(job.directory / FAILURE_FILE, message.encode("utf-8"))
        raise
    if updated:
        job_files_remove(job=job)


def job_failure_pending(*, job: Job) -> bool:
    """Fail the job with the error an earlier task could not write to the database (see
    ``_job_fail``); True when there was one (the caller then does no work for the job)."""
    try:
        message = (job.directory / FAILURE_FILE).read_text("utf-8")
    except OSError:
        return False
    _job_fail(job, message)
    return True


def job_finalize(*, job_id: Any) -> None:
    """Join every table's parts into its final file, record artifacts; finish (metrics follow)."""
    job = Job.objects.filter(id=job_id).first()
    if job is None or job.status != Job.Status.RUNNING or job_failure_pending(job=job):
        return
    out_dir = job.directory
    try:
        plans = producer_for(job).plans()
        ext = engine.extension_for(job.format)
        written: list[tuple[str, Path, int]] = []
        digests: dict[Path, str] = {}
        for name, plan in plans.items():
            schema = parts.load_schema(parts.schema_path(out_dir, name))
            job.tables[name]["columns"] = [{"name": f.name, "type": str(f.type)} for f in schema]
            final = out_dir / f"{name}.{ext}"
            tmp = parts.temporary_for(final)
            part_files = [
                parts.part_path(out_dir, name, i, job.format) for i in range(plan.n_blocks)
            ]
            try:
                with tmp.open("wb") as out:
                    sink = parts.HashingSink(out)
                    parts.join_parts(job.format, part_files, sink, schema)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            tmp.replace(final)
            digests[final] = sink.hexdigest()
            table_rows = sum(int(parts.rows_path(f).read_text()) for f in part_files)
            written.append((name, final, table_rows))
            if _gone_or_cancelled(job.id):
                raise _Cancelled
        _artifacts_record(job, written, ext, digests)
    except _Cancelled:
        job_files_remove(job=job)
        return
    except Exception as exc:
        if _succeeded(job.id):
            # A duplicate join that lost the race: the other one finished the job and removed
            # the parts this one was reading. The job's files are the other join's, intact.
            logger.info("a duplicate join of job %s stopped: the job is done", job.id)
            return
        logger.exception("joining job %s failed", job.id)
        _job_fail(job, storage.describe(exc))
        return
    if _finish(job):
        # Only now: a concurrent duplicate join still reading the parts must not see them
        # vanish while the job is running (it would fail a job that is about to succeed).
        # Likewise the temporary files of joins that were killed (or lost the race): this one
        # superseded them, and each can be as big as the table.
        shutil.rmtree(out_dir / "parts", ignore_errors=True)
        shutil.rmtree(out_dir / "leases", ignore_errors=True)
        parts.temporaries_remove(out_dir)
        metrics_enqueue(job=job)
    elif _gone_or_cancelled(job.id):
        job_files_remove(job=job)  # cancelled or deleted while joining


def _start(job: Job) -> bool:
    """queued -> running, unless someone cancelled it first."""
    return Job.transition(job, source=Job.Status.QUEUED, target=Job.Status.RUNNING)


def _finish(job: Job) -> bool:
    """running -> succeeded with every row counted, unless it was cancelled meanwhile."""
    return Job.transition(
        job,
        source=Job.Status.RUNNING,
        target=Job.Status.SUCCEEDED,
        rows_total=job.rows_total,
        rows_done=job.rows_total,
        blocks_done=job.blocks_total,
    )


class _Cancelled(Exception):
    pass


def _generate(job: Job, producer: Any = None) -> None:
    producer = producer or producer_for(job)
    plans = producer.plans()
    out_dir = job.directory
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = engine.extension_for(job.format)
    rows_done = 0
    blocks_done = 0
    written: list[tuple[str, Path, int]] = []
    digests: dict[Path, str] = {}
    for name, plan in plans.items():
        final = out_dir / f"{name}.{ext}"
        partial = final.with_suffix(final.suffix + ".part")
        table_rows = 0
        with partial.open("wb") as out:
            sink = parts.HashingSink(out)
            writer = None
            for block in plan.blocks():
                if _cancelled(job.id):
                    raise _Cancelled
                storage.space_check(out_dir)
                data = producer.make_block(name, block.index)
                if writer is None:
                    writer = engine.open_writer(
                        job.format,
                        sink,
                        data.schema,
                        neutralize_formulas=settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS,
                    )
                    _write_preview(out_dir / f"preview-{name}.json", data)
                    job.tables[name]["columns"] = [
                        {"name": f.name, "type": str(f.type)} for f in data.schema
                    ]
                writer.write(data)
                rows_done += data.num_rows
                table_rows += data.num_rows
                blocks_done += 1
                Job.objects.filter(id=job.id).update(rows_done=rows_done, blocks_done=blocks_done)
            if writer is not None:
                writer.close()
        partial.replace(final)
        digests[final] = sink.hexdigest()
        written.append((name, final, table_rows))
    _artifacts_record(job, written, ext, digests)


def _artifacts_record(
    job: Job, written: list[tuple[str, Path, int]], ext: str, digests: dict[Path, str]
) -> None:
    """Artifacts for each table's file (and a zip of all when there are several);
    ``digests``: the files' sha256, taken while they were written."""
    out_dir = job.directory
    for name, path, nrows in written:
        _artifact_create(
            job, table=name, fmt=job.format, path=path, rows=nrows, sha256=digests.get(path)
        )
        # Child tables' row counts are drawn per parent: the plan was an expectation.
        job.tables[name]["rows"] = nrows
    job.rows_total = sum(n for _, _, n in written)
    if len(written) > 1:
        archive = out_dir / "tables.zip"
        tmp = parts.temporary_for(archive)
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, path, _ in written:
                    # A fixed date, not the file's: the same job gives the same zip, byte for
                    # byte.
                    info = zipfile.ZipInfo(f"{name}.{ext}", date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    with path.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                        shutil.copyfileobj(src, dst, parts.COPY_BUFFER)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(archive)
        _artifact_create(
            job, table="", fmt=job.format, path=archive, rows=sum(n for _, _, n in written)
        )
    Job.objects.filter(id=job.id).update(tables=job.tables)


def artifact_record(job: Job, *, table: str, fmt: str, path: Path, rows: int) -> Artifact:
    """Record a file made for a finished job after the fact (a conversion kept on download)."""
    return _artifact_create(job, table=table, fmt=fmt, path=path, rows=rows)


def _write_preview(path: Path, data: Any) -> None:
    head = data.slice(0, PREVIEW_FILE_ROWS)
    rows = head.to_pylist()
    doc = json.dumps({"columns": head.column_names, "rows": rows}, default=str)
    parts.write_atomically(path, doc.encode("utf-8"))


def _artifact_create(
    job: Job, *, table: str, fmt: str, path: Path, rows: int, sha256: str | None = None
) -> Artifact:
    fields = {
        "path": str(path.relative_to(settings.MEDIA_ROOT)),
        "size": path.stat().st_size,
        "rows": rows,
        "sha256": sha256 or _sha256(path),
    }
    try:
        with transaction.atomic():
            artifact, _ = Artifact.objects.update_or_create(
                job=job, table=table, format=fmt, defaults=fields
            )
    except IntegrityError:  # a duplicate join recorded it at the same moment
        artifact = Artifact.objects.get(job=job, table=table, format=fmt)
    return artifact


def job_cancel(*, job: Job) -> Job:
    """Stop a job: remaining blocks see the status and stop; partial files are removed."""
    if job.is_finished:
        raise ApiError(f"job is already {job.status}", code="conflict", status_code=409)

    def cancel() -> bool:
        return Job.transition(job.id, source=Job.UNFINISHED, target=Job.Status.CANCELLED)

    try:
        cancel()
    except DatabaseError as exc:
        if not storage.is_disk_full(exc):
            raise
        # The job's own parts may be what fills the disk the database shares: it is being
        # cancelled, so they go first, and the write is tried again (else 507).
        shutil.rmtree(job.directory / "parts", ignore_errors=True)
        storage.db_write(cancel, what=f"cancelling job {job.id}")
    job.refresh_from_db()
    if job.status == Job.Status.CANCELLED:
        job.artifacts.all().delete()
        job_files_remove(job=job)
    return job


def job_delete(*, job: Job) -> None:
    job_files_remove(job=job)
    job.delete()


def job_files_remove(*, job: Job) -> None:
    shutil.rmtree(job.directory, ignore_errors=True)


def job_preview(*, job: Job, table: str | None, limit: int) -> dict[str, Any]:
    """The first rows of a table, as soon as its first block exists."""
    tables = list((job.tables or {}).keys())
    if table is None:
        table = tables[0] if tables else ""
    if table not in tables:
        raise ApiError(
            f"table: unknown table {table!r}; this job has {', '.join(tables) or 'none'}",
            code="invalid",
        )
    path = job.directory / f"preview-{table}.json"
    if not path.exists():
        raise ApiError(
            "preview is not ready yet: no block has been written", code="not_ready", status_code=409
        )
    doc = json.loads(path.read_text())
    return {
        "table": table,
        "columns": doc["columns"],
        "rows": doc["rows"][:limit],
        "tables": tables,
    }


def artifacts_purge_expired(*, now: Any = None) -> int:
    """Delete the files of jobs finished more than SYNDATA_RETENTION_DAYS ago; count jobs."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SYNDATA_RETENTION_DAYS)
    expired = Job.objects.filter(finished_at__lt=cutoff, artifacts__isnull=False).distinct()
    count = 0
    for job in expired.iterator():
        job_files_purge(job=job, when=now)
        count += 1
    return count


def job_files_purge(*, job: Job, when: Any = None) -> None:
    """Remove a job's files and artifacts but keep the job; downloads then answer 410."""
    job.artifacts.all().delete()
    job_files_remove(job=job)
    job.params = {**(job.params or {}), "expired_at": (when or timezone.now()).isoformat()}
    job.save(update_fields=["params"])
