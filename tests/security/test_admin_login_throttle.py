"""The admin's login form is throttled as the API login is, on the same counters."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from syndata_site.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db

RATES = {"anon": "5/min", "user": "50/min"}
PASSWORD = "staff-password-1"


class Clock:
    """The throttles' clock, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    for cls in (AnonRateThrottle, UserRateThrottle):
        monkeypatch.setattr(cls, "THROTTLE_RATES", RATES)
        monkeypatch.setattr(cls, "timer", clock)
    return clock


@pytest.fixture
def staff() -> Any:
    return get_user_model().objects.create_user(
        "boss", "boss@example.com", PASSWORD, is_staff=True, is_superuser=True
    )


def _login(client: Client, password: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": "boss", "password": password})


def test_the_right_password_is_refused_once_the_limit_is_reached(clock: Clock, staff: Any) -> None:
    client = Client()
    for _ in range(5):
        wrong = _login(client, "guess")
        assert wrong.status_code == 200  # the form again, with its error
        assert b"Please enter the correct username and password" in wrong.content
    refused = _login(client, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.get("/admin/").status_code == 302  # not logged in: sent to the login form

    clock.now += 2 * 60 + 1  # both windows have passed
    ok = _login(client, PASSWORD)
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_and_the_api_login_share_one_budget(clock: Clock, staff: Any) -> None:
    client = Client()
    for _ in range(5):
        assert _login(client, "guess").status_code == 200
    api = client.post(
        "/api/auth/login",
        {"username": "boss", "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "throttled"


def test_showing_the_form_is_not_an_attempt(clock: Clock, staff: Any) -> None:
    client = Client()
    for _ in range(10):
        assert client.get("/admin/login/").status_code == 200
    assert _login(client, PASSWORD).status_code == 302
