"""Tokens a simulated vendor issues, with expiry and idle expiry as that vendor has them."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from providers.sandbox.models import SimToken


def issue(vendor: str, *, lifetime: dt.timedelta | None, prefix: str = "") -> str:
    token = f"{prefix}{secrets.token_urlsafe(24)}"
    now = timezone.now()
    SimToken.objects.create(
        vendor=vendor, token=token, created_at=now, last_used_at=now, expires_at=now + lifetime if lifetime else None
    )
    return token


def check(vendor: str, token: str, *, idle: dt.timedelta | None = None) -> bool:
    """True if the token is live; using it restarts its idle clock."""
    if not token:
        return False
    now = timezone.now()
    row = SimToken.objects.filter(vendor=vendor, token=token, revoked=False).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return False
    if idle is not None and now - row.last_used_at >= idle:
        return False
    SimToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return True


def expire_all(vendor: str) -> int:
    return SimToken.objects.filter(vendor=vendor, revoked=False).update(revoked=True)
