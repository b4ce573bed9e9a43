"""One sampling interface over every kind of fitted model."""

from __future__ import annotations

from typing import Any

import pandas as pd

from generation.synthesis.spec_synth import spec_sampler

__all__ = ["make_sampler"]


def make_sampler(fitted: Any, *, categorical: bool = False) -> Any:
    """``sampler(n, seed, conditions)`` over a loaded fitted model, whatever its kind
    (``sampler(sequences, seed)`` for PAR, ``sampler(scale, seed)`` for HMA).

    ``categorical``: the ``spec`` synthesizer returns text columns as pandas Categoricals
    (cheaper for ``sample_block``; same values).
    """
    if fitted.meta["chosen"] == "argn":
        from generation.synthesis import argn_fit

        return argn_fit.sampler(fitted)
    if fitted.meta["chosen"] in ("par", "hma"):
        from generation.synthesis import sdv_backend

        payload = fitted.payload
        if fitted.meta["chosen"] == "par":
            return lambda sequences, seed: sdv_backend.sample_par(payload, sequences, seed=seed)
        return lambda scale, seed: sdv_backend.sample_hma(payload, scale, seed=seed)
    if fitted.meta.get("sequence"):
        return None  # blocks come from the engine: sequence_fit.sequence_block
    if fitted.meta["chosen"] == "spec":
        return spec_sampler(fitted.payload, fitted.meta["spec_names"], categorical=categorical)
    from generation.synthesis import sdv_backend

    payload = fitted.payload

    def sampler(n: int, seed: int, conditions: list[tuple[str, Any, int]]) -> pd.DataFrame:
        rows = sdv_backend.sample(payload, n, seed=seed, conditions=conditions)
        if conditions and n > 0:  # keep the plain rows off the conditioned values
            plain = rows.iloc[len(rows) - n :]
            for column, value, _ in conditions:
                plain = plain[plain[column] != value]
            short = n - len(plain)
            extra = 0
            while short > 0 and extra < 20:
                more = sdv_backend.sample(
                    payload, max(short * 2, 50), seed=seed + 7919 * (extra + 1)
                )
                for column, value, _ in conditions:
                    more = more[more[column] != value]
                plain = pd.concat([plain, more.head(short)], ignore_index=True)
                short = n - len(plain)
                extra += 1
            rows = pd.concat([rows.iloc[: len(rows) - n], plain], ignore_index=True)
        return rows

    return sampler
