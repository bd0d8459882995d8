from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from providers import http
from providers.base import ProviderConfig
from providers.vult.client import VultClient
from providers.vult.provider import VultProvider

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "vult"
BASE = "https://api.vult.invalid/kyc/"
TOKEN_URL = "https://auth.vult.invalid/oauth/token"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def api(path: str) -> str:
    return BASE + path.lstrip("/")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(http.tokens, "clock", fake)
    return fake


@pytest.fixture
def config() -> ProviderConfig:
    return ProviderConfig(
        code="vult",
        base_url=BASE,
        credentials={
            "client_id": "kycdesk-client",
            "client_secret": "s3cret:with/odd chars",
            "token_url": TOKEN_URL,
            "webhook_token": "a-long-webhook-token-0123456789",
            "capture_url": "https://app.example.com/verify/{session_id}",
        },
        public_url="https://kyc.example.com",
    )


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(config, sleeps) -> VultClient:
    return VultClient(config, sleep=sleeps.append)


@pytest.fixture
def provider(config, client) -> VultProvider:
    return VultProvider(config, client=client)


def token_answer(token: str = "tok-1", expires_in: int | None = 3600) -> dict:  # noqa: S107
    body = {"access_token": token, "token_type": "Bearer"}
    if expires_in is not None:
        body["expires_in"] = expires_in
    return body


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
