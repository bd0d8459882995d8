"""The health badge per vendor: from the vendor's ping, cached a minute."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from kycdesk.services import vendor_health
from providers.sandbox.models import SimFault


@pytest.fixture(autouse=True)
def _no_cached_health():
    cache.clear()
    yield
    cache.clear()


def badge(code: str) -> vendor_health.VendorHealth:
    return next(v for v in vendor_health.vendor_health() if v.code == code)


@pytest.mark.django_db(transaction=True)
def test_a_vendor_answering_its_ping_is_up_and_asked_once_a_minute(sandbox_live):
    assert badge("vult").up is True
    SimFault.objects.create(vendor="vult", kind="500", remaining=5)

    assert badge("vult").up is True  # cached: VULT was not asked again
    cache.clear()
    assert badge("vult").up is False


def test_a_vendor_that_cannot_be_reached_is_down(settings):
    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "vult": {**settings.KYCDESK_VENDORS["vult"], "base_url": "http://127.0.0.1:9/"},
    }

    assert (badge("vult").label, badge("vult").up) == ("VULT KYC API", False)


def test_a_vendor_without_a_health_call_has_no_verdict(fake_vendor):
    assert badge("datakeen").up is None


def test_a_disabled_vendor_has_no_badge(settings):
    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "vult": {**settings.KYCDESK_VENDORS["vult"], "enabled": False},
    }

    assert "vult" not in [v.code for v in vendor_health.vendor_health()]
