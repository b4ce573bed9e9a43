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
* ReDoc: an external bundle whose search runs in a worker made from a ``blob:``;
* the metrics report: one inline ``<style>`` and no script.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
