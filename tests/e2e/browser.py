"""Headless Chromium for the dashboard's end-to-end tests, driven by Playwright.

The browser is Debian's ``chromium`` package (``CHROMIUM_PATH`` or ``/usr/bin/chromium``);
Playwright never downloads one. Every page records console errors and uncaught exceptions,
and the tests assert there are none.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

if TYPE_CHECKING:
    from tests.e2e.conftest import LiveStack

REPO = Path(__file__).resolve().parents[2]

# The README's screenshots are refreshed on request (`make screenshots`); an ordinary test run
# takes them too (the code path stays tested) but leaves the tracked files alone.
SCREENSHOTS = Path(
    os.environ.get("SYNDATA_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "syndata-screenshots"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@dataclass
class ConsoleLog:
    errors: list[str] = field(default_factory=list)

    def assert_clean(self, allow: tuple[str, ...] = ()) -> None:
        left = [e for e in self.errors if not any(a in e for a in allow)]
        assert not left, "console errors:\n" + "\n".join(left)


def _dashboard_is_served(stack: LiveStack) -> None:
    """The stack serves the built dashboard and its hashed assets (collected by `make install`).

    Whitenoise indexes the static files when the server starts, so a build made after that is
    not served: fail with the fix rather than time out in the browser.
    """
    with stack.client(None) as c:
        index = c.get("/").text
        assets = re.findall(r'(?:src|href)="(/static/assets/[^"]+)"', index)
        if not assets:
            pytest.fail("the dashboard is not built: run `make install` (npm ci, npm run build)")
        for asset in assets:
            if c.get(asset).status_code != 200:
                pytest.fail(f"{asset} is not served: run `make install` (build + collectstatic)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.fail("no chromium: install Debian's `chromium` package or set CHROMIUM_PATH")
    # Playwright's sync API keeps an event loop running on this thread until the session ends,
    # and Django then refuses every database call of the tests that follow in this process
    # (pytest-xdist gives one process tests of many files). The tests make no async calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def dashboard_stack(live_stack: LiveStack, browser: Browser) -> LiveStack:
    """The live stack, checked to serve the current dashboard build."""
    _dashboard_is_served(live_stack)
    return live_stack


def new_page(
    browser: Browser, stack: LiveStack, width: int = 1280, height: int = 900
) -> tuple[BrowserContext, Page, ConsoleLog]:
    """A fresh context (no cookies) and page on the stack, with its console recorded."""
    context = browser.new_context(
        base_url=stack.url, viewport={"width": width, "height": height}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log = ConsoleLog()
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(f"pageerror: {e}"))
    return context, page, log


# The roles of things a person types into, picks or ticks: each needs an accessible name.
INPUT_ROLES = frozenset(
    {
        "textbox",
        "searchbox",
        "combobox",
        "spinbutton",
        "checkbox",
        "radio",
        "switch",
        "slider",
        "listbox",
    }
)


def unnamed_inputs(page: Page) -> list[str]:
    """The inputs of the page that Chromium's accessibility tree gives no name, described.

    The names are the browser's own computation (labels with ``for``, wrapping labels,
    aria-label, aria-labelledby...), read through the DevTools protocol, plus every
    ``<input>``/``<select>``/``<textarea>`` the tree leaves out of its roles.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.getDocument", {"depth": 0})
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        found = []
        for node in nodes:
            role = (node.get("role") or {}).get("value", "")
            name = str((node.get("name") or {}).get("value", "")).strip()
            if node.get("ignored") or name or "backendDOMNodeId" not in node:
                continue
            described = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})
            tag = described["node"]["localName"]
            attrs = described["node"].get("attributes", [])
            if role not in INPUT_ROLES and tag not in ("input", "select", "textarea"):
                continue
            if tag == "input" and "type" in attrs and attrs[attrs.index("type") + 1] == "hidden":
                continue
            pairs = " ".join(f'{k}="{v}"' for k, v in zip(attrs[::2], attrs[1::2], strict=True))
            found.append(f"{role}: <{tag} {pairs}>")
        return found
    finally:
        cdp.detach()


def login(page: Page, user: str = "alice") -> None:
    page.goto("/")
    page.wait_for_url("**/login**")
    page.fill("#username", user)
    page.fill("#password", f"{user}-password-1")
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/jobs")
    page.wait_for_selector(f"[data-testid=current-user]:has-text('{user}')")


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG for the README, once requests and loading spinners have settled."""
    page.wait_for_load_state("networkidle")
    page.locator(".n-base-loading:not(.n-base-suffix)").first.wait_for(state="hidden")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
