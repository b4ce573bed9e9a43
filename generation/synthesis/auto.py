"""``auto``'s choice among single-table synthesizers: each candidate fitted on a train split
within a time budget, the best holdout quality kept. The fit function and the clock are given
by the caller, so the choice itself is tested without fitting real models."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generation.synthesis.catalog import SYNTHESIZERS
from generation.synthesis.fitted import FittedModel
from generation.synthesis.fitting import FitCancelled
from generation.synthesis.sampler import make_sampler

__all__ = ["AUTO_SCORE_HOLDOUT_CAP", "AUTO_SCORE_ROWS", "Deadline", "auto_select"]

logger = logging.getLogger(__name__)

AUTO_SCORE_ROWS = 5000
#: Holdout rows kept for scoring (a seeded sample of the split, when it is larger).
AUTO_SCORE_HOLDOUT_CAP = 20_000


class Deadline:
    """An ``auto`` candidate's epoch callback: stops its training (``True``, see
    ``sdv_backend.ProgressFn``) once the time budget is spent, and remembers how far it got."""

    def __init__(self, deadline: float, clock: Callable[[], float]) -> None:
        self.deadline = deadline
        self.clock = clock
        self.done = 0
        self.total = 0
        self.stopped = False

    def __call__(self, done: int, total: int) -> bool | None:
        self.done, self.total = done, total
        if done < total and self.clock() >= self.deadline:
            self.stopped = True
            return True
        return None


def auto_select(
    frame: pd.DataFrame,
    metadata: dict[str, Any],
    learned: list[str],
    *,
    candidates: list[str],
    epochs: int,
    seed: int,
    table: str,
    budget_s: float,
    holdout_share: float,
    score_of: Any,
    fit_one: Callable[..., dict[str, Any]],
    clock: Callable[[], float] = time.monotonic,
    scored: Any = None,
    results: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """``auto``'s choice: fit each candidate on a train split while the time budget lasts and
    keep the one whose samples score best against the holdout split: (chosen, scores).

    A candidate that would start after the budget is spent is skipped; one with epochs
    (CTGAN, TVAE, CopulaGAN) that is still training when it runs out stops after its current
    epoch and is scored as it is: ``scores[name]`` says which, why, and the epochs done. The
    first candidate always runs, so there is a model. ``score_of(real, synthetic, metadata)``
    is the quality report; ``scored(i)`` is called after each candidate (progress);
    ``results`` (when given) receives each candidate's fit on the split. The caller refits
    the winner on every row.
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(frame))
    cut = max(1, int(len(frame) * holdout_share))
    holdout = frame.iloc[order[:cut][:AUTO_SCORE_HOLDOUT_CAP]].reset_index(drop=True)
    train = frame.iloc[order[cut:]].reset_index(drop=True)
    started = clock()
    deadline = started + budget_s
    scores: dict[str, Any] = {}
    best: tuple[float, str] | None = None
    for i, cand in enumerate(candidates):
        if best is not None and clock() >= deadline:
            scores[cand] = {"skipped": f"time budget of {budget_s:g}s spent before it started"}
            continue
        t0 = clock()
        stop = Deadline(deadline, clock)
        try:
            result = fit_one(
                cand,
                train,
                metadata,
                learned=learned,
                options={"epochs": epochs} if SYNTHESIZERS[cand]["epochs"] else {},
                seed=seed,
                table=table,
                progress=stop,
            )
            meta = {
                "chosen": cand,
                "columns": metadata["columns"],
                "learned": learned,
                "spec_names": result.get("spec_names"),
            }
            payload = (
                result.get("payload_bytes") if "payload_bytes" in result else result.get("spec")
            )
            payload = result.get("argn", payload)
            fitted = FittedModel(Path(), meta, np.zeros(0, np.uint64), {}, payload)
            synthetic = make_sampler(fitted)(max(len(holdout), AUTO_SCORE_ROWS), seed, [])
            report = score_of(holdout[learned], synthetic[learned], metadata)
        except FitCancelled:
            raise
        except Exception as exc:  # reported and skipped: another candidate may still win
            logger.warning("auto candidate %s failed", cand, exc_info=True)
            scores[cand] = {
                "outcome": "failed",
                "error": f"{type(exc).__name__}: {exc}"[:500],
                "fit_seconds": round(clock() - t0, 3),
            }
            if scored is not None:
                scored(i)
            continue
        scores[cand] = {
            "outcome": "scored",
            "quality": report["score"],
            "fit_seconds": round(clock() - t0, 3),
        }
        if SYNTHESIZERS[cand]["epochs"]:
            scores[cand]["epochs_done"] = stop.done
        if stop.stopped:
            scores[cand]["stopped"] = (
                f"time budget of {budget_s:g}s spent after {stop.done} of {stop.total} epochs"
            )
        if results is not None:
            results[cand] = result
        if best is None or report["score"] > best[0]:
            best = (report["score"], cand)
        if scored is not None:
            scored(i)
    if best is None:
        errors = "; ".join(f"{c}: {scores[c].get('error')}" for c in candidates)
        raise ValueError(f"auto: every candidate failed ({errors})")
    scores["chosen"] = best[1]
    return best[1], scores
