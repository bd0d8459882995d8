from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.base import ProviderConfig
from providers.datakeen.provider import DatakeenProvider

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "datakeen"
BASE = "https://app.datakeen.test/"
SESSION_ID = "662f5f9c9c18e30012c2f021"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str):
    return json.loads(fixture_bytes(name))


@pytest.fixture
def provider() -> DatakeenProvider:
    return DatakeenProvider(
        ProviderConfig(
            code="datakeen",
            base_url=BASE,
            credentials={"username": "desk@example.com", "password": "pw", "webhook_token": "s3cret-token"},
            max_retries=2,
            public_url="https://kyc.example.com",
        )
    )
