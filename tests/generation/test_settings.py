"""Settings from the environment with safe defaults, and the first run's admin user: each in
a fresh process with its own var/ folder, as `make run` on a new clone starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "secret": settings.SECRET_KEY, "debug": settings.DEBUG,
    "db": settings.DATABASES["default"]["ENGINE"], "name": str(settings.DATABASES["default"]["NAME"]),
    "media": str(settings.MEDIA_ROOT), "broker": "redis" if "redis" in settings.Q_CLUSTER else "orm",
}))
"""


def _run(var: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base.pop("SECRET_KEY", None)
    base.pop("SYNDATA_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "syndata_site.settings",
            "SYNDATA_VAR_DIR": str(var),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _settings(var: Path, **env: str) -> dict[str, object]:
    return json.loads(_run(var, SHOW, **env).stdout.strip().splitlines()[-1])


def test_defaults_are_embedded_and_safe_and_the_secret_is_kept(tmp_path: Path) -> None:
    first = _settings(tmp_path)
    assert first["debug"] is False
    assert first["db"] == "django.db.backends.sqlite3"
    assert first["name"] == str(tmp_path / "db.sqlite3")
    assert first["media"] == str(tmp_path / "media")
    assert first["broker"] == "orm"
    assert len(str(first["secret"])) >= 50
    kept = (tmp_path / "secret_key").read_text().strip()
    assert kept == first["secret"]
    assert _settings(tmp_path)["secret"] == first["secret"]  # generated once, then kept
    other = _settings(tmp_path, SECRET_KEY="from-the-environment-" + "x" * 40, SYNDATA_DEBUG="1")
    assert other["secret"] == "from-the-environment-" + "x" * 40 and other["debug"] is True


def test_database_and_broker_urls_switch_to_postgres_and_redis(tmp_path: Path) -> None:
    prod = _settings(
        tmp_path,
        DATABASE_URL="postgres://someone@db.example:5432/syndata",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert prod["db"] == "django.db.backends.postgresql" and prod["name"] == "syndata"
    assert prod["broker"] == "redis"


@pytest.mark.slow  # runs manage.py in fresh processes
def test_the_first_run_creates_an_admin_once_and_keeps_its_password(tmp_path: Path) -> None:
    code = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("ensure_admin")
"""
    first = _run(tmp_path, code).stdout
    password = (tmp_path / "admin_password").read_text().strip()
    assert f"Created the admin user 'admin' with password: {password}" in first
    assert oct((tmp_path / "admin_password").stat().st_mode & 0o777) == "0o600"
    again = _run(tmp_path, code).stdout
    assert "password" not in again  # shown only the first time
    login = _run(
        tmp_path,
        "import django\ndjango.setup()\nfrom django.contrib.auth import authenticate\n"
        f"print(authenticate(username='admin', password={password!r}).is_superuser)",
    ).stdout
    assert login.strip().endswith("True")
