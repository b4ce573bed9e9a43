"""Part files of a job split into block tasks, and joining them into one file by streaming.

Each block task writes its rows as a complete file in the job's format (a "part"). The final
artifact is the parts joined in block order, byte for byte what one writer fed the same blocks
in the same order would have written: CSV keeps the first header only, a JSON array is
re-bracketed, JSON Lines are concatenated and Parquet row groups are copied one at a time.
Memory stays bounded by one block (Parquet) or one copy buffer (text formats).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from generation import engine

COPY_BUFFER = 1 << 20
_JSON_OPEN = b"[\n"
_JSON_CLOSE = b"\n]\n"


def parts_dir(job_dir: Path, table: str) -> Path:
    return job_dir / "parts" / table


def part_path(job_dir: Path, table: str, index: int, fmt: str) -> Path:
    return parts_dir(job_dir, table) / f"{index:06d}.{engine.extension_for(fmt)}"


def rows_path(part: Path) -> Path:
    """The row count of a part (written before the part is published)."""
    return part.with_suffix(".rows")


def schema_path(job_dir: Path, table: str) -> Path:
    return job_dir / f"schema-{table}.arrow"


def count_parts(job_dir: Path, fmt: str) -> int:
    """How many blocks of the job are on disk (temporary files do not count)."""
    root = job_dir / "parts"
    if not root.exists():
        return 0
    return sum(1 for _ in root.glob(f"*/*.{engine.extension_for(fmt)}"))


def publish(tmp: Path, final: Path) -> bool:
    """Move a finished temporary file to its name unless that name exists; True if moved.

    ``os.link`` fails when the target exists, so of two runs of the same block (a retried
    task whose first run was not really lost) exactly one publishes and counts its rows.
    """
    try:
        os.link(tmp, final)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def claim(path: Path) -> bool:
    """Create ``path`` if it does not exist yet; True for the one caller that created it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    return True


def write_atomically(final: Path, data: bytes) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_for(final)
    try:
        tmp.write_bytes(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(final)


def temporary_for(final: Path) -> Path:
    return final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")


def temporaries_remove(job_dir: Path, *, older_than: float | None = None) -> int:
    """Remove the temporary files left in a job's folder (and its parts' folders) by writers
    that were killed: ``.<name>.<hex>.tmp`` and a sequential run's ``<name>.part``. With
    ``older_than`` (a timestamp) only those not written since, so that a live writer keeps
    its file. How many were removed."""
    if not job_dir.is_dir():
        return 0
    folders = [job_dir, *(p for p in (job_dir / "parts").glob("*") if p.is_dir())]
    removed = 0
    for folder in folders:
        for path in [*folder.glob(".*.tmp"), *folder.glob("*.part")]:
            try:
                if older_than is not None and path.stat().st_mtime >= older_than:
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            removed += 1
    return removed


def write_part(fmt: str, data: pa.Table, final: Path) -> bool:
    """Write one block as a complete file of ``fmt``; publish it atomically."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_for(final)
    try:
        with tmp.open("wb") as sink:
            writer = engine.open_writer(
                fmt,
                sink,
                data.schema,
                neutralize_formulas=settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS,
            )
            writer.write(data)
            writer.close()
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not stay full of half a block
        raise
    return publish(tmp, final)


def save_schema(path: Path, schema: pa.Schema) -> None:
    write_atomically(path, schema.serialize().to_pybytes())


def load_schema(path: Path) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(path.read_bytes()))


class HashingSink:
    """A write-only file that passes bytes through to ``sink`` and hashes them on the way, so
    that a file's digest costs no second read of it."""

    def __init__(self, sink: IO[bytes]) -> None:
        self._sink = sink
        self._digest = hashlib.sha256()
        self._size = 0
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._digest.update(data)
        self._size += len(data)
        return self._sink.write(data)

    def tell(self) -> int:
        return self._size

    def flush(self) -> None:
        self._sink.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:  # the sink is its owner's to close
        self.closed = True

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _copy_range(src: IO[bytes], sink: IO[bytes], start: int, length: int) -> None:
    src.seek(start)
    left = length
    while left > 0:
        chunk = src.read(min(COPY_BUFFER, left))
        if not chunk:
            raise OSError("part file ended early")
        sink.write(chunk)
        left -= len(chunk)


def _csv_header(schema: pa.Schema) -> bytes:
    buf = io.BytesIO()
    # as write_part writes it: the parts' headers are compared with this one
    engine.open_writer(
        "csv", buf, schema, neutralize_formulas=settings.SYNDATA_CSV_NEUTRALIZE_FORMULAS
    ).close()
    return buf.getvalue()


def join_parts(fmt: str, parts: Iterable[Path], sink: IO[bytes], schema: pa.Schema) -> None:
    """Stream the parts of one table, in order, into ``sink`` as one file of ``fmt``."""
    parts = list(parts)
    if fmt == "parquet":
        writer = engine.open_writer("parquet", sink, schema)
        for part in parts:
            pf = pq.ParquetFile(part)
            for group in range(pf.num_row_groups):
                # Parquet keeps timestamp[s] as milliseconds: back to the block's own types, so
                # the writer sees exactly what one writer fed the blocks would have seen.
                writer.write(pf.read_row_group(group).cast(schema))
        writer.close()
        return
    if fmt == "jsonl":
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, sink, COPY_BUFFER)
        return
    if fmt == "csv":
        header = _csv_header(schema)
        for i, part in enumerate(parts):
            with part.open("rb") as src:
                skip = 0
                if i > 0:
                    if src.read(len(header)) != header:
                        raise ValueError(f"{part.name}: header differs from the first part's")
                    skip = len(header)
                _copy_range(src, sink, skip, part.stat().st_size - skip)
        return
    if fmt == "json":
        sink.write(_JSON_OPEN)
        first = True
        for part in parts:
            body = part.stat().st_size - len(_JSON_OPEN) - len(_JSON_CLOSE)
            if body <= 0:
                continue  # a block with no rows
            if not first:
                sink.write(b",\n")
            with part.open("rb") as src:
                _copy_range(src, sink, len(_JSON_OPEN), body)
            first = False
        sink.write(_JSON_CLOSE)
        return
    raise ValueError(f"format must be one of {', '.join(engine.FORMATS)}")
