from enum import StrEnum


class MetricsStatusEnum(StrEnum):
    FAILED = "failed"
    NONE = "none"
    PENDING = "pending"
    READY = "ready"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
