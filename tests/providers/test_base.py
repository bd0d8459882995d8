"""Provider helpers every vendor shares."""

from __future__ import annotations

from providers.base import ProviderConfig
from tests.fakes import FakeProvider


def provider(**credentials: str) -> FakeProvider:
    return FakeProvider(ProviderConfig(code="datakeen", base_url="https://api.example", credentials=credentials))


def test_our_credentials_are_masked_wherever_a_vendors_answer_repeats_them():
    vendor = provider(webhook_token="s3cret-token-value", api_key="key-0123456789")
    answer = {
        "url": "https://kyc.example/webhooks/datakeen/s3cret-token-value/",
        "nested": [{"echo": "Bearer key-0123456789"}, 7, None],
    }

    assert vendor.masked(answer) == {
        "url": "https://kyc.example/webhooks/datakeen/<DATAKEEN_WEBHOOK_TOKEN>/",
        "nested": [{"echo": "Bearer <DATAKEEN_API_KEY>"}, 7, None],
    }


def test_a_short_credential_is_not_masked_in_ordinary_text():
    vendor = provider(partner="7", webhook_token="")

    assert vendor.masked("room 7, floor 17") == "room 7, floor 17"
