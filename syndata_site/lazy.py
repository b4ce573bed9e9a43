"""A module imported on first attribute access.

The web process serves job status and downloads far more often than uploads and fits; the
modules behind those (pandas, ~80 MB per process) are loaded the first time a request needs
them instead of at start-up.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
