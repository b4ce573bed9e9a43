"""Distributions of the spec language and their marginals (inverse-CDF samplers)."""

from __future__ import annotations

from generation.engine.distributions.marginal import Marginal, base_params, scipy_dist
from generation.engine.distributions.models import DISCRETE_KINDS, DRIFTABLE_KINDS, Dist

__all__ = ["DISCRETE_KINDS", "DRIFTABLE_KINDS", "Dist", "Marginal", "base_params", "scipy_dist"]
