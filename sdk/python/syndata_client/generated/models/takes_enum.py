from enum import StrEnum


class TakesEnum(StrEnum):
    RELATED_TABLES = "related_tables"
    SEQUENCES = "sequences"
    SINGLE_TABLE = "single_table"

    def __str__(self) -> str:
        return str(self.value)
