from enum import StrEnum


class LaneEnum(StrEnum):
    DEFAULT = "default"
    HEAVY = "heavy"

    def __str__(self) -> str:
        return str(self.value)
