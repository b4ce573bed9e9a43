"""Two users on one service: Bob's small job finishes while Alice's long fits hold the fit
workers, and Bob's fit, sent after Alice's waiting one, is the next the fit worker takes. Real gunicorn and both real django-q2 clusters (the default one, 2 workers, and
the heavy one for fits, 1 worker), as manage.py serve starts them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pandas as pd
import pytest

from tests.conftest import PEOPLE_SPEC, SAMPLE_DATA
from tests.e2e.conftest import LiveStack, start_stack, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Long enough to outlast the small job many times over on a busy machine; cancelled at the end.
LONG_FIT = {"synthesizer": "tvae", "options": {"epochs": 10_000, "batch_size": 50}, "seed": 5}


@pytest.fixture(scope="module")
def team_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    stack = start_stack(
        tmp_path_factory.mktemp("team-stack"),
        {"SYNDATA_WORKERS": "2", "SYNDATA_HEAVY_WORKERS": "1"},
    )
    try:
        yield stack
    finally:
        for proc in stack.procs:
            stop(proc)


def _wait(stack: LiveStack, user: str, job_id: str, what: str, ok: object, timeout: float) -> dict:
    deadline = time.time() + timeout
    with stack.client(user) as c:
        while time.time() < deadline:
            job = c.get(f"/api/jobs/{job_id}").json()
            if ok(job):  # type: ignore[operator]
                return job
            time.sleep(0.3)
    raise AssertionError(f"job {job_id} never {what} in {timeout}s: {job}")


def test_a_small_job_finishes_while_another_users_long_fits_run(team_stack: LiveStack) -> None:
    stack = team_stack
    real = pd.read_csv(SAMPLE_DATA / "clinical_rotterdam.csv").sample(300, random_state=0)
    with stack.client("alice") as alice:
        resp = alice.post(
            "/api/datasets",
            files={"file": ("rotterdam.csv", real.to_csv(index=False).encode(), "text/csv")},
        )
        assert resp.status_code == 201, resp.text
        dataset = resp.json()["id"]
        fits = []
        for _ in range(2):  # as many as the old setup had workers in all
            resp = alice.post(f"/api/datasets/{dataset}/fit", json=LONG_FIT)
            assert resp.status_code == 202, resp.text
            fits.append(resp.json()["id"])
    try:
        first = _wait(stack, "alice", fits[0], "fitted", lambda j: j["rows_done"] >= 1, 180)
        assert first["status"] == "running" and first["phase"] == "fitting"
        second = _wait(stack, "alice", fits[1], "waited", lambda j: True, 1)
        assert second["phase"] == "waiting"
        assert second["waiting"] == {"lane": "heavy", "ahead": 0, "running": 1, "workers": 1}

        with stack.client("bob") as bob:
            body = {"schema": PEOPLE_SPEC, "rows": 5000, "format": "csv", "seed": 3}
            small = bob.post("/api/generate", json=body).json()["id"]
        done = _wait(
            stack,
            "bob",
            small,
            "finished",
            lambda j: j["status"] != "queued" and j["status"] != "running",
            120,
        )
        assert done["status"] == "succeeded", done["error"]
        # ... while Alice's fit still runs: Bob never waited behind it.
        still = _wait(stack, "alice", fits[0], "ran", lambda j: True, 1)
        assert still["status"] == "running", still
        metrics = stack.wait_metrics(small, user="bob", timeout=120)
        assert metrics["summary"]

        # Fair shares inside the heavy lane: Bob's fit, sent after Alice's second, goes first.
        credit = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(200)
        with stack.client("bob") as bob:
            resp = bob.post(
                "/api/datasets",
                files={"file": ("credit.csv", credit.to_csv(index=False).encode(), "text/csv")},
            )
            assert resp.status_code == 201, resp.text
            resp = bob.post(
                f"/api/datasets/{resp.json()['id']}/fit", json={"synthesizer": "spec", "seed": 1}
            )
            assert resp.status_code == 202, resp.text
            bobs_fit = resp.json()["id"]
        waiting = _wait(stack, "bob", bobs_fit, "waited", lambda j: True, 1)
        assert waiting["waiting"]["ahead"] == 0, waiting  # Alice has one running, Bob none
        with stack.client("alice") as alice:
            alice.post(f"/api/jobs/{fits[0]}/cancel")  # the heavy worker is free: Bob's turn
        fitted = _wait(
            stack,
            "bob",
            bobs_fit,
            "fitted",
            lambda j: j["status"] not in ("queued", "running"),
            120,
        )
        assert fitted["status"] == "succeeded", fitted["error"]
        after = _wait(stack, "alice", fits[1], "read", lambda j: True, 1)
        assert after["started_at"] is None or after["started_at"] > fitted["started_at"], after
    finally:
        with stack.client("alice") as alice:
            for fit in fits:
                alice.post(f"/api/jobs/{fit}/cancel")
