"""A health badge per vendor, from the vendor's own ping/health call (Capability.HEALTH).

Asked at most once a minute per vendor and process (Django's cache), with the provider's short
health timeouts, so the sessions list never waits on a sick vendor for long."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from kycdesk.models import Vendor
from kycdesk.services.vendors import enabled_codes, get_provider, supports
from providers.base import Capability, ProviderError

CACHE_SECONDS = 60


@dataclass(frozen=True)
class VendorHealth:
    code: str
    label: str
    up: bool | None  # None: the vendor offers no health call


def _ask(code: str) -> bool:
    key = f"kycdesk:vendor-health:{code}"
    cached = cache.get(key)
    if cached is None:
        try:
            cached = bool(get_provider(code).health())
        except ProviderError:
            cached = False
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def vendor_health() -> list[VendorHealth]:
    labels = dict(Vendor.choices)
    return [
        VendorHealth(code, labels.get(code, code), _ask(code) if supports(code, Capability.HEALTH) else None)
        for code in enabled_codes()
    ]
