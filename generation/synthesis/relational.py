"""Related tables (HMA) and sequences (PAR): metadata, key checks, guarded blocks.

No Django here. Multi-table metadata (on the Dataset, editable)::

    {"tables": {"planes": {<one table's metadata, see tables.py>, "file": "tables/planes.csv"},
                "flights": {...}},
     "relationships": [{"parent_table": "planes", "parent_primary_key": "tailnum",
                        "child_table": "flights", "child_foreign_key": "tailnum"}]}

Blocks keep the guarantees of :func:`fitted.sample_block`: no output row equals a real row of
its table (on the learned columns), identifier columns are synthetic, and keys are ours: a
parent's primary key is made from its global row number and every child key is mapped to the
key of the synthetic parent it was sampled under, so referential integrity holds by
construction. A block of a sequence model holds whole sequences.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generation.synthesis.fitted import FittedModel, _finish_types, int_keys, row_hashes
from generation.synthesis.identifiers import synth_identifiers
from generation.synthesis.tables import TableError, check_metadata

__all__ = [
    "check_multi_metadata",
    "detect_relationships",
    "drop_orphans",
    "hold_out_sequences",
    "hold_out_subtrees",
    "sample_multi_block",
    "sample_sequence_block",
    "structure",
    "table_order",
]

RELATIONSHIP_KEYS = ("parent_table", "parent_primary_key", "child_table", "child_foreign_key")


def _as_text(values: pd.Series) -> pd.Series:
    from generation.synthesis.fitted import labels

    return labels(values.dropna())


def structure(meta: dict[str, Any]) -> str:
    """How a fitted model's output is laid out: ``sequences`` (par, or argn on sequences),
    ``tables`` (hma, or argn on related tables) or ``rows`` (one table of rows)."""
    return meta.get("layout") or {"par": "sequences", "hma": "tables"}.get(meta["chosen"], "rows")


# --- metadata ------------------------------------------------------------------------------
def detect_relationships(
    frames: dict[str, pd.DataFrame], tables: dict[str, dict[str, Any]]
) -> list[dict[str, str]]:
    """Parent/child pairs: a child column whose values are mostly (>= 50 %) values of a
    parent's unique key, named like it (same name, or ``<parent>_<key>`` / ``<parent>_id``),
    or text codes that match (>= 80 %) whatever their name."""
    found: list[dict[str, str]] = []
    for parent, pmeta in tables.items():
        pk = pmeta.get("primary_key")
        if not pk:
            continue
        pvalues = set(_as_text(frames[parent][pk]))
        stem = parent[:-1] if parent.endswith("s") else parent
        names = {pk, f"{parent}_{pk}", f"{stem}_{pk}", f"{parent}_id", f"{stem}_id"}
        for child, cmeta in tables.items():
            if child == parent:
                continue
            for column in frames[child].columns:
                if column == cmeta.get("primary_key"):
                    continue
                values = _as_text(frames[child][column])
                if len(values) == 0:
                    continue
                share = float(values.isin(pvalues).mean())
                text = not pd.api.types.is_numeric_dtype(frames[child][column])
                if (column in names and share >= 0.5) or (text and share >= 0.8):
                    if any(
                        r["child_table"] == child and r["child_foreign_key"] == column
                        for r in found
                    ):
                        continue
                    found.append(
                        {
                            "parent_table": parent,
                            "parent_primary_key": pk,
                            "child_table": child,
                            "child_foreign_key": column,
                        }
                    )
    return found


def mark_keys(metadata: dict[str, Any]) -> dict[str, Any]:
    """Keys are ids (never learned): each primary key and each foreign key of a relationship."""
    for rel in metadata["relationships"]:
        child = metadata["tables"][rel["child_table"]]
        child["columns"][rel["child_foreign_key"]]["sdtype"] = "id"
        parent = metadata["tables"][rel["parent_table"]]
        parent["primary_key"] = rel["parent_primary_key"]
        parent["columns"][rel["parent_primary_key"]]["sdtype"] = "id"
    return metadata


def table_order(metadata: dict[str, Any]) -> list[str]:
    """Tables parents before children; raises TableError unless they form one tree."""
    names = list(metadata["tables"])
    rels = metadata["relationships"]
    parents: dict[str, list[str]] = {n: [] for n in names}
    for rel in rels:
        parents[rel["child_table"]].append(rel["parent_table"])
    roots = [n for n in names if not parents[n]]
    related = {r["child_table"] for r in rels} | {r["parent_table"] for r in rels}
    loose = [n for n in names if n not in related]
    if loose:
        raise TableError(
            f"metadata.relationships: table(s) {', '.join(loose)} are in no relationship; "
            "add one or upload them as a separate dataset"
        )
    if len(roots) != 1:
        raise TableError(
            "metadata.relationships: the tables must form one tree with a single root table "
            f"(roots now: {', '.join(roots) or 'none, the relationships form a cycle'})"
        )
    if any(len(p) > 1 for p in parents.values()):
        many = next(n for n, p in parents.items() if len(p) > 1)
        raise TableError(
            f"metadata.relationships: table {many} has several parents; "
            "only one parent per table is supported"
        )
    order: list[str] = []
    frontier = roots
    while frontier:
        order.extend(frontier)
        frontier = [r["child_table"] for r in rels if r["parent_table"] in frontier]
        if len(order) > len(names):
            raise TableError("metadata.relationships: the relationships form a cycle")
    return order


def check_multi_metadata(
    metadata: dict[str, Any], edits: dict[str, Any], *, directory: Path | None = None
) -> dict[str, Any]:
    """Apply a user's edits to multi-table metadata.

    Edits: ``{"tables": {name: <one table's edits>}, "relationships": [...]}`` (the list
    replaces the relationships). With the dataset's ``directory``, each table's edits are
    checked against its stored file (see :func:`check_metadata`).

    Raises:
        TableError: naming the JSON path of the first wrong edit.
    """
    out = {
        **metadata,
        "tables": {
            n: {**t, "columns": {c: dict(e) for c, e in t["columns"].items()}}
            for n, t in metadata["tables"].items()
        },
        "relationships": [dict(r) for r in metadata.get("relationships", [])],
    }
    for key in edits:
        if key not in ("tables", "relationships"):
            raise TableError(
                f"metadata.{key}: cannot be edited on a multi-table dataset "
                "(only tables and relationships)"
            )
    table_edits = edits.get("tables") or {}
    if not isinstance(table_edits, dict):
        raise TableError("metadata.tables: must be an object {table: edits}")
    for name, change in table_edits.items():
        if name not in out["tables"]:
            raise TableError(
                f"metadata.tables.{name}: unknown table (tables: {', '.join(out['tables'])})"
            )
        if not isinstance(change, dict):
            raise TableError(f"metadata.tables.{name}: must be an object")
        if {"sequence_key", "sequence_index"} & set(change):
            raise TableError(
                f"metadata.tables.{name}: sequence keys are for single-table datasets (PAR)"
            )
        try:
            file = out["tables"][name].get("file")
            path = directory / file if directory is not None and file else None
            out["tables"][name] = check_metadata(out["tables"][name], change, path=path)
        except TableError as exc:
            raise TableError(str(exc).replace("metadata.", f"metadata.tables.{name}.", 1)) from None
    if "relationships" in edits:
        rels = edits["relationships"]
        if not isinstance(rels, list):
            raise TableError("metadata.relationships: must be a list")
        checked = []
        for i, rel in enumerate(rels):
            path = f"metadata.relationships.{i}"
            if not isinstance(rel, dict):
                raise TableError(f"{path}: must be an object {{{', '.join(RELATIONSHIP_KEYS)}}}")
            extra = set(rel) - set(RELATIONSHIP_KEYS)
            if extra:
                raise TableError(f"{path}.{sorted(extra)[0]}: is not a relationship field")
            for key in RELATIONSHIP_KEYS:
                if not isinstance(rel.get(key), str):
                    raise TableError(f"{path}.{key}: is required (a name)")
            for table_key, column_key in (
                ("parent_table", "parent_primary_key"),
                ("child_table", "child_foreign_key"),
            ):
                table = rel[table_key]
                if table not in out["tables"]:
                    raise TableError(
                        f"{path}.{table_key}: unknown table {table!r} "
                        f"(tables: {', '.join(out['tables'])})"
                    )
                if rel[column_key] not in out["tables"][table]["columns"]:
                    raise TableError(
                        f"{path}.{column_key}: unknown column {rel[column_key]!r} of {table}"
                    )
            if rel["parent_table"] == rel["child_table"]:
                raise TableError(f"{path}.child_table: must differ from the parent table")
            checked.append({k: rel[k] for k in RELATIONSHIP_KEYS})
        out["relationships"] = checked
    mark_keys(out)
    table_order(out)  # one tree, or a 400 naming what is wrong
    return out


def drop_orphans(
    frames: dict[str, pd.DataFrame], relationships: list[dict[str, str]], order: list[str]
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, int]]]:
    """Child rows whose key is empty or not a key of their parent are dropped (parents first,
    so the children of a dropped row go too); counts per ``child.key``.

    Each frame keeps its index (a row's position in its table as loaded), so that held-out
    rows (:func:`hold_out_subtrees`) are named by the positions the metrics load them by.
    """
    out = dict(frames)
    report: dict[str, dict[str, int]] = {}
    for child in order:
        for rel in relationships:
            if rel["child_table"] != child:
                continue
            frame = out[child]
            fk = frame[rel["child_foreign_key"]]
            keys = set(_as_text(out[rel["parent_table"]][rel["parent_primary_key"]]))
            null = fk.isna().to_numpy()
            known = np.zeros(len(frame), dtype=bool)
            known[~null] = _as_text(fk).isin(keys).to_numpy()
            report[f"{child}.{rel['child_foreign_key']}"] = {
                "rows": len(frame),
                "null_key_rows_dropped": int(null.sum()),
                "orphan_rows_dropped": int((~null & ~known).sum()),
            }
            out[child] = frame[known]
    return out, report


#: Real rows an HMA or PAR fit never learns from: the baseline of the distance to closest
#: record (how close a fresh real row is to the training rows). A share of the root rows (or
#: of the sequences), at most so many, and none from fewer than the minimum.
HOLDOUT_SHARE = 0.1
HOLDOUT_MAX_ROOTS = 2000
HOLDOUT_MIN_ROOTS = 50
HOLDOUT_MAX_SEQUENCES = 2000
HOLDOUT_MIN_SEQUENCES = 10


def hold_out_subtrees(
    frames: dict[str, pd.DataFrame],
    relationships: list[dict[str, str]],
    order: list[str],
    *,
    seed: int,
    share: float = HOLDOUT_SHARE,
    max_roots: int = HOLDOUT_MAX_ROOTS,
    min_roots: int = HOLDOUT_MIN_ROOTS,
) -> tuple[dict[str, list[int]], str | None]:
    """A seeded share of the root table's rows, with every row that descends from them.

    ``frames`` are the tables once orphans are dropped (:func:`drop_orphans`), indexed by
    position. Returns (held-out index labels per table, sorted; a note when nothing is held
    out). Whole subtrees go, so no held-out row has a parent or child the fit learned.
    """
    root = order[0]
    n_root = len(frames[root])
    if n_root < min_roots:
        return {t: [] for t in order}, (
            f"no holdout: the root table {root} has {n_root} rows (fewer than {min_roots}), "
            "so the distance to closest record has no real baseline"
        )
    count = min(max_roots, max(1, int(n_root * share)))
    picked = np.sort(np.random.default_rng(seed).permutation(n_root)[:count])
    held: dict[str, pd.Index] = {root: frames[root].index[picked]}
    parent_of = {r["child_table"]: r for r in relationships}
    for table in order[1:]:
        rel = parent_of[table]
        parent = frames[rel["parent_table"]]
        keys = set(_as_text(parent.loc[held[rel["parent_table"]], rel["parent_primary_key"]]))
        fk = _as_text(frames[table][rel["child_foreign_key"]])
        held[table] = fk.index[fk.isin(keys).to_numpy()]
    return {t: sorted(int(i) for i in held[t]) for t in order}, None


def hold_out_sequences(
    frame: pd.DataFrame,
    key: str,
    *,
    seed: int,
    share: float = HOLDOUT_SHARE,
    max_sequences: int = HOLDOUT_MAX_SEQUENCES,
    min_sequences: int = HOLDOUT_MIN_SEQUENCES,
) -> tuple[list[int], str | None]:
    """Every row of a seeded share of the sequences (values of ``key``): (index labels of
    those rows, sorted; a note when nothing is held out). A sequence goes whole."""
    entities = frame[key].drop_duplicates().to_numpy()
    if len(entities) < min_sequences:
        return [], (
            f"no holdout: {len(entities)} sequences (fewer than {min_sequences}), so the "
            "distance to closest record has no real baseline"
        )
    count = min(max_sequences, max(1, int(len(entities) * share)))
    picked = entities[np.random.default_rng(seed).permutation(len(entities))[:count]]
    return sorted(int(i) for i in frame.index[frame[key].isin(picked).to_numpy()]), None


# --- blocks ----------------------------------------------------------------------------------
def _copies(fitted: FittedModel, frame: pd.DataFrame) -> np.ndarray:
    meta = fitted.meta
    if not fitted.row_set.size or not meta["learned"] or len(frame) == 0:
        return np.zeros(len(frame), dtype=bool)
    hashes = row_hashes(frame, meta["learned"], meta["columns"], meta["row_salt"])
    pos = np.minimum(np.searchsorted(fitted.row_set, hashes), fitted.row_set.size - 1)
    return np.asarray(fitted.row_set[pos] == hashes)


def _key_values(fitted: FittedModel, name: str, numbers: np.ndarray, text: list[str]) -> pd.Series:
    """Our keys: ints where the real column held ints, else ``SYN``-codes; never a real key."""
    entry = fitted.meta["columns"][name]
    if entry.get("representation") == "int":
        return int_keys(fitted, name, numbers)
    prefix = "SYN" if entry.get("identifier") else "SYN-"
    values = pd.Series([prefix + t for t in text], dtype=object)
    guard = fitted.guards.get(name)
    if guard is not None and len(values):
        bad = guard.collides(values)
        if bad.any():  # a real key that happens to look like ours: mark ours apart
            values[bad] = values[bad] + "X"
    return values


def _finish_table(
    fitted: FittedModel,
    frame: pd.DataFrame,
    keys: dict[str, pd.Series],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Learned columns typed as in the real table, keys as given, identifiers synthetic."""
    meta = fitted.meta
    n = len(frame)
    frame = _finish_types(frame.reset_index(drop=True), meta)
    out: dict[str, Any] = {}
    for name, entry in meta["columns"].items():
        if name in keys:
            out[name] = keys[name].reset_index(drop=True)
        elif name in meta["learned"]:
            out[name] = frame[name]
        elif name in fitted.guards and entry.get("identifier"):
            out[name] = synth_identifiers(fitted.guards[name], n, rng)
        else:
            out[name] = pd.Series([None] * n, dtype=object)
    return pd.DataFrame(out)


def sample_sequence_block(
    fitted: FittedModel,
    sampler: Callable[[int, int], pd.DataFrame],
    *,
    sequences: int,
    seed: int,
    first_sequence: int,
) -> tuple[pd.DataFrame, int]:
    """``sequences`` whole synthetic sequences: (rows, exact copies dropped).

    Sequence ``k`` of the block gets key number ``first_sequence + k + 1``; rows stay in the
    order of the sequence index inside each sequence. A row equal to a real row is dropped
    from its sequence (a sequence is not re-drawn for it).
    """
    meta = fitted.meta
    key, index = meta["sequence_key"], meta.get("sequence_index")
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, 0x5E0])))
    raw = sampler(sequences, seed).reset_index(drop=True)
    codes, _ = pd.factorize(raw[key], sort=False)
    raw = raw.assign(_seq=codes, _pos=np.arange(len(raw)))
    order = ["_seq", index, "_pos"] if index else ["_seq", "_pos"]
    raw = raw.sort_values(order, kind="stable").reset_index(drop=True)
    copies = _copies(fitted, raw)
    raw = raw[~copies].reset_index(drop=True)
    numbers = first_sequence + raw["_seq"].to_numpy(dtype=np.int64) + 1
    keys = {key: _key_values(fitted, key, numbers, [f"{k:09d}" for k in numbers])}
    within = raw.groupby("_seq").cumcount().to_numpy() + 1
    for name, entry in meta["columns"].items():  # other ids: per row, unique in the job
        if entry["sdtype"] == "id" and name != key and not entry.get("identifier"):
            keys[name] = _key_values(
                fitted,
                name,
                numbers * 1_000_000 + within,
                [f"{s:09d}-{w:06d}" for s, w in zip(numbers, within, strict=True)],
            )
    return _finish_table(fitted, raw.drop(columns=["_seq", "_pos"]), keys, rng), int(copies.sum())


