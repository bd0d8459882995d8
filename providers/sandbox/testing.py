"""Helpers for tests and the demo that drive the simulators over real HTTP (no pytest here)."""

from __future__ import annotations

import copy
from typing import Any

import requests

from providers.sandbox.simulator import SIMULATED_VENDORS


def point_vendors_at(settings: Any, base_url: str) -> None:
    """Make every vendor client, and our own public URL, point at a server at ``base_url``."""
    base_url = base_url.rstrip("/")
    vendors = copy.deepcopy(settings.KYCDESK_VENDORS)
    for code in SIMULATED_VENDORS:
        if code in vendors:
            vendors[code]["base_url"] = f"{base_url}/sandbox/{code}/"
    if "vult" in vendors:
        vendors["vult"]["token_url"] = f"{base_url}/sandbox/vult/oauth/token"
    settings.KYCDESK_VENDORS = vendors
    settings.KYCDESK_PUBLIC_URL = base_url
    settings.KYCDESK_SANDBOX = True


def finish(link: str, outcome: str, files: dict[str, bytes] | None = None, timeout: float = 30) -> requests.Response:
    """Play the person: open the link, then submit the outcome (and any images) as the page does."""
    page = requests.get(link, timeout=timeout)
    page.raise_for_status()
    uploads = {name: (f"{name}.jpg", data, "image/jpeg") for name, data in (files or {}).items()}
    return requests.post(
        page.url, data={"outcome": outcome}, files=uploads or None, timeout=timeout, allow_redirects=False
    )


def set_fault(base_url: str, vendor: str, kind: str, count: int = 1, **extra: Any) -> None:
    answer = requests.post(
        f"{base_url.rstrip('/')}/sandbox/_faults/",
        json={"vendor": vendor, "kind": kind, "count": count, **extra},
        timeout=10,
    )
    answer.raise_for_status()
