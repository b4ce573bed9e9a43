from enum import StrEnum


class KindEnum(StrEnum):
    FIT = "fit"
    MODEL = "model"
    SCHEMA = "schema"
    TEMPLATE = "template"

    def __str__(self) -> str:
        return str(self.value)
