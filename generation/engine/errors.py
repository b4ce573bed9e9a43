"""Engine exceptions. The API layer maps them to 400 responses."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EngineError", "Issue", "SpecError"]


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


@dataclass(frozen=True)
class Issue:
    """One problem in a spec: where (a dotted JSON path) and what is allowed."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(EngineError):
    """A spec that does not validate; carries every issue found, each with its path."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues[:5]))

    @classmethod
    def at(cls, path: str, message: str) -> SpecError:
        return cls([Issue(path, message)])

    def as_dicts(self) -> list[dict[str, str]]:
        return [{"path": i.path, "message": i.message} for i in self.issues]
