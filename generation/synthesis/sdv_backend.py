"""The one module that imports SDV, CTGAN, Copulas and RDT (Business Source License 1.1).

Everything else talks to SDV through these functions, so a licence-clean deployment
(``SYNDATA_SYNTHESIZERS=spec``) never imports a BSL package. What this module adds to SDV:

- reproducible fits: numpy, torch and Python RNGs seeded, torch deterministic;
- reproducible sampling by block: the fitted model is re-loaded from its pickled bytes for each
  block, and every random state inside it (copula / GAN, and RDT's reverse transforms) is set
  from the block's own seed, so block ``i`` gives the same rows whichever process makes it;
- epoch progress of CTGAN / TVAE / CopulaGAN / PAR reported to a callback, which may stop
  training after any epoch (a time budget spent) and keep the model trained so far;
- PAR (sequences per entity) and HMA (parent and child tables) behind the same fit / dumps /
  sample-by-seed shape: :func:`fit_par` / :func:`sample_par`, :func:`fit_hma` /
  :func:`sample_hma`;
- CUDA when present, the CPU otherwise.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SDV_SYNTHESIZERS",
    "available",
    "dumps",
    "fit",
    "fit_hma",
    "fit_par",
    "loads",
    "sample",
    "sample_hma",
    "sample_par",
    "seed_everything",
]

#: Our names -> SDV single-table classes.
SDV_SYNTHESIZERS = {
    "gaussian_copula": "GaussianCopulaSynthesizer",
    "ctgan": "CTGANSynthesizer",
    "tvae": "TVAESynthesizer",
    "copulagan": "CopulaGANSynthesizer",
}
_EPOCH_SYNTHESIZERS = ("ctgan", "tvae", "copulagan")
_ALLOWED_OPTIONS = {
    "gaussian_copula": {
        "default_distribution",
        "numerical_distributions",
        "enforce_min_max_values",
    },
    "ctgan": {
        "epochs",
        "batch_size",
        "generator_dim",
        "discriminator_dim",
        "embedding_dim",
        "pac",
        "generator_lr",
        "discriminator_lr",
    },
    "tvae": {"epochs", "batch_size", "compress_dims", "decompress_dims", "embedding_dim"},
    "copulagan": {"epochs", "batch_size", "default_distribution", "pac", "embedding_dim"},
    "par": {"epochs", "sample_size", "segment_size"},
    "hma": set(),
}

#: ``progress(epochs done, epochs total)``; returning True stops training after that epoch.
ProgressFn = Callable[[int, int], bool | None]

# SDV logs every fit and sample at INFO; keep the workers' logs readable.
for _name in ("SingleTableSynthesizer", "MultiTableSynthesizer", "sdv", "copulas", "rdt", "ctgan"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def available() -> bool:
    """Whether SDV can be imported here."""
    try:
        import sdv  # noqa: F401
    except ImportError:
        return False
    return True


def allowed_options(synthesizer: str) -> set[str]:
    return set(_ALLOWED_OPTIONS.get(synthesizer, set()))


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's and torch's global RNGs (SDV and CTGAN draw from them)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002  (SDV and CTGAN read the global state)
    try:
        import torch

        torch.manual_seed(seed)
        if torch.cuda.is_available():
            torch.cuda.manual_seed_all(seed)
    except ImportError:
        pass


def _sdv_columns(
    frame: pd.DataFrame, metadata: dict[str, Any], keys: tuple[str, ...] = ()
) -> dict[str, Any]:
    """SDV column entries; ``keys`` (primary, foreign and sequence keys) become sdtype id."""
    columns: dict[str, Any] = {}
    for name in frame.columns:
        sdtype = metadata["columns"][name]["sdtype"]
        if name in keys:
            columns[name] = {"sdtype": "id"}
        elif sdtype in ("numerical", "datetime", "boolean"):
            columns[name] = {"sdtype": sdtype}
        else:
            columns[name] = {"sdtype": "categorical"}
    return columns


def _sdv_metadata(frame: pd.DataFrame, metadata: dict[str, Any], table: str) -> Any:
    from sdv.metadata import Metadata

    return Metadata.load_from_dict({"tables": {table: {"columns": _sdv_columns(frame, metadata)}}})


class _EpochReporter:
    """Stands in for tqdm in CTGAN/TVAE's epoch loop and reports each finished epoch; when the
    callback answers True the loop ends there, as if those were all the epochs asked for (the
    model is the one trained so far, complete and usable)."""

    def __init__(self, iterable: Any, progress: ProgressFn | None) -> None:
        self._items = list(iterable)
        self._progress = progress

    def __iter__(self) -> Iterator[Any]:
        total = len(self._items)
        for i, item in enumerate(self._items):
            yield item
            if self._progress is not None and self._progress(i + 1, total) is True:
                return

    def set_description(self, *_: Any, **__: Any) -> None:
        return None


@contextlib.contextmanager
def _report_epochs(progress: ProgressFn | None) -> Iterator[None]:
    import ctgan.synthesizers.ctgan as ctgan_mod
    import ctgan.synthesizers.tvae as tvae_mod
    import deepecho.models.par as par_mod

    modules = (ctgan_mod, tvae_mod, par_mod)
    saved = [m.tqdm for m in modules]

    def fake_tqdm(iterable: Any, *args: Any, **kwargs: Any) -> _EpochReporter:
        return _EpochReporter(iterable, progress)

    for module in modules:
        module.tqdm = fake_tqdm
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.tqdm = original


def _deterministic(seed: int) -> None:
    import torch

    seed_everything(seed)
    with contextlib.suppress(Exception):
        torch.use_deterministic_algorithms(True, warn_only=True)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def fit(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    synthesizer: str,
    options: dict[str, Any],
    seed: int,
    table: str = "table",
    progress: ProgressFn | None = None,
) -> Any:
    """Fit one SDV single-table synthesizer on ``frame`` (identifiers and keys already removed).

    Args:
        frame: training rows; datetimes as datetime64.
        metadata: our metadata (sdtypes per column).
        synthesizer: one of :data:`SDV_SYNTHESIZERS`.
        options: constructor options (checked against the allowed ones).
        seed: seeds every RNG the fit uses.
        table: the table's name inside SDV's metadata.
        progress: called with (epochs done, epochs total) by CTGAN / TVAE / CopulaGAN;
            returning True stops training after that epoch.

    Returns:
        The fitted SDV synthesizer.
    """
    from sdv import single_table

    cls = getattr(single_table, SDV_SYNTHESIZERS[synthesizer])
    kwargs = dict(options)
    if synthesizer in _EPOCH_SYNTHESIZERS:
        kwargs["enable_gpu"] = cuda_available()
        kwargs["verbose"] = False  # our tqdm stand-in reports epochs either way
    _deterministic(seed)
    model = cls(_sdv_metadata(frame, metadata, table), **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if synthesizer in _EPOCH_SYNTHESIZERS:
            with _report_epochs(progress):
                model.fit({table: frame})
        else:
            model.fit({table: frame})
    if progress is not None and synthesizer not in _EPOCH_SYNTHESIZERS:
        progress(1, 1)
    return model


def dumps(model: Any) -> bytes:
    import cloudpickle

    buffer = io.BytesIO()
    cloudpickle.dump(model, buffer)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    import cloudpickle

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cloudpickle.loads(data)


_LOADED: list[tuple[bytes, Any, threading.Lock]] = []
_LOADED_LOCK = threading.Lock()


def _loaded(model_bytes: bytes) -> tuple[Any, threading.Lock]:
    """The model pickled in ``model_bytes``, unpickled once per process (keyed by the bytes
    object itself, which the process's fitted-model cache keeps) with a lock to sample under.

    Unpickling cost a quarter of a GaussianCopula block's time. Reuse is safe because
    :func:`sample` sets every random state the model samples from before each call, so a
    block's rows do not depend on the blocks sampled before it (tests/synthesis checks).
    """
    with _LOADED_LOCK:
        for payload, model, lock in _LOADED:
            if payload is model_bytes:
                return model, lock
    model = loads(model_bytes)
    with _LOADED_LOCK:
        _LOADED.append((model_bytes, model, threading.Lock()))
        del _LOADED[:-4]
        return _LOADED[-1][1], _LOADED[-1][2]


def _set_all_random_states(model: Any, seed: int) -> None:
    """Every random state a fitted SDV model samples from, derived from one seed."""
    seed_everything(seed)
    ss = np.random.SeedSequence(seed)
    model_seed, rdt_seed = (int(s.generate_state(1)[0]) for s in ss.spawn(2))
    inner = model._model
    if hasattr(inner, "set_random_state"):
        inner.set_random_state(model_seed)
    model._random_state_set = True
    hyper = getattr(model._data_processor, "_hyper_transformer", None)
    transformers = getattr(hyper, "field_transformers", {}) or {}
    for i, transformer in enumerate(transformers.values()):
        if transformer is None or not hasattr(transformer, "set_random_state"):
            continue
        for method in ("transform", "reverse_transform"):
            transformer.set_random_state(np.random.RandomState((rdt_seed + 2 * i) % 2**32), method)


def sample(
    model_bytes: bytes,
    n: int,
    *,
    seed: int,
    conditions: list[tuple[str, Any, int]] | None = None,
) -> pd.DataFrame:
    """``n`` rows from a pickled fitted model, the same rows for the same seed.

    Args:
        model_bytes: what :func:`dumps` returned (re-loaded here, so no state carries over).
        n: rows to sample.
        seed: the block's seed.
        conditions: (column, value, rows) triples: that many rows with column == value.
    """
    from sdv.sampling import Condition

    model, lock = _loaded(model_bytes)
    with lock, warnings.catch_warnings():
        _set_all_random_states(model, seed)
        return _sample_rows(model, n, conditions, Condition)


def _sample_rows(
    model: Any, n: int, conditions: list[tuple[str, Any, int]] | None, condition: Any
) -> pd.DataFrame:
    """Conditioned rows first (``condition`` is SDV's Condition), then ``n`` plain ones."""
    warnings.simplefilter("ignore")
    table = model._table_name
    parts: list[pd.DataFrame] = []
    for column, value, rows in conditions or []:
        if rows <= 0:
            continue
        got = model.sample_from_conditions(
            [condition(num_rows=rows, column_values={column: value})],
            max_tries_per_batch=200,
        )
        parts.append(got[table] if isinstance(got, dict) else got)
    if n > 0:
        got = model.sample(n)
        parts.append(got[table] if isinstance(got, dict) else got)
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


# --- PAR: sequences per entity ------------------------------------------------------------
def fit_par(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    sequence_key: str,
    sequence_index: str | None,
    options: dict[str, Any],
    seed: int,
    table: str = "table",
    progress: ProgressFn | None = None,
) -> Any:
    """Fit SDV's PARSynthesizer on whole sequences (one per value of ``sequence_key``).

    Args:
        frame: the sequence key, the optional sequence index and the learned columns.
        metadata: our metadata (sdtypes per column).
        sequence_key: the entity column.
        sequence_index: the order column (datetime or numerical), or None for row order.
        options: ``epochs``, ``sample_size``, ``segment_size``.
        seed: seeds every RNG the fit uses.
        table: the table's name inside SDV's metadata.
        progress: called with (epochs done, epochs total).
    """
    from sdv.metadata import Metadata
    from sdv.sequential import PARSynthesizer

    table_md: dict[str, Any] = {
        "columns": _sdv_columns(frame, metadata, keys=(sequence_key,)),
        "sequence_key": sequence_key,
    }
    if sequence_index:
        table_md["sequence_index"] = sequence_index
    md = Metadata.load_from_dict({"tables": {table: table_md}})
    _deterministic(seed)
    model = PARSynthesizer(md, cuda=cuda_available(), verbose=False, **options)
    with warnings.catch_warnings(), _report_epochs(progress):
        warnings.simplefilter("ignore")
        model.fit({table: frame})
    return model


def sample_par(model_bytes: bytes, sequences: int, *, seed: int) -> pd.DataFrame:
    """``sequences`` whole sequences from a pickled PAR model, the same for the same seed.

    The sequence key holds SDV's own labels (one per sequence, in order); the caller
    replaces them.
    """
    model = loads(model_bytes)
    _deterministic(seed)
    context = model._context_synthesizer
    if getattr(context, "_model", None) is not None:
        _set_all_random_states(context, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = model.sample_sequences(sequences)
    return got[model._table_name] if isinstance(got, dict) else got


# --- HMA: parent and child tables ----------------------------------------------------------
def fit_hma(
    frames: dict[str, pd.DataFrame],
    metadata: dict[str, dict[str, Any]],
    *,
    primary_keys: dict[str, str | None],
    relationships: list[dict[str, str]],
    seed: int,
    progress: ProgressFn | None = None,
) -> Any:
    """Fit SDV's HMASynthesizer on related tables.

    Args:
        frames: table name -> rows (keys, and the learned columns); every child key is a key
            of its parent (orphans already removed).
        metadata: table name -> our metadata of that table (sdtypes per column).
        primary_keys: table name -> its primary key column (or None).
        relationships: ``{parent_table, parent_primary_key, child_table, child_foreign_key}``.
        seed: seeds every RNG the fit uses.
        progress: called with (1, 1) when done (HMA has no epochs).
    """
    from sdv.metadata import Metadata
    from sdv.multi_table import HMASynthesizer

    tables: dict[str, Any] = {}
    for name, frame in frames.items():
        keys = {primary_keys.get(name)} | {
            r["child_foreign_key"] for r in relationships if r["child_table"] == name
        }
        entry: dict[str, Any] = {
            "columns": _sdv_columns(frame, metadata[name], keys=tuple(k for k in keys if k))
        }
        if primary_keys.get(name):
            entry["primary_key"] = primary_keys[name]
        tables[name] = entry
    md = Metadata.load_from_dict(
        {
            "tables": tables,
            "relationships": [
                {
                    "parent_table_name": r["parent_table"],
                    "parent_primary_key": r["parent_primary_key"],
                    "child_table_name": r["child_table"],
                    "child_foreign_key": r["child_foreign_key"],
                }
                for r in relationships
            ],
        }
    )
    _deterministic(seed)
    model = HMASynthesizer(md, verbose=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(frames)
    if progress is not None:
        progress(1, 1)
    return model


def sample_hma(model_bytes: bytes, scale: float, *, seed: int) -> dict[str, pd.DataFrame]:
    """Every table at ``scale`` times its real size, the same tables for the same seed."""
    model = loads(model_bytes)
    _deterministic(seed)
    model._numpy_seed = seed % 2**32  # HMA samples under its own saved numpy state
    ss = np.random.SeedSequence(seed)
    for child, synth in zip(
        ss.spawn(len(model._table_synthesizers)), model._table_synthesizers.values(), strict=True
    ):
        if getattr(synth, "_model", None) is not None:
            _set_all_random_states(synth, int(child.generate_state(1)[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dict(model.sample_scale(scale=float(scale)))
