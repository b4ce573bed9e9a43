"""The ``signal`` of a series table's numeric field: level, trend, seasons, AR(p), a lead
(lag-1 cross-correlation), random walk, noise, spikes, stuck runs, dropouts, censoring."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from generation.engine._model import Model
from generation.engine.timeutil import parse_duration

__all__ = ["ArNoise", "Censor", "Lead", "Runs", "Sd", "Seasonality", "Signal", "Spikes"]


class Seasonality(Model):
    period: str | float
    amplitude: float
    peak: float = Field(0.0, ge=0, le=1)

    @field_validator("period")
    @classmethod
    def _period(cls, v: str | float) -> str | float:
        if parse_duration(v) <= 0:
            raise ValueError("must be > 0")
        return v


class ArNoise(Model):
    phi: float | list[float] = Field(
        ...,
        description="AR(1) coefficient, or [phi1, phi2, phi3] of an AR(p) (p <= 3, stationary).",
    )
    sd: float = Field(1.0, ge=0)

    @field_validator("phi")
    @classmethod
    def _phi(cls, v: float | list[float]) -> float | list[float]:
        phis = [v] if isinstance(v, int | float) else list(v)
        if not 1 <= len(phis) <= 3:
            raise ValueError("must be a number or a list of 1 to 3 numbers")
        if any(not -0.99 <= p <= 0.99 for p in phis):
            raise ValueError("each coefficient must lie in -0.99..0.99")
        import numpy as np

        if len(phis) == 1:
            return v
        # the companion matrix's eigenvalues (the inverse roots of 1 - phi1 z - ... - phip z^p)
        companion = np.zeros((len(phis), len(phis)))
        companion[0] = phis
        companion[1:, :-1] = np.eye(len(phis) - 1)
        if np.abs(np.linalg.eigvals(companion)).max() >= 1.0 - 1e-9:
            raise ValueError("not stationary: the series would grow without bound")
        return v

    def coefficients(self) -> list[float]:
        return [float(self.phi)] if isinstance(self.phi, int | float) else list(self.phi)


class Lead(Model):
    field: str = Field(..., description="Another signal field of this series table.")
    coef: float = Field(..., ge=-5, le=5)


class Sd(Model):
    sd: float = Field(..., ge=0)


class Spikes(Model):
    rate: float = Field(..., ge=0, le=1)
    size: float
    sign: Literal["both", "up", "down"] = "both"


class Runs(Model):
    rate: float = Field(..., ge=0, le=1)
    length: float = Field(10.0, ge=1, le=1_000_000)


class Censor(Model):
    share: float = Field(..., ge=0, lt=1, description="Share of the rows that are null.")
    tail: Literal["low", "high"] = Field(
        "low", description="Which end of the signal's spread is not recorded."
    )


class Signal(Model):
    level: float = 0.0
    entity_sd: float = Field(0.0, ge=0)
    trend: float = Field(0.0, description="Slope per day.")
    seasonality: list[Seasonality] = Field(default_factory=list, max_length=10)
    ar: ArNoise | None = None
    lead: Lead | None = Field(
        None,
        description="The AR innovations take coef x the other signal's standardised value one "
        "step before: a lag-1 cross-correlation (the wind one hour, the gust the next).",
    )
    random_walk: Sd | None = None
    noise: Sd | None = None
    spikes: Spikes | None = None
    stuck: Runs | None = None
    dropouts: Runs | None = None
    censor: Censor | None = Field(
        None,
        description="Null where the signal lies in its lowest (highest) share: a column "
        "recorded only past a threshold (gusts) keeps its runs of nulls and its memory.",
    )
