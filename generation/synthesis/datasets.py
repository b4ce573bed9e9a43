"""Writes for datasets: uploads of one table or of several related ones (files or a zip),
metadata edits checked against the data, deletion."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from generation.specs import upload_size_check
from generation.synthesis.models import Dataset
from generation.synthesis.spec_synth import field_name
from generation.synthesis.tables import (
    TableError,
    check_metadata,
    detect_metadata,
    read_table,
)
from syndata_site.errors import ApiError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "dataset_create",
    "dataset_create_tables",
    "dataset_delete",
    "dataset_update",
    "is_multi_table",
]

_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")
MAX_TABLES = 20


def dataset_create(*, user: Any, upload: Any, name: str | None = None) -> Dataset:
    """Stream an uploaded file to disk, check it, detect its metadata; nothing left on error."""
    size = getattr(upload, "size", None)
    if size is not None:
        upload_size_check(size=size)
    filename = Path(getattr(upload, "name", "") or "upload.csv").name
    dataset = Dataset(owner=user, name=(name or Path(filename).stem or "dataset")[:200])
    directory = dataset.directory
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in (".csv", ".tsv", ".txt", ".parquet", ".pq") else ".csv"
    target = directory / f"data{suffix}"
    try:
        directory.mkdir(parents=True, exist_ok=False)
        written = 0
        with target.open("wb") as sink:
            for chunk in upload.chunks():
                written += len(chunk)
                upload_size_check(size=written, exact=False)
                sink.write(chunk)
        try:
            frame, info = read_table(
                target,
                filename=filename,
                max_columns=settings.SYNDATA_DATASET_MAX_COLUMNS,
                min_rows=settings.SYNDATA_DATASET_MIN_ROWS,
            )
        except TableError as exc:
            raise ApiError(str(exc), code="invalid_file") from None
        if info["format"] == "parquet" and suffix not in (".parquet", ".pq"):
            final = directory / "data.parquet"
            target.replace(final)
            target = final
        metadata = detect_metadata(frame, table=field_name(dataset.name, set()), info=info)
        dataset.path = str(target.relative_to(settings.MEDIA_ROOT))
        dataset.format = info["format"]
        dataset.size = target.stat().st_size
        dataset.rows = len(frame)
        dataset.columns = frame.shape[1]
        dataset.metadata = metadata
        if metadata.get("sequence_key"):  # detected: its warnings, as an edit records them
            dataset.metadata = _with_sequence_warnings(dataset)
        dataset.save()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return dataset


def is_multi_table(metadata: dict[str, Any]) -> bool:
    return "tables" in metadata


def _zip_members(upload: Any) -> list[tuple[str, Any]]:
    """(file name, file object) of each table in an uploaded zip, size-checked."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError):
        raise ApiError("file: is not a readable zip archive", code="invalid_file") from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not Path(info.filename).name.startswith(".")
        and "__MACOSX" not in info.filename
    ]
    upload_size_check(
        size=sum(info.file_size for info in members), what="the zip's tables once extracted"
    )
    out = []
    for info in members:
        if Path(info.filename).suffix.lower() not in _TABLE_SUFFIXES:
            raise ApiError(
                f"file: {info.filename} in the zip is not a CSV or Parquet file "
                f"({', '.join(_TABLE_SUFFIXES)})",
                code="invalid_file",
            )
        out.append((Path(info.filename).name, archive.open(info)))
    return out


def _chunks(source: Any) -> Any:
    """An upload's chunks, or a file object's (a zip member) read 1 MiB at a time."""
    if hasattr(source, "chunks"):
        yield from source.chunks()
        return
    while chunk := source.read(1 << 20):
        yield chunk


