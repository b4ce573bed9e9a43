"""The dashboard says why a job waits and what it does (jobs list and job page), and the
login page offers no signup while self-signup is off (the default)."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import SAMPLE_DATA
from tests.e2e.browser import login, new_page
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.e2e

LONG_FIT = {"synthesizer": "tvae", "options": {"epochs": 10_000, "batch_size": 50}, "seed": 5}


def test_a_queued_fit_shows_its_place_in_the_jobs_list_and_on_its_page(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    stack = dashboard_stack
    real = pd.read_csv(SAMPLE_DATA / "clinical_rotterdam.csv").sample(200, random_state=1)
    with stack.client("bob") as c:
        resp = c.post(
            "/api/datasets",
            files={"file": ("r.csv", real.to_csv(index=False).encode(), "text/csv")},
        )
        assert resp.status_code == 201, resp.text
        fits = [
            c.post(f"/api/datasets/{resp.json()['id']}/fit", json=LONG_FIT).json()["id"]
            for _ in range(2)
        ]
    context, page, log = new_page(browser, stack)
    try:
        page.goto("/login")
        expect(page.locator("[data-testid=login-submit]")).to_be_visible()
        assert page.locator("[data-testid=signup-link]").count() == 0  # self-signup is off
        login(page, "bob")
        activities = page.locator("[data-testid=job-activity]")
        expect(activities.filter(has_text="waiting for a fit worker")).to_have_count(
            1, timeout=120_000
        )
        expect(activities.filter(has_text="fitting epoch")).to_have_count(1, timeout=120_000)
        page.goto(f"/jobs/{fits[1]}")
        expect(page.locator("[data-testid=job-activity]")).to_have_text(
            "waiting for a fit worker, 0 ahead (1 running on 1)"
        )
        log.assert_clean()
    finally:
        context.close()
        with stack.client("bob") as c:
            for fit in fits:
                c.post(f"/api/jobs/{fit}/cancel")
