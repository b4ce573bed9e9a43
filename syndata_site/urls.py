from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from syndata_site.csp import RedocView
from syndata_site.health import healthz
from syndata_site.throttling import throttled_login
from syndata_site.views import SchemaView, spa_index

urlpatterns = [
    # Before the admin's own URLs: its login form under the API login's throttles.
    path("admin/login/", throttled_login(admin.site.login)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script at its own URL (?script): no inline script,
    # as the Content-Security-Policy requires.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("generation.api.urls")),
    path("api/", include("evaluation.api.urls")),
    path("api/", include("templates_catalog.api.urls")),
    path("api/", include("syndata_site.auth_api")),
    path("api-auth/", include("rest_framework.urls")),
    path("", include("accounts.urls")),  # /signup/ pages, server-rendered
    re_path(r"^(?!api/|admin/|static/).*$", spa_index, name="spa"),
]

handler400 = "syndata_site.errors.json_400"
handler403 = "syndata_site.errors.json_403"
handler404 = "syndata_site.errors.json_404"
handler500 = "syndata_site.errors.json_500"
