from enum import StrEnum


class MetricsKindEnum(StrEnum):
    CONFORMANCE = "conformance"
    MODEL = "model"

    def __str__(self) -> str:
        return str(self.value)
