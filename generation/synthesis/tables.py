"""Real tables: check an uploaded file, detect its metadata, load it for fitting.

No Django here: functions over paths and frames. A file that cannot be used raises
:class:`TableError` whose message says why, in words a person can act on.

Metadata (stored on the Dataset, editable by the user)::

    {"table": "credit", "format": "csv", "encoding": "utf-8", "delimiter": ",",
     "primary_key": "id" | None,
     "sequence_key": "station" | None, "sequence_index": "time" | None,   (PAR)
     "columns": {"age": {"sdtype": "numerical", "representation": "int",
                         "datetime_format": None, "identifier": None}, ...}}

``sdtype`` is one of SDTYPES; ``identifier`` one of ``identifiers.IDENTIFIER_KINDS`` or None.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from generation.synthesis.identifiers import IDENTIFIER_KINDS, detect_identifier

__all__ = [
    "DATETIME_FORMATS",
    "SDTYPES",
    "TableError",
    "check_metadata",
    "detect_metadata",
    "load_frame",
    "read_columns",
    "read_table",
]

SDTYPES = ("numerical", "categorical", "boolean", "datetime", "id")

DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%b-%Y",
)
_MAX_CATEGORIES = 1000
_FEW_LEVELS = 10  # integer columns of at most this many values are categorical
# Values a Parquet upload may hold once read (~400 MB as 8-byte numbers): refused before
# reading, since Parquet's size on disk says nothing about its size in memory.
MAX_PARQUET_CELLS = 50_000_000
# An edit of a column's sdtype or datetime format is refused when fewer of its values than
# this read under the new setting (they would become nulls); checked on the first rows.
MIN_PARSE_RATE = 0.98
CHECK_SAMPLE_ROWS = 5000
_ID_NAME = re.compile(r"(^id$|_id$|^id_|^pid$|^uuid$|^key$|id$)", re.IGNORECASE)


class TableError(ValueError):
    """A file that is not a usable table; the message says why."""


# --- reading an uploaded file ---------------------------------------------------------------
def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        offset = 0
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise TableError(
                    f"file: unknown text encoding (not UTF-8: byte {offset + exc.start} is "
                    f"{chunk[exc.start : exc.start + 1]!r}); save the file as UTF-8"
                ) from None
            if b"\x00" in chunk:
                raise TableError("file: is not a table (binary content, NUL bytes)")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise TableError("file: unknown text encoding (truncated UTF-8 at the end)") from None
    return "utf-8"


def _sniff_delimiter(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="") as fh:
        head = fh.read(64 * 1024)
    lines = head.splitlines()[:20]
    if not lines:
        raise TableError("file: is empty")
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(
    path: Path, *, filename: str, max_columns: int, min_rows: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read an uploaded CSV or Parquet file, or raise TableError saying why it is unusable.

    Args:
        path: the file on disk.
        filename: the name the client gave (only its extension is used).
        max_columns: more columns than this is refused.
        min_rows: fewer rows than this is refused.

    Returns:
        The frame (values as in the file) and ``{"format", "encoding", "delimiter"}``.
    """
    size = path.stat().st_size
    if size == 0:
        raise TableError("file: is empty (0 bytes)")
    with path.open("rb") as fh:
        magic = fh.read(4)
    suffix = Path(filename).suffix.lower()
    info: dict[str, Any]
    if magic == b"PAR1":
        try:
            pf = pq.ParquetFile(path)
            if pf.metadata.num_columns > max_columns:
                raise TableError(
                    f"file: has {pf.metadata.num_columns} columns, over the limit of {max_columns}"
                )
            cells = pf.metadata.num_rows * pf.metadata.num_columns
            if cells > MAX_PARQUET_CELLS:  # a few KB of RLE can inflate to gigabytes
                raise TableError(
                    f"file: holds {pf.metadata.num_rows} rows x {pf.metadata.num_columns} "
                    f"columns, over the limit of {MAX_PARQUET_CELLS} values"
                )
            frame = pf.read().to_pandas()
        except TableError:
            raise
        except Exception as exc:
            raise TableError(f"file: is not a readable Parquet file ({exc})") from None
        info = {"format": "parquet", "encoding": None, "delimiter": None}
    elif suffix in (".parquet", ".pq"):
        raise TableError("file: is named .parquet but is not a Parquet file (no PAR1 header)")
    else:
        encoding = _sniff_encoding(path)
        delimiter = _sniff_delimiter(path, encoding)
        # Count the columns with the csv module first: pandas takes minutes on a header of
        # 200,000 names, and a single 10 MB "field" must be a 400, not csv.Error's 500.
        try:
            with path.open("r", encoding=encoding, newline="") as fh:
                first = next(csv.reader(fh, delimiter=delimiter), [])
        except csv.Error as exc:
            raise TableError(f"file: is not a CSV table ({exc})") from None
        if len(first) > max_columns:
            raise TableError(f"file: has {len(first)} columns, over the limit of {max_columns}")
        try:
            header = pd.read_csv(path, nrows=0, sep=delimiter, encoding=encoding)
        except pd.errors.EmptyDataError:
            raise TableError("file: is empty (no header row)") from None
        except Exception as exc:
            raise TableError(f"file: is not a CSV table ({exc})") from None
        if len(header.columns) > max_columns:
            raise TableError(
                f"file: has {len(header.columns)} columns, over the limit of {max_columns}"
            )
        with path.open("r", encoding=encoding, newline="") as fh:
            raw_header = next(csv.reader(fh, delimiter=delimiter), [])
        wordy = [h for h in raw_header if len(h.strip()) > 30 and h.count(" ") >= 3]
        if raw_header and len(wordy) > len(raw_header) / 2:
            raise TableError("file: is not a table (the header row reads like text, not names)")
        dupes = sorted({h for h in raw_header if h and raw_header.count(h) > 1})
        if dupes:
            raise TableError(
                f"file: is not a table with distinct column names ({', '.join(dupes)})"
            )
        try:
            frame = pd.read_csv(
                path, sep=delimiter, encoding=encoding, low_memory=False, on_bad_lines="error"
            )
        except pd.errors.ParserError as exc:
            raise TableError(f"file: is not a consistent CSV table ({exc})") from None
        except Exception as exc:
            raise TableError(f"file: is not a CSV table ({exc})") from None
        info = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    if frame.shape[1] == 0:
        raise TableError("file: has no columns")
    if frame.shape[1] > max_columns:
        raise TableError(f"file: has {frame.shape[1]} columns, over the limit of {max_columns}")
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names) or any(re.search(r"\.\d+$", n) for n in names if n):
        dupes = [n for n in names if names.count(n) > 1]
        if dupes:
            raise TableError(f"file: has duplicate column names ({', '.join(sorted(set(dupes)))})")
    frame.columns = names
    if len(frame) == 0:
        raise TableError("file: is empty (a header but no rows)")
    if len(frame) < min_rows:
        raise TableError(f"file: has {len(frame)} rows; at least {min_rows} are needed to learn")
    return frame, info


