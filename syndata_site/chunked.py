"""Request bodies sent without a Content-Length (``Transfer-Encoding: chunked``).

Django reads exactly CONTENT_LENGTH bytes of a body and none when it is missing, so a chunked
upload arrived empty ("file: is required"). Where the server ends the stream at the body's end
(gunicorn sets ``wsgi.input_terminated``), the body is read here into a spooled file, at most
the largest body any endpoint takes (an upload: SYNDATA_DATASET_MAX_BYTES plus its multipart
framing) and refused with the upload limit's 400 as soon as it passes it; Django then reads
it like any other body. A server that cannot end the stream gets a 411 saying so.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

#: What a multipart body may carry beyond its file (framing, the name field): the same margin
#: the dataset upload view allows on a declared Content-Length.
FRAMING_BYTES = 64 * 1024
_CHUNK = 1 << 16
_SPOOL_IN_MEMORY = 1 << 20


def _error(
    start_response: Callable[..., Any], status: str, code: str, message: str, details: Any
) -> Iterable[bytes]:
    body = json.dumps({"error": {"code": code, "message": message, "details": details}})
    data = body.encode("utf-8")
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


class ChunkedBodies:
    """WSGI middleware: give a chunked body a CONTENT_LENGTH, enforcing the upload limit."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or environ.get("CONTENT_LENGTH"):
            return self.app(environ, start_response)
        if not environ.get("wsgi.input_terminated"):
            return _error(
                start_response,
                "411 Length Required",
                "length_required",
                "Content-Length is required: this server cannot read a chunked body",
                [{"path": "", "message": "send a Content-Length header"}],
            )
        limit = settings.SYNDATA_DATASET_MAX_BYTES
        # Closed with the response (_Closing), not here: Django reads it in the app.
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
        size = 0
        stream = environ["wsgi.input"]
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit + FRAMING_BYTES:
                spool.close()
                return _error(
                    start_response,
                    "400 Bad Request",
                    "limit_upload_size",
                    f"file: the request body is over the limit of {limit} bytes per upload "
                    "(SYNDATA_DATASET_MAX_BYTES)",
                    [{"path": "file", "message": f"at most {limit} bytes", "limit": limit}],
                )
            spool.write(chunk)
        spool.seek(0)
        environ = {**environ, "wsgi.input": spool, "CONTENT_LENGTH": str(size)}
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        try:
            result = self.app(environ, start_response)
        except BaseException:
            spool.close()
            raise
        return _Closing(result, spool)


class _Closing:
    """The app's response iterable, closing the spooled body once the server is done."""

    def __init__(self, result: Iterable[bytes], spool: Any) -> None:
        self.result = result
        self.spool = spool

    def __iter__(self) -> Any:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            self.spool.close()
