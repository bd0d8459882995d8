"""Fuzz every vendor's normalizer and webhook parser: a VerificationResult or a clear error."""

from __future__ import annotations

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hsettings

from providers.base import Capability, MalformedPayload, Provider, VerificationResult, WebhookNotice
from providers.registry import config_for, load_class
from tests.strategies import BODIES, JSON_OBJECTS

CODES = ("datakeen", "idenfy", "vult", "identomat", "identify24")


def provider(code: str) -> Provider:
    block = settings.KYCDESK_VENDORS[code]
    try:
        cls = load_class(block["class"])
    except (ImportError, AttributeError):
        pytest.skip(f"{code} is not built yet")
    return cls(config_for(code, block, public_url="https://kyc.example.com"))


@pytest.mark.parametrize("code", CODES)
@hsettings(max_examples=150, deadline=None)
@given(document=JSON_OBJECTS)
def test_normalize_gives_a_result_or_a_malformed_payload_error(code, document):
    try:
        result = provider(code).normalize(document, external_id="fuzz-1")
    except MalformedPayload:
        return
    assert isinstance(result, VerificationResult)


@pytest.mark.parametrize("code", CODES)
@hsettings(max_examples=150, deadline=None)
@given(body=BODIES)
def test_parse_webhook_gives_notices_or_a_malformed_payload_error(code, body):
    vendor = provider(code)
    if not vendor.supports(Capability.WEBHOOKS):
        pytest.skip(f"{code} sends no webhook (it is polled)")
    try:
        notices = vendor.parse_webhook({"content-type": "application/json"}, body)
    except MalformedPayload:
        return
    assert all(isinstance(n, WebhookNotice) for n in notices)
