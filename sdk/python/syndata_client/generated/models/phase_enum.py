from enum import StrEnum


class PhaseEnum(StrEnum):
    DONE = "done"
    FITTING = "fitting"
    GENERATING = "generating"
    JOINING = "joining"
    METRICS = "metrics"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
