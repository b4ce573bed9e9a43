"""The one module that imports SDV, CTGAN, Copulas and RDT (Business Source License 1.1).

Everything else talks to SDV through these functions, so a licence-clean deployment
(``SYNDATA_SYNTHESIZERS=spec``) never imports a BSL package. What this module adds to SDV:

- reproducible fits: numpy, torch and Python RNGs seeded, torch deterministic;
- reproducible sampling by block: the fitted model is re-loaded from its pickled bytes for each
  block, and every random state inside it (copula / GAN, and RDT's reverse transforms) is set
  from the block's own seed, so block ``i`` gives the same rows whichever process makes it;
- epoch progress of CTGAN / TVAE / CopulaGAN reported to a callback;
- CUDA when present, the CPU otherwise.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
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
    "loads",
    "quality_score",
    "sample",
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
}

ProgressFn = Callable[[int, int], None]

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


def _sdv_metadata(frame: pd.DataFrame, metadata: dict[str, Any], table: str) -> Any:
    from sdv.metadata import Metadata

    columns: dict[str, Any] = {}
    for name in frame.columns:
        entry = metadata["columns"][name]
        sdtype = entry["sdtype"]
        if sdtype == "numerical":
            columns[name] = {"sdtype": "numerical"}
        elif sdtype == "datetime":
            columns[name] = {"sdtype": "datetime"}
        elif sdtype == "boolean":
            columns[name] = {"sdtype": "boolean"}
        else:
            columns[name] = {"sdtype": "categorical"}
    return Metadata.load_from_dict({"tables": {table: {"columns": columns}}})


class _EpochReporter:
    """Stands in for tqdm in CTGAN/TVAE's epoch loop and reports each finished epoch."""

    def __init__(self, iterable: Any, progress: ProgressFn | None) -> None:
        self._items = list(iterable)
        self._progress = progress

    def __iter__(self) -> Iterator[Any]:
        total = len(self._items)
        for i, item in enumerate(self._items):
            yield item
            if self._progress is not None:
                self._progress(i + 1, total)

    def set_description(self, *_: Any, **__: Any) -> None:
        return None


@contextlib.contextmanager
def _report_epochs(progress: ProgressFn | None) -> Iterator[None]:
    import ctgan.synthesizers.ctgan as ctgan_mod
    import ctgan.synthesizers.tvae as tvae_mod

    saved = (ctgan_mod.tqdm, tvae_mod.tqdm)

    def fake_tqdm(iterable: Any, *args: Any, **kwargs: Any) -> _EpochReporter:
        return _EpochReporter(iterable, progress)

    ctgan_mod.tqdm = fake_tqdm
    tvae_mod.tqdm = fake_tqdm
    try:
        yield
    finally:
        ctgan_mod.tqdm, tvae_mod.tqdm = saved


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
        progress: called with (epochs done, epochs total) by CTGAN / TVAE / CopulaGAN.

    Returns:
        The fitted SDV synthesizer.
    """
    import torch
    from sdv import single_table

    cls = getattr(single_table, SDV_SYNTHESIZERS[synthesizer])
    kwargs = dict(options)
    if synthesizer in _EPOCH_SYNTHESIZERS:
        kwargs["enable_gpu"] = cuda_available()
        kwargs["verbose"] = False  # our tqdm stand-in reports epochs either way
    seed_everything(seed)
    with contextlib.suppress(Exception):
        torch.use_deterministic_algorithms(True, warn_only=True)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
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

    model = loads(model_bytes)
    _set_all_random_states(model, seed)
    table = model._table_name
    parts: list[pd.DataFrame] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for column, value, rows in conditions or []:
            if rows <= 0:
                continue
            got = model.sample_from_conditions(
                [Condition(num_rows=rows, column_values={column: value})],
                max_tries_per_batch=200,
            )
            parts.append(got[table] if isinstance(got, dict) else got)
        if n > 0:
            got = model.sample(n)
            parts.append(got[table] if isinstance(got, dict) else got)
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


def quality_score(real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]) -> float:
    """SDV's quality score (sdmetrics QualityReport) of synthetic vs real rows."""
    from sdv.evaluation import evaluate_quality

    md = _sdv_metadata(real, metadata, "table")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = evaluate_quality({"table": real}, {"table": synthetic}, md, verbose=False)
    return float(report.get_score())


def bare_sdv(
    frame: pd.DataFrame,
    *,
    synthesizer: str,
    options: dict[str, Any],
    seed: int,
    rows: int,
    repeats: int = 1,
) -> tuple[float, float, pd.DataFrame, float, float]:
    """Plain SDV as its documentation shows it (detected metadata, fit, sample), for the
    benchmark's side-by-side run: (fit seconds, sample seconds, sampled rows, fit CPU seconds,
    sample CPU seconds); with ``repeats`` > 1 the sampling is timed that many times and the
    fastest kept (wall and CPU each)."""
    import time

    from sdv import single_table
    from sdv.metadata import Metadata

    seed_everything(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0, c0 = time.perf_counter(), time.process_time()
        metadata = Metadata.detect_from_dataframes({"table": frame})
        model = getattr(single_table, SDV_SYNTHESIZERS[synthesizer])(metadata, **options)
        model.fit({"table": frame})
        fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
        sample_s = sample_cpu = float("inf")
        for _ in range(max(1, repeats)):
            t0, c0 = time.perf_counter(), time.process_time()
            sampled = model.sample(rows)
            sampled = sampled["table"] if isinstance(sampled, dict) else sampled
            sample_s = min(sample_s, time.perf_counter() - t0)
            sample_cpu = min(sample_cpu, time.process_time() - c0)
    return fit_s, sample_s, sampled, fit_cpu, sample_cpu
