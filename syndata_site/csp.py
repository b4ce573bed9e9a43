"""Content-Security-Policy on every response (Django 5.2 has no CSP middleware; 6.0 does).

One enforced policy for the dashboard, the admin, the API docs and the HTML metrics report:
scripts only from this origin's files (no inline script, no eval), nothing may frame the
site, forms post only here. What each page needs, checked against its markup:

* the dashboard (Vite build): module scripts and stylesheets under /static/; Naive UI and
  ECharts set styles at run time, hence ``style-src 'unsafe-inline'`` (styles only);
* the admin (Django 5.2): external scripts with their data in ``data-`` attributes or JSON
  ``<script>`` data blocks, which a CSP does not treat as scripts;
* Swagger UI: served by drf-spectacular's split view, whose init script is its own URL;
  images of the UI are ``data:`` URIs;
* ReDoc: an external bundle whose search runs in a worker made from a ``blob:``, and the
  one image of Redocly's logo (:class:`RedocView`);
* the metrics report: one inline ``<style>`` and no script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from drf_spectacular.views import SpectacularRedocView


class ContentSecurityPolicyMiddleware:
    """Adds ``SYNDATA_CSP`` as the enforced policy unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.SYNDATA_CSP
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def with_sources(policy: str, directive: str, *sources: str) -> str:
    """``policy`` with ``sources`` added to ``directive`` (created from default-src if absent)."""
    parts = [p.strip() for p in policy.split(";") if p.strip()]
    names = [p.split()[0] for p in parts]
    if directive in names:
        i = names.index(directive)
        parts[i] = " ".join([parts[i], *sources])
    else:
        default = next((p.split()[1:] for p in parts if p.split()[0] == "default-src"), [])
        parts.append(" ".join([directive, *default, *sources]))
    return "; ".join(parts)


class RedocView(SpectacularRedocView):
    """ReDoc, whose sidebar always shows Redocly's logo from their CDN (an <img>, hidden if it
    fails to load): this page alone may load that one image, so the browser refuses nothing."""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if settings.SYNDATA_CSP:
            response["Content-Security-Policy"] = with_sources(
                settings.SYNDATA_CSP, "img-src", "https://cdn.redoc.ly/redoc/logo-mini.svg"
            )
        return response
