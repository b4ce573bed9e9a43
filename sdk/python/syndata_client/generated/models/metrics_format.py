from enum import StrEnum


class MetricsFormat(StrEnum):
    HTML = "html"
    JSON = "json"

    def __str__(self) -> str:
        return str(self.value)
