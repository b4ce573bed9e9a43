"""The distribution kinds of the spec language (``"dist": {"kind": ...}``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from generation.engine._model import Model

__all__ = [
    "DISCRETE_KINDS",
    "DRIFTABLE_KINDS",
    "Beta",
    "Binomial",
    "Constant",
    "Dist",
    "Empirical",
    "Exponential",
    "Gamma",
    "Geometric",
    "Histogram",
    "LogNormal",
    "Mixture",
    "NegBinomial",
    "Normal",
    "Poisson",
    "Quantiles",
    "TruncNormal",
    "Triangular",
    "Uniform",
    "Weibull",
    "Zipf",
]

MAX_POINTS = 100_000
MAX_COMPONENTS = 20

DISCRETE_KINDS = frozenset({"poisson", "binomial", "geometric", "negbinomial", "zipf"})
DRIFTABLE_KINDS = frozenset(
    {
        "uniform",
        "normal",
        "truncnormal",
        "lognormal",
        "exponential",
        "gamma",
        "beta",
        "weibull",
        "triangular",
        "poisson",
        "binomial",
        "geometric",
        "negbinomial",
        "constant",
    }
)


class Uniform(Model):
    kind: Literal["uniform"]
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if not self.high > self.low:
            raise ValueError("high: must be > low")
        return self


class Normal(Model):
    kind: Literal["normal"]
    mean: float = 0.0
    sd: float = Field(1.0, gt=0)


class TruncNormal(Model):
    kind: Literal["truncnormal"]
    mean: float = 0.0
    sd: float = Field(1.0, gt=0)
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> TruncNormal:
        if not self.high > self.low:
            raise ValueError("high: must be > low")
        return self


class LogNormal(Model):
    kind: Literal["lognormal"]
    mu: float = Field(0.0, ge=-700, le=700)
    sigma: float = Field(1.0, gt=0, le=100)


class Exponential(Model):
    kind: Literal["exponential"]
    rate: float = Field(1.0, gt=0)


class Gamma(Model):
    kind: Literal["gamma"]
    shape: float = Field(1.0, gt=0)
    scale: float = Field(1.0, gt=0)


class Beta(Model):
    kind: Literal["beta"]
    a: float = Field(1.0, gt=0)
    b: float = Field(1.0, gt=0)
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> Beta:
        if not self.high > self.low:
            raise ValueError("high: must be > low")
        return self


class Weibull(Model):
    kind: Literal["weibull"]
    shape: float = Field(1.0, gt=0)
    scale: float = Field(1.0, gt=0)


class Triangular(Model):
    kind: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        if not self.high > self.low:
            raise ValueError("high: must be > low")
        if not self.low <= self.mode <= self.high:
            raise ValueError("mode: must be between low and high")
        return self


class Poisson(Model):
    kind: Literal["poisson"]
    lam: float = Field(..., ge=0, le=1e9)


class Binomial(Model):
    kind: Literal["binomial"]
    n: int = Field(..., ge=1, le=1_000_000_000)
    p: float = Field(..., ge=0, le=1)


class Geometric(Model):
    kind: Literal["geometric"]
    p: float = Field(..., gt=0, le=1)


class NegBinomial(Model):
    kind: Literal["negbinomial"]
    n: float = Field(..., gt=0)
    p: float = Field(..., gt=0, le=1)


class Zipf(Model):
    kind: Literal["zipf"]
    s: float = Field(..., gt=0, le=100)
    n: int | None = Field(None, ge=1, le=100_000_000)

    @model_validator(mode="after")
    def _check(self) -> Zipf:
        if self.n is None and not self.s > 1:
            raise ValueError("s: must be > 1 when n (the largest value) is not given")
        return self


class Constant(Model):
    kind: Literal["constant"]
    value: float


class Empirical(Model):
    kind: Literal["empirical"]
    values: list[float | str] = Field(..., min_length=1, max_length=MAX_POINTS)
    weights: list[float] | None = Field(None, max_length=MAX_POINTS)

    @model_validator(mode="after")
    def _check(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights: must have as many entries as values")
            if any(w < 0 for w in self.weights):
                raise ValueError("weights: must be >= 0")
            if sum(self.weights) <= 0:
                raise ValueError("weights: must sum to > 0")
        return self


class Quantiles(Model):
    kind: Literal["quantiles"]
    probs: list[float] = Field(..., min_length=2, max_length=MAX_POINTS)
    values: list[float | str] = Field(..., min_length=2, max_length=MAX_POINTS)

    @model_validator(mode="after")
    def _check(self) -> Quantiles:
        if len(self.probs) != len(self.values):
            raise ValueError("values: must have as many entries as probs")
        p = self.probs
        if abs(p[0]) > 1e-9 or abs(p[-1] - 1) > 1e-9:
            raise ValueError("probs: must start at 0 and end at 1")
        if any(b <= a for a, b in zip(p, p[1:], strict=False)):
            raise ValueError("probs: must be strictly increasing")
        nums = [v for v in self.values if not isinstance(v, str)]
        if len(nums) == len(self.values) and any(
            b < a for a, b in zip(nums, nums[1:], strict=False)
        ):
            raise ValueError("values: must be non-decreasing")
        return self


class Histogram(Model):
    kind: Literal["histogram"]
    edges: list[float] = Field(..., min_length=2, max_length=MAX_POINTS)
    weights: list[float] = Field(..., min_length=1, max_length=MAX_POINTS)

    @model_validator(mode="after")
    def _check(self) -> Histogram:
        if len(self.edges) != len(self.weights) + 1:
            raise ValueError("edges: must have one more entry than weights")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            raise ValueError("edges: must be strictly increasing")
        if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
            raise ValueError("weights: must be >= 0 and sum to > 0")
        return self


class Component(Model):
    weight: float = Field(..., gt=0)
    dist: Dist


class Mixture(Model):
    kind: Literal["mixture"]
    components: list[Component] = Field(..., min_length=2, max_length=MAX_COMPONENTS)

    @model_validator(mode="after")
    def _check(self) -> Mixture:
        if _depth(self) > 3:
            raise ValueError("components: mixtures nest at most 3 deep")
        return self


def _depth(d: Any) -> int:
    if isinstance(d, Mixture):
        return 1 + max(_depth(c.dist) for c in d.components)
    return 0


Dist = Annotated[
    Uniform
    | Normal
    | TruncNormal
    | LogNormal
    | Exponential
    | Gamma
    | Beta
    | Weibull
    | Triangular
    | Poisson
    | Binomial
    | Geometric
    | NegBinomial
    | Zipf
    | Constant
    | Empirical
    | Quantiles
    | Histogram
    | Mixture,
    Field(discriminator="kind"),
]

Component.model_rebuild()
Mixture.model_rebuild()
