from enum import StrEnum


class KindEnum(StrEnum):
    EVALUATION = "evaluation"
    FIT = "fit"
    MODEL = "model"
    SCHEMA = "schema"
    TEMPLATE = "template"

    def __str__(self) -> str:
        return str(self.value)
