"""Shared arrangements for kycdesk's Identify24 tests (fixtures: tests/kycdesk/conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from kycdesk.models import Identity, VerificationSession

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # a Monday


def base_url() -> str:
    return settings.KYCDESK_VENDORS["identify24"]["base_url"]


def make_session(reference: str = "cust-1", external_id: str = "ident-1", **fields) -> VerificationSession:
    identity, _ = Identity.objects.get_or_create(
        reference=reference, defaults={"first_name": "Erika", "last_name": "Mustermann"}
    )
    fields.setdefault("expires_at", NOW + dt.timedelta(days=90))
    fields.setdefault("vendor", "identify24")
    return VerificationSession.objects.create(external_id=external_id, identity=identity, **fields)
