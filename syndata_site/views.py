"""The Vue app's index.html, rendered by Django; its assets are served by whitenoise."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

PLACEHOLDER = """<!doctype html><html><head><title>Syn-Data</title></head>
<body><h1>Syn-Data</h1><p>The dashboard is not built. Run <code>make install</code>.</p>
<p><a href="/api/docs/">API docs</a> · <a href="/admin/">Admin</a></p></body></html>"""


@ensure_csrf_cookie
def spa_index(request: HttpRequest) -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if index.exists():
        return HttpResponse(index.read_text(encoding="utf-8"))
    return HttpResponse(PLACEHOLDER)


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, generated once per process (per version and language).

    drf-spectacular's generator is not thread-safe: two first requests at once on one gunicorn
    worker's threads could both build it and one of them fail. A lock makes the first build
    single; every later request gets the built document.
    """

    _lock = threading.Lock()
    _built: ClassVar[dict[tuple[str | None, str | None], Any]] = {}

    def _get_schema_response(self, request: Any) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, request.GET.get("lang"))
        with self._lock:
            if key not in self._built or not self.serve_public:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                schema = generator.get_schema(request=request, public=self.serve_public)
                if not self.serve_public:
                    return Response(schema)
                self._built[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=self._built[key],
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
