"""An in-process stand-in for the django-q2 broker: records tasks, runs them in any order."""

from __future__ import annotations

import random
from typing import Any

from django.utils.module_loading import import_string


class RecordingQueue:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, tuple[Any, ...]]] = []
        #: Every task sent, never removed: (its function's name, the cluster it was sent to).
        self.sent: list[tuple[str, str | None]] = []

    def __call__(self, func: str, *args: Any, **kwargs: Any) -> str:
        self.tasks.append((func, args))
        self.sent.append((func.rsplit(".", 1)[1], kwargs.get("cluster")))
        return f"task-{len(self.tasks)}"

    def names(self) -> list[str]:
        return [func.rsplit(".", 1)[1] for func, _ in self.tasks]

    def run_next(self, index: int = 0) -> tuple[str, tuple[Any, ...]]:
        func, args = self.tasks.pop(index)
        import_string(func)(*args)
        return func, args

    def drain(self, seed: int | None = None) -> int:
        """Run every task (and those they enqueue), in a shuffled order when seeded."""
        rng = random.Random(seed) if seed is not None else None
        ran = 0
        while self.tasks:
            self.run_next(rng.randrange(len(self.tasks)) if rng else 0)
            ran += 1
        return ran
