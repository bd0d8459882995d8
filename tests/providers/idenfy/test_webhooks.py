"""Verifying and parsing iDenfy deliveries (the provider side; the endpoint is in test_intake)."""

import json

import pytest

from providers.base import MalformedPayload, Status, WebhookRejected
from providers.idenfy import webhooks
from providers.idenfy.webhooks import sign

from .conftest import SIGNING_KEY, raw

AUTO = "IDENTIFICATION_AUTO_FINISHED"
MANUAL = "IDENTIFICATION_MANUAL_FINISHED"


def headers(body: bytes, event: str = AUTO, **extra: str) -> dict[str, str]:
    return {"idenfy-signature": sign(body, SIGNING_KEY), "idenfy-event-type": event, **extra}


# --- verify ----------------------------------------------------------------------------------
def test_a_body_signed_with_our_key_is_accepted(provider):
    body = raw("approved.json")

    provider.verify_webhook(headers(body), body)


def test_the_signature_is_read_whatever_the_case_of_its_header_and_hex(provider):
    body = raw("approved.json")

    provider.verify_webhook({"Idenfy-Signature": sign(body, SIGNING_KEY).upper()}, body)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (None, "The Idenfy-Signature header is missing."),
        ("", "The Idenfy-Signature header is missing."),
        ("deadbeef", "The Idenfy-Signature header does not match the body."),
    ],
)
def test_a_missing_or_wrong_signature_is_refused_with_401(provider, given, message):
    body = raw("approved.json")
    sent = {} if given is None else {"idenfy-signature": given}

    with pytest.raises(WebhookRejected, match=message) as refused:
        provider.verify_webhook(sent, body)
    assert refused.value.http_status == 401


def test_without_a_signing_key_nothing_is_accepted(provider, settings):
    body = raw("approved.json")

    with pytest.raises(WebhookRejected, match="No iDenfy webhook signing key"):
        webhooks.verify(headers(body), body, "")


def test_the_signature_covers_the_raw_bytes_not_the_json_they_spell():
    body = raw("approved.json")
    same_json = json.dumps(json.loads(body)).encode()

    with pytest.raises(WebhookRejected):
        webhooks.verify(headers(body), same_json, SIGNING_KEY)


# --- parse -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fixture", "event", "status", "final"),
    [
        ("approved.json", AUTO, Status.APPROVED, True),
        ("auto_then_manual_auto.json", AUTO, Status.REJECTED, False),
        ("auto_then_manual_manual.json", MANUAL, Status.APPROVED, True),
        ("denied.json", MANUAL, Status.REJECTED, True),
        ("suspected.json", "IDENTIFICATION_RESUBMITTED", Status.NEEDS_REVIEW, True),
        ("expired.json", "IDENTIFICATION_EXPIRED", Status.EXPIRED, True),
        ("cancelled.json", "IDENTIFICATION_CANCELLED", Status.CANCELLED, True),
        ("approved.json", "VIDEO_CALL_FINISHED", Status.APPROVED, True),
        ("legacy.json", "IDENTIFICATION", Status.NEEDS_REVIEW, True),
    ],
)
def test_each_result_event_gives_one_notice_with_its_result(provider, fixture, event, status, final):
    body = raw(fixture)

    (notice,) = provider.parse_webhook(headers(body, event), body)

    assert notice.external_id == json.loads(body)["scanRef"]
    assert (notice.event_type, notice.final, notice.result.status) == (event, final, status)
    assert notice.vendor_status == notice.result.vendor_status


def test_a_legacy_delivery_without_an_event_header_is_read_as_the_legacy_event(provider):
    body = raw("legacy.json")

    (notice,) = provider.parse_webhook({"idenfy-signature": sign(body, SIGNING_KEY)}, body)

    assert (notice.event_type, notice.result.status) == ("IDENTIFICATION", Status.NEEDS_REVIEW)


def test_a_document_expiration_notice_names_its_session_but_carries_no_result(provider):
    body = raw("document_expiration.json")

    for sent in (headers(body, "DOCUMENT_EXPIRATION"), {}):
        (notice,) = provider.parse_webhook(sent, body)
        assert (notice.external_id, notice.event_type, notice.result) == (
            "5a4b1c3e-e0f1-11ee-9c1d-02a8c4f0b2d1",
            "DOCUMENT_EXPIRATION",
            None,
        )


def test_an_unknown_event_type_is_kept_as_a_notice_without_a_result(provider):
    body = raw("approved.json")

    (notice,) = provider.parse_webhook(headers(body, "SOMETHING_NEW"), body)

    assert (notice.event_type, notice.result) == ("SOMETHING_NEW", None)


def test_an_unknown_event_that_names_no_session_gives_no_notice(provider):
    body = b'{"monitoringId": "m-1", "alertStatus": "ALERT"}'

    assert provider.parse_webhook(headers(body, "AML_MONITORING"), body) == []


@pytest.mark.parametrize("body", [b"", b"not json", b"\xff\xfe", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_malformed(provider, body):
    with pytest.raises(MalformedPayload):
        provider.parse_webhook(headers(body), body)


def test_a_result_event_without_scan_ref_is_malformed(provider):
    body = b'{"final": true, "status": {"overall": "APPROVED"}}'

    with pytest.raises(MalformedPayload, match="without scanRef"):
        provider.parse_webhook(headers(body), body)


def test_the_automatic_and_manual_deliveries_of_one_verification_have_different_dedupe_keys(provider):
    auto, manual = raw("auto_then_manual_auto.json"), raw("auto_then_manual_manual.json")

    (first,) = provider.parse_webhook(headers(auto, AUTO), auto)
    (second,) = provider.parse_webhook(headers(manual, MANUAL), manual)
    (again,) = provider.parse_webhook(headers(auto, AUTO), auto)

    assert first.dedupe_key != second.dedupe_key
    assert first.dedupe_key == again.dedupe_key
    assert first.dedupe_key.startswith("b3e5d9c4-e0f1-11ee-92e8-02a8c4f0b2d1|IDENTIFICATION_AUTO_FINISHED|interim|")
    assert len(first.dedupe_key) <= 200
