"""The dashboard, the admin and the API docs work in a real browser under the enforced CSP.

Chromium reports each refused script, style, image or worker as a console error and as a
``securitypolicyviolation`` event; both are recorded, and each page must also do its work
(the dashboard logs in, the admin lists users, Swagger UI and ReDoc show the operations).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import ConsoleLog, login, new_page
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.e2e

_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def page(browser: Browser, dashboard_stack: LiveStack) -> Iterator[tuple[Page, ConsoleLog]]:
    context, page, log = new_page(browser, dashboard_stack)
    context.add_init_script(_RECORD_VIOLATIONS)
    try:
        yield page, log
    finally:
        context.close()


def _assert_no_violations(page: Page, log: ConsoleLog) -> None:
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert not [e for e in log.errors if "Content Security Policy" in e], log.errors
    log.assert_clean()


def _csp(page: Page, path: str) -> str:
    resp = page.goto(path)
    assert resp is not None and resp.ok, path
    policy = resp.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    return policy


def test_the_dashboard_works_under_the_csp(page: tuple[Page, ConsoleLog]) -> None:
    p, log = page
    _csp(p, "/")
    login(p)  # the login page, then the jobs list: Vue, Naive UI and the API all ran
    expect(p.locator("[data-testid=current-user]")).to_contain_text("alice")
    _assert_no_violations(p, log)


def test_the_admin_works_under_the_csp(
    page: tuple[Page, ConsoleLog], dashboard_stack: LiveStack
) -> None:
    dashboard_stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "U = get_user_model()\n"
        "U.objects.filter(username='csp-admin').exists() or "
        "U.objects.create_superuser('csp-admin', 'a@example.com', 'csp-admin-password-1')\n",
    )
    p, log = page
    _csp(p, "/admin/login/")
    p.fill("#id_username", "csp-admin")
    p.fill("#id_password", "csp-admin-password-1")
    p.click("input[type=submit]")
    expect(p.locator("#site-name")).to_be_visible()
    p.goto("/admin/auth/user/")
    expect(p.locator("#result_list")).to_contain_text("alice")
    # actions.js ran: the select-all box ticks every row.
    p.check("#action-toggle")
    expect(p.locator("input.action-select").first).to_be_checked()
    _assert_no_violations(p, log)


def test_swagger_ui_works_under_the_csp(page: tuple[Page, ConsoleLog]) -> None:
    p, log = page
    _csp(p, "/api/docs/")
    expect(p.locator(".opblock").first).to_be_visible(timeout=30_000)
    assert p.locator(".opblock").count() > 10
    _assert_no_violations(p, log)


def test_redoc_works_under_the_csp(page: tuple[Page, ConsoleLog]) -> None:
    p, log = page
    # Redocly's logo comes from their CDN, which this machine cannot reach: answer for it, so
    # that what is checked is the policy letting it through.
    p.route(
        "https://cdn.redoc.ly/**",
        lambda route: route.fulfill(
            content_type="image/svg+xml", body='<svg xmlns="http://www.w3.org/2000/svg"/>'
        ),
    )
    _csp(p, "/api/redoc/")
    expect(p.locator("[data-section-id^='operation/']").first).to_be_attached(timeout=30_000)
    assert p.locator("[data-section-id^='operation/']").count() > 10
    _assert_no_violations(p, log)
