from enum import StrEnum


class TakesEnum(StrEnum):
    ANY = "any"
    SEQUENCES = "sequences"
    TABLE = "table"
    TABLES = "tables"

    def __str__(self) -> str:
        return str(self.value)
