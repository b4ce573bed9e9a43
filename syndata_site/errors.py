"""One JSON error shape for the whole API: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error raised by services with a stable code and optional details."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        details: Any = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.message = message
        self.code = code
        self.details = details
        self.headers = headers or {}
        if status_code is not None:
            self.status_code = status_code


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested validation detail -> [{"path", "message"}]."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                path = prefix
            out.extend(_flatten(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            out.extend({"path": prefix, "message": str(v)} for v in detail)
        else:
            for i, value in enumerate(detail):
                out.extend(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out.append({"path": prefix, "message": str(detail)})
    return out


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def fault_response(exc: BaseException) -> tuple[int, dict[str, Any]] | None:
    """A full disk (507) or an unavailable database (503) as status and error body; None for
    any other exception. Neither is the request's fault, and neither is an internal error."""
    from generation import storage  # generation imports this module

    if storage.is_disk_full(exc):
        logger.error("disk full while serving a request: %s: %s", type(exc).__name__, exc)
        return 507, error_body(
            "disk_full",
            "The server's disk is full, so nothing could be written; nothing was changed: "
            "try again later.",
        )
    if storage.is_database_unavailable(exc):
        logger.error(
            "database unavailable while serving a request: %s: %s", type(exc).__name__, exc
        )
        return 503, error_body(
            "database_unavailable",
            "The database is unavailable (it could not be read or written): try again in a minute.",
        )
    return None


class FaultMiddleware:
    """``fault_response`` for views outside DRF (its own handler covers the API)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> JsonResponse | None:
        fault = fault_response(exception)
        if fault is None:
            return None
        status_code, body = fault
        return JsonResponse(body, status=status_code)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApiError):
        return Response(
            error_body(exc.code, exc.message, exc.details),
            status=exc.status_code,
            headers=exc.headers,
        )
    fault = fault_response(exc)
    if fault is not None:
        set_rollback()
        status_code, body = fault
        return Response(body, status=status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RecursionError):
        # JSON nested thousands deep makes the parser recurse past Python's limit: bad input.
        exc = exceptions.ParseError("JSON parse error - nested too deeply")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        details = _flatten(exc.detail)
        first = details[0] if details else {"path": "", "message": "invalid input"}
        message = f"{first['path']}: {first['message']}" if first["path"] else first["message"]
        response.data = error_body("invalid", message, details)
    elif isinstance(exc, exceptions.Throttled):
        wait = f" Try again in {int(exc.wait)} seconds." if exc.wait is not None else ""
        response.data = error_body(
            "throttled",
            "Too many requests: over the request rate limit per user "
            f"(SYNDATA_THROTTLE_USER) or per anonymous client (SYNDATA_THROTTLE_ANON).{wait}",
            None,
        )
    else:
        detail = getattr(exc, "detail", str(exc))
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        response.data = error_body(code, str(detail), None)
    return response


def json_400(request: Any, exception: Exception | None = None) -> JsonResponse:
    message = "Bad request."
    if type(exception).__name__ == "RequestDataTooBig":
        message = (
            "Bad request: the request body is over the size limit (DATA_UPLOAD_MAX_MEMORY_SIZE)."
        )
    return JsonResponse(error_body("bad_request", message), status=400)


def json_403(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("permission_denied", "Permission denied."), status=403)


def json_404(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_500(request: Any) -> JsonResponse:
    return JsonResponse(error_body("server_error", "Internal server error."), status=500)
