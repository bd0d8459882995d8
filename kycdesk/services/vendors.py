"""The bridge from Django settings to providers: kycdesk reads settings, providers never do."""

from __future__ import annotations

from django.conf import settings

from providers import registry
from providers.base import Capability, Provider


def get_provider(code: str) -> Provider:
    """A provider for ``code`` built from the current settings (read at call time)."""
    return registry.build(
        code,
        settings.KYCDESK_VENDORS,
        connect_timeout=settings.KYCDESK_HTTP_CONNECT_TIMEOUT,
        read_timeout=settings.KYCDESK_HTTP_READ_TIMEOUT,
        max_retries=settings.KYCDESK_HTTP_MAX_RETRIES,
        public_url=settings.KYCDESK_PUBLIC_URL,
    )


def enabled_codes() -> list[str]:
    return [code for code, block in settings.KYCDESK_VENDORS.items() if block.get("enabled", True)]


def supports(code: str, capability: Capability) -> bool:
    try:
        return get_provider(code).supports(capability)
    except (ImportError, AttributeError, registry.UnknownVendor):
        return False
