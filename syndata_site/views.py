"""The Vue app's index.html, rendered by Django; its assets are served by whitenoise."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

PLACEHOLDER = """<!doctype html><html><head><title>Syn-Data</title></head>
<body><h1>Syn-Data</h1><p>The dashboard is not built. Run <code>make install</code>.</p>
<p><a href="/api/docs/">API docs</a> · <a href="/admin/">Admin</a></p></body></html>"""


@ensure_csrf_cookie
def spa_index(request: HttpRequest) -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if index.exists():
        return HttpResponse(index.read_text(encoding="utf-8"))
    return HttpResponse(PLACEHOLDER)