# --- metadata -------------------------------------------------------------------------------
def _datetime_format(values: pd.Series) -> str | None:
    text = values.dropna().astype(str).str.strip()
    if len(text) == 0 or not text.str.match(r"^\d").all():
        return None
    sample = text.head(500)
    for fmt in DATETIME_FORMATS:
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce")
        if parsed.notna().mean() >= 0.98:
            return fmt
    return None


def _is_integer_valued(values: pd.Series) -> bool:
    non_null = values.dropna()
    if len(non_null) == 0:
        return False
    if pd.api.types.is_integer_dtype(non_null):
        return True
    arr = non_null.to_numpy(dtype=float)
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))


def detect_metadata(frame: pd.DataFrame, *, table: str, info: dict[str, Any]) -> dict[str, Any]:
    """Sdtypes, datetime formats, identifiers and the primary key of a real table."""
    columns: dict[str, Any] = {}
    primary_key: str | None = None
    n = len(frame)
    for name in frame.columns:
        col = frame[name]
        non_null = col.dropna()
        entry: dict[str, Any] = {
            "sdtype": "categorical",
            "representation": "str",
            "datetime_format": None,
            "identifier": None,
        }
        distinct = non_null.nunique()
        unique_ratio = distinct / max(1, len(non_null))
        if pd.api.types.is_bool_dtype(col):
            entry.update(sdtype="boolean", representation="bool")
        elif pd.api.types.is_datetime64_any_dtype(col):
            entry.update(
                sdtype="datetime", representation="datetime", datetime_format="%Y-%m-%d %H:%M:%S"
            )
        elif pd.api.types.is_numeric_dtype(col):
            integer = _is_integer_valued(col)
            entry["representation"] = "int" if integer else "float"
            kind = detect_identifier(name, col)
            if kind:
                entry.update(sdtype="categorical", identifier=kind)
            elif (
                integer
                and unique_ratio == 1.0
                and len(non_null) == n
                and _ID_NAME.search(name)
                and primary_key is None
            ):
                entry["sdtype"] = "id"
                primary_key = name
            elif integer and distinct <= _FEW_LEVELS:
                # A count of a few levels (flags, grades, engines, seats of 9 models): its
                # values as categories, not a continuous marginal that rounds to odd ones.
                entry["sdtype"] = "categorical"
            else:
                entry["sdtype"] = "numerical"
        else:
            fmt = _datetime_format(col)
            kind = None if fmt else detect_identifier(name, col)
            if fmt:
                entry.update(sdtype="datetime", representation="datetime", datetime_format=fmt)
            elif kind:
                entry["identifier"] = kind
                if (
                    kind in ("account_id", "free_text_id")
                    and unique_ratio == 1.0
                    and len(non_null) == n
                    and primary_key is None
                ):
                    entry["sdtype"] = "id"
                    primary_key = name
            elif unique_ratio == 1.0 and len(non_null) == n and _ID_NAME.search(name):
                entry["sdtype"] = "id"
                if primary_key is None:
                    primary_key = name
            elif distinct > _MAX_CATEGORIES and unique_ratio > 0.5:
                # Free text or codes nobody declared: too many values to learn as categories.
                entry["identifier"] = "free_text_id"
        columns[name] = entry
    sequence_key, sequence_index = detect_sequence(frame, columns)
    return {
        "table": table,
        "rows": n,
        "primary_key": primary_key,
        "sequence_key": sequence_key,
        "sequence_index": sequence_index,
        "columns": columns,
        **info,
    }


