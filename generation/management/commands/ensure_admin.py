"""Create the local admin user on first run; print its password once, keep it under var/."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local 'admin' superuser if no superuser exists (password in var/)."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        path = settings.VAR_DIR / "admin_password"
        if user_model.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", "admin@localhost", password)
        path.write_text(password + "\n")
        path.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin user 'admin' with password: {password}\n"
                f"(kept in {path}; shown only this once)"
            )
        )
