"""Pure metric functions over data frames; no Django."""

from __future__ import annotations

from evaluation.metrics.conformance import conformance_report
from evaluation.metrics.diversity import diversity_report

__all__ = ["conformance_report", "diversity_report"]
