from enum import StrEnum


class MetricsKindEnum(StrEnum):
    CONFORMANCE = "conformance"
    EVALUATION = "evaluation"
    MODEL = "model"

    def __str__(self) -> str:
        return str(self.value)