def dataset_create_tables(*, user: Any, uploads: list[Any], name: str | None = None) -> Dataset:
    """A multi-table dataset from several uploaded files (the ``file`` field repeated) or a
    zip of CSV/Parquet files: one table per file, named from the file's stem; relationships
    detected (a child column whose values are mostly a parent's unique key)."""
    from generation.synthesis.relational import detect_relationships, mark_keys

    sources: list[tuple[str, Any]] = []
    for upload in uploads:
        filename = Path(getattr(upload, "name", "") or "upload.csv").name
        if filename.lower().endswith(".zip"):
            sources.extend(_zip_members(upload))
        else:
            sources.append((filename, upload))
    if len(sources) < 2:
        raise ApiError(
            "file: a multi-table upload needs at least 2 tables (send one file per table, "
            "or a zip of them); a single table is uploaded as one file",
            code="invalid_file",
        )
    if len(sources) > MAX_TABLES:
        raise ApiError(f"file: {len(sources)} tables, over the limit of {MAX_TABLES}")
    first = Path(sources[0][0]).stem
    dataset = Dataset(owner=user, name=(name or f"{first} and {len(sources) - 1} more")[:200])
    directory = dataset.directory
    taken: set[str] = set()
    tables: dict[str, Any] = {}
    frames: dict[str, pd.DataFrame] = {}
    written = 0
    try:
        (directory / "tables").mkdir(parents=True, exist_ok=False)
        for filename, source in sources:
            stem = Path(filename).stem
            table = field_name(stem, set())
            if table in taken:
                raise ApiError(f"file: two tables are named {table!r} ({filename})")
            taken.add(table)
            suffix = Path(filename).suffix.lower()
            suffix = suffix if suffix in _TABLE_SUFFIXES else ".csv"
            target = directory / "tables" / f"{table}{suffix}"
            with target.open("wb") as sink:
                for chunk in _chunks(source):
                    written += len(chunk)
                    upload_size_check(size=written, what="the tables in all", exact=False)
                    sink.write(chunk)
            try:
                frame, info = read_table(
                    target,
                    filename=filename,
                    max_columns=settings.SYNDATA_DATASET_MAX_COLUMNS,
                    min_rows=settings.SYNDATA_DATASET_MIN_ROWS,
                )
            except TableError as exc:
                raise ApiError(
                    str(exc).replace("file:", f"file {filename}:", 1), code="invalid_file"
                ) from None
            meta = detect_metadata(frame, table=table, info=info)
            meta["sequence_key"] = meta["sequence_index"] = None  # sequences: single tables
            meta["file"] = str(target.relative_to(directory))
            tables[table] = meta
            frames[table] = frame
        metadata = mark_keys(
            {"tables": tables, "relationships": detect_relationships(frames, tables)}
        )
        formats = {t["format"] for t in tables.values()}
        dataset.path = str(directory.relative_to(settings.MEDIA_ROOT))
        dataset.format = formats.pop() if len(formats) == 1 else "mixed"
        dataset.size = sum(f.stat().st_size for f in (directory / "tables").iterdir())
        dataset.rows = sum(len(f) for f in frames.values())
        dataset.columns = sum(f.shape[1] for f in frames.values())
        dataset.metadata = metadata
        dataset.save()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return dataset


def dataset_update(*, dataset: Dataset, changes: dict[str, Any]) -> Dataset:
    unknown = set(changes) - {"name", "metadata"}
    if unknown:
        raise ApiError(f"{sorted(unknown)[0]}: cannot be changed (name, metadata)")
    if "name" in changes:
        if not isinstance(changes["name"], str):  # str(None) would rename it "None"
            raise ApiError("name: must be a string")
        name = changes["name"].strip()
        if not name or len(name) > 200:
            raise ApiError("name: must be 1..200 characters")
        dataset.name = name
    if "metadata" in changes:
        if not isinstance(changes["metadata"], dict):
            raise ApiError("metadata: must be an object")
        try:
            if is_multi_table(dataset.metadata):
                from generation.synthesis.relational import check_multi_metadata

                dataset.metadata = check_multi_metadata(
                    dataset.metadata, changes["metadata"], directory=dataset.directory
                )
            else:
                dataset.metadata = check_metadata(
                    dataset.metadata, changes["metadata"], path=dataset.absolute_path
                )
                dataset.metadata = _with_sequence_warnings(dataset)
        except TableError as exc:
            raise ApiError(str(exc)) from None
    dataset.save()
    return dataset


def _with_sequence_warnings(dataset: Dataset) -> dict[str, Any]:
    """The metadata with ``sequence_warnings``: what a sequence fit would refuse (one row per
    entity, an order repeated within an entity, an uneven declared step), and entities of a
    single row among longer ones (a fit learns no order from them), for the review."""
    metadata = {k: v for k, v in dataset.metadata.items() if k != "sequence_warnings"}
    key = metadata.get("sequence_key")
    if key:
        from generation.synthesis.sequence_synth import sequence_issues
        from generation.synthesis.tables import load_frame

        frame = load_frame(dataset.absolute_path, metadata)
        issues = sequence_issues(
            frame,
            key,
            metadata.get("sequence_index"),
            regular=bool(metadata.get("sequence_regular")),
        )
        sizes = frame.groupby(key, sort=False).size()
        single = sizes.index[sizes.to_numpy() == 1]
        if len(single) and len(single) < len(sizes):
            issues.append(
                f"metadata.sequence_key: {len(single)} of {len(sizes)} entities of {key!r} "
                f"have a single row (e.g. {single[0]!r}): nothing to learn an order from"
            )
        if issues:
            metadata["sequence_warnings"] = issues
    return metadata


def dataset_delete(*, dataset: Dataset) -> None:
    for model in dataset.synth_models.all():
        shutil.rmtree(model.directory, ignore_errors=True)
    shutil.rmtree(dataset.directory, ignore_errors=True)
    dataset.delete()


# --- fitting ---------------------------------------------------------------------------------
