"""Issue 17's journeys in a real browser: related tables (upload, review, fit hma, sample,
preview per table), inputs refused at their field (nothing launched), the compare view and
no horizontal overflow at 390 px."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import SAMPLE_DATA
from tests.e2e.browser import login, new_page, screenshot, unnamed_inputs
from tests.e2e.conftest import LiveStack


def _planes_flights_zip() -> bytes:
    """40 planes and their January flights (a few columns): small enough to fit in seconds."""
    planes = pd.read_csv(SAMPLE_DATA / "planes.csv").head(40)[["tailnum", "year", "seats"]]
    flights = pd.read_csv(SAMPLE_DATA / "flights_jan2013.csv")[
        ["carrier", "tailnum", "origin", "dep_delay", "distance"]
    ]
    flights = flights[flights["tailnum"].isin(planes["tailnum"])].head(300)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("planes.csv", planes.to_csv(index=False))
        z.writestr("flights.csv", flights.to_csv(index=False))
    return out.getvalue()


def _past(page: Page) -> list[str]:
    """The innermost elements that reach past the right edge of the screen, described."""
    return page.evaluate(
        """() => {
          const past = (e) => e.getBoundingClientRect().right > window.innerWidth + 1
          // Inside a box that scrolls or clips, an element does not widen the page.
          const clipped = (e) => {
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
              if (getComputedStyle(a).overflowX !== 'visible' && !past(a)) return true
            return false
          }
          return [...document.querySelectorAll('body *')]
          .filter((e) => past(e) && !clipped(e))
          .filter((e) => ![...e.children].some((c) => past(c) && !clipped(c)))
          .slice(0, 8)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
            + ` right=${Math.round(e.getBoundingClientRect().right)}`)
        }"""
    )


def _no_overflow(page: Page, where: str) -> None:
    """No horizontal scroll at 390 px, and every input on the page has an accessible name."""
    page.wait_for_load_state("networkidle")
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"{where}: the page is {wide}px wider than a 390 px screen: {_past(page)}"
    unnamed = unnamed_inputs(page)
    assert not unnamed, f"{where}: inputs without an accessible name: {unnamed}"


def test_related_tables_upload_review_fit_hma_sample_and_preview_each_table(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    context, page, console = new_page(browser, dashboard_stack)
    try:
        login(page)
        page.click("[data-testid=nav-new]")
        page.click("[data-testid=source-data]")
        page.set_input_files(
            "[data-testid=dataset-file]",
            files=[
                {
                    "name": "planes_flights.zip",
                    "mimeType": "application/zip",
                    "buffer": _planes_flights_zip(),
                }
            ],
        )
        review = page.locator("[data-testid=tables-review]")
        expect(review).to_be_visible(timeout=60_000)
        expect(page.locator("[data-testid=table-planes]")).to_contain_text("40 rows")
        expect(page.locator("[data-testid=table-flights]")).to_contain_text("dep_delay")
        expect(page.locator("[data-testid=relationship]")).to_contain_text(
            "planes.tailnum → flights.tailnum"
        )
        # Only what learns related tables is offered.
        expect(page.locator("[data-testid=synth-spec]")).to_have_count(0)
        page.click("[data-testid=synth-hma]")
        page.click("[data-testid=fit]")
        expect(page.locator("[data-testid=model-ready]")).to_be_visible(timeout=180_000)

        page.click("[data-testid=next-output]")
        page.fill("#rows", "20")
        page.keyboard.press("Tab")
        page.click("[data-testid=next-review]")
        expect(page.locator("[data-testid=estimate-planes]")).to_contain_text("20")
        page.click("[data-testid=launch]")
        page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
        expect(page.locator("[data-testid=job-status]")).to_contain_text(
            "succeeded", timeout=180_000
        )
        expect(page.locator("h1")).to_contain_text("hma")
        expect(page.locator("[data-testid=lineage]")).to_contain_text("Dataset")
        preview = page.locator("[data-testid=preview]")
        expect(preview).to_contain_text("tailnum")
        # Per-table preview: each table of the job can be shown.
        for table in ("planes", "flights"):
            page.locator(f"[data-testid=preview-table-switch-{table}]").click()
            expect(preview).to_contain_text(f"rows of {table}")
            expect(preview).to_contain_text("tailnum")
        page.click("[data-testid=job-view-metrics]")
        expect(page.locator("[data-testid=summary-referential_integrity]")).to_contain_text(
            "Referential integrity", timeout=120_000
        )
        console.assert_clean()
    finally:
        context.close()


def test_rows_minus_five_is_shown_at_the_field_and_nothing_launches(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    context, page, console = new_page(browser, dashboard_stack)
    try:
        login(page)
        page.click("[data-testid=nav-new]")
        page.click("[data-testid=source-schema]")
        page.click("[data-testid=next-output]")
        page.fill("#rows", "-5")
        page.keyboard.press("Tab")
        expect(page.locator("#rows")).to_have_value("-5")  # as typed, not clamped
        expect(page.locator("[data-testid=field-rows]")).to_contain_text("must be at least 1")
        expect(page.locator("[data-testid=next-review]")).to_be_disabled()
        expect(page.locator("[data-testid=output-blocker]")).to_contain_text("rows")
        # The schema editor's ajv compiles the published JSON Schema with new Function, which
        # this browser logs when it refuses (seen here, not from this change: see the report).
        console.assert_clean()
    finally:
        context.close()


def test_at_390_px_a_menu_and_no_horizontal_overflow(
    dashboard_stack: LiveStack,
    browser: Browser,
    credit_samples: CreditSamples,
    weather_sample: str,
) -> None:
    context, page, console = new_page(browser, dashboard_stack, width=390, height=844)
    try:
        login(page)
        expect(page.locator("[data-testid=nav-new]")).to_be_hidden()
        page.click("[data-testid=nav-menu]")
        expect(page.locator("[data-testid=nav-new]")).to_be_visible()
        page.click("[data-testid=nav-new]")
        expect(page.locator("[data-testid=nav-new]")).to_be_hidden()  # closed after navigating
        _no_overflow(page, "new dataset")
        page.click("[data-testid=source-data]")
        _no_overflow(page, "real data")
        page.goto("/jobs")
        _no_overflow(page, "jobs")

        page.goto(f"/datasets/{credit_samples.dataset['id']}")
        expect(page.locator("[data-testid=dataset-sample-link]")).to_have_count(2)
        _no_overflow(page, "dataset page")
        page.click("[data-testid=dataset-compare-link]")
        expect(page.locator("[data-testid=compare-scores] thead th")).to_have_count(3)
        expect(page.locator(".charts [data-testid=chart] canvas")).to_have_count(2)
        _no_overflow(page, "compare view")

        page.goto(f"/jobs/{weather_sample}")
        page.click("[data-testid=job-view-metrics]")
        temporal = page.locator("[data-testid=temporal]")
        expect(temporal).to_contain_text("Over time", timeout=60_000)
        expect(temporal.locator("[data-testid=chart] canvas").first).to_be_visible()
        _no_overflow(page, "metrics over time")
        console.assert_clean()
    finally:
        context.close()


def _pick(page: Page, select: str, option: str) -> None:
    """Choose an option of a filterable select by typing it, as a person with a keyboard."""
    page.click(f"[data-testid={select}]")
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-testid={select}]")).to_contain_text(option)


def test_sequences_set_key_and_order_fit_spec_sample_preview_and_temporal_metrics(
    dashboard_stack: LiveStack, browser: Browser
) -> None:
    # 3 stations x their first 10 days of hours: a spec fit of sequences takes seconds.
    sensor = pd.read_csv(SAMPLE_DATA / "sensor_nyc_weather.csv").groupby("origin").head(240)
    context, page, console = new_page(browser, dashboard_stack)
    try:
        login(page)
        page.click("[data-testid=nav-new]")
        page.click("[data-testid=source-data]")
        page.set_input_files(
            "[data-testid=dataset-file]",
            files=[
                {
                    "name": "weather.csv",
                    "mimeType": "text/csv",
                    "buffer": sensor.to_csv(index=False).encode(),
                }
            ],
        )
        expect(page.locator("[data-testid=metadata-review]")).to_contain_text("720 rows")
        kind = page.locator("[data-testid=data-kind]")
        # Rows made independent first (the detected key cleared), then the key and order set
        # again by hand: what is offered follows what the dataset is.
        page.locator("[data-testid=sequence-key]").hover()
        page.locator("[data-testid=sequence-key] .n-base-clear").click()
        expect(kind).to_contain_text("one table of independent rows")
        expect(
            page.locator("[data-testid=sequence-index] .n-base-selection--disabled")
        ).to_have_count(1)
        _pick(page, "sequence-key", "origin")
        _pick(page, "sequence-index", "time_hour")
        expect(kind).to_contain_text("sequences")
        page.click("[data-testid=synth-spec]")
        page.click("[data-testid=fit]")  # saves the key and order first
        expect(page.locator("[data-testid=model-ready]")).to_be_visible(timeout=180_000)
        dataset_id = page.locator("[data-testid=dataset-page-link]").get_attribute("href")
        assert dataset_id and dataset_id.startswith("/datasets/")
        with dashboard_stack.client("alice") as c:
            meta = c.get(f"/api{dataset_id}").json()["metadata"]
        assert (meta["sequence_key"], meta["sequence_index"]) == ("origin", "time_hour")

        page.click("[data-testid=next-output]")
        page.fill("#rows", "4")  # sequences, for a model of sequences
        page.keyboard.press("Tab")
        page.click("[data-testid=next-review]")
        page.click("[data-testid=launch]")
        page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
        job_id = page.url.rsplit("/", 1)[1]
        expect(page.locator("[data-testid=job-status]")).to_contain_text(
            "succeeded", timeout=180_000
        )
        expect(page.locator("h1")).to_contain_text("weather · spec sample")  # named after it
        preview = page.locator("[data-testid=preview]")
        expect(preview).to_contain_text("time_hour")
        expect(preview).to_contain_text("temp")
        with dashboard_stack.client("alice") as c:
            job = c.get(f"/api/jobs/{job_id}").json()
            rows = pd.read_csv(io.BytesIO(c.get(f"/api/download/{job_id}").content))
        assert job["params"]["sequences"] == 4 and rows["origin"].nunique() == 4
        assert not set(rows["origin"]) & {"EWR", "JFK", "LGA"}

        page.click("[data-testid=job-view-metrics]")
        temporal = page.locator("[data-testid=summary-temporal]")
        expect(temporal).to_contain_text("Temporal fidelity", timeout=120_000)
        metrics = dashboard_stack.wait_metrics(job_id)
        score = float(metrics["summary"]["temporal"])
        shown = str(int(score)) if score.is_integer() else f"{score:.3f}"
        expect(temporal).to_contain_text(shown)
        console.assert_clean()
    finally:
        context.close()


@dataclass
class CreditSamples:
    dataset: dict
    fit_job: dict
    samples: list[str]
    docs: dict[str, dict]


@pytest.fixture(scope="module")
def credit_samples(dashboard_stack: LiveStack) -> CreditSamples:
    """300 rows of credit_scoring, a spec model of them and two sample jobs with metrics."""
    stack = dashboard_stack
    credit = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(300)
    with stack.client("alice") as c:
        resp = c.post(
            "/api/datasets",
            files={"file": ("credit300.csv", credit.to_csv(index=False).encode(), "text/csv")},
        )
        assert resp.status_code == 201, resp.text
        dataset = resp.json()
        fit = c.post(f"/api/datasets/{dataset['id']}/fit", json={"synthesizer": "spec", "seed": 1})
        assert fit.status_code == 202, fit.text
        fit_job = stack.wait_job(fit.json()["id"])
        assert fit_job["status"] == "succeeded", fit_job["error"]
        model_id = fit_job["params"]["model_id"]
        samples = []
        for rows, seed in ((200, 1), (100, 2)):
            resp = c.post(
                "/api/generate",
                json={"model_id": model_id, "rows": rows, "format": "csv", "seed": seed},
            )
            assert resp.status_code == 202, resp.text
            samples.append(resp.json()["id"])
        docs = {}
        for job_id in samples:
            assert stack.wait_job(job_id)["status"] == "succeeded"
            docs[job_id] = stack.wait_metrics(job_id)
    return CreditSamples(dataset, fit_job, samples, docs)


@pytest.fixture(scope="module")
def weather_sample(dashboard_stack: LiveStack) -> str:
    """A sample job of 3 sequences from a spec model of 3 stations x 2 days of hours (its
    sequence key and order detected on upload), with its metrics (the "Over time" panel)."""
    stack = dashboard_stack
    sensor = pd.read_csv(SAMPLE_DATA / "sensor_nyc_weather.csv").groupby("origin").head(48)
    with stack.client("alice") as c:
        resp = c.post(
            "/api/datasets",
            files={"file": ("weather48.csv", sensor.to_csv(index=False).encode(), "text/csv")},
        )
        assert resp.status_code == 201, resp.text
        dataset = resp.json()
        assert dataset["metadata"]["sequence_key"] == "origin", dataset["metadata"]
        fit = c.post(f"/api/datasets/{dataset['id']}/fit", json={"synthesizer": "spec", "seed": 1})
        assert fit.status_code == 202, fit.text
        fit_job = stack.wait_job(fit.json()["id"])
        assert fit_job["status"] == "succeeded", fit_job["error"]
        resp = c.post(
            "/api/generate",
            json={"model_id": fit_job["params"]["model_id"], "rows": 3, "format": "csv"},
        )
        assert resp.status_code == 202, resp.text
        job_id = resp.json()["id"]
        assert stack.wait_job(job_id)["status"] == "succeeded"
        assert stack.wait_metrics(job_id)["tables"]
    return str(job_id)


def test_two_sample_jobs_of_a_dataset_compared_and_linked_both_ways(
    dashboard_stack: LiveStack, browser: Browser, credit_samples: CreditSamples
) -> None:
    stack = dashboard_stack
    dataset, fit_job = credit_samples.dataset, credit_samples.fit_job
    samples, docs = credit_samples.samples, credit_samples.docs

    context, page, console = new_page(browser, stack)
    try:
        login(page)
        # A sample job links to its dataset and to the fit that made its model...
        page.goto(f"/jobs/{samples[0]}")
        lineage = page.locator("[data-testid=lineage]")
        expect(lineage.locator("[data-testid=dataset-link]")).to_contain_text("credit300")
        expect(lineage.locator("[data-testid=fit-job-link]")).to_have_attribute(
            "href", f"/jobs/{fit_job['id']}"
        )
        # ...the fit job to its dataset and to the samples of its model...
        page.click("[data-testid=fit-job-link]")
        expect(page.locator("[data-testid=sample-job-link]")).to_have_count(2)
        expect(page.locator("[data-testid=fit-no-data]")).to_be_visible()  # no preview asked
        page.click("[data-testid=dataset-link]")
        # ...and the dataset page to its model, the fit job and both samples.
        page.wait_for_url(f"**/datasets/{dataset['id']}")
        expect(page.locator("h1")).to_contain_text("credit300")
        expect(page.locator("[data-testid=dataset-model]")).to_have_count(1)
        expect(page.locator("[data-testid=dataset-fit-link]")).to_have_attribute(
            "href", f"/jobs/{fit_job['id']}"
        )
        hrefs = {
            page.locator("[data-testid=dataset-sample-link]").nth(i).get_attribute("href")
            for i in range(2)
        }
        assert hrefs == {f"/jobs/{j}" for j in samples}
        screenshot(page, "dataset")

        # The comparison: both jobs side by side, each score as its document has it.
        page.click("[data-testid=dataset-compare-link]")
        page.wait_for_url(re.compile(r"/compare\?dataset="))
        scores = page.locator("[data-testid=compare-scores]")
        expect(scores.locator("thead th")).to_have_count(3)  # the label column + 2 jobs
        for job_id, doc in docs.items():
            for key in ("quality", "exact_copy_rate"):
                expect(page.locator(f"[data-testid=score-{key}-{job_id}]")).to_have_text(
                    f"{doc['summary'][key]:.3f}"
                )
        assert docs[samples[0]]["summary"]["quality"] != docs[samples[1]]["summary"]["quality"]
        charts = page.locator(".charts [data-testid=chart] canvas")
        expect(charts).to_have_count(2)
        screenshot(page, "compare")
        # One job unticked: one column, one chart.
        page.click(f"[data-testid=compare-pick-{samples[1]}]")
        expect(scores.locator("thead th")).to_have_count(2)
        expect(page.locator(f"[data-testid=score-quality-{samples[1]}]")).to_have_count(0)
        expect(charts).to_have_count(1)
        console.assert_clean()
    finally:
        context.close()
