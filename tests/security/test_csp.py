"""An enforced Content-Security-Policy on every page, and pages that need no inline script."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from generation import services
from tests.conftest import run_metrics

pytestmark = pytest.mark.django_db(transaction=True)

SPEC = {"tables": {"t": {"rows": 50, "fields": {"id": {"type": "id"}, "x": {"type": "int"}}}}}


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


class _Scripts(HTMLParser):
    """The inline scripts of a page (data blocks such as type=application/json aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._open: bool = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.handlers += [f"{tag} {k}" for k in named if k.startswith("on")]
        if tag == "script" and "src" not in named:
            kind = (named.get("type") or "text/javascript").lower()
            self._open = kind in ("text/javascript", "module", "application/javascript")

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.inline.append(data.strip()[:80])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = False


def assert_strict(resp: Any, what: str) -> None:
    assert resp.status_code == 200, (what, resp.status_code)
    assert "Content-Security-Policy-Report-Only" not in resp, what
    policy = resp.get("Content-Security-Policy")
    assert policy, f"{what}: no Content-Security-Policy"
    found = directives(policy)
    scripts = found.get("script-src", found.get("default-src"))
    assert scripts is not None, f"{what}: {policy}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, what
    assert "*" not in scripts and "data:" not in scripts, what
    if resp["Content-Type"].startswith("text/html"):
        page = _Scripts()
        page.feed(resp.content.decode())
        assert not page.inline, f"{what}: inline scripts {page.inline}"
        assert not page.handlers, f"{what}: inline event handlers {page.handlers}"


def test_every_page_has_a_strict_enforced_policy(alice_client: Any) -> None:
    anonymous = Client()
    assert_strict(anonymous.get("/"), "dashboard")
    assert_strict(anonymous.get("/jobs"), "a dashboard route")
    assert_strict(anonymous.get("/admin/login/"), "admin login")
    assert_strict(anonymous.get("/api/docs/"), "swagger ui")
    assert_strict(anonymous.get("/api/redoc/"), "redoc")

    staff = get_user_model().objects.create_user("boss", "b@example.com", "x", is_staff=True)
    staff.is_superuser = True
    staff.save()
    admin = Client()
    admin.force_login(staff)
    assert_strict(admin.get("/admin/"), "admin index")
    assert_strict(admin.get("/admin/auth/user/"), "admin change list")
    assert_strict(admin.get(f"/admin/auth/user/{staff.pk}/change/"), "admin change form")

    resp = alice_client.post("/api/generate", {"schema": SPEC, "seed": 1}, format="json")
    services.job_run(job_id=resp.json()["id"])
    run_metrics(resp.json()["id"])
    report = alice_client.get(f"/api/metrics/{resp.json()['id']}?format=html")
    assert_strict(report, "metrics report")
    # The report runs no script at all.
    assert directives(report["Content-Security-Policy"])["default-src"] == ["'none'"]


def test_swagger_ui_loads_its_init_script_from_its_own_url() -> None:
    page = Client().get("/api/docs/").content.decode()
    assert 'src="/api/docs/?script="' in page
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content and b"validatorUrl" in script.content


def test_redoc_loads_nothing_from_other_origins() -> None:
    page = Client().get("/api/redoc/").content.decode()
    assert "googleapis" not in page and "https://" not in page
