from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.idenfy.provider import IdenfyProvider
from providers.registry import config_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "idenfy"
SIGNING_KEY = "sandbox-idenfy-webhook_signing_key"  # the settings' sandbox default
SCAN = "b3e5d9c4-e0f1-11ee-92e8-02a8c4f0b2d1"  # the scanRef of the auto_then_manual_*.json fixtures
# What /api/v2/status answers once iDenfy's reviewer has approved that verification.
REVIEWED_STATUS = {
    "status": "APPROVED",
    "autoDocument": "DOC_VALIDATED",
    "autoFace": "FACE_UNCERTAIN",
    "manualDocument": "DOC_VALIDATED",
    "manualFace": "FACE_MATCH",
    "fraudTags": [],
    "mismatchTags": [],
    "scanRef": SCAN,
    "clientId": "KYC-000123",
}


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