def sample_multi_block(
    tables: dict[str, FittedModel],
    meta: dict[str, Any],
    sampler: Callable[[float, int], dict[str, pd.DataFrame]],
    *,
    parent_rows: int,
    seed: int,
    block: int,
    start_row: int,
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """One block of related tables: ``parent_rows`` root rows and the children sampled under
    them; (tables, exact copies dropped per table).

    A row equal to a real row of its table is dropped with all its descendants, and the
    shortfall of root rows is sampled again with derived seeds.
    """
    order: list[str] = meta["order"]
    rels: list[dict[str, str]] = meta["relationships"]
    root = order[0]
    parent_of = {r["child_table"]: r for r in rels}
    real_root = int(meta["rows_real"][root])
    kept: dict[str, list[pd.DataFrame]] = {t: [] for t in order}
    dropped = dict.fromkeys(order, 0)
    have = 0
    for attempt in range(40):
        want = parent_rows - have
        if want <= 0:
            break
        got = sampler(want / real_root, int(seed * 1000 + attempt) % 2**63)
        alive: dict[str, pd.Series] = {}  # table -> surviving (attempt-tagged) primary keys
        for table in order:
            frame = got[table].reset_index(drop=True)
            pk = meta["primary_keys"].get(table)
            if pk:  # SDV's keys restart with each call: tag them with the attempt
                frame[pk] = f"{attempt}:" + frame[pk].astype(str)
            mask = np.ones(len(frame), dtype=bool)
            rel = parent_of.get(table)
            if rel is not None:
                fk = rel["child_foreign_key"]
                frame[fk] = f"{attempt}:" + frame[fk].astype(str)
                mask &= frame[fk].isin(alive[rel["parent_table"]]).to_numpy()
            copies = _copies(tables[table], frame) & mask
            dropped[table] += int(copies.sum())
            mask &= ~copies
            if table == root:
                mask &= np.cumsum(mask) <= want
            frame = frame[mask]
            if pk:
                alive[table] = frame[pk]
            kept[table].append(frame)
            if table == root:
                have += len(frame)
    frames = {
        t: pd.concat(kept[t], ignore_index=True) if kept[t] else pd.DataFrame() for t in order
    }
    if len(frames[root]) < parent_rows:
        raise RuntimeError(
            f"could only make {len(frames[root])} of {parent_rows} {root} rows that are not "
            "copies of real rows"
        )
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, 0x4A3])))
    mapping: dict[str, dict[str, Any]] = {}
    out: dict[str, pd.DataFrame] = {}
    for table in order:
        frame = frames[table].reset_index(drop=True)
        fitted = tables[table]
        keys: dict[str, pd.Series] = {}
        pk = meta["primary_keys"].get(table)
        n = len(frame)
        if table == root:
            numbers = np.arange(start_row + 1, start_row + n + 1, dtype=np.int64)
            text = [f"{k:09d}" for k in numbers]
        else:  # a child's own rows are numbered within the block: block * 10^7 + row
            numbers = block * 10_000_000 + np.arange(1, n + 1, dtype=np.int64)
            text = [f"{block:05d}-{i:07d}" for i in range(1, n + 1)]
        if pk:
            keys[pk] = _key_values(fitted, pk, numbers, text)
            mapping[table] = dict(zip(frame[pk], keys[pk], strict=True))
        rel = parent_of.get(table)
        if rel is not None:
            fk = rel["child_foreign_key"]
            keys[fk] = frame[fk].map(mapping[rel["parent_table"]])
        for name, entry in fitted.meta["columns"].items():  # other id columns: row numbers
            if entry["sdtype"] == "id" and name not in keys and not entry.get("identifier"):
                keys[name] = _key_values(fitted, name, numbers, text)
        out[table] = _finish_table(fitted, frame, keys, rng)
    return out, dropped
