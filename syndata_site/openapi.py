"""OpenAPI generation: every operation documents the one error shape for its error statuses."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers

# Statuses any operation can answer with the error shape (authentication, throttling, bad
# query parameters, another user's object, a server fault). Operations add their own (409...).
COMMON_ERROR_STATUSES = ("400", "401", "403", "404", "429", "500")


class ErrorItemSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Where the problem is, e.g. `schema.tables.t.rows`.")
    message = serializers.CharField(help_text="What is wrong and what is allowed.")


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable machine-readable code: invalid, invalid_spec, not_found, "
        "not_authenticated, throttled, limit_rows_per_job, limit_concurrent_jobs, ..."
    )
    message = serializers.CharField(help_text="A sentence a person can act on.")
    details = ErrorItemSerializer(many=True, allow_null=True, help_text="Every problem found.")


class ErrorSerializer(serializers.Serializer):
    """The one JSON error shape of the API."""

    error = ErrorBodySerializer()


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in COMMON_ERROR_STATUSES:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses
