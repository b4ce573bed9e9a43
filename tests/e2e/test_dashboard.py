"""The dashboard in headless Chromium against the real stack (gunicorn + qcluster).

Each test logs in through the login page, drives the UI as a person would, checks what the
server made, and asserts the browser logged no console error. Screenshots for the README are
written to docs/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import SAMPLE_DATA
from tests.e2e.browser import login, new_page, screenshot
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.e2e

ROWS = 400


def _pick_template(stack: LiveStack) -> dict:
    with stack.client("alice") as c:
        templates = c.get("/api/templates").json()
    assert templates, "the catalog is empty"
    by_name = {t["name"]: t for t in templates}
    return by_name.get("healthcare_ehr") or templates[0]


def _wait_succeeded(page: Page) -> None:
    chip = page.locator("[data-testid=job-status]")
    expect(chip).to_have_attribute(
        "data-status", re.compile("succeeded|failed|cancelled"), timeout=180_000
    )
    assert chip.get_attribute("data-status") == "succeeded", page.inner_text("main")


TABLET = {"width": 820, "height": 1000}
DESKTOP = {"width": 1280, "height": 900}

# The page's width beyond the window, and the elements that reach past its right edge.
_OVERFLOW_JS = """(inside) => {
  const over = document.documentElement.scrollWidth - window.innerWidth
  const name = (e) => e.tagName.toLowerCase() + '.' + Array.from(e.classList).join('.')
  const wide = over <= 0 ? [] : Array.from(document.querySelectorAll('body *'))
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(-5)
    .map(name)
  const cut = inside.flatMap((sel) => Array.from(document.querySelectorAll(sel)))
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(name)
  return { over, wide, cut }
}"""


def _assert_fits_tablet(page: Page, where: str, inside: tuple[str, ...] = ()) -> None:
    """At 820 px the page scrolls only down: nothing makes the body wider than the window,
    and the elements named by `inside` (ones a clipping box would hide) end within it."""
    page.set_viewport_size(TABLET)
    page.wait_for_timeout(300)  # charts and tables lay out again on resize
    result = page.evaluate(_OVERFLOW_JS, list(inside))
    page.set_viewport_size(DESKTOP)
    assert result["over"] <= 0, f"{where}: {result['over']}px wider than 820px: {result['wide']}"
    assert not result["cut"], f"{where}: past the right edge at 820px: {result['cut']}"


def test_template_job_from_wizard_to_metrics(dashboard_stack: LiveStack, browser: Browser) -> None:
    stack = dashboard_stack
    template = _pick_template(stack)
    context, page, console = new_page(browser, stack)
    try:
        login(page)
        page.click("[data-testid=nav-new]")
        page.click(f"[data-testid=template-{template['name']}]")
        if template["knobs"]:
            expect(
                page.locator(f"[data-testid=knob-{template['knobs'][0]['name']}]")
            ).to_be_visible()
        screenshot(page, "wizard")
        _assert_fits_tablet(page, "wizard, template")
        for source in ("schema", "data"):
            page.click(f"[data-testid=source-{source}]")
            _assert_fits_tablet(page, f"wizard, {source}")
        page.click("[data-testid=source-template]")
        # A template's tables are sized by its knobs (the root table's knob is named after it);
        # the output step has no rows field for it.
        size = next(k for k in template["knobs"] if k["name"] in template["tables"])
        page.fill(f"#knob-{size['name']}", str(ROWS))
        page.keyboard.press("Tab")
        # A date knob is typed, not only picked: the job runs with the typed date.
        date_knob = next(k["name"] for k in template["knobs"] if k["type"] == "date")
        page.fill(f"#knob-{date_knob}", "2023-03-15")
        page.keyboard.press("Tab")
        expect(page.locator(f"#knob-{date_knob}")).to_have_value("2023-03-15")
        expect(page.locator(f"[data-testid=knob-{date_knob}]")).not_to_contain_text("must")
        page.click("[data-testid=next-output]")
        expect(page.locator("[data-testid=rows-hidden]")).to_be_visible()
        page.click("[data-testid=seed-random]")
        assert page.input_value("#seed").isdigit()
        _assert_fits_tablet(page, "wizard, output")
        page.click("[data-testid=next-review]")
        _assert_fits_tablet(page, "wizard, review", inside=("[data-testid=review-settings]",))
        page.click("[data-testid=launch]")

        page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
        job_id = page.url.rsplit("/", 1)[1]
        _wait_succeeded(page)

        with stack.client("alice") as c:
            job = c.get(f"/api/jobs/{job_id}").json()
        assert job["template"] == template["name"]
        assert job["params"]["template_params"][date_knob] == "2023-03-15"
        roots = [t for t, info in job["tables"].items() if info.get("rows") == ROWS]
        assert roots, job["tables"]
        root = roots[0]

        # Preview: rows of the first table, in a table with a header.
        rows = page.locator("[data-testid=preview-table] tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() > 1
        screenshot(page, "job-detail")
        # A tab per table: the second table's rows and columns.
        others = [t for t in job["tables"] if t != root]
        if others:
            page.click(f"[data-testid=preview-table-switch-{others[0]}]")
            expect(page.locator("[data-testid=preview]")).to_contain_text(f"of {others[0]}")
            expect(rows.first).to_be_visible()

        # Download the root table's file: it has the asked number of rows.
        page.click("[data-testid=job-view-downloads]")
        with page.expect_download() as info:
            page.click(f"[data-testid=download-{root}-{job['format']}]")
        path = info.value.path()
        assert path is not None
        text = Path(path).read_text(encoding="utf-8")
        assert len(list(csv.DictReader(io.StringIO(text)))) == ROWS

        # Metrics (they follow the data): overall scores, the column table, charts on canvases.
        page.click("[data-testid=job-view-metrics]")
        expect(page.locator("[data-testid=column-metrics] tbody tr").first).to_be_visible(
            timeout=60_000
        )
        expect(page.locator("[data-testid=job-metrics-status]")).to_have_text("ready")
        charts = page.locator("[data-testid=histograms] canvas")
        expect(charts.first).to_be_visible()
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        # Correlation heatmaps side by side for a table that declares correlations.
        with stack.client("alice") as c:
            metrics = c.get(f"/api/metrics/{job_id}").json()
        correlated = [t for t, m in metrics["tables"].items() if m.get("correlations")]
        if correlated:
            if len(metrics["tables"]) > 1:
                page.click(f"[data-testid=metrics-table-switch-{correlated[0]}]")
            heatmaps = page.locator("[data-testid=heatmaps] [data-testid=chart]")
            expect(heatmaps).to_have_count(3)  # reference, synthetic, difference
            for i in range(3):
                expect(heatmaps.nth(i).locator("canvas").first).to_be_visible()
        screenshot(page, "metrics")
        _assert_fits_tablet(page, "metrics")

        # The jobs list shows it, succeeded, with its rows done.
        page.click("[data-testid=nav-jobs]")
        row = page.locator("[data-testid=jobs-table] tbody tr", has_text=template["name"]).first
        expect(row.locator(".status-chip")).to_have_attribute("data-status", "succeeded")
        expect(row).to_contain_text(f"{job['rows_done']:,} / {job['rows_total']:,} rows")
        console.assert_clean()
    finally:
        context.close()


BAD_SPEC = {
    "tables": {
        "people": {
            "rows": 100,
            "fields": {
                "id": {"type": "id"},
                "age": {"type": "int", "dist": {"kind": "normal", "mean": 40, "sd": -3}},
            },
        }
    }
}


def test_a_bad_schema_shows_its_error_at_its_line(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    stack = dashboard_stack
    context, page, console = new_page(browser, stack)
    try:
        login(page)
        page.click("[data-testid=nav-new]")
        page.click("[data-testid=source-schema]")
        editor = page.locator("[data-testid=schema-editor-content]")
        expect(editor).to_be_visible()
        text = json.dumps(BAD_SPEC, indent=2)
        sd_line = next(i for i, line in enumerate(text.splitlines(), 1) if '"sd"' in line)
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(text)

        # One problem once the server has checked it (it is the authority on the language).
        expect(page.locator("[data-testid=schema-problem]")).to_have_count(1)
        problem = page.locator("[data-testid=schema-problem]", has_text="sd").first
        expect(problem).to_be_visible()
        assert problem.get_attribute("data-line") == str(sd_line), problem.inner_text()
        # The editor marks the same line (lint gutter + underline) and launching is blocked.
        expect(page.locator(".cm-lintRange-error").first).to_be_visible()
        expect(page.locator("[data-testid=next-output]")).to_be_disabled()
        screenshot(page, "schema-error")

        # Fixing the value clears the problem.
        fixed = text.replace('"sd": -3', '"sd": 3')
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(fixed)
        expect(page.locator("[data-testid=schema-problem]")).to_have_count(0)
        expect(page.locator("[data-testid=next-output]")).to_be_enabled()

        # Save it: it is then one of alice's saved schemas.
        page.fill("input[aria-label='Schema name']", "people with sd")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved “people with sd”")).to_be_visible()
        with stack.client("alice") as c:
            saved = {s["name"]: s for s in c.get("/api/schemas").json()}
        assert (
            saved["people with sd"]["spec"]["tables"]["people"]["fields"]["age"]["dist"]["sd"] == 3
        )
        console.assert_clean()
    finally:
        context.close()


def test_an_inline_schema_job_is_re_run_from_the_jobs_list(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    stack = dashboard_stack
    spec = {"tables": {"rerun_me": {"rows": 30, "fields": {"id": {"type": "id"}}}}}
    with stack.client("alice") as c:
        first = c.post("/api/generate", json={"schema": spec, "seed": 11, "format": "jsonl"})
        first = stack.wait_job(first.json()["id"], timeout=120)
    context, page, console = new_page(browser, stack)
    try:
        login(page)
        page.click("[data-testid=nav-jobs]")
        row = page.locator("[data-testid=jobs-table] tbody tr", has_text=first["id"][:8]).first
        button = row.locator("[data-testid=job-rerun]")
        expect(button).to_be_enabled()
        button.click()
        page.wait_for_url(re.compile(r"/jobs/(?!" + first["id"] + r")[0-9a-f-]{36}$"))
        _wait_succeeded(page)
        again_id = page.url.rstrip("/").rsplit("/", 1)[1]
        with stack.client("alice") as c:
            again = c.get(f"/api/jobs/{again_id}").json()
        assert (again["seed"], again["format"]) == (11, "jsonl")
        assert again["artifacts"][0]["sha256"] == first["artifacts"][0]["sha256"]
        console.assert_clean()
    finally:
        context.close()


def test_wrong_password_is_shown_at_the_password_field_and_enter_logs_in(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    # Her own user: the token page replaces tokens, and alice's is the other tests' key.
    dashboard_stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "get_user_model().objects.create_user('dana', 'dana@example.com', 'dana-password-1')",
    )
    context, page, console = new_page(browser, dashboard_stack)
    try:
        page.goto("/jobs")
        page.wait_for_url("**/login**")
        # Keyboard only: type, Tab to the password, Enter submits.
        page.focus("#username")
        page.keyboard.type("dana")
        page.keyboard.press("Tab")
        page.keyboard.type("not-her-password")
        page.keyboard.press("Enter")
        expect(page.get_by_text("wrong username or password")).to_be_visible()
        page.fill("#password", "dana-password-1")
        page.keyboard.press("Enter")
        page.wait_for_url("**/jobs")

        # The token page: a new token works for the API until it is revoked.
        page.click("[data-testid=nav-token]")
        page.click("[data-testid=token-create]")
        key = page.locator("[data-testid=token-key]").input_value()
        assert len(key) == 40
        expect(page.locator("[data-testid=token-status]")).to_contain_text(key[:6])
        with httpx.Client(base_url=dashboard_stack.url) as api:
            headers = {"Authorization": f"Token {key}"}
            assert api.get("/api/jobs", headers=headers).status_code == 200
            page.click("[data-testid=token-revoke]")
            page.get_by_role("button", name="Confirm").click()
            expect(page.locator("[data-testid=token-status]")).to_contain_text("no API token")
            assert api.get("/api/jobs", headers=headers).status_code == 401

        # Logging out ends the session: the dashboard asks for a login again.
        page.click("[data-testid=logout]")
        page.wait_for_url("**/login**")
        page.goto("/jobs")
        page.wait_for_url("**/login**")
        # The 400 of the login call is the only console line a browser writes here.
        console.assert_clean(allow=("status of 400",))
    finally:
        context.close()


def test_real_data_upload_fit_sample_and_privacy(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    stack = dashboard_stack
    source = SAMPLE_DATA / "credit_scoring.csv"
    real_rows = sum(1 for _ in source.open(encoding="utf-8")) - 1
    context, page, console = new_page(browser, stack)
    try:
        login(page)
        page.click("[data-testid=nav-new]")
        page.click("[data-testid=source-data]")
        page.set_input_files("[data-testid=dataset-file]", str(source))
        review = page.locator("[data-testid=metadata-review]")
        expect(review).to_be_visible()
        expect(review).to_contain_text(f"{real_rows:,} rows")
        expect(page.locator("[data-testid=metadata-table]")).to_contain_text("Status")

        page.click("[data-testid=synth-spec]")
        page.click("[data-testid=fit]")
        expect(page.locator("[data-testid=model-ready]")).to_be_visible(timeout=180_000)
        screenshot(page, "wizard-real-data")

        page.click("[data-testid=next-output]")
        page.fill("#rows", "300")
        page.keyboard.press("Tab")
        # Conditions: half of the rows with Status "bad" (the classes come from the file).
        page.click("[data-testid=condition-column]")
        page.keyboard.type("Status")
        page.keyboard.press("Enter")
        page.fill("input[aria-label='Share of class 1']", "0.5")
        page.keyboard.press("Tab")
        page.click("[data-testid=next-review]")
        page.click("[data-testid=launch]")
        page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
        job_id = page.url.rsplit("/", 1)[1]
        _wait_succeeded(page)
        with stack.client("alice") as c:
            job = c.get(f"/api/jobs/{job_id}").json()
        assert job["kind"] == "model" and job["rows_done"] == 300
        assert job["params"]["conditions"] == [
            {"column": "Status", "value": "bad", "fraction": 0.5}
        ]

        page.click("[data-testid=job-view-metrics]")
        panel = page.locator("[data-testid=privacy-panel]")
        expect(panel).to_be_visible(timeout=60_000)  # the metrics follow the data
        expect(page.locator("[data-testid=privacy-verdict]")).to_contain_text(
            "No synthetic row is an exact copy"
        )
        expect(page.locator("[data-testid=privacy-dcr]")).to_be_visible()
        expect(page.locator("[data-testid=conditions]")).to_contain_text("bad")
        expect(page.locator("[data-testid=histograms] [data-testid=chart]").first).to_be_visible()
        screenshot(page, "metrics-privacy")

        # The jobs list: the fit job and the model job, succeeded; usable at tablet width.
        page.click("[data-testid=nav-jobs]")
        table = page.locator("[data-testid=jobs-table]")
        expect(table.locator("[data-status=succeeded]").first).to_be_visible()
        assert table.locator("tbody tr").count() >= 2
        screenshot(page, "jobs")
        page.set_viewport_size({"width": 820, "height": 1000})
        expect(table.locator("[data-testid=job-link]").first).to_be_visible()
        screenshot(page, "jobs-tablet")
        console.assert_clean()
    finally:
        context.close()
