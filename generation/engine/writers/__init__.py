"""Streaming writers: blocks in, one file out; memory bounded by the block.

Formats: ``csv`` (``csv.gz`` gzipped), ``jsonl`` (JSON Lines), ``json`` (a JSON array with one
record per line, so it can also be read line by line), ``parquet`` (pyarrow, typed columns,
one row group per block). Several tables: :func:`write_zip`.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path
from typing import IO, Protocol

import pyarrow as pa
import pyarrow.csv as pacsv

from generation.engine.writers.jsonrows import json_lines

__all__ = ["ALL_FORMATS", "FORMATS", "TableWriter", "extension_for", "open_writer", "write_zip"]

FORMATS = ("csv", "jsonl", "json", "parquet")
ALL_FORMATS = (*FORMATS, "csv.gz")
_EXT = {"csv": "csv", "jsonl": "jsonl", "json": "json", "parquet": "parquet", "csv.gz": "csv.gz"}


def extension_for(fmt: str) -> str:
    return _EXT[fmt]


class TableWriter(Protocol):
    def write(self, table: pa.Table) -> None: ...

    def close(self) -> None: ...


# OWASP's CSV injection advice: a text cell starting with one of these is prefixed with ' (and,
# as every text cell here, quoted), so a spreadsheet shows it as text instead of running it.
FORMULA_PREFIXES = r"^[=+\-@\t\r]"
# ...unless it is a plain number ("-5", "+1.5e3"): a spreadsheet reads that as a number, never
# as a formula, and a quote would turn it into text.
PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def neutralize_name(name: str) -> str:
    """A header name as :func:`neutralize_formulas` writes it."""
    if re.match(FORMULA_PREFIXES, name) and not re.match(PLAIN_NUMBER, name):
        return "'" + name
    return name


def neutralize_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with its column names neutralised (the CSV header is a row of cells too)."""
    return pa.schema(
        [f.with_name(neutralize_name(f.name)) for f in schema], metadata=schema.metadata
    )


def neutralize_formulas(table: pa.Table) -> pa.Table:
    """Prefix text cells (and column names) a spreadsheet would run as a formula with '.

    Cells starting with =, +, -, @, tab or CR, other than plain numbers; only string columns
    are touched (a negative int stays a number), vectorised.
    """
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.and_(
                pc.match_substring_regex(column, FORMULA_PREFIXES),
                pc.invert(pc.match_substring_regex(column, PLAIN_NUMBER)),
            )
            quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, "")
            column = pc.if_else(risky, quoted, column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=neutralize_schema(table.schema))


class CsvWriter:
    def __init__(
        self,
        sink: IO[bytes],
        schema: pa.Schema,
        *,
        compress: bool = False,
        neutralize: bool = True,
    ) -> None:
        self._neutralize = neutralize
        if neutralize:
            schema = neutralize_schema(schema)
        self._gz = (
            gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) if compress else None
        )
        self._writer = pacsv.CSVWriter(
            self._gz if self._gz is not None else sink,
            schema,
            write_options=pacsv.WriteOptions(quoting_style="needed", batch_size=65536),
        )

    def write(self, table: pa.Table) -> None:
        if self._neutralize:
            table = neutralize_formulas(table)
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()
        if self._gz is not None:
            self._gz.close()


class JsonLinesWriter:
    def __init__(self, sink: IO[bytes], schema: pa.Schema) -> None:
        self._sink = sink

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._sink.write(json_lines(table, b"\n"))

    def close(self) -> None:
        self._sink.flush()


class JsonArrayWriter:
    """A JSON array with one record per line, so it can be read back line by line."""

    def __init__(self, sink: IO[bytes], schema: pa.Schema) -> None:
        self._sink = sink
        self._first = True
        self._sink.write(b"[\n")

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        if not self._first:
            self._sink.write(b",\n")
        self._sink.write(json_lines(table, b",\n")[:-2])
        self._first = False

    def close(self) -> None:
        self._sink.write(b"\n]\n" if not self._first else b"]\n")
        self._sink.flush()


class ParquetWriter:
    def __init__(self, sink: IO[bytes], schema: pa.Schema) -> None:
        import pyarrow.parquet as pq  # only when Parquet is written

        self._writer = pq.ParquetWriter(sink, schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table, row_group_size=max(table.num_rows, 1))

    def close(self) -> None:
        self._writer.close()


def open_writer(
    fmt: str, sink: IO[bytes] | Path, schema: pa.Schema, *, neutralize_formulas: bool = True
) -> TableWriter:
    """A writer of ``fmt`` over a binary sink (the caller closes the sink).

    ``neutralize_formulas`` (CSV only; on by default, as OWASP advises for CSV exports) defuses
    cells and header names a spreadsheet would run as formulas; off writes text verbatim.
    """
    if isinstance(sink, Path):
        raise TypeError("pass an open binary file")
    if fmt == "csv":
        return CsvWriter(sink, schema, neutralize=neutralize_formulas)
    if fmt == "csv.gz":
        return CsvWriter(sink, schema, compress=True, neutralize=neutralize_formulas)
    if fmt == "jsonl":
        return JsonLinesWriter(sink, schema)
    if fmt == "json":
        return JsonArrayWriter(sink, schema)
    if fmt == "parquet":
        return ParquetWriter(sink, schema)
    raise ValueError(f"format must be one of {', '.join(ALL_FORMATS)}")


def write_zip(path: Path, files: dict[str, Path]) -> None:
    """Several table files as one zip, with fixed timestamps (same bytes every time)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, src in files.items():
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as out, src.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    out.write(chunk)
