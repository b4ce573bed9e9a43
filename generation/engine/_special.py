"""The normal CDF and its inverse, from scipy, imported on first use.

scipy costs ~30 MB per process; the web server validates and plans specs (which needs the
engine) but never samples, so it should not pay for scipy until a worker draws rows.
"""

from __future__ import annotations

from typing import Any


def ndtr(x: Any, *args: Any, **kwargs: Any) -> Any:
    """scipy.special.ndtr, a ufunc: ``out=`` and the other ufunc arguments pass through."""
    from scipy.special import ndtr as _ndtr

    return _ndtr(x, *args, **kwargs)


def ndtri(q: Any, *args: Any, **kwargs: Any) -> Any:
    from scipy.special import ndtri as _ndtri

    return _ndtri(q, *args, **kwargs)
