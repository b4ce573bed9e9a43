"""Plain SDV, fitted and sampled as its documentation shows, for the benchmarks' side-by-side
runs against Syn-Data's own synthesizers (bench/models.py, bench/relational.py).

Benchmark-only: the product reaches SDV through generation/synthesis/sdv_backend.py alone. SDV is
Business Source License 1.1; a benchmark that runs it as a competitor is in-house use.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import pandas as pd

from generation.synthesis.sdv_backend import SDV_SYNTHESIZERS, _sdv_metadata, seed_everything


def bare_model(
    frame: pd.DataFrame,
    *,
    synthesizer: str,
    options: dict[str, Any],
    seed: int,
    metadata: dict[str, Any] | None = None,
) -> Any:
    """Plain SDV, fitted as its documentation shows it (detected metadata), for the
    benchmark's side-by-side runs. With ``metadata`` (ours), SDV is given the metadata
    :func:`fit` gives it instead of detecting its own: the same model as ours."""
    from sdv import single_table
    from sdv.metadata import Metadata

    seed_everything(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if metadata is None:
            sdv_metadata = Metadata.detect_from_dataframes({"table": frame})
        else:
            sdv_metadata = _sdv_metadata(frame, metadata, "table")
        model = getattr(single_table, SDV_SYNTHESIZERS[synthesizer])(sdv_metadata, **options)
        model.fit({"table": frame})
    return model


def bare_sample(model: Any, rows: int) -> pd.DataFrame:
    """``rows`` rows of a :func:`bare_model`, as plain SDV samples them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampled = model.sample(rows)
    return sampled["table"] if isinstance(sampled, dict) else sampled


def bare_sdv(
    frame: pd.DataFrame,
    *,
    synthesizer: str,
    options: dict[str, Any],
    seed: int,
    rows: int,
    repeats: int = 1,
    metadata: dict[str, Any] | None = None,
) -> tuple[float, float, pd.DataFrame, float, float, Any]:
    """:func:`bare_model` timed: (fit seconds, sample seconds, sampled rows, fit CPU seconds,
    sample CPU seconds, the model); with ``repeats`` > 1 the sampling is timed that many
    times and the fastest kept (wall and CPU each)."""

    t0, c0 = time.perf_counter(), time.process_time()
    model = bare_model(
        frame, synthesizer=synthesizer, options=options, seed=seed, metadata=metadata
    )
    fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    sample_s = sample_cpu = float("inf")
    for _ in range(max(1, repeats)):
        t0, c0 = time.perf_counter(), time.process_time()
        sampled = bare_sample(model, rows)
        sample_s = min(sample_s, time.perf_counter() - t0)
        sample_cpu = min(sample_cpu, time.process_time() - c0)
    return fit_s, sample_s, sampled, fit_cpu, sample_cpu, model


def bare_structured(
    frames: dict[str, pd.DataFrame],
    *,
    sequence_key: str | None = None,
    sequence_index: str | None = None,
    epochs: int = 128,
    seed: int,
    sequences: int = 0,
) -> tuple[float, float, dict[str, pd.DataFrame]]:
    """Plain SDV for the benchmark: HMA on several tables, or PAR on one table with a
    sequence key; metadata detected as SDV's documentation shows it, then fit and sample
    (HMA at scale 1, PAR ``sequences`` sequences): (fit seconds, sample seconds, tables)."""

    from sdv.metadata import Metadata
    from sdv.multi_table import HMASynthesizer
    from sdv.sequential import PARSynthesizer

    seed_everything(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        metadata = Metadata.detect_from_dataframes(frames)
        if sequence_key:
            (table,) = frames
            metadata.update_column(sequence_key, sdtype="id", table_name=table)
            metadata.set_sequence_key(sequence_key, table_name=table)
            if sequence_index:
                metadata.set_sequence_index(sequence_index, table_name=table)
            model: Any = PARSynthesizer(metadata, epochs=epochs, verbose=False, cuda=False)
        else:
            model = HMASynthesizer(metadata, verbose=False)
        model.fit(frames)
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = model.sample_sequences(sequences) if sequence_key else model.sample_scale(1.0)
        sample_s = time.perf_counter() - t0
    return fit_s, sample_s, out if isinstance(out, dict) else {next(iter(frames)): out}
