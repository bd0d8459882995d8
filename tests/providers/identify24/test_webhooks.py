"""Unsigned deliveries: the URL token, the vendor's trailing comma, a notice to pull the truth."""

from __future__ import annotations

import pytest

from providers.base import MalformedPayload, WebhookRejected
from providers.identify24.provider import Identify24Provider

from .helpers import raw_fixture

TOKEN = "sandbox-identify24-webhook_token"


@pytest.fixture
def provider(settings) -> Identify24Provider:
    from kycdesk.services.vendors import get_provider

    return get_provider("identify24")


def test_the_right_url_token_is_accepted_whatever_the_body(provider):
    provider.verify_webhook({}, b"not even json", TOKEN)


@pytest.mark.parametrize("token", ["", "wrong", TOKEN.upper(), TOKEN + "x", TOKEN[:-1]])
def test_any_other_token_is_refused_with_404(provider, token):
    with pytest.raises(WebhookRejected) as caught:
        provider.verify_webhook({}, raw_fixture("webhook_successful.txt"), token)

    assert caught.value.http_status == 404


def test_without_a_configured_token_every_delivery_is_refused(settings):
    from kycdesk.services.vendors import get_provider

    settings.KYCDESK_VENDORS = {
        **settings.KYCDESK_VENDORS,
        "identify24": {**settings.KYCDESK_VENDORS["identify24"], "webhook_token": ""},
    }

    with pytest.raises(WebhookRejected):
        get_provider("identify24").verify_webhook({}, b"{}", "")


def test_the_vendors_own_example_with_its_trailing_comma_is_parsed(provider):
    (notice,) = provider.parse_webhook({}, raw_fixture("webhook_example.txt"))

    assert (notice.external_id, notice.vendor_status, notice.result) == ("xxxxx", "xxxxx", None)


def test_a_successful_delivery_is_a_final_hint_without_a_result(provider):
    (notice,) = provider.parse_webhook({}, raw_fixture("webhook_successful.txt"))

    assert notice.external_id == "e9b57479-644d-11ef-b4ac-005056bb3f3f"
    assert (notice.vendor_status, notice.final, notice.result) == ("Successful", True, None)
    assert notice.dedupe_key == "e9b57479-644d-11ef-b4ac-005056bb3f3f:5:Successful"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b'{"status": "Successful"}',
        b'{"ident_id": ""}',
        b'{"ident_id": 1,,}',
        b"\xff",
        b'{"ident_id": "x"} x',
    ],
)
def test_junk_is_a_malformed_payload(provider, body):
    with pytest.raises(MalformedPayload):
        provider.parse_webhook({}, body)
