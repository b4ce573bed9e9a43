"""Streamed downloads: whole files, byte ranges and format conversion, never a table in memory.

A stored artifact is served with its sha256 as a strong ETag, ``Content-Length`` and single
``Range`` requests (206, or 416 when no byte of the range exists). A download in another format
than the job's is converted block by block: the job's producer makes each block again (blocks are
deterministic, so the rows are exactly the job's) and the target writer streams it out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from generation import engine
from generation.models import Artifact, Job
from generation.producers import producer_for
from syndata_site.errors import error_body

CHUNK = 256 * 1024
CONTENT_TYPES = {
    "csv": "text/csv",
    "jsonl": "application/x-ndjson",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "zip": "application/zip",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """``(first, last)`` of a single byte range, None to ignore it, "unsatisfiable" for 416."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or bad syntax: serve the whole file (RFC 9110 allows it)
    first_s, last_s = match.groups()
    if first_s == "" and last_s == "":
        return None
    if first_s == "":
        suffix = int(last_s)
        if suffix == 0:
            return "unsatisfiable"
        return (max(0, size - suffix), size - 1)
    first = int(first_s)
    if first >= size:
        return "unsatisfiable"
    last = int(last_s) if last_s else size - 1
    if last < first:
        return None
    return (first, min(last, size - 1))


def _read_range(path: Path, first: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(first)
        left = length
        while left > 0:
            chunk = fh.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def artifact_response(request: HttpRequest, artifact: Artifact, filename: str) -> HttpResponse:
    """The artifact's file with ETag, Content-Length, Content-Disposition and Range."""
    path = artifact.absolute_path
    size = path.stat().st_size
    etag = f'"{artifact.sha256}"'
    ext = path.suffix.lstrip(".")
    content_type = CONTENT_TYPES.get(ext, "application/octet-stream")
    common = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition_header(True, filename),
        "Cache-Control": "private, max-age=0, must-revalidate",
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and _etag_matches(if_none_match, etag):
        response = HttpResponse(status=304)
        for key in ("ETag", "Cache-Control"):
            response[key] = common[key]
        return response
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and (if_range is None or if_range.strip() == etag):
        wanted = parse_range(range_header, size)
        if wanted == "unsatisfiable":
            body = error_body(
                "range_not_satisfiable",
                f"Range {range_header!r} is outside the file of {size} bytes.",
                [{"path": "Range", "message": f"bytes 0-{max(0, size - 1)} exist"}],
            )
            response = HttpResponse(_json(body), status=416, content_type="application/json")
            response["Content-Range"] = f"bytes */{size}"
            return response
        if isinstance(wanted, tuple):
            first, last = wanted
            length = last - first + 1
            response = StreamingHttpResponse(
                _read_range(path, first, length), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(length)
            for key, value in common.items():
                response[key] = value
            return response
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Length"] = str(size)
    for key, value in common.items():
        response[key] = value
    return response


def _json(body: Any) -> bytes:
    import json

    return json.dumps(body).encode("utf-8")


class _Drain:
    """A write-only sink that hands back what the writer wrote since the last drain."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._pos = 0
        self.closed = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._pos += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def drain(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


def converted_stream(job: Job, table: str, fmt: str) -> Iterator[bytes]:
    """The table's rows in ``fmt``, made again block by block and written as they come."""
    producer = producer_for(job)
    plan = producer.plans()[table]
    sink = _Drain()
    writer = None
    for block in plan.blocks():
        data = producer.make_block(table, block.index)
        if writer is None:
            writer = engine.open_writer(
                fmt, sink, data.schema, neutralize_formulas=settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS
            )  # type: ignore[arg-type]
        writer.write(data)
        chunk = sink.drain()
        if chunk:
            yield chunk
    if writer is not None:
        writer.close()
    tail = sink.drain()
    if tail:
        yield tail


def _kept_as_artifact(job: Job, table: str, fmt: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Pass the converted bytes through, keeping a copy; when the client got them all, the copy
    becomes the job's artifact for ``fmt``, so later downloads are a plain file (Content-Length,
    a strong ETag, Range). A client that leaves early leaves no file behind."""
    from generation import parts, services

    final = job.directory / f"{table}.{engine.extension_for(fmt)}"
    tmp = parts.temporary_for(final)
    complete = False
    try:
        with tmp.open("wb") as copy:
            for chunk in chunks:
                copy.write(chunk)
                yield chunk
        complete = True
    finally:
        if not complete:
            tmp.unlink(missing_ok=True)
    if not Job.objects.filter(id=job.id, status=Job.Status.SUCCEEDED).exists():
        tmp.unlink(missing_ok=True)  # deleted or expired meanwhile: keep nothing
        return
    rows = int((job.tables.get(table) or {}).get("rows") or 0)
    tmp.replace(final)
    services.artifact_record(job, table=table, fmt=fmt, path=final, rows=rows)


def conversion_problem(job: Job) -> str | None:
    """Why the job's rows cannot be made again for a conversion, or None.

    A conversion makes the rows again from what made them (deterministic blocks), so it needs
    the engine version that made them and, for a model job, its fitted model."""
    if job.engine_version and job.engine_version != engine.ENGINE_VERSION:
        return (
            f"this job was made by engine {job.engine_version} and this server runs "
            f"{engine.ENGINE_VERSION}, which may make other bytes: download it as "
            f"{job.format}, or submit the same request again to get {engine.ENGINE_VERSION}'s"
        )
    if job.kind == "model":
        from generation.synthesis.models import SynthModel

        model = SynthModel.objects.filter(id=(job.params or {}).get("model_id")).first()
        if model is None or not model.directory.exists():
            return (
                "the model that made this job has been deleted, so its rows cannot be made "
                f"again in another format: download it as {job.format}"
            )
    return None


def converted_response(job: Job, table: str, fmt: str, source: Artifact) -> HttpResponse:
    """The first download in another format: converted while it streams (its length is known
    only at the end) and kept; the next ones are served from the kept file."""
    ext = engine.extension_for(fmt)
    response = StreamingHttpResponse(
        _kept_as_artifact(job, table, fmt, converted_stream(job, table, fmt)),
        content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{job.id}-{table}.{ext}")
    # The same job always converts to the same bytes: a weak tag until they are kept.
    response["ETag"] = f'W/"{source.sha256}-{fmt}"'
    return response
