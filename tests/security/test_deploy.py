"""Production settings pass Django's deployment checklist, and do what it asks for."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

REPO = Path(__file__).resolve().parents[2]


def _check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SYNDATA_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**base, "SYNDATA_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _check_deploy(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="syndata.example.com",
        SYNDATA_HTTPS="1",
        DATABASE_URL="postgres://syndata@db.internal:5432/syndata",
        REDIS_URL="redis://broker.internal:6379/0",
        MEDIA_ROOT=str(tmp_path / "shared-media"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_https(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@pytest.mark.django_db
@override_settings(**HTTPS)
def test_with_https_plain_http_is_redirected_and_https_carries_hsts() -> None:
    client = Client()
    plain = client.get("/api/jobs")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get("/api/templates", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert client.get("/healthz").status_code == 200  # load balancers may probe over HTTP


@pytest.mark.django_db
@override_settings(**HTTPS)
def test_with_https_the_session_and_csrf_cookies_are_secure(alice: Any) -> None:
    client = Client(enforce_csrf_checks=False)
    index = client.get("/", secure=True)
    assert index.cookies["csrftoken"]["secure"]
    login = client.post(
        "/api/auth/login",
        {"username": "alice", "password": "alice-password-1"},
        content_type="application/json",
        secure=True,
    )
    assert login.status_code == 200, login.content
    assert login.cookies["sessionid"]["httponly"]
    assert login.cookies["sessionid"]["secure"]
