"""Create the demo superuser `demo` for the local run (never with DEBUG off)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create or show the local demo login (DEMO_PASSWORD, else a generated one)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo user is only for the local run (DEBUG on).")
        password_file = Path(settings.BASE_DIR) / "var" / "demo-password"
        password = os.environ.get("DEMO_PASSWORD", "")
        if not password and password_file.exists():
            password = password_file.read_text().strip()
        if not password:
            password = secrets.token_urlsafe(12)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password)
        password_file.chmod(0o600)
        User = get_user_model()
        user, _ = User.objects.get_or_create(username="demo", defaults={"email": "demo@example.invalid"})
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(f"Log in at {settings.KYCDESK_PUBLIC_URL}/admin/ as demo / {password}")
