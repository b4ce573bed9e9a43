"""The one module that imports mostlyai-engine (Apache-2.0): TabularARGN, our licence-clean
deep synthesizer for flat tables, sequences and related tables.

No Django here. What this module adds to the engine:

- no heavy import: ``mostlyai.engine`` is imported with its language-model package
  (``_language``, which pulls transformers at import time) replaced by an empty one, so
  only the tabular path (torch, datasets, opacus) is loaded; nothing is downloaded
  (``HF_HUB_OFFLINE``: the tabular path reads parquet with ``datasets``, never the hub);
- epoch progress (epochs, validation loss) reported to a callback that may stop training
  (a time budget spent: the best checkpoint so far is kept) or raise (a cancelled fit);
- the model as a folder: the engine's ``ModelStore`` only (stats and weights; the copy of
  the real rows the engine keeps in ``OriginalData`` is dropped with its temporary workspace);
- sampling deterministic by seed: a fixed batch size (the engine's default depends on the
  free memory), every RNG set from the call's seed under a lock, and a private workspace per
  call, so blocks sampled at once in threads or processes never share output files; sampling
  runs on the CPU (same bytes whichever worker makes a block), training on CUDA when present;
- differentially private training through the engine's own DP-SGD (Opacus, RDP accountant):
  the noise multiplier is set so that the asked epochs fit the asked budget, and the epsilon
  the engine reports at the last epoch it could keep is the model's (see :func:`dp_plan`).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ARGN_MIN_ROWS",
    "ArgnModel",
    "check_options",
    "device",
    "dp_accounting",
    "fit",
    "sample",
]

#: Real rows a TabularARGN fit needs at the least (the engine splits off 20% to validate
#: on, and a deep model on fewer rows learns little more than their marginals).
ARGN_MIN_ROWS = 100
#: Training sequences below which the engine's value protection hides every sequence length
#: (``ANALYZE_REDUCE_MIN_MAX_N``): it then learns one row per sequence, a flat table.
ENGINE_MIN_SEQUENCES = 20
#: Sequences a sequence fit needs at the least: after the product's 10% holdout and the
#: engine's 80/20 train/validation split, at least ENGINE_MIN_SEQUENCES train sequences.
ARGN_MIN_SEQUENCES = 30
MODEL_SIZES = {"S": "MOSTLY_AI/Small", "M": "MOSTLY_AI/Medium", "L": "MOSTLY_AI/Large"}
OPTIONS = {"epochs", "time_budget_s", "model_size", "batch_size"}
DEFAULT_EPOCHS = 100
#: Rows generated per engine batch: fixed, as the batch changes the random stream.
SAMPLE_BATCH = 10_000

#: ``progress(epochs done, epochs total, info)``; True stops training after that step.
ProgressFn = Callable[[int, int, dict[str, Any]], bool | None]

_ENCODING = {
    "numerical": "TABULAR_NUMERIC_AUTO",
    "datetime": "TABULAR_DATETIME",
    "categorical": "TABULAR_CATEGORICAL",
    "boolean": "TABULAR_CATEGORICAL",
}
#: The share of a DP fit's epsilon the engine's analysis spends on value protection (noisy
#: category sets and value ranges, Laplace); DP-SGD gets the rest.
DP_VALUE_SHARE = 0.1
#: What a DP fit's epsilon does not cover, stated on the model.
DP_NOT_COVERED = (
    "The engine validates on 20% of the rows (outside DP-SGD): the kept checkpoint (lowest "
    "validation loss) and early stopping depend on them. Keys and direct identifiers are "
    "fields of synthetic values; the exact-copy guard drops sampled rows equal to a real row "
    "(a data-dependent filter)."
)
_LOCK = threading.Lock()  # the engine seeds the global RNGs: one fit or sample at a time


def check_options(options: dict[str, Any]) -> str | None:
    """The first wrong option as ``options.<name>: why``, or None."""
    for key in options:
        if key not in OPTIONS:
            return f"options.{key}: not an option of argn (allowed: {', '.join(sorted(OPTIONS))})"
    epochs = options.get("epochs", DEFAULT_EPOCHS)
    if not isinstance(epochs, int) or isinstance(epochs, bool) or not 1 <= epochs <= 1000:
        return "options.epochs: must be an integer between 1 and 1000"
    budget = options.get("time_budget_s", 3600)
    if isinstance(budget, bool) or not isinstance(budget, int | float) or not 1 <= budget <= 86_400:
        return "options.time_budget_s: must be a number of seconds in 1..86400"
    if options.get("model_size", "M") not in MODEL_SIZES:
        return "options.model_size: must be one of S, M, L"
    batch = options.get("batch_size")
    if batch is not None and (
        not isinstance(batch, int) or isinstance(batch, bool) or not 8 <= batch <= 100_000
    ):
        return "options.batch_size: must be an integer between 8 and 100000"
    return None


def device() -> str:
    """Where training runs: CUDA when present, the CPU otherwise."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _engine() -> Any:
    """``mostlyai.engine`` without its language models (see the module's docstring)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    name = "mostlyai.engine._language"
    if name not in sys.modules:
        spec = importlib.util.find_spec("mostlyai.engine")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("mostlyai-engine is not installed (pip install mostlyai-engine)")
        stub = importlib.machinery.ModuleSpec(name, None, is_package=True)
        stub.submodule_search_locations = [
            str(Path(next(iter(spec.submodule_search_locations))) / "_language")
        ]
        sys.modules[name] = importlib.util.module_from_spec(stub)
    import mostlyai.engine as engine
    from mostlyai.engine import logging as engine_logging

    engine_logging.disable_logging()
    return engine


def available() -> bool:
    """Whether mostlyai-engine can be imported here."""
    return importlib.util.find_spec("mostlyai") is not None and (
        importlib.util.find_spec("mostlyai.engine") is not None
    )


@dataclass
class ArgnModel:
    """A trained model: its engine workspace, temporary until :meth:`save` copies it."""

    workspace: Path
    epochs_done: float = 0.0
    val_loss: float | None = None
    stopped: bool = False
    #: A DP fit's plan and the epsilon the engine reported at each epoch end (dp_plan).
    dp: dict[str, Any] | None = None
    dp_epochs: list[float] = field(default_factory=list)
    _tmp: Any = field(default=None, repr=False)

    @property
    def store(self) -> Path:
        return self.workspace / "ModelStore"

    def save(self, target: Path) -> None:
        """The model (``ModelStore``) into ``target``; no real row goes with it."""
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.store, target / "ModelStore", dirs_exist_ok=True)


def _encoding_types(frame: pd.DataFrame, columns: dict[str, Any], skip: set[str]) -> dict:
    return {
        c: _ENCODING.get(columns[c]["sdtype"], "TABULAR_CATEGORICAL")
        for c in frame.columns
        if c not in skip and c in columns
    }


def _plain(frame: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """Categories as text (the engine reads a category of numbers as numbers otherwise)."""
    out = frame.copy()
    for name in out.columns:
        if name in columns and columns[name]["sdtype"] in ("categorical", "boolean"):
            col = out[name]
            out[name] = (
                col.astype(object)
                .where(col.notna(), None)
                .map(
                    lambda v: (
                        None
                        if v is None
                        else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    )
                )
            )
    return out


class _Reporter:
    """The engine's ``update_progress``: steps (or seconds, when the time budget binds)
    as epochs, the validation loss of each epoch, and a stop asked by the callback."""

    def __init__(self, progress: ProgressFn | None, epochs: int, model: ArgnModel) -> None:
        self.progress = progress
        self.epochs = epochs
        self.model = model
        self.last = -1

    def __call__(self, total: Any = None, completed: Any = None, message: Any = None, **_: Any):
        eps = (message or {}).get("dp_eps")
        if eps is not None and self.model.dp is not None:
            keepable = message.get("val_loss") is not None and eps <= self.model.dp["max_epsilon"]
            if keepable or message.get("is_checkpoint"):  # weights the engine may keep
                self.model.dp_epochs.append(float(eps))
        if message and message.get("epoch") is not None:
            self.model.epochs_done = float(message["epoch"])
            if message.get("val_loss") is not None:
                self.model.val_loss = float(message["val_loss"])
        done = min(self.epochs, int(self.model.epochs_done))
        if self.progress is None or not message or done == self.last and not total:
            return None
        self.last = done
        info = {"val_loss": self.model.val_loss, "share": (completed or 0) / max(1, total or 1)}
        if self.progress(done, self.epochs, info) is True:
            self.model.stopped = True
            return {"stopExecution": True}
        return None


def fit(
    frame: pd.DataFrame,
    columns: dict[str, Any],
    *,
    options: dict[str, Any],
    seed: int,
    progress: ProgressFn | None = None,
    context_key: str | None = None,
    parent: pd.DataFrame | None = None,
    parent_key: str | None = None,
    parent_columns: dict[str, Any] | None = None,
    differential_privacy: dict[str, float] | None = None,
) -> ArgnModel:
    """Train a TabularARGN on ``frame``: flat rows, or sequences of ``context_key`` (rows in
    order), optionally under the ``parent`` rows of ``parent_key`` (the child's
    ``context_key`` holds the parent's key) as their context. ``differential_privacy``
    ({epsilon, delta}) trains with DP-SGD; ``model.dp`` then holds the accounting."""
    engine = _engine()
    tmp = tempfile.TemporaryDirectory(prefix="argn-", ignore_cleanup_errors=True)
    model = ArgnModel(Path(tmp.name), _tmp=tmp)
    epochs = int(options.get("epochs", DEFAULT_EPOCHS))
    budget_min = float(options.get("time_budget_s", 3600)) / 60
    skip = {context_key} if context_key else set()
    with _LOCK:
        engine.set_random_state(seed % 2**32)
        engine.split(
            tgt_data=_plain(frame, columns),
            tgt_context_key=context_key,
            tgt_encoding_types=_encoding_types(frame, columns, skip),
            ctx_data=None if parent is None else _plain(parent, parent_columns or {}),
            ctx_primary_key=parent_key,
            ctx_encoding_types=(
                None
                if parent is None
                else _encoding_types(parent, parent_columns or {}, {parent_key or ""})
            ),
            workspace_dir=model.workspace,
        )
        dp_config = None
        if differential_privacy:
            from mostlyai.engine.domain import DifferentialPrivacyConfig

            dp_config = DifferentialPrivacyConfig(
                max_epsilon=differential_privacy["epsilon"],
                delta=differential_privacy["delta"],
                value_protection_epsilon=differential_privacy["epsilon"] * DP_VALUE_SHARE,
            )
        engine.analyze(workspace_dir=model.workspace, differential_privacy=dp_config)
        if context_key and parent is None:
            _check_sequential(model.workspace, frame, context_key)
        engine.encode(workspace_dir=model.workspace)
        batch = options.get("batch_size")
        if dp_config is not None:
            model.dp = dp_plan(model.workspace, differential_privacy, epochs, batch)
            dp_config.noise_multiplier = model.dp["noise_multiplier"]
            batch = model.dp["batch_size"]
        try:
            engine.train(
                model=MODEL_SIZES[options.get("model_size", "M")],
                max_epochs=epochs,
                max_training_time=budget_min,
                batch_size=batch,
                differential_privacy=dp_config,
                device=device(),
                workspace_dir=model.workspace,
                update_progress=_Reporter(progress, epochs, model),
            )
        finally:
            _denormals_back()
    shutil.rmtree(model.workspace / "OriginalData", ignore_errors=True)  # real rows
    return model


def _stats(workspace: Path, which: str) -> dict[str, Any]:
    import json

    path = workspace / "ModelStore" / f"{which}-stats" / "stats.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _check_sequential(workspace: Path, frame: pd.DataFrame, key: str) -> None:
    """A ValueError when the engine's analysis turned sequences into one row each (fewer
    than ENGINE_MIN_SEQUENCES train sequences: their lengths are protected away), rather
    than a model that samples one-row "sequences" without a word."""
    stats = _stats(workspace, "tgt")
    if stats.get("is_sequential", True) or frame.groupby(key).size().max() <= 1:
        return
    trained = stats.get("no_of_training_records")
    why = (
        f"its differentially private value protection could not release the sequence "
        f"lengths of {trained} training sequences (DP needs many more, or a larger epsilon)"
        if stats.get("seq_len", {}).get("value_protection")
        and trained
        and trained >= ENGINE_MIN_SEQUENCES
        else f"the engine trains on {trained} of them and needs at least {ENGINE_MIN_SEQUENCES}"
    )
    raise ValueError(
        f"argn: too few sequences of {key!r} to learn their order: {why}; it would learn "
        "one row per sequence. Use spec, or a finer sequence key"
    )


def dp_batch_size(records: int) -> int:
    """A DP fit's batch (records per noisy step) unless one is asked: about 4 sqrt(n), in
    32..1024, so that small tables still take several steps an epoch."""
    return max(1, min(records, max(32, min(1024, int(4 * math.sqrt(max(1, records)))))))


def dp_plan(
    workspace: Path, differential_privacy: dict[str, float], epochs: int, batch: int | None
) -> dict[str, Any]:
    """The DP-SGD settings for a budget, after the engine's analysis: the value protection
    epsilon it spent (from its stats), then the noise multiplier under which ``epochs`` of
    Poisson-sampled steps of ``batch`` records spend the rest (Opacus' RDP accountant, as the
    engine's own), at the asked delta."""
    import warnings

    from opacus.accountants.utils import get_noise_multiplier

    tgt, ctx = _stats(workspace, "tgt"), _stats(workspace, "ctx")
    value_eps = float(tgt.get("value_protection_epsilon_spent") or 0.0) + float(
        ctx.get("value_protection_epsilon_spent") or 0.0
    )
    records = int(tgt.get("no_of_training_records") or 1)
    batch = max(1, min(int(batch or dp_batch_size(records)), records))
    steps = epochs * max(1, records // batch)
    sample_rate = 1.0 / math.ceil(records / batch)  # Opacus: 1 / batches per epoch
    budget = differential_privacy["epsilon"] - value_eps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "optimal order is the largest alpha"
        # the tolerance keeps the last epoch under the budget, whatever the rounding
        sigma = get_noise_multiplier(
            target_epsilon=budget * 0.99,
            target_delta=differential_privacy["delta"],
            sample_rate=sample_rate,
            steps=steps,
            accountant="rdp",
            epsilon_tolerance=0.005 * budget,
        )
    return {
        "max_epsilon": differential_privacy["epsilon"],
        "value_protection_epsilon": round(value_eps, 9),
        "records": records,
        "batch_size": batch,
        "steps": steps,
        "sample_rate": sample_rate,
        "noise_multiplier": float(sigma),
    }


def released_categories(model: ArgnModel, categories: dict[str, list[str]]) -> dict:
    """Of the real categories per column, those a DP fit's value protection released (the
    engine's codes): a condition's error message must not name a suppressed one."""
    codes = {
        name: set(entry.get("codes") or {})
        for name, entry in (_stats(model.workspace, "tgt").get("columns") or {}).items()
    }
    return {
        column: [v for v in values if v in codes[column]] if column in codes else values
        for column, values in categories.items()
    }


def dp_accounting(model: ArgnModel, differential_privacy: dict[str, float]) -> dict[str, Any]:
    """The accounting of a DP fit, in dp_spec's shape: the epsilon the engine reported at the
    last epoch end it kept training to (DP-SGD by RDP plus its value protection), or a
    ValueError when that passed the budget (no such model is kept)."""
    plan = model.dp or {}
    asked = differential_privacy["epsilon"]
    spent = max(model.dp_epochs) if model.dp_epochs else plan.get("value_protection_epsilon", 0)
    if spent > asked * (1 + 1e-9):
        raise ValueError(f"differential_privacy: the fit spent epsilon {spent:.4g} > {asked:g}")
    value_eps = float(plan.get("value_protection_epsilon", 0.0))
    return {
        "epsilon": asked,
        "delta": differential_privacy["delta"],
        "epsilon_spent": round(float(spent), 6),
        "delta_spent": differential_privacy["delta"],
        "composition": "RDP accountant over DP-SGD steps (Opacus), plus value protection",
        "neighbouring": "one record (row, or a sequence with its context) added or removed",
        "mechanism": (
            f"DP-SGD: per-record gradients clipped to norm 1, Gaussian noise multiplier "
            f"{plan.get('noise_multiplier', 0):.4g}, Poisson sampling rate "
            f"{plan.get('sample_rate', 0):.4g}, {plan.get('steps', 0)} steps planned"
        ),
        "releases": [
            {"what": "category sets and value ranges (Laplace, engine)", "epsilon": value_eps},
            {
                "what": "model weights (DP-SGD)",
                "epsilon": round(max(0.0, float(spent) - value_eps), 6),
                "delta": differential_privacy["delta"],
            },
        ],
        "not_covered": DP_NOT_COVERED,
    }


def _denormals_back() -> None:
    """The engine's training turns on flushing denormal floats to zero for the whole thread
    (``torch.set_flush_denormal(True)``) and leaves it on: SciPy's k-d tree (the metrics'
    DCR) then recurses without end on tiny values and crashes the process. Back to the
    default, off."""
    import torch

    torch.set_flush_denormal(False)


def sample(
    directory: Path,
    *,
    seed: int,
    n: int | None = None,
    context: pd.DataFrame | None = None,
    seed_data: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of the model saved in ``directory`` (a folder holding ``ModelStore``): ``n`` flat
    rows or sequences, one sequence per ``context`` row, or one row per ``seed_data`` row
    with its values fixed; the same rows for the same arguments."""
    engine = _engine()
    from mostlyai.engine._common import load_generated_data

    with tempfile.TemporaryDirectory(prefix="argn-sample-") as tmp:
        work = Path(tmp)
        (work / "ModelStore").symlink_to(Path(directory).resolve() / "ModelStore")
        size = (
            len(context) if context is not None else len(seed_data) if seed_data is not None else n
        )
        if not size:
            return pd.DataFrame()
        with _LOCK:
            engine.set_random_state(seed % 2**32)
            engine.generate(
                ctx_data=context,
                seed_data=seed_data,
                sample_size=None if seed_data is not None else size,
                batch_size=SAMPLE_BATCH,
                device="cpu",
                workspace_dir=work,
            )
        return _numpy_dtypes(load_generated_data(work))


def _numpy_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """The engine's nullable dtypes (Int64, Float64, string) as the numpy ones the other
    samplers return (int64 or float64 with NaN, object text with None)."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.StringDtype) or col.dtype == object:
            values = col.astype(object).to_numpy()
            values[pd.isna(values)] = None
            out[name] = pd.Series(values, index=col.index, dtype=object)
        elif pd.api.types.is_extension_array_dtype(col.dtype) and col.dtype.kind in "biuf":
            if col.dtype.kind in "iu" and not col.isna().any():
                out[name] = pd.Series(col.to_numpy(dtype=np.int64), index=col.index)
            else:
                out[name] = pd.Series(col.to_numpy(dtype=float, na_value=np.nan), index=col.index)
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index)


def fit_seconds_since(start: float) -> float:
    return round(time.monotonic() - start, 3)


def sequence_context(key: str, n: int, first: int = 0) -> pd.DataFrame:
    """``n`` fresh sequence keys (ints), the context of an unconditioned sequence sample."""
    return pd.DataFrame({key: np.arange(first, first + n, dtype=np.int64)})
