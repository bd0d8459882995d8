from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.idenfy.provider import IdenfyProvider
from providers.registry import config_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "idenfy"
SIGNING_KEY = "sandbox-idenfy-webhook_signing_key"  # the settings' sandbox default


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def provider(settings) -> IdenfyProvider:
    block = settings.KYCDESK_VENDORS["idenfy"]
    return IdenfyProvider(config_for("idenfy", block, public_url="https://kyc.example.com", max_retries=0))


@pytest.fixture
def api(settings) -> str:
    """The base URL the client calls (the sandbox's, in the test settings)."""
    return settings.KYCDESK_VENDORS["idenfy"]["base_url"].rstrip("/")