def detect_sequence(frame: pd.DataFrame, columns: dict[str, Any]) -> tuple[str | None, str | None]:
    """(entity column, order column) of a multi-entity time series, or (None, None).

    Only the obvious case: a datetime column that repeats across the table but is unique
    within each value of a low-cardinality column (several stations, each with its own hours)
    and each entity holds several rows. Anything less clear is left for the user to set.
    """
    n = len(frame)
    times = [c for c, e in columns.items() if e["sdtype"] == "datetime"]
    if n < 20 or not times:
        return None, None
    entities = [
        c
        for c, e in columns.items()
        if e["sdtype"] in ("categorical", "id")
        and c not in times
        and frame[c].notna().all()
        and 2 <= frame[c].nunique() <= max(2, n // 10)
    ]
    entities.sort(key=lambda c: frame[c].nunique())
    for time_col in times:
        stamps = frame[time_col]
        if stamps.isna().any() or stamps.is_unique:
            continue
        for entity in entities:
            if not frame.duplicated([entity, time_col]).any():
                return entity, time_col
    return None, None


def read_columns(
    path: Path, metadata: dict[str, Any], columns: list[str], *, nrows: int | None = None
) -> pd.DataFrame:
    """Some columns of the stored file as read from it (text stays text), the first ``nrows``
    rows only when given: what an edit of the metadata is checked against."""
    if metadata.get("format") == "parquet":
        frame = pq.read_table(path, columns=columns).to_pandas()
        return frame.head(nrows) if nrows is not None else frame
    return pd.read_csv(
        path,
        sep=metadata.get("delimiter") or ",",
        encoding=metadata.get("encoding") or "utf-8",
        usecols=columns,
        nrows=nrows,
        dtype=str,
        keep_default_na=True,
    )


def _example(values: pd.Series) -> str:
    text = str(values.iloc[0])
    return text if len(text) <= 40 else text[:40] + "..."


def _check_parses(name: str, field: str, entry: dict[str, Any], raw: pd.Series) -> None:
    """Refuse a sdtype or datetime format under which the column's values do not read (as
    load_frame reads them: what does not parse becomes null, and the model learns nulls)."""
    path = f"metadata.columns.{name}.{field}"
    values = raw.dropna()
    if len(values) == 0 or pd.api.types.is_datetime64_any_dtype(raw):
        return
    if entry["sdtype"] == "datetime":
        fmt = entry.get("datetime_format")
        text = values.astype("string").str.strip()
        parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        how = f"as datetimes in the format {fmt!r}"
    elif entry["sdtype"] == "numerical":
        text = values.astype("string").str.strip()
        parsed = pd.to_numeric(text, errors="coerce")
        how = "as numbers"
    else:
        return
    ok = parsed.notna().to_numpy()
    rate = float(ok.mean())
    if rate < MIN_PARSE_RATE:
        raise TableError(
            f"{path}: only {rate:.1%} of the {len(values)} values checked of column {name!r} "
            f"read {how} (at least {MIN_PARSE_RATE:.0%} must), e.g. "
            f"{_example(values[~ok])!r}; the rest would become nulls"
        )


def _check_primary_key(pk: str, raw: pd.Series) -> None:
    nulls = int(raw.isna().sum())
    if nulls:
        raise TableError(
            f"metadata.primary_key: column {pk!r} has {nulls} empty values; "
            "a primary key must be set in every row"
        )
    repeated = raw[raw.duplicated(keep=False)]
    if len(repeated):
        raise TableError(
            f"metadata.primary_key: column {pk!r} is not unique "
            f"({repeated.nunique()} values repeat, e.g. {_example(repeated)!r}); "
            "a primary key must be unique in every row"
        )


def _check_against_data(
    out: dict[str, Any],
    edits: dict[str, Any],
    path: Path,
    checked: dict[str, str],
    guessed: set[str],
) -> None:
    """Parse a sample of each edited column as its new metadata says, and the whole primary
    key column; raise TableError naming the column and field that does not fit the data."""
    pk = edits.get("primary_key") if "primary_key" in edits else None
    sample_cols = [c for c in checked if out["columns"][c]["sdtype"] in ("datetime", "numerical")]
    if sample_cols:
        sample = read_columns(path, out, sample_cols, nrows=CHECK_SAMPLE_ROWS)
        for name in sample_cols:
            entry = out["columns"][name]
            if entry["sdtype"] == "datetime" and (name in guessed or not entry["datetime_format"]):
                detected = _datetime_format(sample[name])
                if detected:
                    out["columns"][name]["datetime_format"] = detected
            _check_parses(name, checked[name], out["columns"][name], sample[name])
    if pk is not None:
        _check_primary_key(pk, read_columns(path, out, [pk])[pk])


def _check_datetime_format(where: str, value: Any) -> None:
    """A format pandas can parse with (load_frame): "%Y%Y" or "%Q" would fail every fit."""
    if not isinstance(value, str) or "%" not in value:
        raise TableError(f"{where}: must be a strftime format such as '%Y-%m-%d'")
    try:
        pd.to_datetime(pd.Series(["2000-01-01"], dtype="string"), format=value, errors="coerce")
    except (ValueError, re.error) as exc:
        raise TableError(
            f"{where}: {value!r} is not a usable strftime format ({exc}); e.g. '%Y-%m-%d'"
        ) from None


def _column_list(value: Any, columns: dict[str, Any], where: str) -> list[str] | None:
    """A list of the table's column names (null or [] clears it); unknown ones are named."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TableError(f"{where}: must be a list of column names")
    unknown = [v for v in value if v not in columns]
    if unknown:
        raise TableError(f"{where}: unknown columns {unknown}")
    return list(dict.fromkeys(value)) or None


def check_metadata(
    metadata: dict[str, Any], edits: dict[str, Any], *, path: Path | None = None
) -> dict[str, Any]:
    """Apply a user's edits (sdtypes, primary key, datetime formats, identifier flags).

    Args:
        metadata: the dataset's metadata now.
        edits: what the user changes.
        path: the stored file; when given, each edited column is parsed (a sample of
            ``CHECK_SAMPLE_ROWS`` rows) as its new sdtype and datetime format say, and a new
            primary key is checked unique and never empty over the whole column.

    Raises:
        TableError: with the JSON path of the first wrong edit.
    """
    out = {**metadata, "columns": {k: dict(v) for k, v in metadata["columns"].items()}}
    allowed = {
        "columns",
        "primary_key",
        "sequence_key",
        "sequence_index",
        "sequence_regular",
        "quasi_identifiers",
        "sensitive",
    }
    for key in edits:
        if key not in allowed:
            raise TableError(
                f"metadata.{key}: cannot be edited (only columns, primary_key, sequence_key, "
                "sequence_index, sequence_regular, quasi_identifiers and sensitive)"
            )
    for key in ("quasi_identifiers", "sensitive"):  # what the privacy attacks assume
        if key in edits:
            out[key] = _column_list(edits[key], out["columns"], f"metadata.{key}")
    overlap = set(out.get("quasi_identifiers") or []) & set(out.get("sensitive") or [])
    if overlap:
        raise TableError(
            f"metadata.sensitive: {sorted(overlap)} are quasi-identifiers too (the attacker "
            "would know what it guesses)"
        )
    checked: dict[str, str] = {}  # edited column -> the field that changed how it is read
    guessed: set[str] = set()  # made datetime without a format: the default is a guess
    columns = edits.get("columns") or {}
    if not isinstance(columns, dict):
        raise TableError(
            "metadata.columns: must be an object {column: {sdtype, datetime_format, identifier}}"
        )
    for name, change in columns.items():
        if name not in out["columns"]:
            raise TableError(f"metadata.columns.{name}: unknown column")
        if not isinstance(change, dict):
            raise TableError(f"metadata.columns.{name}: must be an object")
        entry = out["columns"][name]
        for key, value in change.items():
            where = f"metadata.columns.{name}.{key}"
            if key == "sdtype":
                if value not in SDTYPES:
                    raise TableError(f"{where}: must be one of {', '.join(SDTYPES)}")
                entry["sdtype"] = value
                if value == "datetime" and not entry.get("datetime_format"):
                    entry["datetime_format"] = "%Y-%m-%d"
                    guessed.add(name)  # the data's own format, where it has one (below)
                checked.setdefault(name, "sdtype")
            elif key == "datetime_format":
                if value is not None:
                    _check_datetime_format(where, value)
                entry["datetime_format"] = value
                checked[name] = "datetime_format"
                guessed.discard(name)
            elif key == "identifier":
                if value not in (None, *IDENTIFIER_KINDS):
                    raise TableError(
                        f"{where}: must be null or one of {', '.join(IDENTIFIER_KINDS)}"
                    )
                entry["identifier"] = value
            else:
                raise TableError(f"{where}: cannot be edited (sdtype, datetime_format, identifier)")
    if "primary_key" in edits:
        pk = edits["primary_key"]
        if pk is not None and not isinstance(pk, str):
            raise TableError("metadata.primary_key: must be one column's name, or null")
        if pk is not None and pk not in out["columns"]:
            raise TableError(f"metadata.primary_key: unknown column {pk!r}")
        out["primary_key"] = pk
        if pk is not None:
            out["columns"][pk]["sdtype"] = "id"
    for key in ("sequence_key", "sequence_index"):
        if key in edits:
            value = edits[key]
            if value is not None and (not isinstance(value, str) or value not in out["columns"]):
                raise TableError(f"metadata.{key}: unknown column {value!r}")
            out[key] = value
    if "sequence_key" in edits and edits["sequence_key"] is None and "sequence_index" not in edits:
        out["sequence_index"] = None  # no entity, no order within it
    key, index = out.get("sequence_key"), out.get("sequence_index")
    if index is not None:
        if key is None:
            raise TableError("metadata.sequence_index: needs a sequence_key (the entity column)")
        if index == key:
            raise TableError("metadata.sequence_index: must differ from the sequence_key")
        if out["columns"][index]["sdtype"] not in ("datetime", "numerical"):
            raise TableError(
                f"metadata.sequence_index: {index!r} must be a datetime or numerical column "
                f"(it is {out['columns'][index]['sdtype']})"
            )
    if "sequence_regular" in edits:  # declared: every step of an entity is one sampling step
        if not isinstance(edits["sequence_regular"], bool):
            raise TableError("metadata.sequence_regular: must be true or false")
        if edits["sequence_regular"] and index is None:
            raise TableError("metadata.sequence_regular: needs a sequence_index (the order)")
        out["sequence_regular"] = edits["sequence_regular"]
    if index is None:
        out.pop("sequence_regular", None)
    if key is not None and key == out.get("primary_key"):
        raise TableError(
            "metadata.sequence_key: the entity column repeats within a sequence, "
            "so it cannot be the primary key"
        )
    if path is not None:
        _check_against_data(out, edits, path, checked, guessed)
    return out


def load_frame(path: Path, metadata: dict[str, Any]) -> pd.DataFrame:
    """The table with datetimes parsed (naive UTC) and every column typed as its metadata says."""
    if metadata.get("format") == "parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(
            path,
            sep=metadata.get("delimiter") or ",",
            encoding=metadata.get("encoding") or "utf-8",
            low_memory=False,
        )
    frame.columns = [str(c) for c in frame.columns]
    for name, entry in metadata["columns"].items():
        if entry["sdtype"] == "datetime":
            col = frame[name]
            if not pd.api.types.is_datetime64_any_dtype(col):
                fmt = entry.get("datetime_format")
                col = pd.to_datetime(col.astype("string"), format=fmt, errors="coerce", utc=True)
            if getattr(col.dt, "tz", None) is not None:
                col = col.dt.tz_convert("UTC").dt.tz_localize(None)
            frame[name] = col
        elif entry["sdtype"] == "numerical":
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame
